#include "storage/pg_pool.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "storage/pg_errors.h"

namespace rolecall {
namespace {

// The statement timeout for `remaining_ms` of deadline, rounded up to a few steps: callers'
// deadlines differ by milliseconds from call to call, and a session keeps its timeout until it
// changes, so rounding spares a `SET statement_timeout` round trip on most calls.
int StatementTimeoutMs(int64_t remaining_ms) {
  static constexpr int kSteps[] = {100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000};
  for (int step : kSteps) {
    if (remaining_ms <= step) return step;
  }
  return static_cast<int>(std::min<int64_t>((remaining_ms / 60000 + 1) * 60000, INT32_MAX));
}

// Prepared on every connection: the session settings a unit of work runs with, in one round trip.
constexpr const char* kSetSession = "rolecall_set_session";
constexpr const char* kSetSessionSql =
    "SELECT set_config('rolecall.org_id', $1, false), set_config('statement_timeout', $2, false)";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

PgPool::PgPool(PoolOptions options, std::vector<PreparedStatement> statements,
               PoolObserver* observer)
    : options_(std::move(options)), statements_(std::move(statements)), observer_(observer) {}

PgPool::~PgPool() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
}

void PgPool::ReportUsage() {
  if (!observer_) return;
  const auto [open, in_use] = Usage();
  observer_->OnUsage(open, in_use);
}

// Opens the connection of a slot Acquire counted, preparing every named query; on failure gives
// the slot back.
absl::Status PgPool::Connect(bool stream, Connection* out) {
  try {
    out->conn = std::make_unique<pqxx::connection>(options_.dsn);
    out->conn->prepare(kSetSession, kSetSessionSql);
    for (const auto& s : statements_) out->conn->prepare(s.name, s.sql);
  } catch (...) {
    out->conn.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
      if (stream) --streams_;
    }
    freed_.notify_all();
    absl::Status s = StatusFromException(std::current_exception(), "connecting to the database");
    if (s.code() == absl::StatusCode::kInternal) {
      s = absl::UnavailableError("cannot connect to the database");
    }
    return s;
  }
  return absl::OkStatus();
}

absl::Status PgPool::Acquire(bool stream, Connection* out) {
  const auto start = std::chrono::steady_clock::now();
  bool waited = false;
  const int stream_limit = options_.stream_connections > 0 ? options_.stream_connections
                                                           : std::max(1, options_.size / 2);
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto available = [&] {
      if (closed_) return true;
      if (stream && streams_ >= stream_limit) return false;
      return !idle_.empty() || open_ < options_.size;
    };
    if (!available()) {
      waited = true;
      if (!freed_.wait_for(lock, options_.acquire_timeout, available)) {
        if (stream) {
          return absl::ResourceExhaustedError(
              absl::StrCat("all ", stream_limit,
                           " database connections for streams are busy; retry later "
                           "(or raise --stream-connections)"));
        }
        return absl::ResourceExhaustedError(absl::StrCat(
            "all ", options_.size, " database connections are busy; retry or raise --pool-size"));
      }
    }
    if (closed_) return absl::UnavailableError("the server is shutting down; retry");
    if (!idle_.empty()) {
      *out = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
    if (stream) ++streams_;
  }
  if (!out->conn) RETURN_IF_ERROR(Connect(stream, out));
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_.push_back(out->conn.get());
  }
  if (observer_) observer_->OnAcquire(SecondsSince(start), waited);
  ReportUsage();
  return absl::OkStatus();
}

void PgPool::Release(Connection conn, bool broken, bool stream) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_.erase(std::find(busy_.begin(), busy_.end(), conn.conn.get()));
    if (stream) --streams_;
    if (broken) {
      conn.conn.reset();
      // A failed connection usually means the server went away: the idle ones are stale too.
      open_ -= 1 + static_cast<int>(idle_.size());
      idle_.clear();
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  freed_.notify_all();
  ReportUsage();
}

void PgPool::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (pqxx::connection* c : busy_) {
    try {
      c->cancel_query();
    } catch (const std::exception&) {
      // Nothing more to do for a connection that cannot be reached.
    }
  }
  freed_.notify_all();
}

absl::Status PgPool::RunOnce(const RequestContext& ctx, const std::string& what,
                             const std::function<absl::Status(pqxx::connection&)>& fn, bool stream,
                             bool* broken) {
  int timeout_ms = static_cast<int>(options_.default_statement_timeout.count());
  if (ctx.deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *ctx.deadline - std::chrono::system_clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError(absl::StrCat(what, ": the caller's deadline passed"));
    }
    timeout_ms = StatementTimeoutMs(left.count());
  }
  Connection c;
  absl::Status status = Acquire(stream, &c);
  if (!status.ok()) return status;
  try {
    if (c.statement_timeout_ms != timeout_ms || !c.org_set || c.org_id != ctx.org_id) {
      // Session-wide, so they also hold in the transactions `fn` opens; both are set before
      // every unit of work that needs other values, so no work sees another's organization.
      c.org_set = false;
      pqxx::nontransaction set(*c.conn);
      set.exec_prepared(kSetSession, ctx.org_id, std::to_string(timeout_ms));
      c.statement_timeout_ms = timeout_ms;
      c.org_id = ctx.org_id;
      c.org_set = true;
    }
    status = fn(*c.conn);
  } catch (...) {
    status = StatusFromException(std::current_exception(), what);
  }
  *broken = IsConnectionFailure(status) || !c.conn->is_open();
  Release(std::move(c), *broken, stream);
  return status;
}

absl::Status PgPool::Run(const RequestContext& ctx, const std::string& what,
                         const std::function<absl::Status(pqxx::connection&)>& fn, Work work) {
  const auto start = std::chrono::steady_clock::now();
  bool broken = false;
  const bool stream = work == Work::kStream;
  absl::Status status = RunOnce(ctx, what, fn, stream, &broken);
  if (broken && work == Work::kRetryable) status = RunOnce(ctx, what, fn, stream, &broken);
  if (observer_) observer_->OnQuery(what, SecondsSince(start), status);
  return status;
}

std::pair<int, int> PgPool::Usage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {open_, open_ - static_cast<int>(idle_.size())};
}

}  // namespace rolecall
