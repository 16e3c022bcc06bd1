#include "core/user_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rolecall {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::AdminCreateUser Valid(const std::string& email = "ann@example.com") {
  v1::AdminCreateUser u;
  u.set_name("Ann");
  u.set_email(email);
  return u;
}

std::vector<FieldViolation> Check(const std::vector<v1::AdminCreateUser>& users) {
  v1::AdminCreateUsers request;
  for (const auto& u : users) *request.add_create_users() = u;
  return ValidateNewUsers(request);
}

std::vector<std::string> Fields(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.field);
  return out;
}

TEST(UserValidation, AcceptsAValidUser) { EXPECT_THAT(Check({Valid()}), IsEmpty()); }

TEST(UserValidation, RequiresAtLeastOneUser) {
  EXPECT_THAT(Fields(Check({})), ElementsAre("create_users"));
}

TEST(UserValidation, AcceptsOneThousandUsersButNotMore) {
  std::vector<v1::AdminCreateUser> users;
  for (int i = 0; i < 1000; ++i) users.push_back(Valid("u" + std::to_string(i) + "@example.com"));
  EXPECT_THAT(Check(users), IsEmpty());
  users.push_back(Valid("one-more@example.com"));
  const auto v = Check(users);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "create_users");
  EXPECT_THAT(v[0].description, HasSubstr("1000"));
}

TEST(UserValidation, EmailIsRequired) {
  EXPECT_THAT(Fields(Check({Valid("")})), ElementsAre("create_users[0].email"));
}

TEST(UserValidation, EmailNeedsExactlyOneAt) {
  EXPECT_THAT(Fields(Check({Valid("ann.example.com")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("ann@x@example.com")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("@example.com")})), ElementsAre("create_users[0].email"));
}

TEST(UserValidation, EmailDomainNeedsADot) {
  EXPECT_THAT(Fields(Check({Valid("ann@localhost")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("ann@example.")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("ann@.com")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Check({Valid("ann@mail.example.co.uk")}), IsEmpty());
}

TEST(UserValidation, EmailRejectsSpacesAndControlCharacters) {
  EXPECT_THAT(Fields(Check({Valid("a nn@example.com")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("ann\t@example.com")})), ElementsAre("create_users[0].email"));
  EXPECT_THAT(Fields(Check({Valid("ann\x7f@example.com")})), ElementsAre("create_users[0].email"));
}

TEST(UserValidation, EmailAtMost254Characters) {
  const std::string domain = "@example.com";
  EXPECT_THAT(Check({Valid(std::string(254 - domain.size(), 'a') + domain)}), IsEmpty());
  EXPECT_THAT(Fields(Check({Valid(std::string(255 - domain.size(), 'a') + domain)})),
              ElementsAre("create_users[0].email"));
}

TEST(UserValidation, NameIsRequired) {
  auto u = Valid();
  u.clear_name();
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].name"));
}

TEST(UserValidation, NameLastnameTitleAtMost256CodePoints) {
  auto u = Valid();
  u.set_name(std::string(256, 'n'));
  u.set_lastname(std::string(128, 'x') + std::string(128, 'y'));
  // 256 two-byte characters are 256 code points: allowed.
  std::string accented;
  for (int i = 0; i < 256; ++i) accented += "\xc3\xa9";
  u.set_title(accented);
  EXPECT_THAT(Check({u}), IsEmpty());
  u.set_name(std::string(257, 'n'));
  u.set_lastname(std::string(257, 'l'));
  u.set_title(accented + "!");
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].name", "create_users[0].lastname",
                                              "create_users[0].title"));
}

TEST(UserValidation, NameFieldsRejectControlCharacters) {
  auto u = Valid();
  u.set_name("Ann\nEvil");
  u.set_lastname("B\x01");
  u.set_title("C\xc2\x85");  // U+0085, a C1 control
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].name", "create_users[0].lastname",
                                              "create_users[0].title"));
}

TEST(UserValidation, DuplicateEmailInBatchIsCaseInsensitive) {
  const auto v =
      Check({Valid("ann@example.com"), Valid("bob@example.com"), Valid("ANN@Example.com")});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "create_users[2].email");
  EXPECT_THAT(v[0].description, HasSubstr("create_users[0]"));
}

TEST(UserValidation, SsoUsersCannotHaveAPassword) {
  auto u = Valid();
  u.set_is_sso_user(true);
  EXPECT_THAT(Check({u}), IsEmpty());
  u.set_password("long enough password");
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].password"));
}

TEST(UserValidation, PasswordLengthIs8To1024WhenSet) {
  auto u = Valid();
  u.set_password("");  // empty: invited, no password
  EXPECT_THAT(Check({u}), IsEmpty());
  u.set_password("1234567");
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].password"));
  u.set_password("12345678");
  EXPECT_THAT(Check({u}), IsEmpty());
  u.set_password(std::string(1024, 'p'));
  EXPECT_THAT(Check({u}), IsEmpty());
  u.set_password(std::string(1025, 'p'));
  EXPECT_THAT(Fields(Check({u})), ElementsAre("create_users[0].password"));
}

TEST(UserValidation, ReportsEveryProblemOfEveryEntry) {
  auto a = Valid("bad");
  a.clear_name();
  auto b = Valid("ok@example.com");
  b.set_password("short");
  EXPECT_THAT(
      Fields(Check({a, Valid("fine@example.com"), b})),
      ElementsAre("create_users[0].email", "create_users[0].name", "create_users[2].password"));
}

TEST(InvalidFields, CarriesEveryViolationInTheStatus) {
  const absl::Status s = InvalidFields({{"a", "first"}, {"b", "second"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("a: first"));
  const auto back = FieldViolationsOf(s);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].field, "b");
  EXPECT_EQ(back[1].description, "second");
  EXPECT_TRUE(InvalidFields({}).ok());
}

}  // namespace
}  // namespace rolecall
