#include "cli/users_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/reference_examples.h"

namespace rolecall::cli {
namespace {

using ::testing::HasSubstr;

TEST(UsersFile, ParsesTheReferenceExample) {
  auto parsed = ParseUsersYaml(testing::kReferenceUsersFile, "users.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->create_users_size(), 2);
  const auto& second = parsed->create_users(1);
  EXPECT_EQ(second.name(), "name2");
  EXPECT_EQ(second.email(), "test2@anyscale.com");
  EXPECT_EQ(second.password(), "");
  EXPECT_FALSE(second.is_sso_user());
  EXPECT_EQ(second.lastname(), "lastname2");
  EXPECT_EQ(second.title(), "title2");
}

TEST(UsersFile, NullAndAbsentOptionalFieldsAreUnset) {
  auto parsed = ParseUsersYaml(
      "create_users:\n  - {name: a, email: a@b.co, password: null, is_sso_user: true}\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->create_users(0).has_password());
  EXPECT_FALSE(parsed->create_users(0).has_lastname());
  EXPECT_TRUE(parsed->create_users(0).is_sso_user());
}

TEST(UsersFile, SyntaxErrorNamesTheLine) {
  auto parsed = ParseUsersYaml("create_users:\n  - name: a\n    email: [unclosed\n", "users.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("users.yaml:"));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("YAML syntax error"));
}

TEST(UsersFile, MissingCreateUsersListIsAnError) {
  for (const char* text : {"", "users:\n  - name: a\n", "- a\n- b\n"}) {
    auto parsed = ParseUsersYaml(text, "f.yaml");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("create_users"));
  }
  EXPECT_FALSE(ParseUsersYaml("create_users: 3\n", "f").ok());
}

TEST(UsersFile, UnknownKeyIsAnErrorWithItsLine) {
  auto parsed =
      ParseUsersYaml("create_users:\n  - name: a\n    email: a@b.co\n    role: owner\n", "u.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("u.yaml:4"));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("unknown key 'role'"));
  EXPECT_FALSE(ParseUsersYaml("create_users: []\nextra: 1\n", "f").ok());
}

TEST(UsersFile, WrongTypesAreErrors) {
  EXPECT_FALSE(ParseUsersYaml("create_users:\n  - {name: a, is_sso_user: maybe}\n", "f").ok());
  EXPECT_FALSE(ParseUsersYaml("create_users:\n  - {name: [a, b]}\n", "f").ok());
  EXPECT_FALSE(ParseUsersYaml("create_users:\n  - just a string\n", "f").ok());
}

TEST(UsersFile, MissingFileIsNotFound) {
  auto parsed = ReadUsersFile("/nonexistent/users.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("/nonexistent/users.yaml"));
}

}  // namespace
}  // namespace rolecall::cli
