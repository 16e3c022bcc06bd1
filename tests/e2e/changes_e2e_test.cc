// Revisions and the change log through the real server: every write RPC advances its
// organization's revision exactly once and logs exactly the rows it changed (cascades included),
// with the calling key, its principal and the request id; a failed write leaves nothing; writes
// that overlap get distinct, gap-free revisions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/consistency.h"
#include "rolecall/v1/changes.grpc.pb.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Not;

using Directory = v1::DirectoryService::Stub;
using Users = v1::UserService::Stub;

class ChangesE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::TestServer>(db_.url());
    bootstrap_key_ = server_->CreateKey(org_, "admin");
    directory_ = v1::DirectoryService::NewStub(server_->Channel());
    users_ = v1::UserService::NewStub(server_->Channel());
    // The writes below act for a user: a key with a principal.
    v1::AdminCreateUsers batch;
    auto* u = batch.add_create_users();
    u->set_email("actor@x.com");
    u->set_name("Actor");
    v1::AdminBatchCreateUsersResponse created;
    ASSERT_TRUE(Call(users_.get(), &Users::AdminBatchCreateUsers, bootstrap_key_, batch, &created,
                     "setup-1")
                    .ok());
    actor_user_ = created.created_users(0).user_id();
    v1::CreateApiKeyRequest key_request;
    key_request.set_scope("admin");
    key_request.set_principal_user_id(actor_user_);
    v1::CreateApiKeyResponse key;
    ASSERT_TRUE(Call(directory_.get(), &Directory::CreateApiKey, bootstrap_key_, key_request, &key,
                     "setup-2")
                    .ok());
    key_ = key.key();
    codec_ = std::make_unique<PageTokenCodec>(
        db_.Scalar("SELECT value FROM server_settings WHERE name = 'page_token_key'"));
  }

  // The revision of a consistency token of `org` (as the server's own key reads it).
  int64_t RevisionOf(const std::string& org, const std::string& token) const {
    auto revision = DecodeConsistencyToken(*codec_, org, token, "token");
    EXPECT_TRUE(revision.ok()) << revision.status();
    return revision.value_or(-1);
  }

  // One unary call with `key` and x-request-id `request_id`; checks the id comes back.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& key, const Request& request, Response* response,
                    const std::string& request_id) {
    auto ctx = testing::AuthedContext(key);
    ctx->AddMetadata("x-request-id", request_id);
    const grpc::Status status = (stub->*method)(ctx.get(), request, response);
    const auto& metadata = ctx->GetServerInitialMetadata();
    const auto echoed = metadata.find("x-request-id");
    EXPECT_TRUE(echoed != metadata.end() &&
                std::string(echoed->second.data(), echoed->second.size()) == request_id)
        << request_id;
    return status;
  }

  int64_t Revision() const {
    return std::stoll(db_.Scalar(
        "SELECT coalesce(max(revision), 0) FROM org_revisions WHERE org_id = $1", {org_}));
  }
  int64_t ChangeRows() const {
    return std::stoll(db_.Scalar("SELECT count(*) FROM changes WHERE org_id = $1", {org_}));
  }
  // The changes of `revision` as "object_type action object_id", sorted.
  std::vector<std::string> ChangesAt(int64_t revision) const {
    const std::string rows = db_.Scalar(
        "SELECT string_agg(object_type || ' ' || action || ' ' || object_id, ',' "
        "ORDER BY object_type, action, object_id) FROM changes WHERE org_id = $1 AND revision = $2",
        {org_, std::to_string(revision)});
    return rows.empty() ? std::vector<std::string>() : absl::StrSplit(rows, ',');
  }
  // Who and what every change of `revision` names: "key user request operation", distinct.
  std::string ActorsAt(int64_t revision) const {
    return db_.Scalar(
        "SELECT string_agg(DISTINCT actor_key_id || ' ' || actor_user_id || ' ' || request_id || "
        "' ' || operation, ',') FROM changes WHERE org_id = $1 AND revision = $2",
        {org_, std::to_string(revision)});
  }

  testing::TestDatabase db_;
  const std::string org_ = testing::NewOrgId();
  std::unique_ptr<testing::TestServer> server_;
  std::string bootstrap_key_, key_, actor_user_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Users> users_;
  std::unique_ptr<PageTokenCodec> codec_;
};

// What one write did: its status, the token it answered, and the changes it should have logged.
struct Outcome {
  grpc::Status status;
  std::string token;
  std::vector<std::string> expected;
};

TEST_F(ChangesE2E, EveryWriteRpcLogsExactlyItsChangesUnderOneNewRevision) {
  // Ids the writes create, for the writes after them.
  std::string u1, u2, cloud, project, group, sa, sa_key;
  const auto users_call = [&](auto method, const auto& request, auto* response,
                              const std::string& id) {
    return Call(users_.get(), method, key_, request, response, id);
  };
  const auto dir_call = [&](auto method, const auto& request, auto* response,
                            const std::string& id) {
    return Call(directory_.get(), method, key_, request, response, id);
  };
  const std::vector<std::pair<std::string, std::function<Outcome(const std::string&)>>> writes = {
      {"AdminBatchCreateUsers",
       [&](const std::string& id) {
         v1::AdminCreateUsers r;
         for (const char* email : {"u1@x.com", "u2@x.com"}) {
           auto* u = r.add_create_users();
           u->set_email(email);
           u->set_name("U");
           u->set_password("correct horse battery staple");
         }
         v1::AdminBatchCreateUsersResponse out;
         Outcome o{users_call(&Users::AdminBatchCreateUsers, r, &out, id), out.consistency_token()};
         if (out.created_users_size() == 2) {
           u1 = out.created_users(0).user_id();
           u2 = out.created_users(1).user_id();
         }
         o.expected = {"user created " + std::min(u1, u2), "user created " + std::max(u1, u2)};
         return o;
       }},
      {"CreateCloud",
       [&](const std::string& id) {
         v1::CreateCloudRequest r;
         r.set_name("c1");
         v1::Cloud out;
         Outcome o{dir_call(&Directory::CreateCloud, r, &out, id), out.consistency_token()};
         cloud = out.cloud_id();
         o.expected = {"cloud created " + cloud};
         return o;
       }},
      {"CreateProject",
       [&](const std::string& id) {
         v1::CreateProjectRequest r;
         r.set_cloud_id(cloud);
         r.set_name("p1");
         v1::Project out;
         Outcome o{dir_call(&Directory::CreateProject, r, &out, id), out.consistency_token()};
         project = out.project_id();
         o.expected = {"project created " + project};
         return o;
       }},
      {"CreateUserGroup",
       [&](const std::string& id) {
         v1::CreateUserGroupRequest r;
         r.set_name("g1");
         v1::UserGroup out;
         Outcome o{dir_call(&Directory::CreateUserGroup, r, &out, id), out.consistency_token()};
         group = out.id();
         o.expected = {"user_group created " + group};
         return o;
       }},
      {"AddGroupMembers",
       [&](const std::string& id) {
         v1::GroupMembersRequest r;
         r.set_group_id(group);
         r.add_users(u1);
         r.add_users("u2@x.com");
         v1::GroupMembersResponse out;
         Outcome o{dir_call(&Directory::AddGroupMembers, r, &out, id), out.consistency_token()};
         o.expected = {"membership created " + group, "membership created " + group};
         return o;
       }},
      {"GrantRole",
       [&](const std::string& id) {
         v1::GrantRoleRequest r;
         r.mutable_resource()->set_cloud_id(cloud);
         r.mutable_principal()->set_user_id(u1);
         r.set_role("readonly");
         v1::Grant out;
         Outcome o{dir_call(&Directory::GrantRole, r, &out, id), out.consistency_token()};
         o.expected = {"grant created " + cloud};
         return o;
       }},
      {"GrantRole",
       [&](const std::string& id) {
         v1::GrantRoleRequest r;
         r.mutable_resource()->set_project_id(project);
         r.mutable_principal()->set_group_id(group);
         r.set_role("write");
         v1::Grant out;
         Outcome o{dir_call(&Directory::GrantRole, r, &out, id), out.consistency_token()};
         o.expected = {"grant created " + project};
         return o;
       }},
      {"RevokeRole",
       [&](const std::string& id) {
         v1::RevokeRoleRequest r;
         r.mutable_resource()->set_cloud_id(cloud);
         r.mutable_principal()->set_user_id(u1);
         r.set_role("readonly");
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::RevokeRole, r, &out, id), out.consistency_token()};
         o.expected = {"grant deleted " + cloud};
         return o;
       }},
      {"RemoveGroupMembers",
       [&](const std::string& id) {
         v1::GroupMembersRequest r;
         r.set_group_id(group);
         r.add_users(u2);
         v1::GroupMembersResponse out;
         Outcome o{dir_call(&Directory::RemoveGroupMembers, r, &out, id), out.consistency_token()};
         o.expected = {"membership deleted " + group};
         return o;
       }},
      {"CreateServiceAccount",
       [&](const std::string& id) {
         v1::CreateServiceAccountRequest r;
         r.set_name("bot");
         v1::User out;
         Outcome o{dir_call(&Directory::CreateServiceAccount, r, &out, id),
                   out.consistency_token()};
         sa = out.user_id();
         o.expected = {"user created " + sa};
         return o;
       }},
      {"CreateApiKey",
       [&](const std::string& id) {
         v1::CreateApiKeyRequest r;
         r.set_scope("read");
         r.set_principal_user_id(sa);
         v1::CreateApiKeyResponse out;
         Outcome o{dir_call(&Directory::CreateApiKey, r, &out, id), out.consistency_token()};
         sa_key = out.api_key().key_id();
         o.expected = {"api_key created " + sa_key};
         return o;
       }},
      {"RevokeApiKey",
       [&](const std::string& id) {
         v1::RevokeApiKeyRequest r;
         r.set_key_id(sa_key);
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::RevokeApiKey, r, &out, id), out.consistency_token()};
         o.expected = {"api_key updated " + sa_key};
         return o;
       }},
      {"DeleteProject",  // with the group's grant on it
       [&](const std::string& id) {
         v1::DeleteProjectRequest r;
         r.set_project_id(project);
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::DeleteProject, r, &out, id), out.consistency_token()};
         o.expected = {"grant deleted " + project, "project deleted " + project};
         return o;
       }},
      {"DeleteUserGroup",  // with its remaining member
       [&](const std::string& id) {
         v1::DeleteUserGroupRequest r;
         r.set_id(group);
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::DeleteUserGroup, r, &out, id), out.consistency_token()};
         o.expected = {"membership deleted " + group, "user_group deleted " + group};
         return o;
       }},
      {"DeleteUser",  // with its (revoked) key
       [&](const std::string& id) {
         v1::DeleteUserRequest r;
         r.set_user_id(sa);
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::DeleteUser, r, &out, id), out.consistency_token()};
         o.expected = {"api_key deleted " + sa_key, "user deleted " + sa};
         return o;
       }},
      {"DeleteCloud",
       [&](const std::string& id) {
         v1::DeleteCloudRequest r;
         r.set_cloud_id(cloud);
         v1::DeleteResponse out;
         Outcome o{dir_call(&Directory::DeleteCloud, r, &out, id), out.consistency_token()};
         o.expected = {"cloud deleted " + cloud};
         return o;
       }},
  };
  std::set<std::string> tokens;
  for (size_t i = 0; i < writes.size(); ++i) {
    const auto& [operation, write] = writes[i];
    SCOPED_TRACE(operation);
    const int64_t before = Revision();
    const std::string request_id = absl::StrCat("req-", i, ":", operation);
    const Outcome outcome = write(request_id);
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
    const int64_t after = Revision();
    EXPECT_EQ(after, before + 1);
    EXPECT_THAT(ChangesAt(after), ElementsAreArray(outcome.expected));
    EXPECT_EQ(ActorsAt(after), absl::StrCat(testing::KeyId(key_), " ", actor_user_, " ", request_id,
                                            " ", operation));
    EXPECT_THAT(outcome.token, Not(IsEmpty()));
    EXPECT_TRUE(tokens.insert(outcome.token).second) << "a token answered twice";
  }
  // Passwords, their hashes and key secrets never reach the log.
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM changes WHERE org_id = $1 AND (detail::text ~* "
                       "'password|secret|hash|horse' OR object_name ~* 'horse')",
                       {org_}),
            "0");
}

TEST_F(ChangesE2E, AFailedWriteLeavesNoRevisionAndNoChange) {
  v1::CreateCloudRequest cloud;
  cloud.set_name("taken");
  v1::Cloud out;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, cloud, &out, "ok-1").ok());
  const int64_t revision = Revision();
  const int64_t rows = ChangeRows();
  // A conflict found by PostgreSQL (the unique name), after the revision was taken.
  v1::Cloud failed;
  EXPECT_EQ(
      Call(directory_.get(), &Directory::CreateCloud, key_, cloud, &failed, "dup").error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  // A grant on a cloud that does not exist: refused inside the transaction.
  v1::GrantRoleRequest grant;
  grant.mutable_resource()->set_cloud_id("cld_nosuchcloud");
  grant.mutable_principal()->set_user_id(actor_user_);
  grant.set_role("readonly");
  v1::Grant granted;
  EXPECT_EQ(
      Call(directory_.get(), &Directory::GrantRole, key_, grant, &granted, "missing").error_code(),
      grpc::StatusCode::NOT_FOUND);
  // A batch with one taken email: all or nothing.
  v1::AdminCreateUsers batch;
  for (const char* email : {"new@x.com", "actor@x.com"}) {
    auto* u = batch.add_create_users();
    u->set_email(email);
    u->set_name("N");
  }
  v1::AdminBatchCreateUsersResponse created;
  EXPECT_EQ(Call(users_.get(), &Users::AdminBatchCreateUsers, key_, batch, &created, "batch")
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Validation at the edge.
  cloud.set_name("");
  EXPECT_EQ(
      Call(directory_.get(), &Directory::CreateCloud, key_, cloud, &out, "invalid").error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Revision(), revision);
  EXPECT_EQ(ChangeRows(), rows);
  EXPECT_EQ(failed.consistency_token(), "") << "a failed write answered a token";
  EXPECT_EQ(granted.consistency_token(), "");
  EXPECT_EQ(created.consistency_token(), "");
}

TEST_F(ChangesE2E, AHostileRequestIdIsRefusedAndNoneIsMadeUp) {
  v1::CreateCloudRequest cloud;
  cloud.set_name("c");
  for (const std::string bad : {std::string(129, 'a'), std::string("a b"), std::string("a\"b"),
                                std::string("x';DROP TABLE changes;--")}) {
    auto ctx = testing::AuthedContext(key_);
    ctx->AddMetadata("x-request-id", bad);
    v1::Cloud out;
    EXPECT_EQ(directory_->CreateCloud(ctx.get(), cloud, &out).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
  }
  // Without one, the server makes one, sends it back and logs it with the change.
  auto ctx = testing::AuthedContext(key_);
  v1::Cloud out;
  ASSERT_TRUE(directory_->CreateCloud(ctx.get(), cloud, &out).ok());
  const auto echoed = ctx->GetServerInitialMetadata().find("x-request-id");
  ASSERT_TRUE(echoed != ctx->GetServerInitialMetadata().end());
  const std::string made(echoed->second.data(), echoed->second.size());
  EXPECT_THAT(made, ::testing::StartsWith("req_"));
  EXPECT_EQ(db_.Scalar("SELECT request_id FROM changes WHERE org_id = $1 AND object_id = $2",
                       {org_, out.cloud_id()}),
            made);
  EXPECT_THAT(server_->Log(), ::testing::HasSubstr(made));
}

TEST_F(ChangesE2E, OverlappingWritesGetDistinctGapFreeRevisionsInCommitOrder) {
  const int64_t first = Revision() + 1;
  constexpr int kThreads = 6;
  constexpr int kWritesEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::DirectoryService::NewStub(server_->Channel());
      for (int i = 0; i < kWritesEach; ++i) {
        v1::CreateCloudRequest r;
        r.set_name(absl::StrCat("t", t, "-", i));
        v1::Cloud out;
        auto ctx = testing::AuthedContext(key_);
        if (!stub->CreateCloud(ctx.get(), r, &out).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures, 0);
  const int64_t last = Revision();
  EXPECT_EQ(last - first + 1, kThreads * kWritesEach);
  // One change per revision, every revision from first to last.
  EXPECT_EQ(
      db_.Scalar("SELECT count(DISTINCT revision) || ' ' || min(revision) || ' ' || "
                 "max(revision) || ' ' || count(*) FROM changes WHERE org_id = $1 AND "
                 "object_type = 'cloud'",
                 {org_}),
      absl::StrCat(kThreads * kWritesEach, " ", first, " ", last, " ", kThreads * kWritesEach));
}

TEST_F(ChangesE2E, TheAuditTrailListsChangesNewestFirstFilteredForPeople) {
  v1::CreateCloudRequest cloud_request;
  cloud_request.set_name("audited");
  v1::Cloud cloud;
  ASSERT_TRUE(
      Call(directory_.get(), &Directory::CreateCloud, key_, cloud_request, &cloud, "a-1").ok());
  v1::GrantRoleRequest grant;
  grant.mutable_resource()->set_cloud_id(cloud.cloud_id());
  grant.mutable_principal()->set_user_id(actor_user_);
  grant.set_role("owner");
  v1::Grant granted;
  ASSERT_TRUE(Call(directory_.get(), &Directory::GrantRole, key_, grant, &granted, "a-2").ok());

  // Through gRPC, page by page: newest first, every change once, tokens on each.
  auto changes = v1::ChangeService::NewStub(server_->Channel());
  v1::ListChangesRequest request;
  request.set_page_size(2);
  grpc::Status status;
  const auto pages =
      testing::ReadStream(*changes, &v1::ChangeService::Stub::ListChanges, key_, request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<v1::Change> all;
  for (const auto& page : pages) {
    EXPECT_LE(page.changes_size(), 2);
    all.insert(all.end(), page.changes().begin(), page.changes().end());
  }
  ASSERT_EQ(static_cast<int64_t>(all.size()), ChangeRows());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].revision(), all[i].revision());
  const v1::Change& newest = all.front();
  EXPECT_EQ(newest.operation(), "GrantRole");
  EXPECT_EQ(newest.object_type(), "grant");
  EXPECT_EQ(newest.resource().cloud_id(), cloud.cloud_id());
  EXPECT_EQ(newest.principal().user_id(), actor_user_);
  EXPECT_EQ(newest.role_after(), "owner");
  EXPECT_EQ(newest.role_before(), "");
  EXPECT_EQ(newest.request_id(), "a-2");
  // Its token stands right after it: at least the grant's state.
  EXPECT_EQ(RevisionOf(org_, newest.consistency_token()),
            RevisionOf(org_, granted.consistency_token()));
  EXPECT_EQ(all[1].object_name(), "audited");

  // The CLI: a table, JSON, and the filters.
  auto table = server_->Cli({"audit", "list", "--since", "1h"}, key_);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, ::testing::StartsWith("TIME"));
  EXPECT_THAT(table.out, ::testing::HasSubstr("granted owner to " + actor_user_ + " on cloud " +
                                              cloud.cloud_id()));
  auto by_actor = server_->Cli({"audit", "list", "--actor", "ACTOR@x.com", "--json"}, key_);
  ASSERT_EQ(by_actor.exit_code, 0) << by_actor.err;
  EXPECT_THAT(by_actor.out, ::testing::HasSubstr("\"request_id\": \"a-2\""));
  EXPECT_THAT(by_actor.out, Not(::testing::HasSubstr("setup-1")));  // the bootstrap key's
  auto by_object = server_->Cli(
      {"audit", "list", "--object", cloud.cloud_id(), "--type", "cloud", "--json"}, key_);
  ASSERT_EQ(by_object.exit_code, 0) << by_object.err;
  EXPECT_THAT(by_object.out, ::testing::HasSubstr("\"request_id\": \"a-1\""));
  EXPECT_THAT(by_object.out, Not(::testing::HasSubstr("\"request_id\": \"a-2\"")));
  auto old = server_->Cli({"audit", "list", "--until", "1h", "--json"}, key_);
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(old.out, "[]\n");
  auto bad = server_->Cli({"audit", "list", "--since", "yesterday"}, key_);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("--since"));
  auto bad_type = server_->Cli({"audit", "list", "--type", "x'; --"}, key_);
  EXPECT_NE(bad_type.exit_code, 0);
  EXPECT_THAT(bad_type.err, ::testing::HasSubstr("object_type"));
  // People with a read key do not read the audit trail.
  const std::string reader = server_->CreateKey(org_, "read");
  EXPECT_NE(server_->Cli({"audit", "list"}, reader).exit_code, 0);
  // Nor does another organization's admin see these changes.
  const std::string other = server_->CreateKey(testing::NewOrgId(), "admin");
  auto theirs = server_->Cli({"audit", "list", "--json"}, other);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_THAT(theirs.out, Not(::testing::HasSubstr(cloud.cloud_id())));
}

TEST_F(ChangesE2E, ReadsTakeAConsistencyRequirementAndAnswerTheirState) {
  v1::AdminCreateUsers batch;
  batch.add_create_users()->set_email("second@x.com");
  batch.mutable_create_users(0)->set_name("Second");
  v1::AdminBatchCreateUsersResponse created;
  ASSERT_TRUE(
      Call(users_.get(), &Users::AdminBatchCreateUsers, key_, batch, &created, "second").ok());
  v1::CreateCloudRequest create;
  create.set_name("fresh");
  v1::Cloud cloud;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &cloud, "c").ok());
  // Both users hold a role on it (so a permission listing of one user a page has two pages).
  std::string written;
  for (const std::string& user : {actor_user_, created.created_users(0).user_id()}) {
    v1::GrantRoleRequest grant;
    grant.mutable_resource()->set_cloud_id(cloud.cloud_id());
    grant.mutable_principal()->set_user_id(user);
    grant.set_role("readonly");
    v1::Grant out;
    ASSERT_TRUE(Call(directory_.get(), &Directory::GrantRole, key_, grant, &out, "g").ok());
    written = out.consistency_token();
  }
  ASSERT_FALSE(written.empty());

  v1::GetCloudRequest get;
  get.set_cloud_id(cloud.cloud_id());
  for (const int mode : {0, 1, 2, 3}) {
    SCOPED_TRACE(mode);
    v1::GetCloudRequest r = get;
    if (mode == 1) r.mutable_consistency()->set_minimize_latency(true);
    if (mode == 2) r.mutable_consistency()->set_at_least_as_fresh(written);
    if (mode == 3) r.mutable_consistency()->set_fully_consistent(true);
    v1::Cloud read;
    auto ctx = testing::AuthedContext(key_);
    ASSERT_TRUE(directory_->GetCloud(ctx.get(), r, &read).ok());
    EXPECT_EQ(read.name(), "fresh");
    // No write came between: the read answers the write's own state.
    EXPECT_EQ(read.consistency_token(), written);
  }
  // Listings carry the token on each page.
  v1::ListRequest list;
  list.mutable_consistency()->set_at_least_as_fresh(written);
  grpc::Status status;
  const auto pages = testing::ReadStream(*directory_, &Directory::ListClouds, key_, list, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(pages.empty());
  EXPECT_EQ(pages.back().consistency_token(), written);

  // Checks, explanations and every page of a permission listing too.
  auto permissions = v1::PermissionService::NewStub(server_->Channel());
  v1::CheckPermissionRequest check;
  check.set_user_id(actor_user_);
  check.mutable_resource()->set_cloud_id(cloud.cloud_id());
  check.set_min_role("readonly");
  check.mutable_consistency()->set_at_least_as_fresh(written);
  {
    v1::CheckPermissionResponse answer;
    auto ctx = testing::AuthedContext(key_);
    ASSERT_TRUE(permissions->CheckPermission(ctx.get(), check, &answer).ok());
    EXPECT_EQ(answer.consistency_token(), written);
  }
  {
    v1::ExplainPermissionRequest explain;
    explain.set_user_id(actor_user_);
    *explain.mutable_resource() = check.resource();
    v1::ExplainPermissionResponse answer;
    auto ctx = testing::AuthedContext(key_);
    ASSERT_TRUE(permissions->ExplainPermission(ctx.get(), explain, &answer).ok());
    EXPECT_EQ(answer.consistency_token(), written);
  }
  {
    v1::ListUserPermissionsRequest r;
    r.set_page_size(1);
    r.mutable_consistency()->set_fully_consistent(true);
    const auto permission_pages = testing::ReadStream(
        *permissions, &v1::PermissionService::Stub::ListUserPermissions, key_, r, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GE(permission_pages.size(), 2u);
    for (const auto& page : permission_pages) EXPECT_EQ(page.consistency_token(), written);
  }

  // A genuine token of a revision this database has not reached (as a replica behind would
  // see): UNAVAILABLE, for reads and checks alike.
  const std::string ahead = EncodeConsistencyToken(*codec_, org_, Revision() + 5);
  {
    v1::GetCloudRequest r = get;
    r.mutable_consistency()->set_at_least_as_fresh(ahead);
    v1::Cloud read;
    auto ctx = testing::AuthedContext(key_);
    EXPECT_EQ(directory_->GetCloud(ctx.get(), r, &read).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    check.mutable_consistency()->set_at_least_as_fresh(ahead);
    v1::CheckPermissionResponse answer;
    auto check_ctx = testing::AuthedContext(key_);
    const grpc::Status s = permissions->CheckPermission(check_ctx.get(), check, &answer);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(), ::testing::HasSubstr("not reached"));
    // A bulk check fails as a whole (not item by item); with the write's token it answers.
    v1::BulkCheckPermissionRequest bulk;
    v1::BulkCheckItem* item = bulk.add_items();
    item->set_user_id(check.user_id());
    *item->mutable_resource() = check.resource();
    item->set_min_role(check.min_role());
    bulk.mutable_consistency()->set_at_least_as_fresh(ahead);
    v1::BulkCheckPermissionResponse answers;
    auto bulk_ctx = testing::AuthedContext(key_);
    EXPECT_EQ(permissions->BulkCheckPermission(bulk_ctx.get(), bulk, &answers).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    bulk.mutable_consistency()->set_at_least_as_fresh(written);
    answers.Clear();
    auto fresh_ctx = testing::AuthedContext(key_);
    ASSERT_TRUE(permissions->BulkCheckPermission(fresh_ctx.get(), bulk, &answers).ok());
    EXPECT_EQ(answers.consistency_token(), written);
    ASSERT_EQ(answers.results_size(), 1);
    EXPECT_TRUE(answers.results(0).allowed());
  }

  // A forged token, another organization's, or a page token: INVALID_ARGUMENT naming the field.
  std::string forged = written;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  const std::string other_key = server_->CreateKey(testing::NewOrgId(), "admin");
  v1::Cloud theirs;
  create.set_name("theirs");
  ASSERT_TRUE(
      Call(directory_.get(), &Directory::CreateCloud, other_key, create, &theirs, "o").ok());
  for (const std::string& bad : {forged, theirs.consistency_token(), std::string("x';--")}) {
    v1::GetCloudRequest r = get;
    r.mutable_consistency()->set_at_least_as_fresh(bad);
    v1::Cloud read;
    auto ctx = testing::AuthedContext(key_);
    const grpc::Status s = directory_->GetCloud(ctx.get(), r, &read);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(s.error_message(), ::testing::HasSubstr("consistency")) << bad;
  }
}

TEST_F(ChangesE2E, ReadAfterWriteThroughTwoServersWithTheWritesToken) {
  // A second server process on the same database: writes go through one, reads through the
  // other, each read asking for at least the state of the write before it.
  testing::TestServer reader(db_.url());
  auto checks = v1::PermissionService::NewStub(reader.Channel());
  auto reads = v1::DirectoryService::NewStub(reader.Channel());
  v1::CreateCloudRequest create;
  create.set_name("raw");
  v1::Cloud cloud;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &cloud, "raw").ok());
  std::mt19937 random(20261202);
  const char* roles[] = {"readonly", "collaborator", "owner"};
  for (int round = 0; round < 1000; ++round) {
    SCOPED_TRACE(round);
    const bool grant = random() % 2 == 0;
    const char* role = roles[random() % 3];
    std::string token;
    if (grant) {
      v1::GrantRoleRequest r;
      r.mutable_resource()->set_cloud_id(cloud.cloud_id());
      r.mutable_principal()->set_user_id(actor_user_);
      r.set_role(role);
      v1::Grant out;
      auto ctx = testing::AuthedContext(key_);
      ASSERT_TRUE(directory_->GrantRole(ctx.get(), r, &out).ok());
      token = out.consistency_token();
    } else {
      // Revoke every role: the user then holds none on the cloud.
      for (const char* each : roles) {
        v1::RevokeRoleRequest r;
        r.mutable_resource()->set_cloud_id(cloud.cloud_id());
        r.mutable_principal()->set_user_id(actor_user_);
        r.set_role(each);
        v1::DeleteResponse out;
        auto ctx = testing::AuthedContext(key_);
        const grpc::Status s = directory_->RevokeRole(ctx.get(), r, &out);
        ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::NOT_FOUND) << s.error_message();
        if (s.ok()) token = out.consistency_token();
      }
    }
    v1::CheckPermissionRequest check;
    check.set_user_id(actor_user_);
    check.mutable_resource()->set_cloud_id(cloud.cloud_id());
    check.set_min_role(grant ? role : "readonly");
    if (!token.empty()) check.mutable_consistency()->set_at_least_as_fresh(token);
    v1::CheckPermissionResponse answer;
    auto ctx = testing::AuthedContext(key_);
    ASSERT_TRUE(checks->CheckPermission(ctx.get(), check, &answer).ok());
    ASSERT_EQ(answer.allowed(), grant);
    // No write came between: the check answered the write's own state.
    if (!token.empty()) {
      ASSERT_EQ(answer.consistency_token(), token);
    }
    if (round % 100 == 0 && !token.empty()) {
      v1::ListGrantsRequest list;
      list.mutable_resource()->set_cloud_id(cloud.cloud_id());
      list.mutable_consistency()->set_at_least_as_fresh(token);
      grpc::Status status;
      const auto pages = testing::ReadStream(*reads, &Directory::ListGrants, key_, list, &status);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(pages.size(), 1u);
      EXPECT_EQ(pages[0].grants_size() > 0, grant);
    }
  }
}

TEST_F(ChangesE2E, TheCliPrintsEachWritesConsistencyTokenWithJson) {
  // The token of each write is the one for the revision it made.
  const auto token_of = [&](const testing::CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(json.is_object() && json.contains("consistency_token")) << r.out;
    return json.is_object() ? json.value("consistency_token", std::string()) : std::string();
  };
  const std::string created =
      token_of(server_->Cli({"user", "batch-create", "-f", "/dev/stdin", "--json"}, key_,
                            "create_users:\n  - email: cli@x.com\n    name: Cli\n"));
  EXPECT_EQ(RevisionOf(org_, created), Revision());
  const std::string cloud = token_of(server_->Cli({"cloud", "create", "cli-cloud"}, key_));
  EXPECT_EQ(RevisionOf(org_, cloud), Revision());
  const std::string group = token_of(server_->Cli({"user-group", "create", "cli-group"}, key_));
  const std::string added = token_of(
      server_->Cli({"user-group", "add-members", "cli-group", "cli@x.com", "--json"}, key_));
  EXPECT_EQ(RevisionOf(org_, added), RevisionOf(org_, group) + 1);
  const std::string granted = token_of(server_->Cli(
      {"cloud", "grant", "cli-cloud", "--user", "cli@x.com", "--role", "readonly", "--json"},
      key_));
  EXPECT_EQ(RevisionOf(org_, granted), Revision());
  const std::string revoked = token_of(server_->Cli(
      {"cloud", "revoke", "cli-cloud", "--user", "cli@x.com", "--role", "readonly", "--json"},
      key_));
  EXPECT_EQ(RevisionOf(org_, revoked), RevisionOf(org_, granted) + 1);
  const std::string deleted =
      token_of(server_->Cli({"user-group", "delete", "cli-group", "--json"}, key_));
  EXPECT_EQ(RevisionOf(org_, deleted), Revision());
  // Without --json the same writes keep their plain output.
  auto plain = server_->Cli({"cloud", "delete", "cli-cloud"}, key_);
  EXPECT_THAT(plain.out, ::testing::StartsWith("deleted cloud cld_"));
}

TEST_F(ChangesE2E, AnOrganizationsRevisionsAreItsOwn) {
  const std::string other = testing::NewOrgId();
  const std::string other_key = server_->CreateKey(other, "admin");
  const int64_t mine = Revision();
  v1::CreateCloudRequest r;
  r.set_name("elsewhere");
  v1::Cloud out;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, other_key, r, &out, "other").ok());
  EXPECT_EQ(Revision(), mine);
  EXPECT_EQ(
      db_.Scalar("SELECT count(*) FROM changes WHERE org_id = $1 AND request_id = 'other'", {org_}),
      "0");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM changes WHERE org_id = $1 AND request_id = 'other'",
                       {other}),
            "1");
}

// --- WatchChanges ---

// A change as the tests compare them with the log: "revision:seq:object_type:object_id:action".
std::string Row(const v1::Change& c) {
  return absl::StrCat(c.revision(), ":", c.seq(), ":", c.object_type(), ":", c.object_id(), ":",
                      c.action());
}

class WatchE2E : public ChangesE2E {
 protected:
  // The log of `org` after `revision` as Rows, in order.
  std::vector<std::string> LogAfter(const std::string& org, int64_t revision,
                                    const std::string& type = "") const {
    const std::string rows = db_.Scalar(
        "SELECT string_agg(revision || ':' || seq || ':' || object_type || ':' || object_id || ':' "
        "|| action, ',' ORDER BY revision, seq) FROM changes WHERE org_id = $1 AND revision > $2 "
        "AND ($3 = '' OR object_type = $3)",
        {org, std::to_string(revision), type});
    return rows.empty() ? std::vector<std::string>() : absl::StrSplit(rows, ',');
  }
};

// Follows `org`'s changes with `key` through `server` from `token` (empty: from now) until it has
// seen `target()` (-1: not known yet), cutting the stream at random points and resuming from the
// last token it kept — sometimes a message's, sometimes a change's in the middle of a message.
// Returns what it received, in order; `token` ends at the last position.
std::vector<std::string> Follow(testing::TestServer& server, const std::string& key,
                                const std::string& org, const PageTokenCodec& codec,
                                std::string* token, const std::function<int64_t()>& target,
                                std::mt19937& random) {
  auto watch = v1::ChangeService::NewStub(server.Channel());
  std::vector<std::string> received;
  int64_t position = -1;
  while (target() < 0 || position < target()) {
    v1::WatchChangesRequest request;
    request.set_after_token(*token);
    auto ctx = testing::AuthedContext(key);
    auto reader = watch->WatchChanges(ctx.get(), request);
    const int cut_after = 1 + static_cast<int>(random() % 6);
    v1::WatchChangesResponse message;
    for (int read = 0; read < cut_after && reader->Read(&message); ++read) {
      int keep = message.changes_size();
      if (keep > 1 && random() % 3 == 0) keep = 1 + static_cast<int>(random() % (keep - 1));
      for (int i = 0; i < keep; ++i) received.push_back(Row(message.changes(i)));
      *token = keep < message.changes_size() ? message.changes(keep - 1).consistency_token()
                                             : message.consistency_token();
      position = *DecodeConsistencyToken(codec, org, *token, "token");
      if (keep < message.changes_size()) break;  // as if the stream broke right there
      if (target() >= 0 && position >= target()) break;
    }
    ctx->TryCancel();
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::CANCELLED)
        << status.error_message();
  }
  return received;
}

TEST_F(WatchE2E, EveryChangeArrivesExactlyOnceInLogOrderAcrossReconnects) {
  // Watch through a second server process: notifications cross processes.
  testing::TestServer watcher(db_.url(), {"--watch-checkpoint-seconds", "1"});
  const std::string other = testing::NewOrgId();
  const std::string other_key = server_->CreateKey(other, "admin");
  std::string token, other_token;
  // Start from now: the first message is a checkpoint saying where now is.
  {
    auto watch = v1::ChangeService::NewStub(watcher.Channel());
    for (auto [k, t] : {std::pair<const std::string*, std::string*>{&key_, &token},
                        std::pair<const std::string*, std::string*>{&other_key, &other_token}}) {
      auto ctx = testing::AuthedContext(*k);
      auto reader = watch->WatchChanges(ctx.get(), v1::WatchChangesRequest());
      v1::WatchChangesResponse first;
      ASSERT_TRUE(reader->Read(&first));
      EXPECT_TRUE(first.checkpoint());
      EXPECT_THAT(first.changes(), IsEmpty());
      *t = first.consistency_token();
      ctx->TryCancel();
      reader->Finish();
    }
  }
  const int64_t start = RevisionOf(org_, token), other_start = RevisionOf(other, other_token);
  EXPECT_EQ(start, Revision());

  std::atomic<int64_t> target{-1}, other_target{-1};
  std::vector<std::string> received, other_received;
  std::thread follower([&] {
    std::mt19937 random(1);
    received = Follow(
        watcher, key_, org_, *codec_, &token, [&] { return target.load(); }, random);
  });
  std::thread other_follower([&] {
    std::mt19937 random(2);
    other_received = Follow(
        watcher, other_key, other, *codec_, &other_token, [&] { return other_target.load(); },
        random);
  });

  // 500 random writes of this organization from 4 clients, and 50 of the other's.
  const auto writer = [&](const std::string& key, int writes, unsigned seed) {
    auto directory = v1::DirectoryService::NewStub(server_->Channel());
    auto users = v1::UserService::NewStub(server_->Channel());
    std::mt19937 random(seed);
    std::vector<std::string> clouds, people;
    for (int i = 0; i < writes; ++i) {
      auto ctx = testing::AuthedContext(key);
      const unsigned op = clouds.empty() || people.empty() ? random() % 2 : random() % 4;
      grpc::Status s;
      if (op == 0) {
        v1::CreateCloudRequest r;
        r.set_name(absl::StrCat("c", seed, "-", i));
        v1::Cloud out;
        s = directory->CreateCloud(ctx.get(), r, &out);
        clouds.push_back(out.cloud_id());
      } else if (op == 1) {
        v1::AdminCreateUsers batch;  // 1 to 3 users: revisions of several changes
        for (unsigned n = 0; n <= random() % 3; ++n) {
          auto* user = batch.add_create_users();
          user->set_email(absl::StrCat("u", seed, "-", i, "-", n, "@x.com"));
          user->set_name("U");
        }
        v1::AdminBatchCreateUsersResponse out;
        s = users->AdminBatchCreateUsers(ctx.get(), batch, &out);
        for (const auto& u : out.created_users()) people.push_back(u.user_id());
      } else if (op == 2) {
        v1::GrantRoleRequest r;
        r.mutable_resource()->set_cloud_id(clouds[random() % clouds.size()]);
        r.mutable_principal()->set_user_id(people[random() % people.size()]);
        r.set_role("readonly");
        v1::Grant out;
        s = directory->GrantRole(ctx.get(), r, &out);
      } else {
        v1::DeleteCloudRequest r;  // with its grants: a revision of several changes
        const size_t at = random() % clouds.size();
        r.set_cloud_id(clouds[at]);
        clouds.erase(clouds.begin() + static_cast<long>(at));
        v1::DeleteResponse out;
        s = directory->DeleteCloud(ctx.get(), r, &out);
      }
      EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS)
          << s.error_message();
    }
  };
  std::vector<std::thread> writers;
  for (unsigned w = 0; w < 4; ++w) writers.emplace_back(writer, key_, 125, 10 + w);
  writers.emplace_back(writer, other_key, 50, 99);
  for (auto& w : writers) w.join();
  target = Revision();
  other_target =
      std::stoll(db_.Scalar("SELECT revision FROM org_revisions WHERE org_id = $1", {other}));
  follower.join();
  other_follower.join();

  EXPECT_GE(target - start, 500);
  // Exactly the log, in order: nothing missing, nothing twice, nothing of the other organization.
  EXPECT_THAT(received, ElementsAreArray(LogAfter(org_, start)));
  EXPECT_THAT(other_received, ElementsAreArray(LogAfter(other, other_start)));

  // Idle: checkpoints at the current revision, about one a second.
  auto watch = v1::ChangeService::NewStub(watcher.Channel());
  v1::WatchChangesRequest request;
  request.set_after_token(token);
  auto ctx = testing::AuthedContext(key_);
  auto reader = watch->WatchChanges(ctx.get(), request);
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 2; ++i) {
    v1::WatchChangesResponse message;
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_TRUE(message.checkpoint());
    EXPECT_THAT(message.changes(), IsEmpty());
    EXPECT_EQ(RevisionOf(org_, message.consistency_token()), target.load());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(4));
  ctx->TryCancel();
  reader->Finish();
}

TEST_F(WatchE2E, AWatchFiltersByObjectTypeAndIsWokenAtOnce) {
  v1::CreateCloudRequest create;
  create.set_name("watched");
  v1::Cloud cloud;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &cloud, "w0").ok());
  const int64_t start = RevisionOf(org_, cloud.consistency_token());
  auto watch = v1::ChangeService::NewStub(server_->Channel());
  v1::WatchChangesRequest request;
  request.set_after_token(cloud.consistency_token());
  request.add_object_types("grant");
  auto ctx = testing::AuthedContext(key_);
  auto reader = watch->WatchChanges(ctx.get(), request);
  std::vector<std::string> received;
  for (int round = 0; round < 3; ++round) {
    create.set_name(absl::StrCat("unwatched-", round));
    v1::Cloud ignored;
    ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &ignored, "w").ok());
    v1::GrantRoleRequest grant;
    grant.mutable_resource()->set_cloud_id(cloud.cloud_id());
    grant.mutable_principal()->set_user_id(actor_user_);
    grant.set_role(std::vector<std::string>{"readonly", "collaborator", "owner"}[round]);
    v1::Grant out;
    const auto wrote = std::chrono::steady_clock::now();
    ASSERT_TRUE(Call(directory_.get(), &Directory::GrantRole, key_, grant, &out, "g").ok());
    v1::WatchChangesResponse message;
    ASSERT_TRUE(reader->Read(&message));
    // Woken by the notification, not by the next checkpoint (5 s by default).
    EXPECT_LT(std::chrono::steady_clock::now() - wrote, std::chrono::seconds(2));
    ASSERT_FALSE(message.checkpoint());
    for (const auto& c : message.changes()) received.push_back(Row(c));
    EXPECT_EQ(message.consistency_token(), out.consistency_token());
  }
  ctx->TryCancel();
  reader->Finish();
  EXPECT_THAT(received, ElementsAreArray(LogAfter(org_, start, "grant")));
  EXPECT_EQ(received.size(), 3u);
}

TEST_F(WatchE2E, AWatchRequestIsCheckedAtTheEdge) {
  auto watch = v1::ChangeService::NewStub(server_->Channel());
  const std::string other_key = server_->CreateKey(testing::NewOrgId(), "admin");
  v1::CreateCloudRequest create;
  create.set_name("theirs");
  v1::Cloud theirs;
  ASSERT_TRUE(
      Call(directory_.get(), &Directory::CreateCloud, other_key, create, &theirs, "t").ok());
  const std::string check_key = server_->CreateKey(org_, "check");
  struct Case {
    std::string name, key, token, type;
    grpc::StatusCode code;
  };
  for (const Case& c : std::vector<Case>{
           {"unknown type", key_, "", "users';--", grpc::StatusCode::INVALID_ARGUMENT},
           {"another organization's token", key_, theirs.consistency_token(), "",
            grpc::StatusCode::INVALID_ARGUMENT},
           {"not a token", key_, "x", "", grpc::StatusCode::INVALID_ARGUMENT},
           {"a check key", check_key, "", "", grpc::StatusCode::PERMISSION_DENIED}}) {
    SCOPED_TRACE(c.name);
    v1::WatchChangesRequest request;
    request.set_after_token(c.token);
    if (!c.type.empty()) request.add_object_types(c.type);
    auto ctx = testing::AuthedContext(c.key);
    auto reader = watch->WatchChanges(ctx.get(), request);
    v1::WatchChangesResponse message;
    EXPECT_FALSE(reader->Read(&message));
    EXPECT_EQ(reader->Finish().error_code(), c.code);
  }
}

TEST_F(WatchE2E, PrunedChangesExpireTheirTokensAndTheServerSaysSo) {
  v1::CreateCloudRequest create;
  create.set_name("old");
  v1::Cloud old_cloud, new_cloud;
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &old_cloud, "o").ok());
  // Everything so far is made three days old (as a superuser may; the serving role may not).
  db_.Scalar(
      "UPDATE changes SET changed_at = now() - interval '3 days' WHERE org_id = $1 "
      "RETURNING 1",
      {org_});
  create.set_name("new");
  ASSERT_TRUE(Call(directory_.get(), &Directory::CreateCloud, key_, create, &new_cloud, "n").ok());
  const int64_t old_revision = RevisionOf(org_, old_cloud.consistency_token());

  // A server keeping one day prunes at its start.
  testing::TestServer pruner(db_.url(), {"--change-retention-days", "1"});
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return db_.Scalar("SELECT pruned_through FROM org_revisions WHERE org_id = $1", {org_}) ==
               std::to_string(old_revision);
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM changes WHERE org_id = $1 AND revision <= $2",
                       {org_, std::to_string(old_revision)}),
            "0");
  EXPECT_THAT(LogAfter(org_, old_revision), Not(IsEmpty()));  // the new cloud's change is kept
  // The metrics say what the round did: rows pruned, and the oldest change kept (the new
  // cloud's: seconds old, not days).
  std::string metrics;
  const auto value_of = [&](const std::string& name) {
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
  };
  // (Recorded once the round's statement has returned, a moment after its commit.)
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        metrics = testing::HttpGet(pruner.metrics_port(), "/metrics");
        return value_of("rolecall_change_log_pruned_total") >= 1.0;
      },
      std::chrono::seconds(10)))
      << metrics;
  const double oldest = value_of("rolecall_change_log_oldest_age_seconds");
  EXPECT_GT(oldest, 0.0) << metrics;
  EXPECT_LT(oldest, 86400.0) << metrics;

  auto watch = v1::ChangeService::NewStub(server_->Channel());
  const auto first_code = [&](const std::string& token) {
    v1::WatchChangesRequest request;
    request.set_after_token(token);
    auto ctx = testing::AuthedContext(key_);
    auto reader = watch->WatchChanges(ctx.get(), request);
    v1::WatchChangesResponse message;
    if (reader->Read(&message)) {
      ctx->TryCancel();
      reader->Finish();
      return grpc::StatusCode::OK;
    }
    const grpc::Status status = reader->Finish();
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("pruned"));
    return status.error_code();
  };
  // Before the horizon: refused, saying why. At it: every later change is still there.
  EXPECT_EQ(first_code(EncodeConsistencyToken(*codec_, org_, old_revision - 1)),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(first_code(old_cloud.consistency_token()), grpc::StatusCode::OK);
}

TEST_F(WatchE2E, OpenWatchesAreBoundedPerServer) {
  testing::TestServer bounded(db_.url(), {"--max-watch-streams", "2"});
  auto watch = v1::ChangeService::NewStub(bounded.Channel());
  struct Open {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader;
    bool first = false;
  };
  const auto open = [&] {
    Open o{testing::AuthedContext(key_), nullptr};
    o.reader = watch->WatchChanges(o.ctx.get(), v1::WatchChangesRequest());
    v1::WatchChangesResponse message;
    o.first = o.reader->Read(&message);
    return o;
  };
  const auto close = [](Open& o) {
    if (o.first) o.ctx->TryCancel();  // a refused watch has ended already
    return o.reader->Finish();
  };
  Open a = open(), b = open(), c = open();
  EXPECT_TRUE(a.first);
  EXPECT_TRUE(b.first);
  EXPECT_FALSE(c.first);
  const grpc::Status refused = close(c);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("--max-watch-streams"));
  close(a);
  // The slot comes back once the server has seen the cancellation.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        Open d = open();
        close(d);
        return d.first;
      },
      std::chrono::seconds(5)));
  close(b);
}

TEST_F(WatchE2E, AWatchEndsResumablyWhenTheServerDrains) {
  testing::TestServer draining(db_.url());
  auto watch = v1::ChangeService::NewStub(draining.Channel());
  auto ctx = testing::AuthedContext(key_);
  auto reader = watch->WatchChanges(ctx.get(), v1::WatchChangesRequest());
  v1::WatchChangesResponse first;
  ASSERT_TRUE(reader->Read(&first));
  const auto signalled = std::chrono::steady_clock::now();
  draining.process().Signal(SIGTERM);
  v1::WatchChangesResponse message;
  while (reader->Read(&message)) {
  }
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("resume"));
  // Well within the drain's grace (20 s): the watch did not hold the shutdown up.
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(5));
  EXPECT_EQ(draining.process().Wait(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace rolecall
