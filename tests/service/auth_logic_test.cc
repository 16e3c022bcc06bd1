// Authentication and authorization of every RPC, through the real services on a FakeStore: each
// RPC needs its scope (check ⊂ read ⊂ admin) and refuses a narrower key with PERMISSION_DENIED
// before touching storage; missing, malformed, unknown, wrong-secret, revoked and deleted-user
// keys are UNAUTHENTICATED.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "rolecall/v1/changes.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace rolecall::testing {
namespace {

constexpr char kOrg[] = "org_auth";

// One RPC with a request that passes validation, and the scope it needs.
struct Rpc {
  std::string name;
  Scope needed;
  std::function<grpc::Status(ServiceHarness&, const std::string& key)> call;
};

template <typename Request>
Request WithResource(Request r, const std::string& cloud) {
  r.mutable_resource()->set_cloud_id(cloud);
  return r;
}

std::vector<Rpc> UserAndPermissionRpcs(const std::string& user, const std::string& cloud) {
  v1::AdminCreateUsers batch;
  batch.add_create_users()->set_email("new@x.com");
  batch.mutable_create_users(0)->set_name("New");
  v1::GetUserRequest get;
  get.set_email("u@x.com");
  v1::CheckPermissionRequest check;
  check.set_user_id(user);
  check.mutable_resource()->set_cloud_id(cloud);
  check.set_min_role("readonly");
  v1::ExplainPermissionRequest explain;
  explain.set_user_id(user);
  explain.mutable_resource()->set_organization(true);
  return {
      {"AdminBatchCreateUsers", Scope::kAdmin,
       [=](ServiceHarness& h, const std::string& k) {
         return Unary(h.users(), &Users::AdminBatchCreateUsers, k, batch);
       }},
      {"ListUsers", Scope::kRead,
       [](ServiceHarness& h, const std::string& k) {
         return Stream(h.users(), &Users::ListUsers, k, v1::ListUsersRequest());
       }},
      {"GetUser", Scope::kRead,
       [=](ServiceHarness& h, const std::string& k) {
         return Unary(h.users(), &Users::GetUser, k, get);
       }},
      {"ListUserPermissions (organization)", Scope::kAdmin,
       [](ServiceHarness& h, const std::string& k) {
         return Stream(h.permissions(), &Permissions::ListUserPermissions, k,
                       v1::ListUserPermissionsRequest());
       }},
      {"CheckPermission", Scope::kCheck,
       [=](ServiceHarness& h, const std::string& k) {
         return Unary(h.permissions(), &Permissions::CheckPermission, k, check);
       }},
      {"BulkCheckPermission", Scope::kCheck,
       [=](ServiceHarness& h, const std::string& k) {
         v1::BulkCheckPermissionRequest bulk;
         v1::BulkCheckItem* item = bulk.add_items();
         item->set_user_id(check.user_id());
         *item->mutable_resource() = check.resource();
         item->set_min_role(check.min_role());
         return Unary(h.permissions(), &Permissions::BulkCheckPermission, k, bulk);
       }},
      {"ExplainPermission", Scope::kRead,
       [=](ServiceHarness& h, const std::string& k) {
         return Unary(h.permissions(), &Permissions::ExplainPermission, k, explain);
       }},
      {"WatchChanges", Scope::kRead,
       [](ServiceHarness& h, const std::string& k) {
         // A watch from now begins with a checkpoint; it is the answer here.
         auto changes = v1::ChangeService::NewStub(h.channel());
         auto ctx = ServiceHarness::Context(k, std::nullopt);
         auto reader = changes->WatchChanges(ctx.get(), v1::WatchChangesRequest());
         v1::WatchChangesResponse first;
         if (!reader->Read(&first)) return reader->Finish();
         ctx->TryCancel();
         reader->Finish();
         return grpc::Status::OK;
       }},
      {"ListChanges", Scope::kAdmin,
       [](ServiceHarness& h, const std::string& k) {
         auto changes = v1::ChangeService::NewStub(h.channel());
         return Stream(*changes, &v1::ChangeService::Stub::ListChanges, k,
                       v1::ListChangesRequest());
       }},
  };
}

// A unary DirectoryService RPC with `request`.
template <typename Request, typename Response>
Rpc DirectoryUnary(const char* name, Scope needed,
                   grpc::Status (Directory::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                   Request request) {
  return {name, needed, [=](ServiceHarness& h, const std::string& k) {
            return Unary(h.directory(), method, k, request);
          }};
}

// A streaming DirectoryService RPC with `request`.
template <typename Request, typename Page>
Rpc DirectoryStream(const char* name, Scope needed,
                    std::unique_ptr<grpc::ClientReader<Page>> (Directory::*method)(
                        grpc::ClientContext*, const Request&),
                    Request request) {
  return {name, needed, [=](ServiceHarness& h, const std::string& k) {
            return Stream(h.directory(), method, k, request);
          }};
}

// Clouds, projects and user groups.
std::vector<Rpc> ResourceRpcs(const std::string& cloud) {
  v1::CreateCloudRequest create_cloud;
  create_cloud.set_name("new-cloud");
  v1::GetCloudRequest get_cloud;
  get_cloud.set_cloud_id(cloud);
  v1::DeleteCloudRequest delete_cloud;
  delete_cloud.set_cloud_id("cld_gone");
  v1::CreateProjectRequest create_project;
  create_project.set_cloud_id(cloud);
  create_project.set_name("p");
  v1::GetProjectRequest get_project;
  get_project.set_project_id("prj_x");
  v1::DeleteProjectRequest delete_project;
  delete_project.set_project_id("prj_x");
  v1::CreateUserGroupRequest create_group;
  create_group.set_name("g");
  v1::GetUserGroupRequest get_group;
  get_group.set_id("ug_x");
  v1::DeleteUserGroupRequest delete_group;
  delete_group.set_id("ug_x");
  return {
      DirectoryUnary("CreateCloud", Scope::kAdmin, &Directory::CreateCloud, create_cloud),
      DirectoryUnary("GetCloud", Scope::kRead, &Directory::GetCloud, get_cloud),
      DirectoryStream("ListClouds", Scope::kRead, &Directory::ListClouds, v1::ListRequest()),
      DirectoryUnary("DeleteCloud", Scope::kAdmin, &Directory::DeleteCloud, delete_cloud),
      DirectoryUnary("CreateProject", Scope::kAdmin, &Directory::CreateProject, create_project),
      DirectoryUnary("GetProject", Scope::kRead, &Directory::GetProject, get_project),
      DirectoryStream("ListProjects", Scope::kRead, &Directory::ListProjects, v1::ListRequest()),
      DirectoryUnary("DeleteProject", Scope::kAdmin, &Directory::DeleteProject, delete_project),
      DirectoryUnary("CreateUserGroup", Scope::kAdmin, &Directory::CreateUserGroup, create_group),
      DirectoryUnary("GetUserGroup", Scope::kRead, &Directory::GetUserGroup, get_group),
      DirectoryStream("ListUserGroups", Scope::kRead, &Directory::ListUserGroups,
                      v1::ListRequest()),
      DirectoryUnary("DeleteUserGroup", Scope::kAdmin, &Directory::DeleteUserGroup, delete_group),
  };
}

// Members, accounts, grants and keys.
std::vector<Rpc> AccessRpcs(const std::string& user, const std::string& cloud) {
  v1::GroupMembersRequest members;
  members.set_group_id("ug_x");
  members.add_users(user);
  v1::CreateServiceAccountRequest sa;
  sa.set_name("bot");
  v1::DeleteUserRequest delete_user;
  delete_user.set_user_id("usr_gone");
  v1::GrantRoleRequest grant = WithResource(v1::GrantRoleRequest(), cloud);
  grant.mutable_principal()->set_user_id(user);
  grant.set_role("readonly");
  v1::RevokeRoleRequest revoke = WithResource(v1::RevokeRoleRequest(), cloud);
  revoke.mutable_principal()->set_user_id(user);
  revoke.set_role("owner");
  v1::CreateApiKeyRequest create_key;
  create_key.set_scope("check");
  v1::RevokeApiKeyRequest revoke_key;
  revoke_key.set_key_id("nokey");
  return {
      DirectoryUnary("AddGroupMembers", Scope::kAdmin, &Directory::AddGroupMembers, members),
      DirectoryUnary("RemoveGroupMembers", Scope::kAdmin, &Directory::RemoveGroupMembers, members),
      DirectoryStream("ListGroupMemberships", Scope::kRead, &Directory::ListGroupMemberships,
                      v1::ListRequest()),
      DirectoryUnary("CreateServiceAccount", Scope::kAdmin, &Directory::CreateServiceAccount, sa),
      DirectoryUnary("DeleteUser", Scope::kAdmin, &Directory::DeleteUser, delete_user),
      DirectoryUnary("GrantRole", Scope::kAdmin, &Directory::GrantRole, grant),
      DirectoryUnary("RevokeRole", Scope::kAdmin, &Directory::RevokeRole, revoke),
      DirectoryStream("ListGrants", Scope::kRead, &Directory::ListGrants,
                      WithResource(v1::ListGrantsRequest(), cloud)),
      DirectoryUnary("CreateApiKey", Scope::kAdmin, &Directory::CreateApiKey, create_key),
      DirectoryStream("ListApiKeys", Scope::kAdmin, &Directory::ListApiKeys, v1::ListRequest()),
      DirectoryUnary("RevokeApiKey", Scope::kAdmin, &Directory::RevokeApiKey, revoke_key),
  };
}

class AuthLogic : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.CreateOrg(kOrg);
    user_ = h_.AddUser(kOrg, "u@x.com", "U");
    cloud_ = h_.AddCloud(kOrg, "c");
  }
  std::vector<Rpc> AllRpcs() const {
    std::vector<Rpc> out = UserAndPermissionRpcs(user_, cloud_);
    for (auto& rpc : ResourceRpcs(cloud_)) out.push_back(std::move(rpc));
    for (auto& rpc : AccessRpcs(user_, cloud_)) out.push_back(std::move(rpc));
    return out;
  }
  ServiceHarness h_;
  std::string user_, cloud_;
};

TEST_F(AuthLogic, EveryRpcRefusesAKeyNarrowerThanItsScopeBeforeStorage) {
  const std::vector<Rpc> rpcs = AllRpcs();
  ASSERT_EQ(rpcs.size(), 32u);  // every RPC of the four services
  for (const Scope held : {Scope::kCheck, Scope::kRead, Scope::kAdmin}) {
    const std::string key = h_.Key(kOrg, held);
    for (const Rpc& rpc : rpcs) {
      SCOPED_TRACE(absl::StrCat(rpc.name, " with a ", std::string(ScopeName(held)), " key"));
      const int64_t before = h_.HandlerCalls();
      const grpc::Status s = rpc.call(h_, key);
      if (ScopeCovers(held, rpc.needed)) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
        // Each request is a valid one: an allowed call gets past validation too.
        EXPECT_NE(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
        // (ListUserPermissions first asks for read, then for admin unless it is one's own.)
        EXPECT_THAT(s.error_message(), ::testing::HasSubstr(absl::StrCat(
                                           "this key has scope ", std::string(ScopeName(held)))));
        EXPECT_EQ(h_.HandlerCalls(), before) << "storage was called for a refused call";
      }
    }
  }
}

TEST_F(AuthLogic, EveryRpcRefusesUnauthenticatedCallersBeforeStorage) {
  const std::string good = h_.Key(kOrg, Scope::kAdmin);
  const std::string unknown = FormatApiKey(NewApiKey());
  const std::string wrong_secret = FormatApiKey({ParseApiKey(good)->key_id, NewApiKey().secret});
  for (const std::string& key : {std::string(), std::string("garbage"), unknown, wrong_secret}) {
    for (const Rpc& rpc : AllRpcs()) {
      SCOPED_TRACE(absl::StrCat(rpc.name, " with key '", key.substr(0, 12), "'"));
      const int64_t before = h_.HandlerCalls();
      const grpc::Status s = rpc.call(h_, key);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
      EXPECT_EQ(h_.HandlerCalls(), before);
    }
  }
}

TEST_F(AuthLogic, MalformedAuthorizationMetadataIsUnauthenticated) {
  for (const char* value : {"Basic abc", "Bearer", "bearer rck_x_y", "Bearer rck_"}) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", value);
    v1::GetCloudRequest r;
    r.set_cloud_id(cloud_);
    v1::Cloud out;
    EXPECT_EQ(h_.directory().GetCloud(&ctx, r, &out).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << value;
  }
}

TEST_F(AuthLogic, RevokedKeysAndDeletedUsersKeysAreUnauthenticatedAtOnce) {
  const std::string admin = h_.Key(kOrg, Scope::kAdmin);
  const std::string doomed = h_.Key(kOrg, Scope::kRead);
  const std::string users_key = h_.Key(kOrg, Scope::kRead, user_);
  v1::GetCloudRequest get;
  get.set_cloud_id(cloud_);
  ASSERT_TRUE(Unary(h_.directory(), &Directory::GetCloud, doomed, get).ok());  // now cached
  ASSERT_TRUE(Unary(h_.directory(), &Directory::GetCloud, users_key, get).ok());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(ParseApiKey(doomed)->key_id);
  ASSERT_TRUE(Unary(h_.directory(), &Directory::RevokeApiKey, admin, revoke).ok());
  const grpc::Status revoked = Unary(h_.directory(), &Directory::GetCloud, doomed, get);
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(revoked.error_message(), "this API key has been revoked");
  v1::DeleteUserRequest del;
  del.set_user_id(user_);
  ASSERT_TRUE(Unary(h_.directory(), &Directory::DeleteUser, admin, del).ok());
  EXPECT_EQ(Unary(h_.directory(), &Directory::GetCloud, users_key, get).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Unary(h_.directory(), &Directory::GetCloud, admin, get).ok());
}

TEST_F(AuthLogic, AnOwnersKeyIsBoundedByItsScope) {
  ASSERT_TRUE(h_.store()
                  .GrantRole(RequestContext::Org(kOrg), {ResourceKind::kOrganization, kOrg},
                             {false, user_}, Role::kOwner)
                  .ok());
  const std::string owners_read_key = h_.Key(kOrg, Scope::kRead, user_);
  v1::CreateCloudRequest create;
  create.set_name("x");
  EXPECT_EQ(Unary(h_.directory(), &Directory::CreateCloud, owners_read_key, create).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateApiKeyRequest wider;
  wider.set_scope("admin");
  const grpc::Status refused =
      Unary(h_.directory(), &Directory::CreateApiKey, owners_read_key, wider);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Refused by the key's scope, whatever role its user holds.
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("this key has scope read"));
}

TEST_F(AuthLogic, AUsersReadKeyListsOnlyThatUsersOwnPermissions) {
  const std::string other_user = h_.AddUser(kOrg, "other@x.com", "Other");
  for (const std::string& who : {user_, other_user}) {
    ASSERT_TRUE(h_.store()
                    .GrantRole(RequestContext::Org(kOrg), {ResourceKind::kCloud, cloud_},
                               {false, who}, Role::kReadonly)
                    .ok());
  }
  const std::string mine = h_.Key(kOrg, Scope::kRead, user_);
  const std::string check_only = h_.Key(kOrg, Scope::kCheck, user_);
  v1::ListUserPermissionsRequest own;
  own.set_user_id(user_);
  std::vector<v1::ListUserPermissionsPage> pages;
  const grpc::Status ok =
      Stream(h_.permissions(), &Permissions::ListUserPermissions, mine, own, &pages);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].organization_id(), kOrg);
  ASSERT_EQ(pages[0].users_size(), 1);  // the other user, granted the same cloud, is not listed
  EXPECT_EQ(pages[0].users(0).user_email(), "u@x.com");
  v1::ListUserPermissionsRequest other;
  other.set_user_id("usr_someoneelse");
  EXPECT_EQ(Stream(h_.permissions(), &Permissions::ListUserPermissions, mine, other).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Stream(h_.permissions(), &Permissions::ListUserPermissions, mine,
                   v1::ListUserPermissionsRequest())
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Stream(h_.permissions(), &Permissions::ListUserPermissions, check_only, own).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthLogic, KeysScopeEveryCallToTheirOrganization) {
  h_.CreateOrg("org_two");
  ASSERT_TRUE(h_.store().CreateCloud(RequestContext::Org("org_two"), "theirs").ok());
  const std::string key = h_.Key(kOrg, Scope::kRead);
  std::vector<v1::ListCloudsPage> pages;
  ASSERT_TRUE(Stream(h_.directory(), &Directory::ListClouds, key, v1::ListRequest(), &pages).ok());
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].clouds_size(), 1);
  EXPECT_EQ(pages[0].clouds(0).name(), "c");
  EXPECT_EQ(h_.store().last_context()->org_id, kOrg);
}

}  // namespace
}  // namespace rolecall::testing
