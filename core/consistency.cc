#include "core/consistency.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace rolecall {
namespace {

std::string Scope(std::string_view org_id) { return PageScope(org_id, "consistency", {}); }

}  // namespace

std::string EncodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                   int64_t revision) {
  return codec.Encode(Scope(org_id), {absl::StrCat(revision)});
}

std::string EncodeChangeToken(const PageTokenCodec& codec, std::string_view org_id,
                              const ChangeCursor& at) {
  if (at.seq == ChangeCursor::kWholeRevision) {
    return EncodeConsistencyToken(codec, org_id, at.revision);
  }
  return codec.Encode(Scope(org_id), at.Fields());
}

absl::StatusOr<ChangeCursor> DecodeChangeToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field) {
  const auto fields = codec.Decode(Scope(org_id), token);
  ChangeCursor at{.revision = -1, .seq = ChangeCursor::kWholeRevision};
  if (fields.ok() && fields->size() == 2) {
    if (auto change = ChangeCursor::Decode(*fields); change.ok()) return *change;
  } else if (fields.ok() && fields->size() == 1 && absl::SimpleAtoi((*fields)[0], &at.revision) &&
             at.revision >= 0) {
    return at;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(field.data(), field.size()),
                   " is not a consistency token of this organization: it was altered, or was "
                   "issued for another organization"));
}

absl::StatusOr<int64_t> DecodeConsistencyToken(const PageTokenCodec& codec, std::string_view org_id,
                                               std::string_view token, std::string_view field) {
  ASSIGN_OR_RETURN(const ChangeCursor at, DecodeChangeToken(codec, org_id, token, field));
  return at.revision;
}

}  // namespace rolecall
