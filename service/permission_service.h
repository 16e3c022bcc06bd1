#pragma once

#include "rolecall/v1/permissions.grpc.pb.h"
#include "service/rpc.h"

namespace rolecall {

// PermissionService. Its RPCs answer UNIMPLEMENTED until the resolver lands.
class PermissionServiceImpl final : public v1::PermissionService::Service {
 public:
  explicit PermissionServiceImpl(ServiceEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] ServiceEnv& env_;
};

}  // namespace rolecall
