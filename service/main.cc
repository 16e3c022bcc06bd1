// rolecall-server: serve (default), migrate, create-org, create-api-key, seed-demo.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/api_key.h"
#include "core/input.h"
#include "core/status.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/options.h"
#include "service/server.h"
#include "storage/database.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

// Everything the command line sets, and the subcommands it may name (`serve` when none is).
struct CommandLine {
  ServerOptions serve;  // --database-url is every subcommand's
  std::string app_role = DefaultServingRole();
  std::string org_id, org_name;
  std::string key_org, key_scope, key_principal, key_name;
  CLI::App* migrate = nullptr;
  CLI::App* create_org = nullptr;
  CLI::App* create_key = nullptr;
  CLI::App* seed = nullptr;
};

int Fail(const absl::Status& status) {
  std::cerr << "rolecall-server: " << status.message();
  // An operator's command: what the database said helps (the server's clients never see it).
  if (const std::string detail = ErrorDetail(status); !detail.empty()) {
    std::cerr << " (" << detail << ")";
  }
  std::cerr << "\n";
  return 1;
}

// A bootstrap command's end: `done` on stdout when `status` is OK, the failure otherwise.
int Finish(const absl::Status& status, const std::string& done) {
  if (!status.ok()) return Fail(status);
  std::cout << done << "\n";
  return 0;
}

int Serve(const ServerOptions& options) {
  const auto problems = ValidateOptions(options);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "rolecall-server: " << p << "\n";
    return 2;
  }
  // Block the stop signals before any thread starts so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Logger log(Logger::ParseLevel(options.log_level));
  auto server = RolecallServer::Start(options, log);
  if (!server.ok()) return Fail(server.status());
  int signal = 0;
  sigwait(&stop_signals, &signal);
  log.Log(LogLevel::kInfo, "signal received",
          {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  // The backstop: Shutdown cancels what still runs at the grace deadline, so the process ends
  // in time; should anything still hold it a few seconds later, end it regardless.
  std::thread([&log, grace = options.shutdown_grace_seconds] {
    std::this_thread::sleep_for(std::chrono::seconds(grace + 5));
    log.Log(LogLevel::kError, "shutdown overran the grace period; exiting now");
    std::_Exit(1);
  }).detach();
  (*server)->Shutdown();
  return 0;
}

int RunMigrate(const std::string& database_url, const std::string& app_role) {
  auto report = MigrateDatabase(database_url, app_role);
  if (!report.ok()) return Fail(report.status());
  for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
  std::cout << "schema is at version " << report->schema_version << " (" << report->applied.size()
            << " migration(s) applied now)\n";
  if (app_role.empty()) return 0;
  return Finish(report->grant,
                absl::StrCat("role ", app_role, " may serve (connect `serve` as it)"));
}

// The context of a bootstrap command's write: logged with the command as its operation and no
// key as its actor.
RequestContext BootstrapContext(const std::string& org_id, const char* command) {
  RequestContext ctx = RequestContext::Org(org_id);
  ctx.operation = command;
  return ctx;
}

int CreateOrg(PgStore& store, const std::string& org_id, const std::string& org_name) {
  if (!IsWellFormedId(org_id, kOrgPrefix)) {
    return Fail(absl::InvalidArgumentError(
        "ORG_ID must be org_ followed by up to 32 lowercase letters and digits"));
  }
  return Finish(
      store.CreateOrg(BootstrapContext(org_id, "create-org"), org_name.empty() ? org_id : org_name),
      absl::StrCat("organization ", org_id, " is ready"));
}

int CreateApiKey(PgStore& store, const CommandLine& c) {
  auto scope = ParseScope(c.key_scope);
  if (!scope.ok()) return Fail(scope.status());
  auto key = IssueApiKey(store, BootstrapContext(c.key_org, "create-api-key"), *scope,
                         c.key_principal, c.key_name);
  if (!key.ok()) return Fail(key.status());
  std::cout << "API key (scope " << ScopeName(*scope) << ", organization " << c.key_org
            << "); it is shown only once:\n"
            << FormatApiKey(*key) << "\n";
  return 0;
}

// create-org, create-api-key and seed-demo: on a one-connection store, on a migrated schema.
int RunBootstrap(const CommandLine& c) {
  const absl::Status schema = CheckDatabase(c.serve.database_url);
  if (!schema.ok()) return Fail(schema);
  PgStore store(PoolOptions{c.serve.database_url, 1});
  if (*c.create_org) return CreateOrg(store, c.org_id, c.org_name);
  if (*c.seed) {
    return Finish(store.SeedDemo(BootstrapContext("org_p72", "seed-demo")),
                  "demo organization org_p72 is ready");
  }
  return CreateApiKey(store, c);
}

int Run(const CommandLine& c) {
  const bool bootstrap = *c.create_org || *c.create_key || *c.seed;
  if ((*c.migrate || bootstrap) && c.serve.database_url.empty()) {
    std::cerr << "rolecall-server: --database-url (ROLECALL_DATABASE_URL) is required\n";
    return 2;
  }
  if (*c.migrate) return RunMigrate(c.serve.database_url, c.app_role);
  if (bootstrap) return RunBootstrap(c);
  return Serve(c.serve);
}

// Every option of ServerOptionSpecs(), with its environment variable: the global ones on `app`,
// the others on `serve`.
void AddServerOptions(CLI::App& app, CLI::App& serve, ServerOptions& o) {
  for (const OptionSpec& spec : ServerOptionSpecs()) {
    CLI::App& target = spec.global ? app : serve;
    const std::string name = absl::StrCat("--", spec.flag);
    CLI::Option* option = std::visit(
        [&](const auto& f) -> CLI::Option* {
          if constexpr (std::is_same_v<std::decay_t<decltype(f)>, BoolField>) {
            return target.add_flag(name, o.*f.field, spec.help);
          } else {
            return target.add_option(name, o.*f.field, spec.help);
          }
        },
        spec.field);
    option->envname(spec.env);
  }
}

void AddBootstrapCommands(CLI::App& app, CommandLine& c) {
  c.migrate = app.add_subcommand(
      "migrate", "Apply pending schema migrations and grant the serving role what it needs");
  c.migrate
      ->add_option("--app-role", c.app_role,
                   "The role `serve` connects as: created (LOGIN, no password) when missing, and "
                   "granted rolecall's tables and nothing else; empty skips")
      ->envname("ROLECALL_APP_ROLE");

  c.create_org = app.add_subcommand("create-org", "Create an organization (idempotent)");
  c.create_org->add_option("ORG_ID", c.org_id, "Organization id, e.g. org_acme")->required();
  c.create_org->add_option("--name", c.org_name, "Display name (default: the id)");

  c.create_key = app.add_subcommand("create-api-key", "Create an API key; prints it once");
  c.create_key->add_option("--org", c.key_org, "Organization id")->required();
  c.create_key->add_option("--scope", c.key_scope, "admin, read or check")->required();
  c.create_key->add_option("--principal", c.key_principal, "User id the key acts for");
  c.create_key->add_option("--name", c.key_name, "A label for the key");

  c.seed = app.add_subcommand("seed-demo", "Load the demo organization org_p72 (idempotent)");
}

// `serve` is the default subcommand: `rolecall-server [serve options]` means `serve`.
std::vector<std::string> Arguments(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool names_subcommand =
      !args.empty() && (args[0][0] != '-' || args[0] == "-h" || args[0] == "--help");
  if (!names_subcommand) args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  return args;
}

}  // namespace
}  // namespace rolecall

int main(int argc, char** argv) {
  using namespace rolecall;
  std::signal(SIGPIPE, SIG_IGN);
  setenv("PGCONNECT_TIMEOUT", "5", /*overwrite=*/0);
  // Debian's Abseil is built with mutex deadlock detection on, which gRPC's locks pay for on
  // every acquisition (a lock-order graph update); detection is for debugging, not serving.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  CommandLine c;
  CLI::App app{"rolecall-server: users, groups, clouds, projects and role grants over gRPC"};
  app.option_defaults()->always_capture_default();
  app.fallthrough();
  CLI::App* serve = app.add_subcommand("serve", "Serve gRPC (the default)");
  AddServerOptions(app, *serve, c.serve);
  AddBootstrapCommands(app, c);
  app.require_subcommand(0, 1);
  std::vector<std::string> args = Arguments(argc, argv);
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return Run(c);
}
