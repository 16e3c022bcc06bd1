#pragma once

#include "rolecall/v1/directory.grpc.pb.h"
#include "service/rpc.h"

namespace rolecall {

// DirectoryService: clouds, projects, user groups, memberships, service accounts and grants.
// Writes need an admin key, reads a read key; each write is one transaction in storage.
class DirectoryServiceImpl final : public v1::DirectoryService::Service {
 public:
  explicit DirectoryServiceImpl(ServiceEnv& env) : env_(env) {}

  grpc::Status CreateCloud(grpc::ServerContext* ctx, const v1::CreateCloudRequest* request,
                           v1::Cloud* response) override;
  grpc::Status GetCloud(grpc::ServerContext* ctx, const v1::GetCloudRequest* request,
                        v1::Cloud* response) override;
  grpc::Status ListClouds(grpc::ServerContext* ctx, const v1::ListRequest* request,
                          grpc::ServerWriter<v1::ListCloudsPage>* writer) override;
  grpc::Status DeleteCloud(grpc::ServerContext* ctx, const v1::DeleteCloudRequest* request,
                           v1::DeleteResponse* response) override;

  grpc::Status CreateProject(grpc::ServerContext* ctx, const v1::CreateProjectRequest* request,
                             v1::Project* response) override;
  grpc::Status GetProject(grpc::ServerContext* ctx, const v1::GetProjectRequest* request,
                          v1::Project* response) override;
  grpc::Status ListProjects(grpc::ServerContext* ctx, const v1::ListRequest* request,
                            grpc::ServerWriter<v1::ListProjectsPage>* writer) override;
  grpc::Status DeleteProject(grpc::ServerContext* ctx, const v1::DeleteProjectRequest* request,
                             v1::DeleteResponse* response) override;

  grpc::Status CreateUserGroup(grpc::ServerContext* ctx, const v1::CreateUserGroupRequest* request,
                               v1::UserGroup* response) override;
  grpc::Status GetUserGroup(grpc::ServerContext* ctx, const v1::GetUserGroupRequest* request,
                            v1::UserGroup* response) override;
  grpc::Status ListUserGroups(grpc::ServerContext* ctx, const v1::ListRequest* request,
                              grpc::ServerWriter<v1::ListUserGroupsPage>* writer) override;
  grpc::Status DeleteUserGroup(grpc::ServerContext* ctx, const v1::DeleteUserGroupRequest* request,
                               v1::DeleteResponse* response) override;
  grpc::Status AddGroupMembers(grpc::ServerContext* ctx, const v1::GroupMembersRequest* request,
                               v1::GroupMembersResponse* response) override;
  grpc::Status RemoveGroupMembers(grpc::ServerContext* ctx, const v1::GroupMembersRequest* request,
                                  v1::GroupMembersResponse* response) override;
  grpc::Status ListGroupMemberships(
      grpc::ServerContext* ctx, const v1::ListRequest* request,
      grpc::ServerWriter<v1::ListGroupMembershipsPage>* writer) override;

  grpc::Status CreateServiceAccount(grpc::ServerContext* ctx,
                                    const v1::CreateServiceAccountRequest* request,
                                    v1::User* response) override;
  grpc::Status DeleteUser(grpc::ServerContext* ctx, const v1::DeleteUserRequest* request,
                          v1::DeleteResponse* response) override;

  grpc::Status GrantRole(grpc::ServerContext* ctx, const v1::GrantRoleRequest* request,
                         v1::Grant* response) override;
  grpc::Status RevokeRole(grpc::ServerContext* ctx, const v1::RevokeRoleRequest* request,
                          v1::DeleteResponse* response) override;
  grpc::Status ListGrants(grpc::ServerContext* ctx, const v1::ListGrantsRequest* request,
                          grpc::ServerWriter<v1::ListGrantsPage>* writer) override;

  grpc::Status CreateApiKey(grpc::ServerContext* ctx, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* ctx, const v1::ListRequest* request,
                           grpc::ServerWriter<v1::ListApiKeysPage>* writer) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* ctx, const v1::RevokeApiKeyRequest* request,
                            v1::DeleteResponse* response) override;

 private:
  ServiceEnv& env_;
};

}  // namespace rolecall
