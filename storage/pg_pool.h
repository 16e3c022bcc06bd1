#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "storage/context.h"
#include "storage/pool_observer.h"

namespace rolecall {

struct PoolOptions {
  std::string dsn;
  int size = 8;                                     // connections at most
  std::chrono::milliseconds acquire_timeout{5000};  // wait for a free connection at most this long
  // Streams (Work::kStream) hold at most this many connections at once, so slow stream readers
  // leave the rest to checks and writes; 0 = half of `size` (at least 1).
  int stream_connections = 0;
  // The statement timeout of work whose context has no deadline.
  std::chrono::milliseconds default_statement_timeout{30000};
};

// What a unit of work given to PgPool::Run is.
enum class Work {
  kRetryable,  // a whole transaction, run once more on a fresh connection if the first broke
  kOnce,       // never run twice (it may have had effects outside the database)
  kStream,     // streams rows to a client: never retried, drawn from the streams' share
};

// A named SQL statement, prepared on every connection of the pool.
struct PreparedStatement {
  std::string name;
  std::string sql;
};

// A bounded pool of PostgreSQL connections. Connections are opened lazily, at most `size` at a
// time; a connection that fails is dropped (with every idle one, since a failure usually means the
// server restarted) and replaced on demand, so the pool recovers from a database restart without
// a process restart.
class PgPool final {
 public:
  PgPool(PoolOptions options, std::vector<PreparedStatement> statements,
         PoolObserver* observer = nullptr);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` on a pooled connection whose session sees only the rows of organization
  // `ctx.org_id` (the setting `rolecall.org_id` that the row-level security policies read;
  // empty: no organization's rows). libpqxx exceptions become statuses (see pg_errors.h). A
  // kRetryable `fn` runs once more on a fresh connection when the first one turns out broken, so it
  // must be a whole transaction, safe to run again. `what` names the operation in error messages
  // and metrics; it must be a constant. Statements time out (DEADLINE_EXCEEDED) when `ctx.deadline`
  // passes (rounded up to one of a few steps, from 100 ms to a minute, so most calls need no
  // `SET`), or after the default statement timeout when there is none.
  absl::Status Run(const RequestContext& ctx, const std::string& what,
                   const std::function<absl::Status(pqxx::connection&)>& fn,
                   Work work = Work::kRetryable);

  // Connections open now, and of those, in use.
  std::pair<int, int> Usage() const;

  // For shutdown: cancels every statement running now and refuses new work (UNAVAILABLE).
  void CancelAll();

 private:
  struct Connection {
    std::unique_ptr<pqxx::connection> conn;
    // What the session's settings are now (set only when they change, sparing a round trip).
    int statement_timeout_ms = -1;  // -1 = not set yet
    std::string org_id;
    bool org_set = false;
  };

  absl::Status Acquire(bool stream, Connection* out);
  absl::Status Connect(bool stream, Connection* out);
  void Release(Connection conn, bool broken, bool stream);
  absl::Status RunOnce(const RequestContext& ctx, const std::string& what,
                       const std::function<absl::Status(pqxx::connection&)>& fn, bool stream,
                       bool* broken);
  void ReportUsage();

  const PoolOptions options_;
  const std::vector<PreparedStatement> statements_;
  PoolObserver* const observer_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Connection> idle_;         // guarded by mu_
  std::vector<pqxx::connection*> busy_;  // guarded by mu_: handed out now
  int open_ = 0;                         // guarded by mu_
  int streams_ = 0;                      // guarded by mu_: connections held by streams
  bool closed_ = false;                  // guarded by mu_: CancelAll was called
};

}  // namespace rolecall
