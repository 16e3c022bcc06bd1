// CommandEnv: how a command reports a failure.
#include "cli/commands.h"

namespace rolecall::cli {

void CommandEnv::Fail(const grpc::Status& call_status) {
  for (const auto& line : ErrorLines(call_status, connection))
    std::cerr << "Error: " << line << "\n";
  exit_code = 1;
}

void CommandEnv::Fail(const std::string& message, int code) {
  std::cerr << "Error: " << message << "\n";
  exit_code = code;
}

}  // namespace rolecall::cli
