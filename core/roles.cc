#include "core/roles.h"

#include "absl/strings/str_cat.h"
#include "core/input.h"
#include "core/names.h"

namespace rolecall {

namespace {

// "write" after "collaborator": an alias that parses but is never printed.
constexpr Named<Role> kRoleNames[] = {{Role::kOwner, "owner"},
                                      {Role::kCollaborator, "collaborator"},
                                      {Role::kCollaborator, "write"},
                                      {Role::kReadonly, "readonly"}};

constexpr Named<ResourceKind> kResourceKindNames[] = {{ResourceKind::kOrganization, "organization"},
                                                      {ResourceKind::kCloud, "cloud"},
                                                      {ResourceKind::kProject, "project"}};

}  // namespace

std::string_view RoleName(Role role) { return NameIn(kRoleNames, role); }

std::string_view ResourceKindName(ResourceKind kind) { return NameIn(kResourceKindNames, kind); }

absl::StatusOr<Role> ParseRole(std::string_view name, ResourceKind kind) {
  Role role = ValueIn(kRoleNames, name).value_or(Role::kNone);
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
