#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"

namespace rolecall {

struct PoolOptions {
  std::string dsn;
  int size = 8;                                     // connections at most
  std::chrono::milliseconds acquire_timeout{5000};  // wait for a free connection at most this long
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
  PgPool(PoolOptions options, std::vector<PreparedStatement> statements);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` on a pooled connection. libpqxx exceptions become statuses (see pg_errors.h).
  // When the connection turns out broken and `retry` is set, `fn` runs once more on a fresh
  // connection: `fn` must then be a whole transaction, safe to run again (not a stream that has
  // already sent rows). `what` names the operation in error messages.
  absl::Status Run(const std::string& what,
                   const std::function<absl::Status(pqxx::connection&)>& fn, bool retry = true);

  // Connections open now, and of those, in use.
  std::pair<int, int> Usage() const;

 private:
  absl::Status Acquire(std::unique_ptr<pqxx::connection>* out);
  void Release(std::unique_ptr<pqxx::connection> conn, bool broken);

  const PoolOptions options_;
  const std::vector<PreparedStatement> statements_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mu_
  int open_ = 0;                                         // guarded by mu_
};

}  // namespace rolecall
