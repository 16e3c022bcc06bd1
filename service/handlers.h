#pragma once

// The gRPC services: thin handlers that validate at the edge, authorize through
// `ServiceEnv::auth` and answer from storage through `Call::Run` (service/rpc.h). Each is defined
// in its own file (user_service.cc, permission_service.cc, directory_service.cc,
// change_service.cc); what they share is assembled once in service/services.h.
#include <grpcpp/impl/service_type.h>

#include <chrono>
#include <memory>

#include "service/rpc.h"

namespace rolecall {

// AdminBatchCreateUsers, ListUsers, GetUser.
std::unique_ptr<grpc::Service> NewUserService(ServiceEnv& env);
// ListUserPermissions, CheckPermission (callback API), ExplainPermission.
std::unique_ptr<grpc::Service> NewPermissionService(ServiceEnv& env);
// Clouds, projects, user groups and memberships, service accounts, grants and API keys.
std::unique_ptr<grpc::Service> NewDirectoryService(ServiceEnv& env);
// How WatchChanges streams run: a checkpoint after this long idle; this many open at once.
struct WatchOptions {
  std::chrono::milliseconds checkpoint{5000};
  int max_streams = 64;
};
// ListChanges and WatchChanges: the change log.
std::unique_ptr<grpc::Service> NewChangeService(ServiceEnv& env, const WatchOptions& watch);

}  // namespace rolecall
