#include "storage/pg_pool.h"

#include "absl/strings/str_cat.h"
#include "storage/pg_errors.h"

namespace rolecall {
namespace {

thread_local std::optional<std::chrono::system_clock::time_point> current_deadline;

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

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ScopedDeadline::ScopedDeadline(std::optional<std::chrono::system_clock::time_point> deadline)
    : previous_(current_deadline) {
  current_deadline = deadline;
}

ScopedDeadline::~ScopedDeadline() { current_deadline = previous_; }

std::optional<std::chrono::system_clock::time_point> ScopedDeadline::Current() {
  return current_deadline;
}

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

absl::Status PgPool::Acquire(Connection* out) {
  const auto start = std::chrono::steady_clock::now();
  bool waited = false;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto available = [&] { return !idle_.empty() || open_ < options_.size; };
    if (!available()) {
      waited = true;
      if (!freed_.wait_for(lock, options_.acquire_timeout, available)) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "all ", options_.size, " database connections are busy; retry or raise --pool-size"));
      }
    }
    if (!idle_.empty()) {
      *out = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (!out->conn) {
    try {
      out->conn = std::make_unique<pqxx::connection>(options_.dsn);
      for (const auto& s : statements_) out->conn->prepare(s.name, s.sql);
    } catch (...) {
      out->conn.reset();
      {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      }
      freed_.notify_one();
      absl::Status s = StatusFromException(std::current_exception(), "connecting to the database");
      if (s.code() == absl::StatusCode::kInternal) {
        s = absl::UnavailableError("cannot connect to the database");
      }
      return s;
    }
  }
  if (observer_) observer_->OnAcquire(SecondsSince(start), waited);
  ReportUsage();
  return absl::OkStatus();
}

void PgPool::Release(Connection conn, bool broken) {
  {
    std::lock_guard<std::mutex> lock(mu_);
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

absl::Status PgPool::RunOnce(const std::string& what,
                             const std::function<absl::Status(pqxx::connection&)>& fn,
                             bool* broken) {
  int timeout_ms = 0;
  if (const auto deadline = ScopedDeadline::Current()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline - std::chrono::system_clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError(absl::StrCat(what, ": the caller's deadline passed"));
    }
    timeout_ms = StatementTimeoutMs(left.count());
  }
  Connection c;
  absl::Status status = Acquire(&c);
  if (!status.ok()) return status;
  try {
    if (c.statement_timeout_ms != timeout_ms) {
      // Session-wide, so it also bounds statements of transactions `fn` opens.
      pqxx::nontransaction set(*c.conn);
      set.exec(absl::StrCat("SET statement_timeout = ", timeout_ms));
      c.statement_timeout_ms = timeout_ms;
    }
    status = fn(*c.conn);
  } catch (...) {
    status = StatusFromException(std::current_exception(), what);
  }
  *broken = IsConnectionFailure(status) || !c.conn->is_open();
  Release(std::move(c), *broken);
  return status;
}

absl::Status PgPool::Run(const std::string& what,
                         const std::function<absl::Status(pqxx::connection&)>& fn, bool retry) {
  const auto start = std::chrono::steady_clock::now();
  bool broken = false;
  absl::Status status = RunOnce(what, fn, &broken);
  if (broken && retry) status = RunOnce(what, fn, &broken);
  if (observer_) observer_->OnQuery(what, SecondsSince(start), status);
  return status;
}

std::pair<int, int> PgPool::Usage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {open_, open_ - static_cast<int>(idle_.size())};
}

}  // namespace rolecall
