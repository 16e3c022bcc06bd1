#include "storage/check_batcher.h"

#include <algorithm>
#include <optional>

#include "storage/pg_pool.h"

namespace rolecall {

using Deadline = std::optional<std::chrono::system_clock::time_point>;

struct CheckBatcher::Waiter {
  Waiter(const RoleCheck& c, Deadline d) : check(c), deadline(d) {}

  const RoleCheck& check;
  const Deadline deadline;
  std::condition_variable wake;
  std::optional<absl::StatusOr<Role>> answer;  // set when a batch answered this check
  bool lead = false;                           // set when this check must run the next batch
};

CheckBatcher::CheckBatcher(int max_statements, int max_batch, Resolve resolve, OnBatch on_batch)
    : max_statements_(std::max(1, max_statements)),
      max_batch_(std::max(1, max_batch)),
      resolve_(std::move(resolve)),
      on_batch_(std::move(on_batch)) {}

absl::StatusOr<Role> CheckBatcher::Check(const RoleCheck& check) {
  Waiter me{check, ScopedDeadline::Current()};
  std::unique_lock<std::mutex> lock(mu_);
  if (running_ < max_statements_) {
    ++running_;
    return Lead(me, lock);
  }
  queued_.push_back(&me);
  const auto woken = [&] { return me.answer.has_value() || me.lead; };
  if (me.deadline) {
    if (!me.wake.wait_until(lock, *me.deadline, woken)) {
      // Still queued: give up. Already taken into a batch: that batch will answer (soon).
      const auto it = std::find(queued_.begin(), queued_.end(), &me);
      if (it != queued_.end()) {
        queued_.erase(it);
        return absl::DeadlineExceededError(
            "checking the permission: the caller's deadline passed while waiting for the database");
      }
      me.wake.wait(lock, woken);
    }
  } else {
    me.wake.wait(lock, woken);
  }
  if (me.answer) return *std::move(me.answer);
  return Lead(me, lock);  // the previous batch handed its slot to this check
}

int CheckBatcher::Queued() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queued_.size());
}

absl::StatusOr<Role> CheckBatcher::Lead(Waiter& leader, std::unique_lock<std::mutex>& lock) {
  std::vector<Waiter*> batch = {&leader};
  while (!queued_.empty() && static_cast<int>(batch.size()) < max_batch_) {
    batch.push_back(queued_.front());
    queued_.pop_front();
  }
  lock.unlock();

  std::vector<RoleCheck> checks;
  checks.reserve(batch.size());
  Deadline deadline = leader.deadline;
  for (const Waiter* w : batch) {
    checks.push_back(w->check);
    // The batch may take as long as its most patient check allows (no deadline: unbounded).
    if (!w->deadline || (deadline && *w->deadline > *deadline)) deadline = w->deadline;
  }
  if (on_batch_) on_batch_(static_cast<int>(batch.size()));
  absl::StatusOr<std::vector<absl::StatusOr<Role>>> answers;
  try {
    ScopedDeadline scoped(deadline);
    answers = resolve_(checks);
  } catch (const std::exception& e) {
    // Never leave the batch's waiters (and its slot) hanging.
    answers = absl::InternalError(std::string("checking the permission: ") + e.what());
  }
  if (answers.ok() && answers->size() != batch.size()) {
    answers = absl::InternalError("checking the permission: a batch came back incomplete");
  }

  lock.lock();
  for (size_t i = 1; i < batch.size(); ++i) {
    batch[i]->answer = answers.ok() ? (*answers)[i] : absl::StatusOr<Role>(answers.status());
    batch[i]->wake.notify_one();
  }
  if (!queued_.empty()) {
    // Hand this batch's slot to the oldest queued check, which leads the next batch.
    Waiter* next = queued_.front();
    queued_.pop_front();
    next->lead = true;
    next->wake.notify_one();
  } else {
    --running_;
  }
  return answers.ok() ? (*answers)[0] : absl::StatusOr<Role>(answers.status());
}

}  // namespace rolecall
