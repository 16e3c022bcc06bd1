#include "core/roles.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(Role, AllowsWhenAtLeastTheRequiredRole) {
  EXPECT_TRUE(Allows(Role::kOwner, Role::kReadonly));
  EXPECT_TRUE(Allows(Role::kCollaborator, Role::kCollaborator));
  EXPECT_FALSE(Allows(Role::kReadonly, Role::kCollaborator));
  EXPECT_FALSE(Allows(Role::kNone, Role::kReadonly));
  EXPECT_FALSE(Allows(Role::kOwner, Role::kNone));
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
