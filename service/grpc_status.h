#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

#include "absl/status/status.h"

namespace rolecall {

// The one place absl statuses become gRPC statuses. Codes map one to one; field violations
// (core/status.h) travel as google.rpc.BadRequest in grpc-status-details-bin.
grpc::Status ToGrpcStatus(const absl::Status& status);

// "OK", "INVALID_ARGUMENT", … for metrics and logs.
std::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace rolecall
