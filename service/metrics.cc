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
      pool_(prometheus::BuildGauge()
                .Name("rolecall_db_pool_connections")
                .Help("PostgreSQL connections of the pool: open, and of those in use.")
                .Register(*registry_)),
      pool_open_(pool_.Add({{"state", "open"}})),
      pool_in_use_(pool_.Add({{"state", "in_use"}})) {
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

void Metrics::SetHealth(bool serving) { health_.Set(serving ? 1 : 0); }

void Metrics::SetPool(int open, int in_use) {
  pool_open_.Set(open);
  pool_in_use_.Set(in_use);
}

}  // namespace rolecall
