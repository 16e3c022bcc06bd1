#include "service/metrics.h"

#include "rolecall_build_info.h"

namespace rolecall {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return kBuckets;
}

// A metric family named `name`, described by `help`, in `registry`.
template <typename Builder>
auto& Family(Builder builder, prometheus::Registry& registry, const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(Family(prometheus::BuildCounter(), *registry_, "rolecall_rpc_requests_total",
                       "Finished RPCs by method and gRPC status code.")),
      latency_(Family(prometheus::BuildHistogram(), *registry_, "rolecall_rpc_duration_seconds",
                      "RPC latency from receipt to the final status, by method.")),
      stream_messages_(Family(prometheus::BuildCounter(), *registry_,
                              "rolecall_rpc_stream_messages_total",
                              "Messages sent on server streams, by method.")),
      in_flight_(Family(prometheus::BuildGauge(), *registry_, "rolecall_rpc_in_flight",
                        "RPCs being served now, by method.")),
      health_(Family(prometheus::BuildGauge(), *registry_, "rolecall_health_serving",
                     "1 while the server reports SERVING (the database answers), else 0.")
                  .Add({})),
      auth_failures_(Family(prometheus::BuildCounter(), *registry_, "rolecall_auth_failures_total",
                            "Failed authentications by reason.")),
      database_superuser_(Family(prometheus::BuildGauge(), *registry_,
                                 "rolecall_database_superuser",
                                 "1 when the server's database role is a superuser or "
                                 "bypasses row-level security (it should not), else 0.")
                              .Add({})),
      pool_(Family(prometheus::BuildGauge(), *registry_, "rolecall_db_pool_connections",
                   "PostgreSQL connections of the pool: open, and of those in use.")),
      pool_open_(pool_.Add({{"state", "open"}})),
      pool_in_use_(pool_.Add({{"state", "in_use"}})),
      pool_max_(Family(prometheus::BuildGauge(), *registry_, "rolecall_db_pool_max_connections",
                       "The pool's bound (--pool-size).")
                    .Add({})),
      pool_waits_(Family(prometheus::BuildCounter(), *registry_, "rolecall_db_pool_waits_total",
                         "Connection requests that found no free connection and waited.")
                      .Add({})),
      pool_wait_seconds_(Family(prometheus::BuildHistogram(), *registry_,
                                "rolecall_db_pool_wait_seconds",
                                "Time to get a connection from the pool.")
                             .Add({}, LatencyBuckets())),
      query_seconds_(Family(prometheus::BuildHistogram(), *registry_,
                            "rolecall_db_query_duration_seconds",
                            "Database work per storage operation (pool wait included).")),
      db_errors_(Family(prometheus::BuildCounter(), *registry_, "rolecall_db_errors_total",
                        "Failed storage operations by kind (gRPC code of the failure).")),
      checks_per_statement_(
          Family(prometheus::BuildHistogram(), *registry_, "rolecall_db_checks_per_statement",
                 "Permission checks answered by one statement (concurrent checks share one).")
              .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 100})),
      changes_pruned_(Family(prometheus::BuildCounter(), *registry_,
                             "rolecall_change_log_pruned_total",
                             "Change log rows pruned past --change-retention-days by this server.")
                          .Add({})),
      oldest_change_age_(Family(prometheus::BuildGauge(), *registry_,
                                "rolecall_change_log_oldest_age_seconds",
                                "Age of the oldest change the log keeps (every organization), "
                                "as of the last pruning round; 0 when empty.")
                             .Add({})) {
  Family(prometheus::BuildGauge(), *registry_, "rolecall_build_info",
         "Build of this server; the value is always 1.")
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

void Metrics::RecordChangeLogPrune(int64_t deleted, double oldest_age_seconds) {
  if (deleted > 0) changes_pruned_.Increment(static_cast<double>(deleted));
  oldest_change_age_.Set(oldest_age_seconds);
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
