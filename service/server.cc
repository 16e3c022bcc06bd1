#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "grpc/health/v1/health.pb.h"
#include "storage/database.h"

namespace rolecall {
namespace {

// How long connections stay open after the last call finished during shutdown.
constexpr std::chrono::seconds kLinger{2};

constexpr const char* kServiceNames[] = {
    "", "rolecall.v1.UserService", "rolecall.v1.PermissionService", "rolecall.v1.DirectoryService"};

// Drops every ServerBuilder plugin: server reflection registers itself into every builder of
// the process, and the health-only server must serve grpc.health.v1.Health and nothing else.
class WithoutPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::ServerCredentials> Credentials(const ServerOptions& o) {
  if (o.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      o.tls_client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                              : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_key_cert_pairs.push_back({ReadFile(o.tls_key), ReadFile(o.tls_cert)});
  if (!o.tls_client_ca.empty()) ssl.pem_root_certs = ReadFile(o.tls_client_ca);
  return grpc::SslServerCredentials(ssl);
}

// Brings the schema to this binary's version, or checks that it is there.
absl::Status PrepareSchema(const ServerOptions& o, Logger& log) {
  if (!o.migrate) return CheckDatabase(o.database_url);
  ASSIGN_OR_RETURN(const MigrationReport report, MigrateDatabase(o.database_url, /*app_role=*/""));
  log.Log(LogLevel::kInfo, "migrations applied", {{"applied", report.applied}});
  return absl::OkStatus();
}

// --check-statements, with 0 resolved to one per two cores (at least 1). Checks that arrive while
// the statements run are batched into the next one, so fewer statements make larger batches, and
// a batch costs PostgreSQL far less per check than single checks do.
int CheckStatements(const ServerOptions& options) {
  if (options.check_statements > 0) return options.check_statements;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
}

// The store on PostgreSQL. Opening its first connection prepares every named query, so one that
// does not parse stops the start here; a role that bypasses row-level security is reported.
absl::StatusOr<std::unique_ptr<PgStore>> OpenStore(const ServerOptions& options, Metrics& metrics,
                                                   Logger& log) {
  PoolOptions pool{options.database_url, options.pool_size,
                   std::chrono::milliseconds(options.pool_timeout_ms)};
  pool.stream_connections = options.stream_connections;
  pool.default_statement_timeout = std::chrono::seconds(options.statement_timeout_seconds);
  auto store = std::make_unique<PgStore>(pool, &metrics, CheckStatements(options));
  metrics.SetPoolSize(options.pool_size);
  ASSIGN_OR_RETURN(const DatabaseRole role, store->ConnectedRole(RequestContext{}));
  metrics.SetDatabaseSuperuser(!role.row_security_applies);
  if (!role.row_security_applies) {
    log.Log(LogLevel::kWarn, "database role bypasses row-level security",
            {{"role", role.name},
             {"hint",
              "serve should connect as the role `rolecall-server migrate` grants (--app-role, "
              "default rolecall_app), not as a superuser or the schema owner"}});
  }
  return store;
}

// The main listener's transport: credentials, threads, message sizes, keepalive, connection age.
void ConfigureListener(const ServerOptions& options, grpc::ServerBuilder& builder, int* port) {
  builder.AddListeningPort(options.listen, Credentials(options), port);
  // The sync server makes a thread per concurrent call and, by default, ends any thread beyond
  // two idle pollers: under steady load it would create and destroy threads on every call. Keep
  // enough idle threads around to serve bursts without that churn.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              std::max(16, 2 * options.pool_size));
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Keepalive finds dead peers; a bounded connection age makes clients reconnect now and then,
  // so connections rebalance across replicas behind an L4 load balancer.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, options.keepalive_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  if (options.max_connection_age_seconds > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               options.max_connection_age_seconds * 1000);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               options.shutdown_grace_seconds * 1000);
  }
}

}  // namespace

RolecallServer::RolecallServer(const ServerOptions& options, Logger& log)
    : options_(options), log_(log) {}

RolecallServer::~RolecallServer() {
  if (probe_) probe_->Stop();
}

absl::StatusOr<std::unique_ptr<RolecallServer>> RolecallServer::Start(const ServerOptions& options,
                                                                      Logger& log) {
  RETURN_IF_ERROR(PrepareSchema(options, log));
  std::unique_ptr<RolecallServer> s(new RolecallServer(options, log));
  ASSIGN_OR_RETURN(s->store_, OpenStore(options, s->metrics_, log));
  ASSIGN_OR_RETURN(
      s->services_,
      Services::Create(*s->store_, s->metrics_, log, s->drain_,
                       ServicesOptions{options.auth_failures_per_minute, options.hash_threads,
                                       std::chrono::seconds(options.stream_idle_timeout_seconds),
                                       std::chrono::seconds(options.watch_checkpoint_seconds),
                                       options.max_watch_streams}));
  if (!options.metrics_listen.empty()) {
    try {
      s->metrics_.Expose(options.metrics_listen);
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("--metrics-listen ", options.metrics_listen, ": ", e.what()));
    }
  }

  // Reflection must be able to describe grpc.health.v1.Health: link its descriptor in.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  ConfigureListener(options, builder, &s->port_);
  s->services_->Register(builder);
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen on ", options.listen, " (in use, or not a local address)"));
  }
  if (!options.health_listen.empty()) RETURN_IF_ERROR(s->StartHealthListener());

  RolecallServer* self = s.get();
  s->probe_ = std::make_unique<DatabaseProbe>(options.database_url,
                                              std::chrono::milliseconds(options.health_interval_ms),
                                              [self](bool serving) { self->SetServing(serving); });
  s->probe_->Start();
  s->pruner_ =
      std::make_unique<ChangePruner>(*s->store_, options.change_retention_days, s->metrics_, log);
  log.Log(LogLevel::kInfo, "serving",
          {{"listen", options.listen},
           {"port", s->port_},
           {"metrics_port", s->metrics_port()},
           {"health_port", s->health_port_},
           {"tls", !options.tls_cert.empty()},
           {"mtls", !options.tls_client_ca.empty()}});
  return s;
}

absl::Status RolecallServer::StartHealthListener() {
  // Always plaintext, health only (gRPC's default health service, as on the main server;
  // SetServing sets both): for probes that cannot speak TLS, like the kubelet's gRPC probe.
  grpc::ServerBuilder health;
  health.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(), &health_port_);
  health.SetOption(std::make_unique<WithoutPlugins>());
  // Any other method: UNIMPLEMENTED. (gRPC also refuses to build a server without a service
  // it polls itself; the default health service has its own queue.)
  health_unimplemented_ = std::make_unique<grpc::CallbackGenericService>();
  health.RegisterCallbackGenericService(health_unimplemented_.get());
  health.SetMaxReceiveMessageSize(64 * 1024);
  health_server_ = health.BuildAndStart();
  if (!health_server_ || health_port_ == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--health-listen: cannot listen on ", options_.health_listen, " (in use, or not local)"));
  }
  return absl::OkStatus();
}

void RolecallServer::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(health_mu_);
  if (shutting_down_) serving = false;
  for (const char* name : kServiceNames) {
    server_->GetHealthCheckService()->SetServingStatus(name, serving);
    if (health_server_) health_server_->GetHealthCheckService()->SetServingStatus(name, serving);
  }
  metrics_.SetHealth(serving);
  log_.Log(serving ? LogLevel::kInfo : LogLevel::kWarn, "health",
           {{"status", serving ? "SERVING" : "NOT_SERVING"}});
}

void RolecallServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(health_mu_);
    shutting_down_ = true;
  }
  // Refuse new calls before health says so: a client that sees NOT_SERVING is never served.
  drain_.Refuse();
  probe_->Stop();
  SetServing(false);
  log_.Log(LogLevel::kInfo, "draining", {{"grace_seconds", options_.shutdown_grace_seconds}});
  const auto deadline =
      std::chrono::system_clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
  // The calls in flight finish on open connections, until a second before the deadline; then
  // whatever statement still runs is cancelled, so its call ends (and the process with it).
  drain_.Wait(deadline - std::chrono::seconds(1));
  store_->CancelAll();
  pruner_.reset();
  drain_.Wait(deadline);
  // A finished stream's last messages may still sit in the connection until its client reads
  // them; gRPC's shutdown closes idle connections at once, which would reset them. Keep the
  // connections open a little longer (within the grace period) so they arrive.
  std::this_thread::sleep_until(std::min(deadline, std::chrono::system_clock::now() + kLinger));
  server_->Shutdown(deadline);
  // The health-only listener (NOT_SERVING since the drain began) goes with the main server.
  if (health_server_) health_server_->Shutdown(std::chrono::system_clock::now());
  log_.Log(LogLevel::kInfo, "stopped");
}

}  // namespace rolecall
