#include "core/input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/ids.h"
#include "core/request_validation.h"
#include "rolecall/v1/directory.pb.h"
#include "rolecall/v1/permissions.pb.h"
#include "rolecall/v1/users.pb.h"

namespace rolecall {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

TEST(Ids, AreThePrefixAndUpTo32LowercaseLettersAndDigits) {
  EXPECT_TRUE(IsWellFormedId(NewId("usr_"), kUserPrefix));
  EXPECT_TRUE(IsWellFormedId("usr_owner", kUserPrefix));  // the reference's ids
  EXPECT_TRUE(IsWellFormedId("cld_111", kCloudPrefix));
  EXPECT_TRUE(IsWellFormedId("usr_" + std::string(32, 'a'), kUserPrefix));
  for (const std::string& bad : std::vector<std::string>{
           "", "usr_", "usr", "cld_111", "usr_" + std::string(33, 'a'), "usr_A", "usr_a-b",
           "usr_a\n", "usr_a'", "usr_a b", "usr_\xc3\xa9", std::string("usr_a\0b", 7)}) {
    EXPECT_FALSE(IsWellFormedId(bad, kUserPrefix)) << bad;
  }
  EXPECT_TRUE(IdProblem("usr_abc", kUserPrefix).empty());
  EXPECT_EQ(IdProblem("x'; DROP TABLE users; --", kUserPrefix),
            "'x'; DROP TABLE users; --' is not an id of the form usr_… (up to 32 lowercase "
            "letters and digits)");
}

TEST(Ids, ServiceAccountSlugKeepsSafeCharactersAndFoldsTheRest) {
  EXPECT_EQ(ServiceAccountSlug("Service Bot"), "service-bot");
  EXPECT_EQ(ServiceAccountSlug("  CI / deploy.bot_2  "), "ci-deploy.bot_2");
  EXPECT_EQ(ServiceAccountSlug("x'; DROP TABLE users; --"), "x-drop-table-users");
  EXPECT_EQ(ServiceAccountSlug("Ünï"), "n");
  EXPECT_EQ(ServiceAccountSlug("!!!"), "");
}

TEST(Text, IsBoundedUtf8WithoutControlCharacters) {
  EXPECT_TRUE(TextProblem("Ünïcødé 😀 ‮", 256).empty());
  EXPECT_EQ(TextProblem(std::string(257, 'a'), 256), "is longer than 256 characters");
  EXPECT_TRUE(TextProblem(std::string(256, 'a'), 256).empty());
  EXPECT_EQ(TextProblem("a\nb", 256), "contains a control character");
  EXPECT_EQ(TextProblem(std::string("a\0b", 3), 256), "contains a control character");
  EXPECT_EQ(TextProblem("a\xc2\x85", 256), "contains a control character");  // U+0085
  EXPECT_EQ(TextProblem("\xc0\xaf", 256), "is not valid UTF-8");             // overlong '/'
  EXPECT_EQ(TextProblem("\xed\xa0\x80", 256), "is not valid UTF-8");         // a surrogate
  EXPECT_EQ(TextProblem("\xff", 256), "is not valid UTF-8");
}

TEST(Clip, KeepsAtMost64CharactersAndNoControls) {
  EXPECT_EQ(Clip("short"), "short");
  EXPECT_EQ(Clip(std::string(2 << 20, 'x')), std::string(64, 'x') + "…");
  EXPECT_EQ(Clip("a\nb\x01\xff"), "a?b??");
  EXPECT_EQ(Clip(std::string(63, 'x') + "😀😀"), std::string(63, 'x') + "😀…");
  EXPECT_EQ(ClipList({"a", "b", "c", "d", "e", "f", "g"}), "a, b, c, d, e and 2 more");
}

TEST(RequestValidation, ChecksEveryStringFieldByItsName) {
  v1::CheckPermissionRequest check;
  check.set_user_id("usr_abc");
  check.mutable_resource()->set_cloud_id("cld_111");
  check.set_min_role("owner");
  EXPECT_THAT(ValidateRequestStrings(check), IsEmpty());

  check.set_user_id(std::string(2 << 20, 'x'));
  check.mutable_resource()->set_project_id("prj_$$");
  check.set_min_role("owner\n");
  const auto violations = ValidateRequestStrings(check);
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].field, "user_id");
  EXPECT_LT(violations[0].description.size(), 200u);  // the 2 MB value is clipped
  EXPECT_EQ(violations[1].field, "resource.project_id");
  EXPECT_EQ(violations[2].field, "min_role");

  v1::GroupMembersRequest members;
  members.set_group_id("ug_readers");
  members.add_users("usr_abc");
  members.add_users("alice@p72.com");
  members.add_users("usr_abc' OR 1=1");
  members.add_users(std::string(400, 'a') + "@example.com");
  const auto member_violations = ValidateRequestStrings(members);
  EXPECT_THAT(member_violations, ElementsAre(Field(&FieldViolation::field, "users[2]"),
                                             Field(&FieldViolation::field, "users[3]")));

  v1::AdminCreateUsers users;
  auto* u = users.add_create_users();
  u->set_email("a@b.co");
  u->set_name("A");
  u->set_title(std::string("t\0", 2));
  EXPECT_THAT(ValidateRequestStrings(users),
              ElementsAre(Field(&FieldViolation::field, "create_users[0].title")));

  v1::GetUserGroupRequest group;
  group.set_id("usr_abc");  // a user group request's `id` is a group id
  EXPECT_THAT(ValidateRequestStrings(group), ElementsAre(Field(&FieldViolation::field, "id")));
  v1::ListRequest list;
  list.set_parent_id("cld_111");
  list.set_page_token(std::string(5000, 'a'));
  EXPECT_THAT(ValidateRequestStrings(list),
              ElementsAre(Field(&FieldViolation::field, "page_token")));
}

}  // namespace
}  // namespace rolecall
