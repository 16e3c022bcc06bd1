// Progress of the CLI's long operations: on a terminal (a pseudo-terminal here) stderr shows a
// `(rolecall +1.2s) …` line rewritten in place with '\r' and erased at the end; on a pipe the
// output is exactly the usual status lines. Against the real rolecall-server, on an organization
// of a few thousand users with grants (inserted by SQL as the owner, for speed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using testing::TestDatabase;
using testing::TestServer;

constexpr int kUsers = 3000;

class CliProgressE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new TestServer(db_->url());
    org_ = testing::NewOrgId();
    key_ = server_->CreateKey(org_, "admin");
    const std::string org = "'" + org_ + "'";
    db_->Exec("INSERT INTO users (org_id, user_id, email, name) SELECT " + org +
              ", 'usr_p' || i, 'p' || lpad(i::text, 5, '0') || '@example.com', 'P ' || i "
              "FROM generate_series(1, " + std::to_string(kUsers) + ") i");
    db_->Exec("INSERT INTO clouds (org_id, cloud_id, name) VALUES (" + org + ", 'cld_p1', 'c1'), (" +
              org + ", 'cld_p2', 'c2')");
    db_->Exec("INSERT INTO projects (org_id, project_id, cloud_id, name) VALUES (" + org +
              ", 'prj_p1', 'cld_p1', 'web'), (" + org + ", 'prj_p2', 'cld_p2', 'api')");
    db_->Exec("INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role) "
              "SELECT " + org + ", 'usr_p' || i, 1, 'cld_p' || (1 + i % 2), 1 + i % 3 "
              "FROM generate_series(1, " + std::to_string(kUsers) + ") i");
    db_->Exec("INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role) "
              "SELECT " + org + ", 'usr_p' || i, 2, 'prj_p' || (1 + i % 2), 1 + (i + 1) % 3 "
              "FROM generate_series(1, " + std::to_string(kUsers) + ") i");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
  }

  // The CLI on a pseudo-terminal: everything it showed there.
  static testing::CommandResult OnTerminal(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ROLECALL_CLI_BIN, "--server", server_->address(), "--token",
                                     key_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunInPty(argv, {}, std::chrono::seconds(120));
  }

  static std::string Temp(const std::string& what) {
    return "/tmp/rolecall-progress-" + std::to_string(getpid()) + "-" + what;
  }

  static inline TestDatabase* db_ = nullptr;
  static inline TestServer* server_ = nullptr;
  static inline std::string org_, key_;
};

// A progress line: back to the line's start, the status-line format, ESC[K.
MATCHER_P(HasProgress, text, "") {
  return arg.find("\r(rolecall +") != std::string::npos &&
         arg.find(std::string(text)) != std::string::npos &&
         arg.find("\x1b[K") != std::string::npos;
}

TEST_F(CliProgressE2E, ListPermissionsToFile) {
  const std::string tty_file = Temp("tty.json"), pipe_file = Temp("pipe.json");
  const auto tty = OnTerminal({"user", "list-permissions", "-o", tty_file});
  ASSERT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_THAT(tty.out, HasProgress("Listing permissions: "));
  EXPECT_THAT(tty.out, HasSubstr(" users/s)"));
  EXPECT_THAT(tty.out, HasProgress("Writing " + std::to_string(kUsers) + " users to " + tty_file));
  EXPECT_THAT(tty.out, MatchesRegex("(.|\r|\n)*users \\([0-9]+ users/s\\)"
                                    "(.|\r|\n)*\r\x1b\\[K$"))
      << "the progress line is erased at the end";
  EXPECT_THAT(tty.out, HasSubstr("Listing users and their effective permissions..."));

  const auto pipe = server_->Cli({"user", "list-permissions", "-o", pipe_file}, key_);
  ASSERT_EQ(pipe.exit_code, 0) << pipe.err;
  EXPECT_THAT(pipe.err, MatchesRegex("\\(rolecall \\+[0-9]+\\.[0-9]s\\) Listing users and their "
                                     "effective permissions\\.\\.\\.\n"));
  const std::string from_tty = testing::ReadAll(tty_file), from_pipe = testing::ReadAll(pipe_file);
  EXPECT_EQ(from_tty, from_pipe);
  const auto doc = nlohmann::json::parse(from_pipe);
  EXPECT_EQ(doc["users"].size(), static_cast<size_t>(kUsers));
  std::remove(tty_file.c_str());
  std::remove(pipe_file.c_str());
}

TEST_F(CliProgressE2E, ListUsersJson) {
  const std::vector<std::string> args = {"user", "list", "--json", "--no-interactive",
                                         "--max-items", std::to_string(kUsers)};
  const auto tty = OnTerminal(args);
  ASSERT_EQ(tty.exit_code, 0) << tty.out.substr(0, 2000);
  EXPECT_THAT(tty.out, HasProgress("Fetching users: "));
  EXPECT_THAT(tty.out, HasProgress("Formatting " + std::to_string(kUsers) + " users..."));
  EXPECT_THAT(tty.out, HasSubstr("\r\x1b[K[\r\n  {")) << "erased before the data";
  EXPECT_THAT(tty.out, HasSubstr("Fetched " + std::to_string(kUsers) + " users."));

  const auto pipe = server_->Cli(args, key_);
  ASSERT_EQ(pipe.exit_code, 0) << pipe.err;
  EXPECT_THAT(pipe.err, MatchesRegex("\\(rolecall \\+[0-9]+\\.[0-9]s\\) Fetched 3000 users\\.\n"));
  EXPECT_EQ(nlohmann::json::parse(pipe.out).size(), static_cast<size_t>(kUsers));
}

TEST_F(CliProgressE2E, BatchCreateWithPasswords) {
  const auto users_file = [](const std::string& prefix) {
    std::string yaml = "create_users:\n";
    for (int i = 0; i < 8; ++i) {
      yaml += "  - name: " + prefix + std::to_string(i) + "\n    email: " + prefix +
              std::to_string(i) + "@example.com\n    password: 'correct horse " +
              std::to_string(i) + "'\n";
    }
    const std::string path = Temp(prefix + ".yaml");
    std::ofstream(path) << yaml;
    return path;
  };
  const std::string tty_path = users_file("ttyuser"), pipe_path = users_file("pipeuser");
  const auto tty = OnTerminal({"user", "batch-create", "-f", tty_path});
  ASSERT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_THAT(tty.out, HasProgress("Creating 8 users (8 passwords to hash)... "));
  EXPECT_THAT(tty.out, HasSubstr("s elapsed"));
  EXPECT_THAT(tty.out, MatchesRegex("(.|\r|\n)*\r\x1b\\[K\\(rolecall \\+[0-9]+\\.[0-9]s\\) 8 users "
                                    "created\\.\r\n$"))
      << "erased before the final line";

  const auto pipe = server_->Cli({"user", "batch-create", "-f", pipe_path}, key_);
  ASSERT_EQ(pipe.exit_code, 0) << pipe.err;
  EXPECT_THAT(pipe.err, MatchesRegex("\\(rolecall \\+[0-9]+\\.[0-9]s\\) Creating users\\.\\.\\.\n"
                                     "\\(rolecall \\+[0-9]+\\.[0-9]s\\) 8 users created\\.\n"));
  EXPECT_THAT(pipe.err, Not(HasSubstr("\r")));
  std::remove(tty_path.c_str());
  std::remove(pipe_path.c_str());
}

}  // namespace
}  // namespace rolecall
