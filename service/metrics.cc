#include "service/metrics.h"

#include "rolecall_build_info.h"

namespace rolecall {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return kBuckets;
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("rolecall_rpc_requests_total")
                    .Help("Finished RPCs by method and gRPC status code.")
                    .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("rolecall_rpc_duration_seconds")
                   .Help("RPC latency from receipt to the final status, by method.")
                   .Register(*registry_)),
      stream_messages_(prometheus::BuildCounter()
                           .Name("rolecall_rpc_stream_messages_total")
                           .Help("Messages sent on server streams, by method.")
                           .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("rolecall_rpc_in_flight")
                     .Help("RPCs being served now, by method.")
                     .Register(*registry_)),
      health_(prometheus::BuildGauge()
                  .Name("rolecall_health_serving")
                  .Help("1 while the server reports SERVING (the database answers), else 0.")
                  .Register(*registry_)
                  .Add({})),
      auth_failures_(prometheus::BuildCounter()
                         .Name("rolecall_auth_failures_total")
                         .Help("Failed authentications by reason.")
                         .Register(*registry_)),
      database_superuser_(prometheus::BuildGauge()
                              .Name("rolecall_database_superuser")
                              .Help("1 when the server's database role is a superuser or "
                                    "bypasses row-level security (it should not), else 0.")
                              .Register(*registry_)
                              .Add({})),
      pool_(prometheus::BuildGauge()
                .Name("rolecall_db_pool_connections")
                .Help("PostgreSQL connections of the pool: open, and of those in use.")
                .Register(*registry_)),
      pool_open_(pool_.Add({{"state", "open"}})),
      pool_in_use_(pool_.Add({{"state", "in_use"}})),
      pool_max_(prometheus::BuildGauge()
                    .Name("rolecall_db_pool_max_connections")
                    .Help("The pool's bound (--pool-size).")
                    .Register(*registry_)
                    .Add({})),
      pool_waits_(prometheus::BuildCounter()
                      .Name("rolecall_db_pool_waits_total")
                      .Help("Connection requests that found no free connection and waited.")
                      .Register(*registry_)
                      .Add({})),
      pool_wait_seconds_(prometheus::BuildHistogram()
                             .Name("rolecall_db_pool_wait_seconds")
                             .Help("Time to get a connection from the pool.")
                             .Register(*registry_)
                             .Add({}, LatencyBuckets())),
      query_seconds_(prometheus::BuildHistogram()
                         .Name("rolecall_db_query_duration_seconds")
                         .Help("Database work per storage operation (pool wait included).")
                         .Register(*registry_)),
      db_errors_(prometheus::BuildCounter()
                     .Name("rolecall_db_errors_total")
                     .Help("Failed storage operations by kind (gRPC code of the failure).")
                     .Register(*registry_)),
      checks_per_statement_(
          prometheus::BuildHistogram()
              .Name("rolecall_db_checks_per_statement")
              .Help("Permission checks answered by one statement (concurrent checks share one).")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 100})) {
  prometheus::BuildGauge()
      .Name("rolecall_build_info")
      .Help("Build of this server; the value is always 1.")
      .Register(*registry_)
      .Add({{"version", ROLECALL_VERSION}, {"git_sha", ROLECALL_GIT_SHA}})
      .Set(1);
}

void Metrics::Expose(const std::string& address) {
  exposer_ = std::make_unique<prometheus::Exposer>(address);
  exposer_->RegisterCollectable(registry_);
}

int Metrics::port() const {
  if (!exposer_) return 0;
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void Metrics::RecordRpc(const std::string& method, const std::string& code, double seconds) {
  requests_.Add({{"method", method}, {"code", code}}).Increment();
  latency_.Add({{"method", method}}, LatencyBuckets()).Observe(seconds);
}

void Metrics::RecordStreamMessage(const std::string& method) {
  stream_messages_.Add({{"method", method}}).Increment();
}

prometheus::Gauge& Metrics::InFlight(const std::string& method) {
  return in_flight_.Add({{"method", method}});
}

void Metrics::RecordAuthFailure(const char* reason) {
  auth_failures_.Add({{"reason", reason}}).Increment();
}

void Metrics::SetDatabaseSuperuser(bool superuser) { database_superuser_.Set(superuser ? 1 : 0); }

void Metrics::SetHealth(bool serving) { health_.Set(serving ? 1 : 0); }

void Metrics::SetPoolSize(int size) { pool_max_.Set(size); }

void Metrics::OnAcquire(double wait_seconds, bool waited) {
  if (waited) pool_waits_.Increment();
  pool_wait_seconds_.Observe(wait_seconds);
}

void Metrics::OnUsage(int open, int in_use) {
  pool_open_.Set(open);
  pool_in_use_.Set(in_use);
}

void Metrics::OnCheckBatch(int checks) { checks_per_statement_.Observe(checks); }

void Metrics::OnQuery(const std::string& what, double seconds, const absl::Status& status) {
  query_seconds_.Add({{"operation", what}}, LatencyBuckets()).Observe(seconds);
  // Answers like NOT_FOUND or ALREADY_EXISTS are results, not database errors.
  switch (status.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return;
    default:
      db_errors_.Add({{"kind", absl::StatusCodeToString(status.code())}}).Increment();
  }
}

}  // namespace rolecall
