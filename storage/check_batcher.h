#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "core/roles.h"
#include "storage/store.h"

namespace rolecall {

// Coalesces concurrent permission checks into shared statements. At most `max_statements`
// statements run at once. A check that finds one free runs at once (so a lone caller waits for
// nothing); a check that arrives while all are busy queues, and the next statement to start
// answers every queued check together (up to `max_batch`). Under load this replaces many
// round trips and per-statement overheads in PostgreSQL by one, and keeps the database from
// running more statements than it has cores for.
class CheckBatcher final {
 public:
  // Answers `checks` with one statement: one answer per check, in order. A failed status fails
  // every check of the batch.
  using Resolve = std::function<absl::StatusOr<std::vector<absl::StatusOr<Role>>>(
      const std::vector<RoleCheck>& checks)>;
  // Told the size of each batch as it starts.
  using OnBatch = std::function<void(int checks)>;

  CheckBatcher(int max_statements, int max_batch, Resolve resolve, OnBatch on_batch = nullptr);
  CheckBatcher(const CheckBatcher&) = delete;
  CheckBatcher& operator=(const CheckBatcher&) = delete;

  // The answer to `check`. Waiting for a batch is bounded by the calling thread's ScopedDeadline;
  // a batch runs under the latest deadline of its checks.
  absl::StatusOr<Role> Check(const RoleCheck& check);

  // Checks waiting for a batch now.
  int Queued();

 private:
  struct Waiter;
  // Runs one batch led by `leader` (taking queued checks with it), hands the lead on to the next
  // queued check if any, and returns the leader's answer. `lock` is held on entry and exit.
  absl::StatusOr<Role> Lead(Waiter& leader, std::unique_lock<std::mutex>& lock);

  const int max_statements_;
  const int max_batch_;
  const Resolve resolve_;
  const OnBatch on_batch_;
  std::mutex mu_;
  int running_ = 0;             // guarded by mu_: batches in flight
  std::deque<Waiter*> queued_;  // guarded by mu_: checks waiting for a batch
};

}  // namespace rolecall
