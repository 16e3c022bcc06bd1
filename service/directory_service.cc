#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "core/user_validation.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "service/handlers.h"
#include "service/paged_stream.h"
#include "service/refs.h"

namespace rolecall {
namespace {

constexpr int kMaxMembersPerCall = 1000;

absl::Status CheckName(const std::string& name) {
  if (std::string problem = NameProblem(name, /*required=*/true); !problem.empty()) {
    return InvalidFields({{"name", "name " + problem}});
  }
  return absl::OkStatus();
}

absl::Status CheckMembers(const v1::GroupMembersRequest& r) {
  RETURN_IF_ERROR(RequireId(r.group_id(), "group_id"));
  if (r.users_size() == 0) return InvalidFields({{"users", "at least one user is required"}});
  if (r.users_size() > kMaxMembersPerCall) {
    return InvalidFields({{"users", absl::StrCat("at most ", kMaxMembersPerCall,
                                                 " users per call; got ", r.users_size())}});
  }
  for (int i = 0; i < r.users_size(); ++i) {
    RETURN_IF_ERROR(RequireId(r.users(i), absl::StrCat("users[", i, "]")));
  }
  return absl::OkStatus();
}

// A unary call needing `scope` whose response is what `make(call)` returns.
template <typename Response, typename Request, typename Make>
grpc::Status Answer(ServiceEnv& env, const char* method, grpc::ServerContext* ctx, Scope scope,
                    const Request& request, Response* response, const Make& make) {
  return Call(env, method, *ctx).Run(scope, request, response, [&](Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(*response, make(call));
    return absl::OkStatus();
  });
}

// Creates what `request.name()` names with `create` of `store` (an admin call).
template <typename Store, typename Item, typename Request>
grpc::Status CreateNamed(ServiceEnv& env, const char* method, grpc::ServerContext* ctx,
                         const Request& request, Item* response, Store& store,
                         absl::StatusOr<Item> (Store::*create)(const RequestContext&,
                                                               const std::string&)) {
  return Answer(env, method, ctx, Scope::kAdmin, request, response,
                [&](Call& call) -> absl::StatusOr<Item> {
                  RETURN_IF_ERROR(CheckName(request.name()));
                  return (store.*create)(call.context(), request.name());
                });
}

// Reads the item a request names by id, or by name when it sets `name` (a read call).
template <typename Item, typename Request>
grpc::Status GetByKey(ServiceEnv& env, const char* method, grpc::ServerContext* ctx,
                      const Request& request, bool by_name, const std::string& id,
                      const char* id_field, Item* response,
                      absl::StatusOr<Item> (DirectoryStore::*get)(const RequestContext&,
                                                                  const std::string&, bool)) {
  return Answer(env, method, ctx, Scope::kRead, request, response,
                [&](Call& call) -> absl::StatusOr<Item> {
                  const std::string& key = by_name ? request.name() : id;
                  RETURN_IF_ERROR(RequireId(key, id_field));
                  return (env.directory.*get)(call.context(), key, by_name);
                });
}

// Deletes what `id` (the request's field `id_field`) names with `remove` (an admin call).
template <typename Request>
grpc::Status DeleteById(ServiceEnv& env, const char* method, grpc::ServerContext* ctx,
                        const Request& request, const std::string& id, const char* id_field,
                        v1::DeleteResponse* response,
                        absl::Status (DirectoryStore::*remove)(const RequestContext&,
                                                               const std::string&)) {
  return Call(env, method, *ctx)
      .Run(Scope::kAdmin, request, response, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(id, id_field));
        return (env.directory.*remove)(call.context(), id);
      });
}

// Streams the pages of `list`: what the request's `name` is contained in (a read call).
template <typename PageMessage, typename Item>
grpc::Status ListNamed(ServiceEnv& env, const char* method, grpc::ServerContext* ctx,
                       const v1::ListRequest& request, grpc::ServerWriter<PageMessage>* writer,
                       google::protobuf::RepeatedPtrField<Item>* (PageMessage::*items)(),
                       absl::StatusOr<Page<Item, NameIdCursor>> (DirectoryStore::*list)(
                           const RequestContext&, const NameQuery&,
                           const std::optional<NameIdCursor>&, int)) {
  return Call(env, method, *ctx).Run(Scope::kRead, request, [&](Call& call) {
    const NameQuery query{request.name()};
    return StreamPages<NameIdCursor>(
        call, request, writer, {query.name_contains}, items, [&](const auto& after, int limit) {
          return (env.directory.*list)(call.context(), query, after, limit);
        });
  });
}

// Adds or removes members with `change`, answering how many memberships changed.
grpc::Status ChangeMembers(
    ServiceEnv& env, const char* method, grpc::ServerContext* ctx,
    const v1::GroupMembersRequest& request, v1::GroupMembersResponse* response,
    absl::StatusOr<int> (DirectoryStore::*change)(const RequestContext&, const std::string&,
                                                  const std::vector<std::string>&)) {
  return Call(env, method, *ctx)
      .Run(Scope::kAdmin, request, response, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckMembers(request));
        ASSIGN_OR_RETURN(const int changed,
                         (env.directory.*change)(call.context(), request.group_id(),
                                                 {request.users().begin(), request.users().end()}));
        response->set_changed(changed);
        return absl::OkStatus();
      });
}

// The resource, principal and role of a grant or revoke request.
struct GrantArgs {
  ResourceKey resource;
  PrincipalKey principal;
  Role role;
};

template <typename Request>
absl::StatusOr<GrantArgs> GrantArgsOf(const Request& r, const std::string& org_id) {
  ASSIGN_OR_RETURN(ResourceKey resource, ResourceFrom(r.resource(), org_id, "resource"));
  ASSIGN_OR_RETURN(PrincipalKey principal, PrincipalFrom(r.principal(), "principal"));
  auto role = ParseRole(r.role(), resource.kind);
  if (!role.ok()) return InvalidFields({{"role", std::string(role.status().message())}});
  return GrantArgs{std::move(resource), std::move(principal), *role};
}

// DirectoryService: clouds, projects, user groups, memberships, service accounts and grants.
// Writes need an admin key, reads a read key; each write is one transaction in storage.
struct DirectoryServiceImpl final : v1::DirectoryService::Service, Handlers {
  using Handlers::Handlers;

  grpc::Status CreateCloud(grpc::ServerContext* ctx, const v1::CreateCloudRequest* request,
                           v1::Cloud* response) override {
    return CreateNamed(env_, "CreateCloud", ctx, *request, response, env_.directory,
                       &DirectoryStore::CreateCloud);
  }

  grpc::Status GetCloud(grpc::ServerContext* ctx, const v1::GetCloudRequest* request,
                        v1::Cloud* response) override {
    return GetByKey(env_, "GetCloud", ctx, *request, request->key_case() == request->kName,
                    request->cloud_id(), "cloud_id", response, &DirectoryStore::GetCloud);
  }

  grpc::Status ListClouds(grpc::ServerContext* ctx, const v1::ListRequest* request,
                          grpc::ServerWriter<v1::ListCloudsPage>* writer) override {
    return ListNamed(env_, "ListClouds", ctx, *request, writer, &v1::ListCloudsPage::mutable_clouds,
                     &DirectoryStore::ListClouds);
  }

  grpc::Status DeleteCloud(grpc::ServerContext* ctx, const v1::DeleteCloudRequest* request,
                           v1::DeleteResponse* response) override {
    return DeleteById(env_, "DeleteCloud", ctx, *request, request->cloud_id(), "cloud_id", response,
                      &DirectoryStore::DeleteCloud);
  }

  grpc::Status CreateProject(grpc::ServerContext* ctx, const v1::CreateProjectRequest* request,
                             v1::Project* response) override {
    return Answer(env_, "CreateProject", ctx, Scope::kAdmin, *request, response,
                  [&](Call& call) -> absl::StatusOr<v1::Project> {
                    RETURN_IF_ERROR(RequireId(request->cloud_id(), "cloud_id"));
                    RETURN_IF_ERROR(CheckName(request->name()));
                    return env_.directory.CreateProject(call.context(), request->cloud_id(),
                                                        request->name());
                  });
  }

  grpc::Status GetProject(grpc::ServerContext* ctx, const v1::GetProjectRequest* request,
                          v1::Project* response) override {
    return Answer(env_, "GetProject", ctx, Scope::kRead, *request, response,
                  [&](Call& call) -> absl::StatusOr<v1::Project> {
                    RETURN_IF_ERROR(RequireId(request->project_id(), "project_id"));
                    return env_.directory.GetProject(call.context(), request->project_id());
                  });
  }

  grpc::Status ListProjects(grpc::ServerContext* ctx, const v1::ListRequest* request,
                            grpc::ServerWriter<v1::ListProjectsPage>* writer) override {
    return Call(env_, "ListProjects", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
      // ListRequest.parent_id is, for projects, the cloud.
      const ProjectQuery query{request->parent_id(), request->name()};
      return StreamPages<NameIdCursor>(
          call, *request, writer, {query.cloud_id, query.name_contains},
          &v1::ListProjectsPage::mutable_projects, [&](const auto& after, int limit) {
            return env_.directory.ListProjects(call.context(), query, after, limit);
          });
    });
  }

  grpc::Status DeleteProject(grpc::ServerContext* ctx, const v1::DeleteProjectRequest* request,
                             v1::DeleteResponse* response) override {
    return DeleteById(env_, "DeleteProject", ctx, *request, request->project_id(), "project_id",
                      response, &DirectoryStore::DeleteProject);
  }

  grpc::Status CreateUserGroup(grpc::ServerContext* ctx, const v1::CreateUserGroupRequest* request,
                               v1::UserGroup* response) override {
    return CreateNamed(env_, "CreateUserGroup", ctx, *request, response, env_.directory,
                       &DirectoryStore::CreateGroup);
  }

  grpc::Status GetUserGroup(grpc::ServerContext* ctx, const v1::GetUserGroupRequest* request,
                            v1::UserGroup* response) override {
    return GetByKey(env_, "GetUserGroup", ctx, *request, request->key_case() == request->kName,
                    request->id(), "id", response, &DirectoryStore::GetGroup);
  }

  grpc::Status ListUserGroups(grpc::ServerContext* ctx, const v1::ListRequest* request,
                              grpc::ServerWriter<v1::ListUserGroupsPage>* writer) override {
    return ListNamed(env_, "ListUserGroups", ctx, *request, writer,
                     &v1::ListUserGroupsPage::mutable_user_groups, &DirectoryStore::ListGroups);
  }

  grpc::Status DeleteUserGroup(grpc::ServerContext* ctx, const v1::DeleteUserGroupRequest* request,
                               v1::DeleteResponse* response) override {
    return DeleteById(env_, "DeleteUserGroup", ctx, *request, request->id(), "id", response,
                      &DirectoryStore::DeleteGroup);
  }

  grpc::Status AddGroupMembers(grpc::ServerContext* ctx, const v1::GroupMembersRequest* request,
                               v1::GroupMembersResponse* response) override {
    return ChangeMembers(env_, "AddGroupMembers", ctx, *request, response,
                         &DirectoryStore::AddMembers);
  }

  grpc::Status RemoveGroupMembers(grpc::ServerContext* ctx, const v1::GroupMembersRequest* request,
                                  v1::GroupMembersResponse* response) override {
    return ChangeMembers(env_, "RemoveGroupMembers", ctx, *request, response,
                         &DirectoryStore::RemoveMembers);
  }

  grpc::Status ListGroupMemberships(
      grpc::ServerContext* ctx, const v1::ListRequest* request,
      grpc::ServerWriter<v1::ListGroupMembershipsPage>* writer) override {
    return Call(env_, "ListGroupMemberships", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
      // ListRequest.parent_id is, for memberships, the group.
      const MembershipQuery query{request->parent_id()};
      return StreamPages<NameIdCursor>(
          call, *request, writer, {query.group_id},
          &v1::ListGroupMembershipsPage::mutable_memberships, [&](const auto& after, int limit) {
            return env_.directory.ListMemberships(call.context(), query, after, limit);
          });
    });
  }

  grpc::Status CreateServiceAccount(grpc::ServerContext* ctx,
                                    const v1::CreateServiceAccountRequest* request,
                                    v1::User* response) override {
    return CreateNamed(env_, "CreateServiceAccount", ctx, *request, response, env_.users,
                       &UserStore::CreateServiceAccount);
  }

  grpc::Status DeleteUser(grpc::ServerContext* ctx, const v1::DeleteUserRequest* request,
                          v1::DeleteResponse* response) override {
    return Call(env_, "DeleteUser", *ctx)
        .Run(Scope::kAdmin, *request, response, [&](Call& call) -> absl::Status {
          RETURN_IF_ERROR(RequireId(request->user_id(), "user_id"));
          RETURN_IF_ERROR(env_.users.DeleteUser(call.context(), request->user_id()));
          // The user's keys went with it; this replica stops accepting them now, others within the
          // key cache's TTL.
          env_.auth.ForgetPrincipal(call.caller().org_id, request->user_id());
          return absl::OkStatus();
        });
  }

  grpc::Status GrantRole(grpc::ServerContext* ctx, const v1::GrantRoleRequest* request,
                         v1::Grant* response) override {
    return Answer(
        env_, "GrantRole", ctx, Scope::kAdmin, *request, response,
        [&](Call& call) -> absl::StatusOr<v1::Grant> {
          ASSIGN_OR_RETURN(const GrantArgs args, GrantArgsOf(*request, call.caller().org_id));
          return env_.directory.GrantRole(call.context(), args.resource, args.principal, args.role);
        });
  }

  grpc::Status RevokeRole(grpc::ServerContext* ctx, const v1::RevokeRoleRequest* request,
                          v1::DeleteResponse* response) override {
    return Call(env_, "RevokeRole", *ctx)
        .Run(Scope::kAdmin, *request, response, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const GrantArgs args, GrantArgsOf(*request, call.caller().org_id));
          return env_.directory.RevokeRole(call.context(), args.resource, args.principal,
                                           args.role);
        });
  }

  grpc::Status ListGrants(grpc::ServerContext* ctx, const v1::ListGrantsRequest* request,
                          grpc::ServerWriter<v1::ListGrantsPage>* writer) override {
    return Call(env_, "ListGrants", *ctx)
        .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const ResourceKey resource,
                           ResourceFrom(request->resource(), call.caller().org_id, "resource"));
          return StreamPages<GrantCursor>(
              call, *request, writer,
              {std::to_string(static_cast<int>(resource.kind)), resource.id},
              &v1::ListGrantsPage::mutable_grants, [&](const auto& after, int limit) {
                return env_.directory.ListGrants(call.context(), resource, after, limit);
              });
        });
  }

  grpc::Status CreateApiKey(grpc::ServerContext* ctx, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override {
    return Call(env_, "CreateApiKey", *ctx)
        .Run(Scope::kAdmin, *request, response, [&](Call& call) -> absl::Status {
          auto scope = ParseScope(request->scope());
          if (!scope.ok()) return InvalidFields({{"scope", std::string(scope.status().message())}});
          if (std::string problem = NameProblem(request->name(), false); !problem.empty()) {
            return InvalidFields({{"name", "name " + problem}});
          }
          // Scopes only narrow: no key creates a key wider than itself.
          if (!ScopeCovers(call.caller().scope, *scope)) {
            return absl::PermissionDeniedError(absl::StrCat(
                "a key of scope ", std::string(ScopeName(call.caller().scope)),
                " cannot create a key of the wider scope ", std::string(ScopeName(*scope))));
          }
          ASSIGN_OR_RETURN(const ApiKeyParts key,
                           IssueApiKey(env_.keys, call.context(), *scope,
                                       request->principal_user_id(), request->name()));
          auto* api_key = response->mutable_api_key();
          api_key->set_key_id(key.key_id);
          api_key->set_name(request->name());
          api_key->set_scope(std::string(ScopeName(*scope)));
          api_key->set_principal_user_id(request->principal_user_id());
          response->set_key(FormatApiKey(key));
          return absl::OkStatus();
        });
  }

  grpc::Status ListApiKeys(grpc::ServerContext* ctx, const v1::ListRequest* request,
                           grpc::ServerWriter<v1::ListApiKeysPage>* writer) override {
    return Call(env_, "ListApiKeys", *ctx).Run(Scope::kAdmin, *request, [&](Call& call) {
      return StreamPages<KeyIdCursor>(call, *request, writer, {},
                                      &v1::ListApiKeysPage::mutable_api_keys,
                                      [&](const auto& after, int limit) {
                                        return env_.keys.ListApiKeys(call.context(), after, limit);
                                      });
    });
  }

  grpc::Status RevokeApiKey(grpc::ServerContext* ctx, const v1::RevokeApiKeyRequest* request,
                            v1::DeleteResponse* response) override {
    return Call(env_, "RevokeApiKey", *ctx)
        .Run(Scope::kAdmin, *request, response, [&](Call& call) -> absl::Status {
          RETURN_IF_ERROR(RequireId(request->key_id(), "key_id"));
          RETURN_IF_ERROR(env_.keys.RevokeApiKey(call.context(), request->key_id()));
          env_.auth.Forget(request->key_id());
          return absl::OkStatus();
        });
  }
};

}  // namespace

std::unique_ptr<grpc::Service> NewDirectoryService(ServiceEnv& env) {
  return std::make_unique<DirectoryServiceImpl>(env);
}

}  // namespace rolecall
