#include "core/roles.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(Role, AllowsWhenAtLeastTheRequiredRole) {
  // Every pair: allowed when the effective role is at least the required one; requiring none
  // allows nothing.
  const Role kLowToHigh[] = {Role::kNone, Role::kReadonly, Role::kCollaborator, Role::kOwner};
  for (int effective = 0; effective < 4; ++effective) {
    for (int required = 0; required < 4; ++required) {
      EXPECT_EQ(Allows(kLowToHigh[effective], kLowToHigh[required]),
                required > 0 && effective >= required)
          << "effective " << effective << ", required " << required;
    }
  }
}

TEST(Role, WriteIsAnAliasOfCollaborator) {
  EXPECT_EQ(*ParseRole("write", ResourceKind::kProject), Role::kCollaborator);
  EXPECT_EQ(*ParseRole("Write", ResourceKind::kCloud), Role::kCollaborator);
}

TEST(Role, OrganizationTakesOnlyOwnerAndCollaborator) {
  EXPECT_EQ(*ParseRole("owner", ResourceKind::kOrganization), Role::kOwner);
  EXPECT_EQ(*ParseRole("collaborator", ResourceKind::kOrganization), Role::kCollaborator);
  EXPECT_FALSE(ParseRole("readonly", ResourceKind::kOrganization).ok());
  EXPECT_EQ(*ParseRole("readonly", ResourceKind::kCloud), Role::kReadonly);
}

TEST(Role, UnknownNamesAreInvalid) {
  auto s = ParseRole("admin", ResourceKind::kProject);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Role, NamesRoundTrip) {
  for (Role r : {Role::kReadonly, Role::kCollaborator, Role::kOwner}) {
    EXPECT_EQ(*ParseRole(RoleName(r), ResourceKind::kProject), r);
  }
  EXPECT_EQ(RoleName(Role::kNone), "");
}

}  // namespace
}  // namespace rolecall
