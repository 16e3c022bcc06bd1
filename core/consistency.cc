#include "core/consistency.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rolecall {
namespace {

std::string Scope(std::string_view org_id) { return PageScope(org_id, "consistency", {}); }

}  // namespace

std::string EncodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                   int64_t revision) {
  return codec.Encode(Scope(org_id), {absl::StrCat(revision)});
}

absl::StatusOr<int64_t> DecodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field) {
  const auto fields = codec.Decode(Scope(org_id), token);
  int64_t revision = -1;
  if (!fields.ok() || fields->size() != 1 || !absl::SimpleAtoi((*fields)[0], &revision) ||
      revision < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(absl::string_view(field.data(), field.size()),
                     " is not a consistency token of this organization: it was altered, or was "
                     "issued for another organization"));
  }
  return revision;
}

}  // namespace rolecall
