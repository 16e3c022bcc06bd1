// The user commands end to end: the real rolecall CLI and a C++ gRPC client against the real
// rolecall-server, on the demo organization and on fresh ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "tests/support/demo_server.h"
#include "tests/support/reference_examples.h"

namespace rolecall {
namespace {

using testing::AuthedContext;
using ::testing::HasSubstr;
using ::testing::Not;

std::string WriteTemp(const std::string& text) {
  static int n = 0;
  const std::string path =
      "/tmp/rolecall-users-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

// A batch of `n` users, the i-th with email(i) and name(i).
v1::AdminCreateUsers Batch(
    int n, const std::function<std::string(int)>& email,
    const std::function<std::string(int)>& name = [](int) { return "N"; }) {
  v1::AdminCreateUsers batch;
  for (int i = 0; i < n; ++i) {
    auto* u = batch.add_create_users();
    u->set_email(email(i));
    u->set_name(name(i));
  }
  return batch;
}

class UserE2E : public testing::DemoServerTest {
 protected:
  // A fresh organization with `n` users u000@… and an admin key.
  static std::string OrgWithUsers(int n, std::string* org_out = nullptr) {
    const std::string org = testing::NewOrgId();
    const std::string key = server_->CreateKey(org, "admin");
    if (n > 0) {
      const auto email = [](int i) {
        char text[32];
        std::snprintf(text, sizeof text, "u%03d@example.com", i);
        return std::string(text);
      };
      EXPECT_TRUE(
          BatchCreate(key, Batch(n, email, [](int i) { return i % 2 ? "Odd" : "Even"; })).ok());
    }
    if (org_out) *org_out = org;
    return key;
  }

  // AdminBatchCreateUsers of `batch` with `key`.
  static grpc::Status BatchCreate(const std::string& key, const v1::AdminCreateUsers& batch) {
    auto stub = v1::UserService::NewStub(server_->Channel());
    v1::AdminBatchCreateUsersResponse response;
    return stub->AdminBatchCreateUsers(AuthedContext(key).get(), batch, &response);
  }

  static std::vector<v1::ListUsersPage> List(const std::string& key,
                                             const v1::ListUsersRequest& request,
                                             grpc::Status* status) {
    auto stub = v1::UserService::NewStub(server_->Channel());
    return testing::ReadStream(*stub, &v1::UserService::Stub::ListUsers, key, request, status);
  }
};

TEST_F(UserE2E, ReferenceBatchCreateExample) {
  const std::string key = OrgWithUsers(0);
  const auto result = server_->Cli(
      {"user", "batch-create", "--users-file", WriteTemp(testing::kReferenceUsersFile)}, key);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err,
              ::testing::MatchesRegex("\\(rolecall \\+[0-9]+\\.[0-9]s\\) Creating users\\.\\.\\.\n"
                                      "\\(rolecall \\+[0-9]+\\.[0-9]s\\) 2 users created\\.\n"));
  const auto get = server_->Cli({"user", "get", "--email", "TEST2@anyscale.com", "--json"}, key);
  EXPECT_THAT(get.out, HasSubstr("\"name\": \"name2\""));
  EXPECT_THAT(get.out, HasSubstr("\"permission_level\": \"collaborator\""));
  // Again: every email exists now; nothing is created and both are named.
  const auto again =
      server_->Cli({"user", "batch-create", "-f", WriteTemp(testing::kReferenceUsersFile)}, key);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("test1@anyscale.com, test2@anyscale.com"));
}

TEST_F(UserE2E, InvalidEntriesAreReportedOnePerLineAndNothingIsCreated) {
  std::string org;
  const std::string key = OrgWithUsers(0, &org);
  const auto result = server_->Cli(
      {"user", "batch-create", "-f",
       WriteTemp("create_users:\n  - {name: ok, email: ok@x.io}\n  - {name: a, email: bad}\n"
                 "  - {name: '', email: c@x.io, password: short}\n")},
      key);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("Error: create_users[1].email: "));
  EXPECT_THAT(result.err, HasSubstr("Error: create_users[2].name: "));
  EXPECT_THAT(result.err, HasSubstr("Error: create_users[2].password: "));
  EXPECT_EQ(db_->Scalar("SELECT count(*) FROM users WHERE org_id = '" + org + "'"), "0");
}

TEST_F(UserE2E, BadFilesFailBeforeAnythingIsSent) {
  const std::string key = OrgWithUsers(0);
  const auto missing = server_->Cli({"user", "batch-create", "-f", "/nonexistent.yaml"}, key);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.err, HasSubstr("cannot read users file '/nonexistent.yaml'"));
  EXPECT_THAT(missing.err, Not(HasSubstr("Creating users")));
  const auto unknown = server_->Cli(
      {"user", "batch-create", "-f", WriteTemp("create_users:\n  - {name: a, emial: a@b.io}\n")},
      key);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("unknown key 'emial'"));
  EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1);
}

TEST_F(UserE2E, FieldViolationsTravelAsBadRequestDetails) {
  const std::string key = OrgWithUsers(0);
  const grpc::Status status = BatchCreate(
      key, Batch(4, [](int i) { return i == 3 ? "broken" : "ok" + std::to_string(i) + "@x.io"; }));
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "create_users[3].email");
}

TEST_F(UserE2E, BatchesAboveOneThousandAreRefused) {
  const std::string key = OrgWithUsers(0);
  const auto email = [](int i) { return "u" + std::to_string(i) + "@x.io"; };
  EXPECT_EQ(BatchCreate(key, Batch(1001, email)).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UserE2E, PasswordsAreStoredOnlyAsArgon2idHashes) {
  std::string org;
  const std::string key = OrgWithUsers(0, &org);
  v1::AdminCreateUsers batch = Batch(
      1, [](int) { return "p@x.io"; }, [](int) { return "P"; });
  batch.mutable_create_users(0)->set_password("correct horse battery");
  ASSERT_TRUE(BatchCreate(key, batch).ok());
  const std::string hash =
      db_->Scalar("SELECT password_hash FROM users WHERE org_id = '" + org + "'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_THAT(hash, Not(HasSubstr("correct horse")));
}

TEST_F(UserE2E, ReferenceListExampleOnTheDemoOrganization) {
  const auto result =
      server_->Cli({"user", "list", "--page-size", "5", "--no-interactive"}, demo_admin_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "USERS:\n"
            "EMAIL                                       ID          NAME         ROLE          "
            "CREATED AT\n"
            "admin1@p72.com                              usr_aaa     Admin One    owner         "
            "2024-01-01 09:00\n"
            "alice@p72.com                               usr_abc     Alice        collaborator  "
            "2024-01-15 10:00\n"
            "owner@anyscale.com                          usr_owner   Owner Name   owner         "
            "2024-01-01 12:00\n"
            "service-bot@org-org_p72.serviceaccount.com  usr_svcbot  Service Bot  collaborator  "
            "2024-02-01 08:30\n");
  EXPECT_THAT(result.err, HasSubstr("Defaulting to 10 items in batch mode; use --max-items to "
                                    "override."));
  EXPECT_THAT(result.err, HasSubstr("Fetched 4 users."));
}

TEST_F(UserE2E, ReferenceGetExampleOnTheDemoOrganization) {
  const auto json =
      server_->Cli({"user", "get", "--email", "owner@anyscale.com", "--json"}, demo_admin_);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, testing::kReferenceGetJson);
  const auto yaml = server_->Cli({"user", "get", "--name", "Service Bot"}, demo_admin_);
  EXPECT_THAT(yaml.out, HasSubstr("email: service-bot@org-org_p72.serviceaccount.com\n"));
  const auto none = server_->Cli({"user", "get", "--email", "ghost@p72.com"}, demo_admin_);
  EXPECT_NE(none.exit_code, 0);
  EXPECT_EQ(none.err, "Error: No user found matching 'ghost@p72.com'.\n");
  const auto neither = server_->Cli({"user", "get"}, demo_admin_);
  EXPECT_NE(neither.exit_code, 0);
  EXPECT_THAT(neither.err, HasSubstr("Provide --email or --name."));
  const auto filtered =
      server_->Cli({"user", "get", "--name", "Service Bot", "--user-account"}, demo_admin_);
  EXPECT_NE(filtered.exit_code, 0);
}

TEST_F(UserE2E, GetByAmbiguousNameAsksForEmail) {
  const std::string key = OrgWithUsers(4);  // names Even, Odd, Even, Odd
  const auto result = server_->Cli({"user", "get", "--name", "Odd"}, key);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("2 users"));
  EXPECT_THAT(result.err, HasSubstr("--email"));
}

TEST_F(UserE2E, ListOptionsAreCheckedLikeTheReference) {
  const auto big =
      server_->Cli({"user", "list", "--page-size", "51", "--no-interactive"}, demo_admin_);
  EXPECT_NE(big.exit_code, 0);
  EXPECT_THAT(big.err, HasSubstr("'page_size' must be between 1 and 50, inclusive."));
  const auto both =
      server_->Cli({"user", "list", "--max-items", "3", "--interactive"}, demo_admin_);
  EXPECT_NE(both.exit_code, 0);
  EXPECT_THAT(both.err, HasSubstr("--max-items only allowed with --no-interactive"));
  const auto json = server_->Cli(
      {"user", "list", "--service-account", "--json", "--no-interactive", "--max-items", "5"},
      demo_admin_);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"name\": \"Service Bot\""));
  EXPECT_THAT(json.out, Not(HasSubstr("alice")));
  EXPECT_EQ(json.out.front(), '[');
}

TEST_F(UserE2E, MaxItemsCapsTheListing) {
  const std::string key = OrgWithUsers(30);
  const auto result = server_->Cli(
      {"user", "list", "--no-interactive", "--max-items", "12", "--page-size", "5"}, key);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("u011@example.com"));
  EXPECT_THAT(result.out, Not(HasSubstr("u012@example.com")));
  EXPECT_THAT(result.err, HasSubstr("Fetched 12 users."));
}

TEST_F(UserE2E, InteractivePagingShowsTheNextPageOnEnterAndStopsOnQ) {
  const std::string key = OrgWithUsers(9);
  // `script` gives the CLI a terminal; Enter shows page 2, q stops before page 3.
  const std::string command = std::string(ROLECALL_CLI_BIN) + " --server " + server_->address() +
                              " --token " + key + " user list --page-size 3";
  const auto result = testing::RunCommand({"script", "-qfec", command, "/dev/null"}, "\nq\n");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("u002@example.com"));
  EXPECT_THAT(result.out, HasSubstr("Press Enter to continue, q to quit"));
  EXPECT_THAT(result.out, HasSubstr("u005@example.com"));
  EXPECT_THAT(result.out, Not(HasSubstr("u006@example.com")));
}

TEST_F(UserE2E, StreamedPagesResumeFromTheirTokens) {
  const std::string key = OrgWithUsers(23);
  v1::ListUsersRequest request;
  request.set_page_size(5);
  request.set_max_items(7);
  grpc::Status status;
  auto pages = List(key, request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].users_size(), 5);
  EXPECT_EQ(pages[1].users_size(), 2);
  ASSERT_FALSE(pages[1].next_page_token().empty());  // more rows remain after max_items
  std::vector<std::string> seen;
  for (const auto& p : pages)
    for (const auto& u : p.users()) seen.push_back(u.email());
  request.set_max_items(0);
  request.set_page_token(pages[1].next_page_token());
  auto rest = List(key, request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].next_page_token().empty(), i + 1 == rest.size());
    for (const auto& u : rest[i].users()) seen.push_back(u.email());
  }
  ASSERT_EQ(seen.size(), 23u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 23u);
}

TEST_F(UserE2E, TamperedOrMismatchedTokensAreInvalid) {
  const std::string key = OrgWithUsers(6);
  v1::ListUsersRequest request;
  request.set_page_size(2);
  request.set_max_items(2);
  grpc::Status status;
  const std::string token = List(key, request, &status)[0].next_page_token();
  ASSERT_FALSE(token.empty());
  std::string tampered = token;
  tampered[tampered.size() / 2] ^= 1;
  request.set_page_token(tampered);
  List(key, request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_token(token);
  request.set_name("Odd");
  List(key, request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Another organization's key cannot use the token either.
  request.clear_name();
  List(OrgWithUsers(6), request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_size(51);
  request.clear_page_token();
  List(key, request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "'page_size' must be between 1 and 50, inclusive.");
  request.set_page_size(0);
  request.set_collaborator_type("robots");
  List(key, request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UserE2E, BufCurlListsUsersWithAKey) {
  const auto buf = testing::BufCall(server_->address(), "rolecall.v1.UserService/ListUsers",
                                    R"({"page_size": 2, "email": "p72"})", demo_admin_);
  ASSERT_EQ(buf.exit_code, 0) << buf.err;
  EXPECT_THAT(buf.out, HasSubstr("\"email\": \"admin1@p72.com\""));
  EXPECT_THAT(buf.out, HasSubstr("\"email\": \"alice@p72.com\""));
}

}  // namespace
}  // namespace rolecall
