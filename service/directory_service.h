#pragma once

#include "rolecall/v1/directory.grpc.pb.h"
#include "service/rpc.h"

namespace rolecall {

// DirectoryService. Its RPCs answer UNIMPLEMENTED until the directory writes land.
class DirectoryServiceImpl final : public v1::DirectoryService::Service {
 public:
  explicit DirectoryServiceImpl(ServiceEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] ServiceEnv& env_;
};

}  // namespace rolecall
