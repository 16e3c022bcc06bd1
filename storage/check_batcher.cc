#include "storage/check_batcher.h"

#include <algorithm>

namespace rolecall {

CheckBatcher::CheckBatcher(int statements, int max_batch, Resolve resolve, OnBatch on_batch)
    : max_statements_(std::max(1, statements)),
      max_batch_(std::max(1, max_batch)),
      resolve_(std::move(resolve)),
      on_batch_(std::move(on_batch)) {
  for (int i = 0; i < max_statements_; ++i) threads_.emplace_back([this] { Work(); });
}

CheckBatcher::~CheckBatcher() {
  std::deque<Pending> left;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    work_.notify_all();
    idle_.wait(lock, [&] { return running_ == 0; });
    left.swap(queued_);
  }
  for (auto& t : threads_) t.join();
  for (auto& p : left) {
    p.done(absl::UnavailableError("checking the permission: the server is shutting down"));
  }
}

void CheckBatcher::Check(const RequestContext& ctx, const RoleQuestion& question,
                         RoleCallback done) {
  Pending pending{RoleCheck{ctx.org_id, question.user_id, question.resource, ctx.freshness.Floor(),
                            ctx.revisions},
                  ctx.deadline, std::move(done)};
  std::vector<Pending> alone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ > 0 || !queued_.empty() || stopping_) {
      queued_.push_back(std::move(pending));
      if (running_ < max_statements_) work_.notify_one();
      return;
    }
    ++running_;
    alone.push_back(std::move(pending));
  }
  Answer(alone);
  std::lock_guard<std::mutex> lock(mu_);
  Ended();
  if (!queued_.empty()) work_.notify_one();  // checks queued meanwhile
}

void CheckBatcher::Ended() {
  if (--running_ == 0 && stopping_) idle_.notify_all();
}

int CheckBatcher::Queued() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queued_.size());
}

void CheckBatcher::Work() {
  std::vector<Pending> batch, expired;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || (!queued_.empty() && running_ < max_statements_); });
    if (stopping_) return;
    const auto now = std::chrono::system_clock::now();
    while (!queued_.empty() && static_cast<int>(batch.size()) < max_batch_) {
      Pending& p = queued_.front();
      (p.deadline && *p.deadline <= now ? expired : batch).push_back(std::move(p));
      queued_.pop_front();
    }
    ++running_;
    lock.unlock();
    for (auto& p : expired) {
      p.done(absl::DeadlineExceededError(
          "checking the permission: the caller's deadline passed while waiting for the database"));
    }
    expired.clear();
    if (!batch.empty()) Answer(batch);
    batch.clear();
    lock.lock();
    Ended();  // this thread looks at the queue again next
  }
}

void CheckBatcher::Answer(std::vector<Pending>& batch) {
  std::vector<RoleCheck> checks;
  checks.reserve(batch.size());
  RequestContext::Deadline deadline = batch[0].deadline;
  for (const Pending& p : batch) {
    checks.push_back(p.check);
    // The batch may take as long as its most patient check allows (no deadline: unbounded).
    if (!p.deadline || (deadline && *p.deadline > *deadline)) deadline = p.deadline;
  }
  if (on_batch_) on_batch_(static_cast<int>(batch.size()));
  absl::StatusOr<std::vector<absl::StatusOr<Role>>> answers;
  try {
    answers = resolve_(deadline, checks);
  } catch (const std::exception& e) {
    // Never leave the batch's callers hanging.
    answers = absl::InternalError(std::string("checking the permission: ") + e.what());
  }
  if (answers.ok() && answers->size() != batch.size()) {
    answers = absl::InternalError("checking the permission: a batch came back incomplete");
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(answers.ok() ? std::move((*answers)[i]) : absl::StatusOr<Role>(answers.status()));
  }
}

}  // namespace rolecall
