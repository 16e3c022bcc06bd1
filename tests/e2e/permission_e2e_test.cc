// Directory writes and permission answers end to end: the CLI and a C++ client against the real
// server, on the demo organization and on fresh ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "tests/support/demo_server.h"
#include "tests/support/reference_examples.h"

namespace rolecall {
namespace {

using testing::AuthedContext;
using ::testing::HasSubstr;
using ::testing::Not;

// The reference's first list-permissions example with the demo organization's values: the demo
// also has owner@anyscale.com (of the reference's `get` example) as an organization owner.
std::string DemoPermissions() {
  std::string json = testing::kReferenceListPermissionsJson;
  const std::string first_owner = "\"user_id\": \"usr_aaa\"\n    }";
  json.insert(json.find(first_owner) + first_owner.size(),
              ",\n    {\n      \"user_email\": \"owner@anyscale.com\",\n      \"user_id\": "
              "\"usr_owner\"\n    }");
  return json;
}

class PermissionE2E : public testing::DemoServerTest {
 protected:
  static testing::CommandResult Cli(const std::vector<std::string>& args, const std::string& key) {
    return server_->Cli(args, key);
  }
  // The "id" field of a JSON object printed by the CLI.
  static std::string Field(const std::string& json, const std::string& name) {
    const size_t at = json.find("\"" + name + "\": \"");
    if (at == std::string::npos) return "";
    const size_t start = at + name.size() + 5;
    return json.substr(start, json.find('"', start) - start);
  }
};

TEST_F(PermissionE2E, ReferenceListPermissionsExampleOnTheDemoOrganization) {
  const auto all = Cli({"user", "list-permissions"}, demo_admin_);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, DemoPermissions());
  EXPECT_THAT(all.err, ::testing::MatchesRegex(
                           "\\(rolecall \\+[0-9]+\\.[0-9]s\\) Listing users and their effective "
                           "permissions\\.\\.\\.\n"));
  // --user-id: the same user entry (the reference's second example drops alice's project,
  // which contradicts its first; we print the consistent answer).
  const auto one = Cli({"user", "list-permissions", "--user-id", "usr_abc"}, demo_admin_);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, DemoPermissions());
  const std::string file = "/tmp/rolecall-perms-" + std::to_string(getpid()) + ".json";
  const auto to_file = Cli({"user", "list-permissions", "-o", file}, demo_admin_);
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  EXPECT_EQ(testing::ReadAll(file), all.out);
  const auto nobody = Cli({"user", "list-permissions", "--user-id", "usr_owner"}, demo_admin_);
  EXPECT_THAT(nobody.out, HasSubstr("\"users\": []"));
}

TEST_F(PermissionE2E, CheckExitCodesAndExplainOnTheDemoOrganization) {
  auto check = Cli(
      {"permission", "check", "--user", "usr_abc", "--project", "prj_111", "--role", "readonly"},
      demo_admin_);
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "allowed (effective role: readonly)\n");
  check =
      Cli({"permission", "check", "--user", "usr_abc", "--project", "prj_111", "--role", "write"},
          demo_admin_);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.out, "denied (effective role: readonly)\n");
  check =
      Cli({"permission", "check", "--user", "usr_owner", "--cloud", "cld_111", "--role", "owner"},
          demo_admin_);
  EXPECT_EQ(check.exit_code, 0) << "org owners own every cloud";
  check =
      Cli({"permission", "check", "--user", "usr_nobody", "--cloud", "cld_111", "--role", "owner"},
          demo_admin_);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_THAT(check.err, HasSubstr("usr_nobody"));
  check = Cli({"permission", "check", "--user", "usr_abc", "--cloud", "cld_111", "--role", "boss"},
              demo_admin_);
  EXPECT_EQ(check.exit_code, 2);

  const auto explain =
      Cli({"permission", "explain", "--user", "usr_abc", "--project", "prj_111"}, demo_admin_);
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_EQ(explain.out,
            "effective role: readonly\n  readonly via group prod-readers (ug_readers)\n");
}

TEST_F(PermissionE2E, APlatformEngineerBuildsAnOrganizationWithTheCliAlone) {
  const std::string org = testing::NewOrgId();
  const std::string key = server_->CreateKey(org, "admin");
  ASSERT_EQ(Cli({"user", "batch-create", "-f", "/dev/stdin"}, key).exit_code, 1);  // empty file
  const auto created = server_->Cli(
      {"user", "batch-create", "-f", "/dev/stdin"}, key,
      "create_users:\n  - {name: Ann, email: ann@acme.io}\n  - {name: Bob, email: bob@acme.io}\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto cloud = Cli({"cloud", "create", "main"}, key);
  ASSERT_EQ(cloud.exit_code, 0) << cloud.err;
  const std::string cloud_id = Field(cloud.out, "cloud_id");
  const auto project = Cli({"project", "create", "--cloud", "main", "web"}, key);
  ASSERT_EQ(project.exit_code, 0) << project.err;
  const std::string project_id = Field(project.out, "project_id");
  ASSERT_EQ(Cli({"user-group", "create", "devs"}, key).exit_code, 0);
  const auto added = Cli({"user-group", "add-members", "devs", "ann@acme.io", "BOB@acme.io"}, key);
  EXPECT_EQ(added.out, "2 members added.\n");
  EXPECT_EQ(Cli({"user-group", "add-members", "devs", "ann@acme.io"}, key).out,
            "0 members added.\n");
  EXPECT_EQ(Cli({"user-group", "membership", "list"}, key).out,
            "{\n  \"devs\": [\n    \"ann@acme.io\",\n    \"bob@acme.io\"\n  ]\n}\n");
  ASSERT_EQ(
      Cli({"project", "grant", project_id, "--group", "devs", "--role", "write"}, key).exit_code,
      0);
  ASSERT_EQ(
      Cli({"cloud", "grant", "main", "--user", "ann@acme.io", "--role", "readonly"}, key).exit_code,
      0);
  // Granting again is not an error; revoking what is not granted is NOT_FOUND.
  EXPECT_EQ(
      Cli({"cloud", "grant", "main", "--user", "ann@acme.io", "--role", "readonly"}, key).exit_code,
      0);
  const auto revoke =
      Cli({"cloud", "revoke", "main", "--user", "bob@acme.io", "--role", "readonly"}, key);
  EXPECT_NE(revoke.exit_code, 0);
  EXPECT_THAT(revoke.err, HasSubstr("does not hold readonly"));
  const auto grants = Cli({"project", "grants", project_id}, key);
  EXPECT_THAT(grants.out, HasSubstr("devs"));
  EXPECT_THAT(grants.out, HasSubstr("collaborator"));
  ASSERT_EQ(Cli({"org", "grant", "--user", "bob@acme.io", "--role", "owner"}, key).exit_code, 0);

  const auto perms = Cli({"user", "list-permissions"}, key);
  ASSERT_EQ(perms.exit_code, 0) << perms.err;
  EXPECT_THAT(perms.out, HasSubstr("\"user_email\": \"bob@acme.io\""));  // an owner
  EXPECT_THAT(perms.out, HasSubstr("\"cloud_name\": \"main\",\n          \"role\": \"readonly\""));
  EXPECT_THAT(perms.out, HasSubstr("\"project_name\": \"web\",\n              \"role\": "
                                   "\"collaborator\""));
  // Deleting the cloud removes its project and every grant on them.
  ASSERT_EQ(Cli({"cloud", "delete", cloud_id}, key).exit_code, 0);
  EXPECT_THAT(Cli({"user", "list-permissions"}, key).out, HasSubstr("\"users\": []"));
  EXPECT_EQ(db_->Scalar("SELECT count(*) FROM user_grants WHERE org_id = '" + org +
                        "' AND resource_kind > 0"),
            "0");
  EXPECT_EQ(db_->Scalar("SELECT count(*) FROM group_grants WHERE org_id = '" + org + "'"), "0");
  const auto deleted_group = Cli({"user-group", "delete", "devs"}, key);
  EXPECT_EQ(deleted_group.exit_code, 0) << deleted_group.err;
  EXPECT_EQ(db_->Scalar("SELECT count(*) FROM group_members WHERE org_id = '" + org + "'"), "0");
}

TEST_F(PermissionE2E, DuplicatesAndBadInputGetClearErrors) {
  const std::string key = server_->CreateKey(testing::NewOrgId(), "admin");
  ASSERT_EQ(Cli({"cloud", "create", "c1"}, key).exit_code, 0);
  const auto dup = Cli({"cloud", "create", "c1"}, key);
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_THAT(dup.err, HasSubstr("a cloud named 'c1' already exists"));
  const auto bad_name = Cli({"user-group", "create", "tab\there"}, key);
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_THAT(bad_name.err, HasSubstr("name: name contains a control character"));
  const auto bad_role = Cli({"org", "grant", "--user", "x@y.io", "--role", "readonly"}, key);
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_THAT(bad_role.err, HasSubstr("role: unknown organization role 'readonly'"));
  const auto unknown_user = Cli({"user-group", "create", "g"}, key);
  ASSERT_EQ(unknown_user.exit_code, 0);
  const auto add = Cli({"user-group", "add-members", "g", "ghost@y.io", "usr_ghost"}, key);
  EXPECT_NE(add.exit_code, 0);
  EXPECT_THAT(add.err, HasSubstr("no such users: ghost@y.io, usr_ghost"));
  const auto sa = Cli({"service-account", "create", "Deploy Bot"}, key);
  ASSERT_EQ(sa.exit_code, 0) << sa.err;
  EXPECT_THAT(sa.out, HasSubstr("\"is_service_account\": true"));
  EXPECT_THAT(sa.out, HasSubstr("deploy-bot@org-"));
  EXPECT_NE(Cli({"service-account", "create", "Deploy Bot"}, key).exit_code, 0);
}

TEST_F(PermissionE2E, OrganizationsWithTheSameNamesNeverSeeEachOther) {
  // Two organizations built identically.
  std::vector<std::string> keys, clouds, users;
  for (int i = 0; i < 2; ++i) {
    const std::string key = server_->CreateKey(testing::NewOrgId(), "admin");
    keys.push_back(key);
    ASSERT_EQ(server_
                  ->Cli({"user", "batch-create", "-f", "/dev/stdin"}, key,
                        "create_users:\n  - {name: Same, email: same@acme.io}\n")
                  .exit_code,
              0);
    clouds.push_back(Field(Cli({"cloud", "create", "shared-name"}, key).out, "cloud_id"));
    ASSERT_EQ(Cli({"user-group", "create", "shared-group"}, key).exit_code, 0);
    ASSERT_EQ(Cli({"user-group", "add-members", "shared-group", "same@acme.io"}, key).exit_code, 0);
    ASSERT_EQ(
        Cli({"cloud", "grant", "shared-name", "--group", "shared-group", "--role", "owner"}, key)
            .exit_code,
        0);
    users.push_back(
        Field(Cli({"user", "get", "--email", "same@acme.io", "--json"}, key).out, "user_id"));
  }
  ASSERT_NE(clouds[0], clouds[1]);
  // Org 0's key with org 1's ids: exactly like ids that do not exist.
  const auto check =
      Cli({"permission", "check", "--user", users[1], "--cloud", clouds[0], "--role", "readonly"},
          keys[0]);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_THAT(check.err, HasSubstr("user '" + users[1] + "' not found"));
  const auto other_cloud =
      Cli({"permission", "check", "--user", users[0], "--cloud", clouds[1], "--role", "readonly"},
          keys[0]);
  EXPECT_EQ(other_cloud.exit_code, 2);
  EXPECT_THAT(other_cloud.err, HasSubstr("cloud '" + clouds[1] + "' not found"));
  EXPECT_NE(Cli({"cloud", "delete", clouds[1]}, keys[0]).exit_code, 0);
  EXPECT_NE(
      Cli({"cloud", "grant", clouds[1], "--user", users[0], "--role", "owner"}, keys[0]).exit_code,
      0);
  EXPECT_NE(Cli({"user", "delete", users[1]}, keys[0]).exit_code, 0);
  const auto perms = Cli({"user", "list-permissions"}, keys[0]);
  EXPECT_THAT(perms.out, HasSubstr(clouds[0]));
  EXPECT_THAT(perms.out, Not(HasSubstr(clouds[1])));
  EXPECT_THAT(perms.out, Not(HasSubstr(users[1])));
  EXPECT_THAT(Cli({"cloud", "list"}, keys[0]).out, Not(HasSubstr(clouds[1])));
  // Org 1 is untouched.
  EXPECT_EQ(
      Cli({"permission", "check", "--user", users[1], "--cloud", clouds[1], "--role", "owner"},
          keys[1])
          .exit_code,
      0);
}

TEST_F(PermissionE2E, OrgWideListingsNeedAdminButUsersMayListTheirOwn) {
  const std::string read_key = server_->CreateKey("org_p72", "read");
  const std::string alice_key = server_->CreateKey("org_p72", "read", "usr_abc");
  const std::string owner_key = server_->CreateKey("org_p72", "check", "usr_owner");
  auto stub = v1::PermissionService::NewStub(server_->Channel());
  const auto list = [&](const std::string& key, const std::string& user_id) {
    v1::ListUserPermissionsRequest request;
    request.set_user_id(user_id);
    grpc::Status status;
    testing::ReadStream(*stub, &v1::PermissionService::Stub::ListUserPermissions, key, request,
                        &status);
    return status.error_code();
  };
  EXPECT_EQ(list(read_key, ""), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(read_key, "usr_abc"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(alice_key, "usr_abc"), grpc::StatusCode::OK);
  EXPECT_EQ(list(alice_key, ""), grpc::StatusCode::PERMISSION_DENIED);
  // A key's scope is an upper bound: acting for an organization owner widens nothing, not even
  // to the owner's own listing, which needs a read key.
  EXPECT_EQ(list(owner_key, ""), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(owner_key, "usr_owner"), grpc::StatusCode::PERMISSION_DENIED);
  // Check keys answer checks only.
  const std::string check_key = server_->CreateKey("org_p72", "check");
  EXPECT_EQ(Cli({"permission", "check", "--user", "usr_abc", "--org", "--role", "collaborator"},
                check_key)
                .exit_code,
            0);
  EXPECT_EQ(Cli({"permission", "explain", "--user", "usr_abc", "--org"}, check_key).exit_code, 1);
  EXPECT_EQ(Cli({"cloud", "create", "nope"}, read_key).exit_code, 1);
}

TEST_F(PermissionE2E, ConcurrentChecksEachGetTheirOwnAnswer) {
  // Checks in flight together are answered by shared statements; each caller must still get the
  // answer to its own question. The questions' answers differ (roles, NOT_FOUND, bad input), and
  // the answer each gets alone is the reference.
  const std::string key = server_->CreateKey("org_p72", "check");
  std::vector<v1::CheckPermissionRequest> questions;
  for (const std::string user : {"usr_aaa", "usr_abc", "usr_svcbot", "usr_nobody"}) {
    for (int kind = 0; kind < 4; ++kind) {
      v1::CheckPermissionRequest q;
      q.set_user_id(user);
      q.set_min_role(kind == 3 ? "boss" : "collaborator");
      if (kind == 0) q.mutable_resource()->set_organization(true);
      if (kind == 1)
        q.mutable_resource()->set_cloud_id(user == "usr_svcbot" ? "cld_nope" : "cld_111");
      if (kind >= 2) q.mutable_resource()->set_project_id("prj_111");
      questions.push_back(q);
    }
  }
  auto stub = v1::PermissionService::NewStub(server_->Channel());
  // An answer as one comparable string: code, allowed, role.
  const auto ask = [&](const v1::CheckPermissionRequest& q) {
    v1::CheckPermissionResponse response;
    const grpc::Status status = stub->CheckPermission(AuthedContext(key).get(), q, &response);
    return std::to_string(status.error_code()) + "/" + (response.allowed() ? "allowed" : "denied") +
           "/" + response.effective_role();
  };
  std::vector<std::string> alone;
  std::set<std::string> distinct;
  for (const auto& q : questions) {
    alone.push_back(ask(q));
    distinct.insert(alone.back());
  }
  ASSERT_GE(distinct.size(), 5u);  // owner, collaborator, readonly, none, NOT_FOUND, invalid…
  std::atomic<int> wrong{0}, asked{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 16; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const size_t n = (t * 7 + i * 13) % questions.size();
        if (ask(questions[n]) != alone[n]) ++wrong;
        ++asked;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(asked, 1600);
  EXPECT_EQ(wrong, 0);
}

TEST_F(PermissionE2E, BulkChecksAnswerEachItemAsCheckPermissionWould) {
  // Questions whose answers differ (roles, none, unknown user or resource, a bad role), asked
  // one by one with CheckPermission and all at once (and repeated, up to the limit) in bulk.
  const std::string key = server_->CreateKey("org_p72", "check");
  auto stub = v1::PermissionService::NewStub(server_->Channel());
  v1::BulkCheckPermissionRequest bulk;
  std::vector<std::string> alone;
  for (const std::string user : {"usr_aaa", "usr_abc", "usr_owner", "usr_nobody"}) {
    for (int kind = 0; kind < 5; ++kind) {
      v1::CheckPermissionRequest q;
      q.set_user_id(user);
      q.set_min_role(kind == 4 ? "boss" : kind == 3 ? "owner" : "collaborator");
      if (kind == 0) q.mutable_resource()->set_organization(true);
      if (kind == 1)
        q.mutable_resource()->set_cloud_id(user == "usr_owner" ? "cld_nope" : "cld_111");
      if (kind >= 2) q.mutable_resource()->set_project_id("prj_111");
      v1::CheckPermissionResponse one;
      const grpc::Status s = stub->CheckPermission(AuthedContext(key).get(), q, &one);
      alone.push_back(s.ok() ? absl::StrCat(one.allowed(), "/", one.effective_role())
                             : std::string(absl::StatusCodeToString(
                                   static_cast<absl::StatusCode>(s.error_code()))));
      v1::BulkCheckItem* item = bulk.add_items();
      item->set_user_id(q.user_id());
      *item->mutable_resource() = q.resource();
      item->set_min_role(q.min_role());
    }
  }
  ASSERT_GE(std::set<std::string>(alone.begin(), alone.end()).size(), 5u);
  const int distinct = bulk.items_size();
  while (bulk.items_size() < 1000) *bulk.add_items() = bulk.items(bulk.items_size() % distinct);
  v1::BulkCheckPermissionResponse answers;
  const grpc::Status s = stub->BulkCheckPermission(AuthedContext(key).get(), bulk, &answers);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.results_size(), 1000);
  EXPECT_FALSE(answers.consistency_token().empty());
  for (int i = 0; i < answers.results_size(); ++i) {
    const v1::BulkCheckResult& r = answers.results(i);
    EXPECT_EQ(r.error_code().empty() ? absl::StrCat(r.allowed(), "/", r.effective_role())
                                     : r.error_code(),
              alone[i % distinct])
        << i << " " << r.error_message();
  }
  // The call's own bounds: none, or more than 1,000.
  for (int n : {0, 1001}) {
    v1::BulkCheckPermissionRequest r;
    for (int i = 0; i < n; ++i) *r.add_items() = bulk.items(0);
    v1::BulkCheckPermissionResponse out;
    const grpc::Status bad = stub->BulkCheckPermission(AuthedContext(key).get(), r, &out);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n;
    EXPECT_THAT(bad.error_message(), HasSubstr("1 to 1000"));
  }

  // The CLI: one JSON line per line of the file, errors in place; exit 2 when any item failed.
  const auto out =
      server_->Cli({"permission", "check", "--file", "-"}, key,
                   "{\"user_id\": \"usr_abc\", \"resource\": {\"project_id\": \"prj_111\"}, "
                   "\"min_role\": \"readonly\"}\n"
                   "not json\n"
                   "\n"
                   "{\"user_id\": \"usr_nobody\", \"resource\": {\"organization\": true}, "
                   "\"min_role\": \"collaborator\"}\n");
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_EQ(out.out,
            "{\"line\":1,\"allowed\":true,\"effective_role\":\"readonly\"}\n"
            "{\"line\":2,\"error_code\":\"INVALID_ARGUMENT\",\"error_message\":\"not a JSON "
            "check: {\\\"user_id\\\": …, \\\"resource\\\": {…}, \\\"min_role\\\": …}\"}\n"
            "{\"line\":4,\"error_code\":\"NOT_FOUND\",\"error_message\":\"user 'usr_nobody' "
            "not found\"}\n");
  const auto allowed =
      server_->Cli({"permission", "check", "--file", "-"}, key,
                   "{\"user_id\": \"usr_abc\", \"resource\": {\"project_id\": \"prj_111\"}, "
                   "\"min_role\": \"readonly\"}\n");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
}

TEST_F(PermissionE2E, PermissionListingPagesResumeFromTheirTokens) {
  const std::string org = testing::NewOrgId();
  const std::string key = server_->CreateKey(org, "admin");
  std::string yaml = "create_users:\n";
  for (int i = 0; i < 12; ++i) {
    yaml += "  - {name: U, email: u" + std::to_string(10 + i) + "@acme.io}\n";
  }
  ASSERT_EQ(server_->Cli({"user", "batch-create", "-f", "/dev/stdin"}, key, yaml).exit_code, 0);
  ASSERT_EQ(Cli({"cloud", "create", "c"}, key).exit_code, 0);
  ASSERT_EQ(Cli({"user-group", "create", "all"}, key).exit_code, 0);
  std::vector<std::string> add = {"user-group", "add-members", "all"};
  for (int i = 0; i < 12; ++i) add.push_back("u" + std::to_string(10 + i) + "@acme.io");
  ASSERT_EQ(Cli(add, key).exit_code, 0);
  ASSERT_EQ(Cli({"cloud", "grant", "c", "--group", "all", "--role", "readonly"}, key).exit_code, 0);

  auto stub = v1::PermissionService::NewStub(server_->Channel());
  const auto read = [&](const v1::ListUserPermissionsRequest& request, grpc::Status* status) {
    return testing::ReadStream(*stub, &v1::PermissionService::Stub::ListUserPermissions, key,
                               request, status);
  };
  v1::ListUserPermissionsRequest request;
  request.set_page_size(5);
  request.set_max_items(7);
  grpc::Status status;
  auto first = read(request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].users_size(), 5);
  EXPECT_EQ(first[1].users_size(), 2);
  ASSERT_FALSE(first[1].next_page_token().empty());
  request.set_max_items(0);
  request.set_page_token(first[1].next_page_token());
  auto rest = read(request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].users_size(), 5);
  EXPECT_EQ(rest[0].users(0).user_email(), "u17@acme.io");
  EXPECT_TRUE(rest[0].next_page_token().empty());
  EXPECT_EQ(rest[0].org_owners_size(), 0);
  request.set_user_id("usr_other");  // a token is bound to its filters
  read(request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace rolecall
