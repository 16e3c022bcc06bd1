#include "core/roles.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/input.h"

namespace rolecall {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kCollaborator:
      return "collaborator";
    case Role::kReadonly:
      return "readonly";
    case Role::kNone:
      break;
  }
  return "";
}

std::string_view ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kOrganization:
      return "organization";
    case ResourceKind::kCloud:
      return "cloud";
    case ResourceKind::kProject:
      return "project";
  }
  return "";
}

absl::StatusOr<Role> ParseRole(std::string_view name, ResourceKind kind) {
  const std::string lower = absl::AsciiStrToLower(std::string(name));
  Role role = Role::kNone;
  if (lower == "owner") role = Role::kOwner;
  if (lower == "collaborator" || lower == "write") role = Role::kCollaborator;
  if (lower == "readonly") role = Role::kReadonly;
  if (kind == ResourceKind::kOrganization && role == Role::kReadonly) role = Role::kNone;
  if (role != Role::kNone) return role;
  const char* accepted = kind == ResourceKind::kOrganization
                             ? "owner, collaborator"
                             : "owner, collaborator (or write), readonly";
  return absl::InvalidArgumentError(absl::StrCat("unknown ", std::string(ResourceKindName(kind)),
                                                 " role '", Clip(name),
                                                 "'; expected one of: ", accepted));
}

}  // namespace rolecall
