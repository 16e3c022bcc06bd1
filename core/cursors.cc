#include "core/cursors.h"

#include "absl/strings/numbers.h"
#include "core/roles.h"

namespace rolecall {
namespace {

absl::Status Malformed() {
  return absl::InvalidArgumentError("page_token is invalid: it was issued for another listing");
}

}  // namespace

absl::StatusOr<EmailCursor> EmailCursor::Decode(const std::vector<std::string>& fields) {
  if (fields.size() != 1) return Malformed();
  return EmailCursor{fields[0]};
}

absl::StatusOr<NameIdCursor> NameIdCursor::Decode(const std::vector<std::string>& fields) {
  if (fields.size() != 2) return Malformed();
  return NameIdCursor{fields[0], fields[1]};
}

absl::StatusOr<KeyIdCursor> KeyIdCursor::Decode(const std::vector<std::string>& fields) {
  if (fields.size() != 1) return Malformed();
  return KeyIdCursor{fields[0]};
}

std::vector<std::string> GrantCursor::Fields() const {
  return {group ? "g" : "u", principal_id, std::to_string(role)};
}

absl::StatusOr<GrantCursor> GrantCursor::Decode(const std::vector<std::string>& fields) {
  int role = 0;
  if (fields.size() != 3 || (fields[0] != "g" && fields[0] != "u") ||
      !absl::SimpleAtoi(fields[2], &role) || role < static_cast<int>(Role::kReadonly) ||
      role > static_cast<int>(Role::kOwner)) {
    return Malformed();
  }
  return GrantCursor{fields[0] == "g", fields[1], role};
}

std::vector<std::string> ChangeCursor::Fields() const {
  return {std::to_string(revision), std::to_string(seq)};
}

absl::StatusOr<ChangeCursor> ChangeCursor::Decode(const std::vector<std::string>& fields) {
  ChangeCursor c;
  if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &c.revision) ||
      !absl::SimpleAtoi(fields[1], &c.seq) || c.revision < 0 || c.seq < 1) {
    return Malformed();
  }
  return c;
}

}  // namespace rolecall
