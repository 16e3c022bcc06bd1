#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "core/roles.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// One permission question of an organization, as the batcher queues it.
struct RoleCheck {
  std::string org_id;
  std::string user_id;
  ResourceKey resource;
  int64_t min_revision = 0;           // the answer must reflect at least this revision
  RevisionSink* revisions = nullptr;  // told the revision the answer reflects; may be null
};

// Coalesces concurrent permission checks into shared statements, at most `statements` at once.
// A check that finds the database idle runs at once on the calling thread, so a lone caller
// waits for no one and pays no thread handoff (and at most one caller's thread at a time waits
// on the database). Checks that arrive while a statement runs queue, and the batcher's own
// threads (one per statement) answer all of them that are waiting (up to `max_batch`) with one
// statement each. Under load this replaces many round trips and per-statement overheads in
// PostgreSQL by one, and keeps the database from running more statements than it has cores for.
class CheckBatcher final {
 public:
  // Answers `checks` with one statement, bounded by `deadline`: one answer per check, in order.
  // A failed status fails every check of the batch.
  using Resolve = std::function<absl::StatusOr<std::vector<absl::StatusOr<Role>>>(
      const RequestContext::Deadline& deadline, const std::vector<RoleCheck>& checks)>;
  // Told the size of each batch as it starts.
  using OnBatch = std::function<void(int checks)>;

  CheckBatcher(int statements, int max_batch, Resolve resolve, OnBatch on_batch = nullptr);
  // Waits for the statements running, answers the checks still queued with UNAVAILABLE and
  // stops the threads.
  ~CheckBatcher();
  CheckBatcher(const CheckBatcher&) = delete;
  CheckBatcher& operator=(const CheckBatcher&) = delete;

  // Answers the question of `ctx`'s organization through `done`: on the calling thread when the
  // database is idle, else later on one of the batcher's threads. `ctx.deadline` bounds it: a
  // check still queued at its deadline is answered DEADLINE_EXCEEDED without running, and a
  // batch runs under the latest deadline of its checks. The check carries `ctx.freshness` and
  // `ctx.revisions` to the resolver, which reports the revision it answered at; `ctx.revisions`
  // must stay valid until `done` runs.
  void Check(const RequestContext& ctx, const RoleQuestion& question, RoleCallback done);

  // Checks waiting for a statement now.
  int Queued();

 private:
  struct Pending {
    RoleCheck check;
    RequestContext::Deadline deadline;
    RoleCallback done;
  };
  // One statement thread: answers queued checks whenever a statement may start, until stopped.
  void Work();
  // Answers `batch` with one statement.
  void Answer(std::vector<Pending>& batch);
  // Counts a statement's end. `mu_` is held.
  void Ended();

  const int max_statements_;
  const int max_batch_;
  const Resolve resolve_;
  const OnBatch on_batch_;
  std::mutex mu_;
  std::condition_variable work_;  // signalled when a statement may start, or when stopping
  std::condition_variable idle_;  // signalled when the last statement ends while stopping
  std::deque<Pending> queued_;    // guarded by mu_
  int running_ = 0;               // guarded by mu_: statements in flight, on any thread
  bool stopping_ = false;         // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace rolecall
