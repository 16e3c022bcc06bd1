#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/log.h"
#include "service/metrics.h"
#include "storage/pg_store.h"

namespace rolecall {

// Keeps the change log to --change-retention-days: prunes at start and then every `interval` on
// a thread of its own. Every replica runs one; the database lets one prune at a time (an advisory
// lock) and the others skip that round. Each round reports the age of the oldest change kept.
class ChangePruner final {
 public:
  static constexpr std::chrono::hours kInterval{1};
  // How long one round's statement may run.
  static constexpr std::chrono::minutes kRoundLimit{15};

  ChangePruner(PgStore& store, int retention_days, Metrics& metrics, Logger& log,
               std::chrono::milliseconds interval = kInterval);
  // Stops; a round in progress finishes first (its statement is bounded by the pool's timeout).
  ~ChangePruner();
  ChangePruner(const ChangePruner&) = delete;
  ChangePruner& operator=(const ChangePruner&) = delete;

 private:
  void Loop();
  void PruneOnce();

  PgStore& store_;
  const int retention_days_;
  Metrics& metrics_;
  Logger& log_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rolecall
