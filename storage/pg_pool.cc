#include "storage/pg_pool.h"

#include "absl/strings/str_cat.h"
#include "storage/pg_errors.h"

namespace rolecall {

PgPool::PgPool(PoolOptions options, std::vector<PreparedStatement> statements)
    : options_(std::move(options)), statements_(std::move(statements)) {}

PgPool::~PgPool() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
}

absl::Status PgPool::Acquire(std::unique_ptr<pqxx::connection>* out) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    const bool ready = freed_.wait_for(lock, options_.acquire_timeout, [&] {
      return !idle_.empty() || open_ < options_.size;
    });
    if (!ready) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "all ", options_.size, " database connections are busy; retry or raise --pool-size"));
    }
    if (!idle_.empty()) {
      *out = std::move(idle_.back());
      idle_.pop_back();
      return absl::OkStatus();
    }
    ++open_;
  }
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.dsn);
    for (const auto& s : statements_) conn->prepare(s.name, s.sql);
    *out = std::move(conn);
    return absl::OkStatus();
  } catch (...) {
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

void PgPool::Release(std::unique_ptr<pqxx::connection> conn, bool broken) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken) {
      conn.reset();
      // A failed connection usually means the server went away: the idle ones are stale too.
      open_ -= 1 + static_cast<int>(idle_.size());
      idle_.clear();
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  freed_.notify_all();
}

absl::Status PgPool::Run(const std::string& what,
                         const std::function<absl::Status(pqxx::connection&)>& fn, bool retry) {
  absl::Status status;
  for (int attempt = 0; attempt < (retry ? 2 : 1); ++attempt) {
    std::unique_ptr<pqxx::connection> conn;
    status = Acquire(&conn);
    if (!status.ok()) return status;
    try {
      status = fn(*conn);
    } catch (...) {
      status = StatusFromException(std::current_exception(), what);
    }
    const bool broken = IsConnectionFailure(status) || !conn->is_open();
    Release(std::move(conn), broken);
    if (!broken) break;
  }
  return status;
}

std::pair<int, int> PgPool::Usage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {open_, open_ - static_cast<int>(idle_.size())};
}

}  // namespace rolecall
