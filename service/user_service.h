#pragma once

#include "rolecall/v1/users.grpc.pb.h"
#include "service/rpc.h"

namespace rolecall {

// UserService: thin adapter from the RPCs to validation (core/) and storage.
class UserServiceImpl final : public v1::UserService::Service {
 public:
  explicit UserServiceImpl(ServiceEnv& env) : env_(env) {}

  grpc::Status AdminBatchCreateUsers(grpc::ServerContext* ctx, const v1::AdminCreateUsers* request,
                                     v1::AdminBatchCreateUsersResponse* response) override;
  grpc::Status ListUsers(grpc::ServerContext* ctx, const v1::ListUsersRequest* request,
                         grpc::ServerWriter<v1::ListUsersPage>* writer) override;
  grpc::Status GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* request,
                       v1::User* response) override;

 private:
  ServiceEnv& env_;
};

}  // namespace rolecall
