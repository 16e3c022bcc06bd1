#include "service/directory_service.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "core/user_validation.h"
#include "service/paged_stream.h"
#include "service/refs.h"

namespace rolecall {
namespace {

constexpr int kMaxMembersPerCall = 1000;

absl::Status CheckName(const std::string& name, const std::string& field = "name") {
  if (std::string problem = NameProblem(name, /*required=*/true); !problem.empty()) {
    return InvalidFields({{field, field + " " + problem}});
  }
  return absl::OkStatus();
}

PagingRequest PagingOf(const v1::ListRequest& r) {
  return {r.page_size(), r.max_items(), r.page_token()};
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

}  // namespace

grpc::Status DirectoryServiceImpl::CreateCloud(grpc::ServerContext* ctx,
                                               const v1::CreateCloudRequest* request,
                                               v1::Cloud* response) {
  return Call(env_, "CreateCloud", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckName(request->name()));
        ASSIGN_OR_RETURN(*response, env_.store.CreateCloud(call.caller().org_id, request->name()));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::GetCloud(grpc::ServerContext* ctx,
                                            const v1::GetCloudRequest* request,
                                            v1::Cloud* response) {
  return Call(env_, "GetCloud", *ctx).Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
    const bool by_name = request->key_case() == v1::GetCloudRequest::kName;
    const std::string& key = by_name ? request->name() : request->cloud_id();
    RETURN_IF_ERROR(RequireId(key, "cloud_id"));
    ASSIGN_OR_RETURN(*response, env_.store.GetCloud(call.caller().org_id, key, by_name));
    return absl::OkStatus();
  });
}

grpc::Status DirectoryServiceImpl::ListClouds(grpc::ServerContext* ctx,
                                              const v1::ListRequest* request,
                                              grpc::ServerWriter<v1::ListCloudsPage>* writer) {
  return Call(env_, "ListClouds", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
    const std::string& org = call.caller().org_id;
    const ListQuery query{"", request->name()};
    return StreamPages<v1::ListCloudsPage, v1::Cloud>(
        call, writer, PageScope(org, "ListClouds", {query.name_contains}), PagingOf(*request),
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListClouds(org, query, after, limit);
        },
        [](v1::ListCloudsPage& page, v1::Cloud&& c) { *page.add_clouds() = std::move(c); });
  });
}

grpc::Status DirectoryServiceImpl::DeleteCloud(grpc::ServerContext* ctx,
                                               const v1::DeleteCloudRequest* request,
                                               v1::DeleteResponse*) {
  return Call(env_, "DeleteCloud", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->cloud_id(), "cloud_id"));
        return env_.store.DeleteCloud(call.caller().org_id, request->cloud_id());
      });
}

grpc::Status DirectoryServiceImpl::CreateProject(grpc::ServerContext* ctx,
                                                 const v1::CreateProjectRequest* request,
                                                 v1::Project* response) {
  return Call(env_, "CreateProject", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->cloud_id(), "cloud_id"));
        RETURN_IF_ERROR(CheckName(request->name()));
        ASSIGN_OR_RETURN(*response, env_.store.CreateProject(call.caller().org_id,
                                                             request->cloud_id(), request->name()));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::GetProject(grpc::ServerContext* ctx,
                                              const v1::GetProjectRequest* request,
                                              v1::Project* response) {
  return Call(env_, "GetProject", *ctx)
      .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->project_id(), "project_id"));
        ASSIGN_OR_RETURN(*response,
                         env_.store.GetProject(call.caller().org_id, request->project_id()));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::ListProjects(grpc::ServerContext* ctx,
                                                const v1::ListRequest* request,
                                                grpc::ServerWriter<v1::ListProjectsPage>* writer) {
  return Call(env_, "ListProjects", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
    const std::string& org = call.caller().org_id;
    const ListQuery query{request->parent_id(), request->name()};
    return StreamPages<v1::ListProjectsPage, v1::Project>(
        call, writer, PageScope(org, "ListProjects", {query.parent_id, query.name_contains}),
        PagingOf(*request),
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListProjects(org, query, after, limit);
        },
        [](v1::ListProjectsPage& page, v1::Project&& p) { *page.add_projects() = std::move(p); });
  });
}

grpc::Status DirectoryServiceImpl::DeleteProject(grpc::ServerContext* ctx,
                                                 const v1::DeleteProjectRequest* request,
                                                 v1::DeleteResponse*) {
  return Call(env_, "DeleteProject", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->project_id(), "project_id"));
        return env_.store.DeleteProject(call.caller().org_id, request->project_id());
      });
}

grpc::Status DirectoryServiceImpl::CreateUserGroup(grpc::ServerContext* ctx,
                                                   const v1::CreateUserGroupRequest* request,
                                                   v1::UserGroup* response) {
  return Call(env_, "CreateUserGroup", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckName(request->name()));
        ASSIGN_OR_RETURN(*response, env_.store.CreateGroup(call.caller().org_id, request->name()));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::GetUserGroup(grpc::ServerContext* ctx,
                                                const v1::GetUserGroupRequest* request,
                                                v1::UserGroup* response) {
  return Call(env_, "GetUserGroup", *ctx)
      .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
        const bool by_name = request->key_case() == v1::GetUserGroupRequest::kName;
        const std::string& key = by_name ? request->name() : request->id();
        RETURN_IF_ERROR(RequireId(key, "id"));
        ASSIGN_OR_RETURN(*response, env_.store.GetGroup(call.caller().org_id, key, by_name));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::ListUserGroups(
    grpc::ServerContext* ctx, const v1::ListRequest* request,
    grpc::ServerWriter<v1::ListUserGroupsPage>* writer) {
  return Call(env_, "ListUserGroups", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
    const std::string& org = call.caller().org_id;
    const ListQuery query{"", request->name()};
    return StreamPages<v1::ListUserGroupsPage, v1::UserGroup>(
        call, writer, PageScope(org, "ListUserGroups", {query.name_contains}), PagingOf(*request),
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListGroups(org, query, after, limit);
        },
        [](v1::ListUserGroupsPage& page, v1::UserGroup&& g) {
          *page.add_user_groups() = std::move(g);
        });
  });
}

grpc::Status DirectoryServiceImpl::DeleteUserGroup(grpc::ServerContext* ctx,
                                                   const v1::DeleteUserGroupRequest* request,
                                                   v1::DeleteResponse*) {
  return Call(env_, "DeleteUserGroup", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->id(), "id"));
        return env_.store.DeleteGroup(call.caller().org_id, request->id());
      });
}

grpc::Status DirectoryServiceImpl::AddGroupMembers(grpc::ServerContext* ctx,
                                                   const v1::GroupMembersRequest* request,
                                                   v1::GroupMembersResponse* response) {
  return Call(env_, "AddGroupMembers", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckMembers(*request));
        ASSIGN_OR_RETURN(const int added,
                         env_.store.AddMembers(call.caller().org_id, request->group_id(),
                                               {request->users().begin(), request->users().end()}));
        response->set_changed(added);
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::RemoveGroupMembers(grpc::ServerContext* ctx,
                                                      const v1::GroupMembersRequest* request,
                                                      v1::GroupMembersResponse* response) {
  return Call(env_, "RemoveGroupMembers", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckMembers(*request));
        ASSIGN_OR_RETURN(
            const int removed,
            env_.store.RemoveMembers(call.caller().org_id, request->group_id(),
                                     {request->users().begin(), request->users().end()}));
        response->set_changed(removed);
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::ListGroupMemberships(
    grpc::ServerContext* ctx, const v1::ListRequest* request,
    grpc::ServerWriter<v1::ListGroupMembershipsPage>* writer) {
  return Call(env_, "ListGroupMemberships", *ctx).Run(Scope::kRead, *request, [&](Call& call) {
    const std::string& org = call.caller().org_id;
    const ListQuery query{request->parent_id(), ""};
    return StreamPages<v1::ListGroupMembershipsPage, v1::GroupMembership>(
        call, writer, PageScope(org, "ListGroupMemberships", {query.parent_id}), PagingOf(*request),
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListMemberships(org, query, after, limit);
        },
        [](v1::ListGroupMembershipsPage& page, v1::GroupMembership&& m) {
          *page.add_memberships() = std::move(m);
        });
  });
}

grpc::Status DirectoryServiceImpl::CreateServiceAccount(
    grpc::ServerContext* ctx, const v1::CreateServiceAccountRequest* request, v1::User* response) {
  return Call(env_, "CreateServiceAccount", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(CheckName(request->name()));
        ASSIGN_OR_RETURN(*response,
                         env_.store.CreateServiceAccount(call.caller().org_id, request->name()));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::DeleteUser(grpc::ServerContext* ctx,
                                              const v1::DeleteUserRequest* request,
                                              v1::DeleteResponse*) {
  return Call(env_, "DeleteUser", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->user_id(), "user_id"));
        RETURN_IF_ERROR(env_.store.DeleteUser(call.caller().org_id, request->user_id()));
        // The user's keys went with it; this replica stops accepting them now, others within the
        // key cache's TTL.
        env_.auth.ForgetPrincipal(call.caller().org_id, request->user_id());
        return absl::OkStatus();
      });
}

namespace {

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

}  // namespace

grpc::Status DirectoryServiceImpl::GrantRole(grpc::ServerContext* ctx,
                                             const v1::GrantRoleRequest* request,
                                             v1::Grant* response) {
  return Call(env_, "GrantRole", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        const std::string& org = call.caller().org_id;
        ASSIGN_OR_RETURN(const GrantArgs args, GrantArgsOf(*request, org));
        ASSIGN_OR_RETURN(*response,
                         env_.store.GrantRole(org, args.resource, args.principal, args.role));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::RevokeRole(grpc::ServerContext* ctx,
                                              const v1::RevokeRoleRequest* request,
                                              v1::DeleteResponse*) {
  return Call(env_, "RevokeRole", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        const std::string& org = call.caller().org_id;
        ASSIGN_OR_RETURN(const GrantArgs args, GrantArgsOf(*request, org));
        return env_.store.RevokeRole(org, args.resource, args.principal, args.role);
      });
}

grpc::Status DirectoryServiceImpl::ListGrants(grpc::ServerContext* ctx,
                                              const v1::ListGrantsRequest* request,
                                              grpc::ServerWriter<v1::ListGrantsPage>* writer) {
  return Call(env_, "ListGrants", *ctx)
      .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
        const std::string& org = call.caller().org_id;
        ASSIGN_OR_RETURN(const ResourceKey resource,
                         ResourceFrom(request->resource(), org, "resource"));
        return StreamPages<v1::ListGrantsPage, v1::Grant>(
            call, writer,
            PageScope(org, "ListGrants",
                      {std::to_string(static_cast<int>(resource.kind)), resource.id}),
            {request->page_size(), request->max_items(), request->page_token()},
            [&](const std::vector<std::string>& after, int limit) {
              return env_.store.ListGrants(org, resource, after, limit);
            },
            [](v1::ListGrantsPage& page, v1::Grant&& g) { *page.add_grants() = std::move(g); });
      });
}

grpc::Status DirectoryServiceImpl::CreateApiKey(grpc::ServerContext* ctx,
                                                const v1::CreateApiKeyRequest* request,
                                                v1::CreateApiKeyResponse* response) {
  return Call(env_, "CreateApiKey", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
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
        const std::string& org = call.caller().org_id;
        ASSIGN_OR_RETURN(
            const ApiKeyParts key,
            IssueApiKey(env_.store, org, *scope, request->principal_user_id(), request->name()));
        auto* api_key = response->mutable_api_key();
        api_key->set_key_id(key.key_id);
        api_key->set_name(request->name());
        api_key->set_scope(std::string(ScopeName(*scope)));
        api_key->set_principal_user_id(request->principal_user_id());
        response->set_key(FormatApiKey(key));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryServiceImpl::ListApiKeys(grpc::ServerContext* ctx,
                                               const v1::ListRequest* request,
                                               grpc::ServerWriter<v1::ListApiKeysPage>* writer) {
  return Call(env_, "ListApiKeys", *ctx).Run(Scope::kAdmin, *request, [&](Call& call) {
    const std::string& org = call.caller().org_id;
    return StreamPages<v1::ListApiKeysPage, v1::ApiKey>(
        call, writer, PageScope(org, "ListApiKeys", {}), PagingOf(*request),
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListApiKeys(org, after, limit);
        },
        [](v1::ListApiKeysPage& page, v1::ApiKey&& k) { *page.add_api_keys() = std::move(k); });
  });
}

grpc::Status DirectoryServiceImpl::RevokeApiKey(grpc::ServerContext* ctx,
                                                const v1::RevokeApiKeyRequest* request,
                                                v1::DeleteResponse*) {
  return Call(env_, "RevokeApiKey", *ctx)
      .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(RequireId(request->key_id(), "key_id"));
        RETURN_IF_ERROR(env_.store.RevokeApiKey(call.caller().org_id, request->key_id()));
        env_.auth.Forget(request->key_id());
        return absl::OkStatus();
      });
}

}  // namespace rolecall
