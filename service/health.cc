#include "service/health.h"

#include <pqxx/pqxx>

namespace rolecall {

struct DatabaseProbe::Connection {
  std::unique_ptr<pqxx::connection> conn;
};

DatabaseProbe::DatabaseProbe(std::string dsn, std::chrono::milliseconds interval,
                             std::function<void(bool)> on_change)
    : dsn_(std::move(dsn)),
      interval_(interval),
      on_change_(std::move(on_change)),
      conn_(std::make_unique<Connection>()) {}

DatabaseProbe::~DatabaseProbe() { Stop(); }

bool DatabaseProbe::ProbeOnce() {
  try {
    if (!conn_->conn || !conn_->conn->is_open()) {
      conn_->conn = std::make_unique<pqxx::connection>(dsn_);
    }
    pqxx::nontransaction tx(*conn_->conn);
    tx.exec("SELECT 1");
    return true;
  } catch (...) {
    conn_->conn.reset();
    return false;
  }
}

void DatabaseProbe::Start() {
  const bool ok = ProbeOnce();
  last_ = ok;
  on_change_(ok);
  thread_ = std::thread([this] { Loop(); });
}

void DatabaseProbe::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    lock.unlock();
    const int ok = ProbeOnce();
    lock.lock();
    if (stopping_) break;
    if (ok != last_) {
      last_ = ok;
      on_change_(ok);
    }
  }
}

void DatabaseProbe::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace rolecall
