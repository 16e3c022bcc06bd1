#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/page_token.h"

namespace rolecall {

// Consistency tokens: an organization's revision (storage/migrations/0004_changes.sql), opaque
// and tamper-evident like page tokens (the same MAC key, another scope), and bound to the
// organization, so a token is refused by every other one. Revisions replicate with the data,
// so a token stays meaningful on any replica.
std::string EncodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                   int64_t revision);

// The revision of a token EncodeConsistencyToken made for `org_id`; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<int64_t> DecodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field);

}  // namespace rolecall
