#pragma once

#include <grpcpp/support/status.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "cli/client.h"
#include "cli/output.h"

namespace rolecall::cli {

// What every command needs: connection options, the status-line printer and the exit code the
// command sets.
struct CommandEnv {
  ConnectionOptions connection;
  StatusLine status{std::cerr};
  int exit_code = 0;

  // Prints each problem of a failed call on its own stderr line and sets exit code 1.
  void Fail(const grpc::Status& call_status);
  // Prints a one-line error of the CLI's own (bad flags, unreadable files) and sets the code.
  void Fail(const std::string& message, int code = 1);
};

// `rolecall user …`: batch-create, list, get, delete, list-permissions.
void AddUserCommands(CLI::App& app, CommandEnv& env);
// `rolecall user list-permissions` (added by AddUserCommands).
void AddListPermissions(CLI::App& user, CommandEnv& env);
// `rolecall permission check|explain`.
void AddPermissionCommands(CLI::App& app, CommandEnv& env);
// `rolecall cloud|project|user-group|org|service-account|api-key …`.
void AddDirectoryCommands(CLI::App& app, CommandEnv& env);

}  // namespace rolecall::cli
