#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace rolecall {

// Where a storage call reports the organization's revision it wrote (a write) or answered at (a
// read), for the caller to hand out as a consistency token. Thread-safe; keeps the highest.
class RevisionSink final {
 public:
  void Report(int64_t revision) {
    int64_t seen = revision_.load(std::memory_order_relaxed);
    while (revision > seen && !revision_.compare_exchange_weak(seen, revision)) {
    }
  }
  // -1 when nothing was reported.
  int64_t revision() const { return revision_.load(); }

 private:
  std::atomic<int64_t> revision_{-1};
};

// Who asks, for the change log: the API key and the user it acts for (empty when the key has no
// principal, or for the server's own work).
struct Actor {
  std::string key_id;
  std::string user_id;
};

// How fresh a read must be (v1::Consistency): any committed state, at least the state of a
// revision (a consistency token's), or the newest. On the primary every committed state is the
// newest; replicas (and caches) must honour the difference.
struct Freshness {
  enum class Mode { kMinimizeLatency, kAtLeastAsFresh, kFullyConsistent };
  Mode mode = Mode::kMinimizeLatency;
  int64_t min_revision = 0;  // for kAtLeastAsFresh
  // The oldest revision an answer may reflect (0: any).
  int64_t Floor() const { return mode == Mode::kAtLeastAsFresh ? min_revision : 0; }
};

// What every storage call is told about the request it serves. The store sees only the rows of
// `org_id` (row-level security enforces it), and its statements time out when `deadline`
// passes. A write is logged with `actor`, `request_id` and `operation`; a read answers from a
// state at least as fresh as `freshness`. Both report the revision they wrote or read at to
// `revisions` when set.
struct RequestContext {
  using Deadline = std::optional<std::chrono::system_clock::time_point>;

  std::string org_id;  // empty: no organization's rows (bootstrap, API key lookup)
  Deadline deadline;   // none: the pool's default statement timeout bounds the work
  Actor actor;
  std::string request_id;  // as the caller sent it in x-request-id, or generated
  std::string operation;   // the RPC, or the bootstrap command
  Freshness freshness;
  RevisionSink* revisions = nullptr;  // not owned; may be null

  static RequestContext Org(std::string org_id, Deadline deadline = {}) {
    RequestContext ctx;
    ctx.org_id = std::move(org_id);
    ctx.deadline = deadline;
    return ctx;
  }
  void Report(int64_t revision) const {
    if (revisions) revisions->Report(revision);
  }
};

}  // namespace rolecall
