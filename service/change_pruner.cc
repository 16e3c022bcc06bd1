#include "service/change_pruner.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rolecall {

ChangePruner::ChangePruner(PgStore& store, int retention_days, Metrics& metrics, Logger& log,
                           std::chrono::milliseconds interval)
    : store_(store),
      retention_days_(retention_days),
      metrics_(metrics),
      log_(log),
      interval_(interval),
      thread_([this] { Loop(); }) {}

ChangePruner::~ChangePruner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ChangePruner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    PruneOnce();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void ChangePruner::PruneOnce() {
  // A first round on a long log may delete millions of rows: more than the pool's default
  // statement timeout allows, which would fail every round. Shutdown cancels it.
  RequestContext ctx;
  ctx.operation = "prune-changes";
  ctx.deadline = std::chrono::system_clock::now() + kRoundLimit;
  const auto report = store_.PruneChanges(ctx, retention_days_);
  if (!report.ok()) {
    log_.Log(LogLevel::kWarn, "pruning the change log failed; retrying next round",
             {{"error", std::string(report.status().message())}});
    return;
  }
  const double oldest_age =
      report->oldest_micros
          ? absl::ToDoubleSeconds(absl::Now() - absl::FromUnixMicros(*report->oldest_micros))
          : 0;
  metrics_.RecordChangeLogPrune(report->deleted, oldest_age);
  if (report->deleted > 0) {
    log_.Log(LogLevel::kInfo, "pruned the change log",
             {{"deleted", report->deleted}, {"retention_days", retention_days_}});
  }
}

}  // namespace rolecall
