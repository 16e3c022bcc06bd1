// What every `rolecall` command shares: the environment it runs in and the registry that declares
// the commands as data (name, description, flags bound to an options struct, handler).
#pragma once

#include <grpcpp/support/status.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

// One command: `flags` declares its flags bound to the fields of an Options (owned by the
// registry), `run` handles it once the command line is parsed.
template <typename Options>
struct Command {
  std::string name;
  std::string description;
  std::function<void(CLI::App&, Options&)> flags;
  std::function<void(CommandEnv&, const Options&)> run;
};

// Declares commands on a CLI::App and keeps their options for as long as the app lives.
class Registry final {
 public:
  explicit Registry(CommandEnv& env) : env_(env) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // `parent <name> …`: a group of commands, exactly one of which must be given.
  static CLI::App* Group(CLI::App& parent, const std::string& name,
                         const std::string& description) {
    CLI::App* group = parent.add_subcommand(name, description);
    group->require_subcommand(1);
    return group;
  }

  // Adds `parent <command.name>`; its options are made here and live as long as the registry.
  template <typename Options>
  void Add(CLI::App& parent, Command<Options> command) {
    auto options = std::make_shared<Options>();
    options_.push_back(options);
    CLI::App* app = parent.add_subcommand(command.name, command.description);
    if (command.flags) command.flags(*app, *options);
    app->callback([&env = env_, options = options.get(), run = std::move(command.run)] {
      run(env, *options);
    });
  }

 private:
  CommandEnv& env_;
  std::vector<std::shared_ptr<void>> options_;  // every command's Options
};

// `rolecall user …`: batch-create, list, get, delete, list-permissions.
void AddUserCommands(CLI::App& app, Registry& registry);
// `rolecall user list-permissions` (added by AddUserCommands).
void AddListPermissions(CLI::App& user, Registry& registry);
// `rolecall audit list`.
void AddAuditCommands(CLI::App& app, Registry& registry);
// `rolecall permission check|explain`.
void AddPermissionCommands(CLI::App& app, Registry& registry);
// `rolecall cloud|project|user-group|org|service-account|api-key …`.
void AddDirectoryCommands(CLI::App& app, Registry& registry);

}  // namespace rolecall::cli
