#pragma once

#include "rolecall/v1/permissions.grpc.pb.h"
#include "service/rpc.h"

namespace rolecall {

// PermissionService: listings, checks and explanations of effective roles. Resolution runs in
// PostgreSQL (storage/pg_permissions.cc); this adapter validates, pages and authorizes.
// CheckPermission, the hot path, is served on gRPC's callback API; the rest on the sync API.
class PermissionServiceImpl final
    : public v1::PermissionService::WithCallbackMethod_CheckPermission<
          v1::PermissionService::Service> {
 public:
  explicit PermissionServiceImpl(ServiceEnv& env) : env_(env) {}

  grpc::Status ListUserPermissions(
      grpc::ServerContext* ctx, const v1::ListUserPermissionsRequest* request,
      grpc::ServerWriter<v1::ListUserPermissionsPage>* writer) override;
  grpc::ServerUnaryReactor* CheckPermission(grpc::CallbackServerContext* ctx,
                                            const v1::CheckPermissionRequest* request,
                                            v1::CheckPermissionResponse* response) override;
  grpc::Status ExplainPermission(grpc::ServerContext* ctx,
                                 const v1::ExplainPermissionRequest* request,
                                 v1::ExplainPermissionResponse* response) override;

 private:
  ServiceEnv& env_;
};

}  // namespace rolecall
