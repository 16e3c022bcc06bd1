// rolecall-server: serve (default), migrate, create-org, create-api-key, seed-demo.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/api_key.h"
#include "core/input.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/options.h"
#include "service/server.h"
#include "storage/migrations.h"
#include "storage/pg_errors.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

int Fail(const absl::Status& status) {
  std::cerr << "rolecall-server: " << status.message();
  // An operator's command: what the database said helps (the server's clients never see it).
  if (const std::string detail = ErrorDetail(status); !detail.empty()) {
    std::cerr << " (" << detail << ")";
  }
  std::cerr << "\n";
  return 1;
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
  try {
    pqxx::connection conn(database_url);
    auto applied = Migrate(conn, EmbeddedMigrations());
    if (!applied.ok()) return Fail(applied.status());
    for (const auto& name : *applied) std::cout << "applied " << name << "\n";
    std::cout << "schema is at version " << MigrationVersion(EmbeddedMigrations().back().name)
              << " (" << applied->size() << " migration(s) applied now)\n";
    if (!app_role.empty()) {
      const absl::Status granted = GrantServingRole(conn, app_role);
      if (!granted.ok()) return Fail(granted);
      std::cout << "role " << app_role << " may serve (connect `serve` as it)\n";
    }
    return 0;
  } catch (const std::exception& e) {
    return Fail(absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what())));
  }
}

// The bootstrap commands use a one-connection store and need a migrated schema.
absl::StatusOr<std::unique_ptr<PgStore>> OpenStore(const std::string& database_url) {
  try {
    pqxx::connection conn(database_url);
    absl::Status schema = CheckSchemaCurrent(conn, EmbeddedMigrations());
    if (!schema.ok()) return schema;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }
  return std::make_unique<PgStore>(PoolOptions{database_url, 1});
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

  ServerOptions o;
  CLI::App app{"rolecall-server: users, groups, clouds, projects and role grants over gRPC"};
  app.option_defaults()->always_capture_default();
  app.add_option("--database-url", o.database_url, "PostgreSQL URL")
      ->envname("ROLECALL_DATABASE_URL");
  app.fallthrough();

  auto* serve = app.add_subcommand("serve", "Serve gRPC (the default)");
  serve->add_option("--listen", o.listen, "gRPC address host:port")->envname("ROLECALL_LISTEN");
  serve
      ->add_option("--metrics-listen", o.metrics_listen,
                   "Prometheus /metrics host:port; empty disables")
      ->envname("ROLECALL_METRICS_LISTEN");
  serve
      ->add_option("--health-listen", o.health_listen,
                   "Plaintext host:port serving only grpc.health.v1.Health (for probes that "
                   "cannot speak TLS); empty = none")
      ->envname("ROLECALL_HEALTH_LISTEN");
  serve->add_option("--pool-size", o.pool_size, "PostgreSQL connections at most")
      ->envname("ROLECALL_POOL_SIZE");
  serve->add_option("--pool-timeout-ms", o.pool_timeout_ms, "Wait for a free connection at most")
      ->envname("ROLECALL_POOL_TIMEOUT_MS");
  serve->add_option("--health-interval-ms", o.health_interval_ms, "Database probe interval")
      ->envname("ROLECALL_HEALTH_INTERVAL_MS");
  serve
      ->add_option("--shutdown-grace-seconds", o.shutdown_grace_seconds,
                   "On SIGTERM, let in-flight calls finish this long")
      ->envname("ROLECALL_SHUTDOWN_GRACE_SECONDS");
  serve->add_option("--hash-threads", o.hash_threads, "Password hashing threads; 0 = one per core")
      ->envname("ROLECALL_HASH_THREADS");
  serve
      ->add_option("--check-statements", o.check_statements,
                   "CheckPermission statements running at once; checks arriving meanwhile are "
                   "answered together by the next one. 0 = one per two cores, at least 1")
      ->envname("ROLECALL_CHECK_STATEMENTS");
  serve->add_option("--max-message-bytes", o.max_message_bytes, "Largest gRPC message")
      ->envname("ROLECALL_MAX_MESSAGE_BYTES");
  serve
      ->add_option("--stream-idle-timeout-seconds", o.stream_idle_timeout_seconds,
                   "End a stream whose client has not read for this long")
      ->envname("ROLECALL_STREAM_IDLE_TIMEOUT_SECONDS");
  serve->add_option("--keepalive-seconds", o.keepalive_seconds, "gRPC keepalive ping interval")
      ->envname("ROLECALL_KEEPALIVE_SECONDS");
  serve
      ->add_option("--max-connection-age-seconds", o.max_connection_age_seconds,
                   "Close client connections after this long (rebalancing); 0 = never")
      ->envname("ROLECALL_MAX_CONNECTION_AGE_SECONDS");
  serve
      ->add_option("--statement-timeout-seconds", o.statement_timeout_seconds,
                   "Bound on the database work of a call that sends no deadline")
      ->envname("ROLECALL_STATEMENT_TIMEOUT_SECONDS");
  serve
      ->add_option("--stream-connections", o.stream_connections,
                   "Pooled connections streams may hold at once (the rest serve checks and "
                   "writes); 0 = half the pool")
      ->envname("ROLECALL_STREAM_CONNECTIONS");
  serve
      ->add_option("--auth-failures-per-minute", o.auth_failures_per_minute,
                   "Failed authentications one peer may make in a minute before its calls are "
                   "refused (RESOURCE_EXHAUSTED); 0 = no limit")
      ->envname("ROLECALL_AUTH_FAILURES_PER_MINUTE");
  serve->add_option("--tls-cert", o.tls_cert, "Server certificate (PEM)")
      ->envname("ROLECALL_TLS_CERT");
  serve->add_option("--tls-key", o.tls_key, "Server private key (PEM)")
      ->envname("ROLECALL_TLS_KEY");
  serve
      ->add_option("--tls-client-ca", o.tls_client_ca,
                   "Require client certificates signed by this CA")
      ->envname("ROLECALL_TLS_CLIENT_CA");
  serve->add_option("--log-level", o.log_level, "debug, info, warn or error")
      ->envname("ROLECALL_LOG_LEVEL");
  serve->add_flag("--plaintext", o.plaintext, "Serve without TLS")->envname("ROLECALL_PLAINTEXT");
  serve->add_flag("--migrate", o.migrate, "Apply pending migrations before serving")
      ->envname("ROLECALL_MIGRATE");

  std::string app_role = kDefaultServingRole;
  auto* migrate = app.add_subcommand(
      "migrate", "Apply pending schema migrations and grant the serving role what it needs");
  migrate
      ->add_option("--app-role", app_role,
                   "The role `serve` connects as: created (LOGIN, no password) when missing, and "
                   "granted rolecall's tables and nothing else; empty skips")
      ->envname("ROLECALL_APP_ROLE");

  std::string org_id, org_name;
  auto* create_org = app.add_subcommand("create-org", "Create an organization (idempotent)");
  create_org->add_option("ORG_ID", org_id, "Organization id, e.g. org_acme")->required();
  create_org->add_option("--name", org_name, "Display name (default: the id)");

  std::string key_org, key_scope, key_principal, key_name;
  auto* create_key = app.add_subcommand("create-api-key", "Create an API key; prints it once");
  create_key->add_option("--org", key_org, "Organization id")->required();
  create_key->add_option("--scope", key_scope, "admin, read or check")->required();
  create_key->add_option("--principal", key_principal, "User id the key acts for");
  create_key->add_option("--name", key_name, "A label for the key");

  auto* seed = app.add_subcommand("seed-demo", "Load the demo organization org_p72 (idempotent)");
  app.require_subcommand(0, 1);

  // `serve` is the default subcommand: `rolecall-server [serve options]` means `serve`.
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool names_subcommand =
      !args.empty() && (args[0][0] != '-' || args[0] == "-h" || args[0] == "--help");
  if (!names_subcommand) args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*migrate || *create_org || *create_key || *seed) {
    if (o.database_url.empty()) {
      std::cerr << "rolecall-server: --database-url (ROLECALL_DATABASE_URL) is required\n";
      return 2;
    }
  }
  if (*migrate) return RunMigrate(o.database_url, app_role);
  if (*create_org || *create_key || *seed) {
    auto store = OpenStore(o.database_url);
    if (!store.ok()) return Fail(store.status());
    if (*create_org) {
      if (!IsWellFormedId(org_id, kOrgPrefix)) {
        return Fail(absl::InvalidArgumentError(
            "ORG_ID must be org_ followed by up to 32 lowercase letters and digits"));
      }
      const absl::Status s = (*store)->CreateOrg(org_id, org_name.empty() ? org_id : org_name);
      if (!s.ok()) return Fail(s);
      std::cout << "organization " << org_id << " is ready\n";
      return 0;
    }
    if (*seed) {
      const absl::Status s = (*store)->SeedDemo();
      if (!s.ok()) return Fail(s);
      std::cout << "demo organization org_p72 is ready\n";
      return 0;
    }
    auto scope = ParseScope(key_scope);
    if (!scope.ok()) return Fail(scope.status());
    auto key = IssueApiKey(**store, key_org, *scope, key_principal, key_name);
    if (!key.ok()) return Fail(key.status());
    std::cout << "API key (scope " << ScopeName(*scope) << ", organization " << key_org
              << "); it is shown only once:\n"
              << FormatApiKey(*key) << "\n";
    return 0;
  }
  return Serve(o);
}
