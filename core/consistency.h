#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/cursors.h"
#include "core/page_token.h"

namespace rolecall {

// Consistency tokens: an organization's revision (storage/migrations/0004_changes.sql), opaque
// and tamper-evident like page tokens (the same MAC key, another scope), and bound to the
// organization, so a token is refused by every other one. Revisions replicate with the data,
// so a token stays meaningful on any replica.
std::string EncodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                   int64_t revision);

// A token for a place in the change log: right after change `at` (as a read's requirement, at
// least the state of `at.revision`). A whole revision's place is its consistency token.
std::string EncodeChangeToken(const PageTokenCodec& codec, std::string_view org_id,
                              const ChangeCursor& at);

// The revision of a token either function made for `org_id`; INVALID_ARGUMENT naming `field`
// otherwise.
absl::StatusOr<int64_t> DecodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field);

// The place a token either function made for `org_id` stands for (a consistency token: after
// the whole revision); INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<ChangeCursor> DecodeChangeToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field);

}  // namespace rolecall
