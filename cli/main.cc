// rolecall: the command-line client of rolecall-server.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace rolecall::cli;
  std::signal(SIGPIPE, SIG_IGN);
  CommandEnv env;
  Registry registry(env);  // the commands' options, alive while the app parses and runs
  auto& c = env.connection;
  CLI::App app{"rolecall: users, groups, clouds, projects and who can do what"};
  app.set_version_flag("--version", "rolecall 0.1.0");
  app.add_option("--server", c.server, "rolecall-server address host:port")
      ->envname("ROLECALL_SERVER")
      ->capture_default_str();
  app.add_option("--token", c.token, "API key")->envname("ROLECALL_TOKEN");
  app.add_option("--tls-ca", c.tls_ca, "Verify the server with this CA (PEM); enables TLS")
      ->envname("ROLECALL_TLS_CA");
  app.add_option("--tls-cert", c.tls_cert, "Client certificate for mutual TLS (PEM)")
      ->envname("ROLECALL_TLS_CERT");
  app.add_option("--tls-key", c.tls_key, "Client key for mutual TLS (PEM)")
      ->envname("ROLECALL_TLS_KEY");
  app.add_flag("--tls", c.tls, "Use TLS with the system's trusted roots")->envname("ROLECALL_TLS");
  app.add_option("--timeout", c.timeout_seconds, "Seconds to wait for each call")
      ->envname("ROLECALL_TIMEOUT")
      ->capture_default_str();
  app.fallthrough();
  app.require_subcommand(1);

  AddUserCommands(app, registry);
  AddDirectoryCommands(app, registry);
  AddPermissionCommands(app, registry);
  AddAuditCommands(app, registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
  return env.exit_code;
}
