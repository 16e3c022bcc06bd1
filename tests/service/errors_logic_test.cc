// Validation, error mapping, deadline propagation and drain, through the real services on a
// FakeStore: bad ids and names are INVALID_ARGUMENT with google.rpc.BadRequest field violations
// and never reach storage; storage failures reach the client with their code (INTERNAL without
// what the database said); the caller's deadline reaches storage in the RequestContext; a
// draining server refuses new calls with UNAVAILABLE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "tests/support/service_harness.h"

namespace rolecall::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kOrg[] = "org_errors";

class ServiceErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.CreateOrg(kOrg);
    key_ = h_.Key(kOrg, Scope::kAdmin);
    user_ = h_.AddUser(kOrg, "u@x.com", "U");
    cloud_ = h_.AddCloud(kOrg, "c");
    // Authenticate once, so the key is cached and later store calls are the handlers' own.
    const grpc::Status s = GetCloud();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  grpc::Status GetCloud(std::optional<std::chrono::system_clock::time_point> deadline = {}) {
    v1::GetCloudRequest r;
    r.set_cloud_id(cloud_);
    v1::Cloud out;
    return Unary(h_.directory(), &Directory::GetCloud, key_, r, &out, deadline);
  }
  grpc::Status CreateCloud(const std::string& name) {
    v1::CreateCloudRequest r;
    r.set_name(name);
    return Unary(h_.directory(), &Directory::CreateCloud, key_, r);
  }
  grpc::Status Check(std::optional<std::chrono::system_clock::time_point> deadline = {}) {
    v1::CheckPermissionRequest r;
    r.set_user_id(user_);
    r.mutable_resource()->set_cloud_id(cloud_);
    r.set_min_role("readonly");
    v1::CheckPermissionResponse out;
    return Unary(h_.permissions(), &Permissions::CheckPermission, key_, r, &out, deadline);
  }
  ServiceHarness h_;
  std::string key_, user_, cloud_;
};

// --- Validation. ---

TEST_F(ServiceErrors, BadNamesAreFieldViolationsAndNeverReachStorage) {
  const int64_t before = h_.HandlerCalls();
  const grpc::Status empty = CreateCloud("");
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(empty), ElementsAre(StartsWith("name: ")));
  const grpc::Status control = CreateCloud("bad\x01name");
  EXPECT_EQ(control.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(control), ElementsAre(HasSubstr("control character")));
  const grpc::Status long_name = CreateCloud(std::string(300, 'x'));
  EXPECT_EQ(long_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(long_name), ElementsAre(StartsWith("name: ")));
  EXPECT_EQ(h_.HandlerCalls(), before);
}

TEST_F(ServiceErrors, BadIdsAreFieldViolationsNamingTheirPath) {
  const int64_t before = h_.HandlerCalls();
  v1::GetProjectRequest project;
  project.set_project_id("cld_wrongkind");
  const grpc::Status s1 = Unary(h_.directory(), &Directory::GetProject, key_, project);
  EXPECT_EQ(s1.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(s1), ElementsAre(StartsWith("project_id: ")));
  v1::GetProjectRequest missing;
  const grpc::Status s2 = Unary(h_.directory(), &Directory::GetProject, key_, missing);
  EXPECT_THAT(FieldViolations(s2), ElementsAre("project_id: project_id is required"));
  v1::GroupMembersRequest members;
  members.set_group_id("ug_ok");
  members.add_users("u@x.com");
  members.add_users("not an id");
  const grpc::Status s3 = Unary(h_.directory(), &Directory::AddGroupMembers, key_, members);
  EXPECT_THAT(FieldViolations(s3), ElementsAre(StartsWith("users[1]: ")));
  v1::GrantRoleRequest grant;
  grant.mutable_resource()->set_cloud_id("prj_nope");
  grant.mutable_principal()->set_user_id(user_);
  grant.set_role("owner");
  const grpc::Status s4 = Unary(h_.directory(), &Directory::GrantRole, key_, grant);
  EXPECT_THAT(FieldViolations(s4), ElementsAre(StartsWith("resource.cloud_id: ")));
  EXPECT_EQ(h_.HandlerCalls(), before);
}

TEST_F(ServiceErrors, BadRolesAndMissingOneofsAreFieldViolations) {
  v1::GrantRoleRequest grant;
  grant.mutable_resource()->set_organization(true);
  grant.mutable_principal()->set_user_id(user_);
  grant.set_role("readonly");  // not an organization role
  EXPECT_THAT(FieldViolations(Unary(h_.directory(), &Directory::GrantRole, key_, grant)),
              ElementsAre(StartsWith("role: unknown organization role 'readonly'")));
  grant.clear_resource();
  grant.set_role("owner");
  EXPECT_THAT(FieldViolations(Unary(h_.directory(), &Directory::GrantRole, key_, grant)),
              ElementsAre(StartsWith("resource: ")));
  v1::CheckPermissionRequest check;
  check.set_user_id(user_);
  check.mutable_resource()->set_cloud_id(cloud_);
  check.set_min_role("god");
  const grpc::Status s = Unary(h_.permissions(), &Permissions::CheckPermission, key_, check);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(s), ElementsAre(StartsWith("min_role: ")));
}

TEST_F(ServiceErrors, BatchCreateNamesTheEntryAndCreatesNothing) {
  v1::AdminCreateUsers batch;
  for (int i = 0; i < 5; ++i) {
    auto* u = batch.add_create_users();
    u->set_name(absl::StrCat("User ", i));
    u->set_email(i == 3 ? "not-an-email" : absl::StrCat("user", i, "@x.com"));
  }
  const grpc::Status s = Unary(h_.users(), &Users::AdminBatchCreateUsers, key_, batch);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(s), ElementsAre(StartsWith("create_users[3].email")));
  EXPECT_EQ(h_.store().calls("CreateUsers"), 1);  // SetUp's only
  EXPECT_EQ(h_.store().ModelOf(kOrg).users.size(), 1u);
}

TEST_F(ServiceErrors, GetUserSaysWhoIsMissingOrAmbiguous) {
  v1::GetUserRequest r;
  r.set_email("nobody@x.com");
  v1::User out;
  const grpc::Status missing = Unary(h_.users(), &Users::GetUser, key_, r, &out);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_message(), "No user found matching 'nobody@x.com'.");
  h_.AddUser(kOrg, "u2@x.com", "U");  // another user named U
  r.set_name("U");
  const grpc::Status ambiguous = Unary(h_.users(), &Users::GetUser, key_, r, &out);
  EXPECT_EQ(ambiguous.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(ambiguous.error_message(), HasSubstr("2 users"));
  EXPECT_THAT(ambiguous.error_message(), HasSubstr("--email"));
  r.set_email("U@X.com");
  ASSERT_TRUE(Unary(h_.users(), &Users::GetUser, key_, r, &out).ok());
  EXPECT_EQ(out.user_id(), user_);
}

// --- Error mapping. ---

TEST_F(ServiceErrors, StorageFailuresReachTheClientWithTheirCode) {
  const std::pair<absl::Status, grpc::StatusCode> cases[] = {
      {absl::UnavailableError("listing: the database is unavailable; retry shortly"),
       grpc::StatusCode::UNAVAILABLE},
      {absl::NotFoundError("cloud 'cld_x' not found"), grpc::StatusCode::NOT_FOUND},
      {absl::DeadlineExceededError("the database query timed out"),
       grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::InternalError("database error"), grpc::StatusCode::INTERNAL},
  };
  for (const auto& [fault, code] : cases) {
    SCOPED_TRACE(fault.ToString());
    h_.store().FailNext(fault, "GetCloud");
    const grpc::Status unary = GetCloud();
    EXPECT_EQ(unary.error_code(), code);
    EXPECT_EQ(unary.error_message(), fault.message());
    h_.store().FailNext(fault, "ListClouds");
    EXPECT_EQ(Stream(h_.directory(), &Directory::ListClouds, key_, v1::ListRequest()).error_code(),
              code);
    h_.store().FailNext(fault, "CheckRole");
    EXPECT_EQ(Check().error_code(), code);
    h_.store().FailNext(fault, "StreamUserPermissions");
    EXPECT_EQ(Stream(h_.permissions(), &Permissions::ListUserPermissions, key_,
                     v1::ListUserPermissionsRequest())
                  .error_code(),
              code);
  }
  EXPECT_TRUE(GetCloud().ok());  // every fault was used
}

TEST_F(ServiceErrors, InternalErrorsHideWhatTheDatabaseSaid) {
  const absl::Status fault =
      WithDetail(absl::InternalError("creating the cloud: database error"),
                 "SQLSTATE XX000: relation api_keys secret_hash=abc123 in row usr_other");
  h_.store().FailNext(fault, "CreateCloud");
  const grpc::Status s = CreateCloud("new");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(s.error_message(), "creating the cloud: database error");
  EXPECT_THAT(s.error_details(), Not(HasSubstr("SQLSTATE")));
  EXPECT_THAT(s.error_details(), Not(HasSubstr("secret_hash")));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("abc123")));
}

TEST_F(ServiceErrors, AuthenticationStorageOutageIsUnavailableNotUnauthenticated) {
  const std::string fresh = h_.Key(kOrg, Scope::kRead);  // not cached yet
  h_.store().FailNext(absl::UnavailableError("looking up the API key: the database is down"),
                      "FindApiKey");
  v1::GetCloudRequest r;
  r.set_cloud_id(cloud_);
  EXPECT_EQ(Unary(h_.directory(), &Directory::GetCloud, fresh, r).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Unary(h_.directory(), &Directory::GetCloud, fresh, r).ok());
}

// --- Deadlines. ---

TEST_F(ServiceErrors, TheCallersDeadlineReachesStorage) {
  std::mutex mu;
  std::map<std::string, RequestContext> seen;
  h_.store().SetObserver([&](std::string_view method, const RequestContext& ctx) {
    std::lock_guard<std::mutex> lock(mu);
    seen[std::string(method)] = ctx;
  });
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(42);
  const std::string fresh = h_.Key(kOrg, Scope::kAdmin);
  v1::GetCloudRequest r;
  r.set_cloud_id(cloud_);
  ASSERT_TRUE(Unary(h_.directory(), &Directory::GetCloud, fresh, r, nullptr, deadline).ok());
  key_ = fresh;
  ASSERT_TRUE(Check(deadline).ok());
  ASSERT_TRUE(Stream(h_.permissions(), &Permissions::ListUserPermissions, key_,
                     v1::ListUserPermissionsRequest(), nullptr, 1000, deadline)
                  .ok());
  std::lock_guard<std::mutex> lock(mu);
  for (const char* method : {"FindApiKey", "GetCloud", "CheckRole", "StreamUserPermissions"}) {
    SCOPED_TRACE(method);
    ASSERT_TRUE(seen.count(method));
    const RequestContext& ctx = seen.at(method);
    EXPECT_EQ(ctx.org_id, std::string(method) == "FindApiKey" ? "" : kOrg);
    ASSERT_TRUE(ctx.deadline.has_value());
    EXPECT_LT(std::chrono::abs(*ctx.deadline - deadline), std::chrono::milliseconds(500));
  }
}

TEST_F(ServiceErrors, NoDeadlineMeansNoneInStorage) {
  ASSERT_TRUE(GetCloud().ok());
  ASSERT_TRUE(h_.store().last_context().has_value());
  EXPECT_EQ(h_.store().last_method(), "GetCloud");
  EXPECT_FALSE(h_.store().last_context()->deadline.has_value());
}

// --- Drain. ---

TEST_F(ServiceErrors, ADrainingServerRefusesNewCallsWithUnavailable) {
  h_.drain().Refuse();
  const int64_t before = h_.store().calls();
  const grpc::Status unary = GetCloud();
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(unary.error_message(), HasSubstr("shutting down"));
  EXPECT_EQ(Stream(h_.directory(), &Directory::ListClouds, key_, v1::ListRequest()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(h_.store().calls(), before);  // not even authenticated
}

}  // namespace
}  // namespace rolecall::testing
