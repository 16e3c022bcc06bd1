#pragma once

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "storage/pool_observer.h"

namespace rolecall {

// The server's Prometheus metrics. Labels are bounded: method names, status code names and pool
// states only (never ids or emails).
class Metrics final : public PoolObserver {
 public:
  Metrics();

  // Serves /metrics on `address` (host:port); the bound port is returned by port().
  void Expose(const std::string& address);
  int port() const;

  // One finished RPC.
  void RecordRpc(const std::string& method, const std::string& code, double seconds);
  void RecordStreamMessage(const std::string& method);
  prometheus::Gauge& InFlight(const std::string& method);

  // A failed authentication, by reason (missing, malformed, unknown, wrong_secret, revoked,
  // rate_limited).
  void RecordAuthFailure(const char* reason);
  // 1 when serve is connected to PostgreSQL as a superuser (row-level security does not apply).
  void SetDatabaseSuperuser(bool superuser);

  // A round of change log pruning: the rows it deleted (-1: another server pruned) and the age
  // of the oldest change kept (0: none).
  void RecordChangeLogPrune(int64_t deleted, double oldest_age_seconds);

  void SetHealth(bool serving);
  void SetPoolSize(int size);

  // PoolObserver: connections, waits, query latency by operation, errors by kind.
  void OnAcquire(double wait_seconds, bool waited) override;
  void OnUsage(int open, int in_use) override;
  void OnQuery(const std::string& what, double seconds, const absl::Status& status) override;
  void OnCheckBatch(int checks) override;

  prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& stream_messages_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Gauge& health_;
  prometheus::Family<prometheus::Counter>& auth_failures_;
  prometheus::Gauge& database_superuser_;
  prometheus::Family<prometheus::Gauge>& pool_;
  prometheus::Gauge& pool_open_;
  prometheus::Gauge& pool_in_use_;
  prometheus::Gauge& pool_max_;
  prometheus::Counter& pool_waits_;
  prometheus::Histogram& pool_wait_seconds_;
  prometheus::Family<prometheus::Histogram>& query_seconds_;
  prometheus::Family<prometheus::Counter>& db_errors_;
  prometheus::Histogram& checks_per_statement_;
  prometheus::Counter& changes_pruned_;
  prometheus::Gauge& oldest_change_age_;
};

}  // namespace rolecall
