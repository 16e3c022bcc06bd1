#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rolecall {

// Roles form a total order; the effective role is the maximum of everything granted.
// The numeric values are stored in PostgreSQL (grants.role) and must not change.
enum class Role : int { kNone = 0, kReadonly = 1, kCollaborator = 2, kOwner = 3 };

enum class ResourceKind : int { kOrganization = 0, kCloud = 1, kProject = 2 };

// "owner", "collaborator", "readonly"; "" for kNone.
std::string_view RoleName(Role role);

// Parses a role name valid on `kind` (case-insensitive; "write" is an alias of "collaborator").
// The organization takes only owner and collaborator. Errors name the accepted values.
absl::StatusOr<Role> ParseRole(std::string_view name, ResourceKind kind);

// Whether `effective` is at least `required`.
inline bool Allows(Role effective, Role required) {
  return required != Role::kNone && static_cast<int>(effective) >= static_cast<int>(required);
}

std::string_view ResourceKindName(ResourceKind kind);

}  // namespace rolecall
