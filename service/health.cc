#include "service/health.h"

namespace rolecall {

DatabaseProbe::DatabaseProbe(std::string dsn, std::chrono::milliseconds interval,
                             std::function<void(bool)> on_change)
    : interval_(interval), on_change_(std::move(on_change)), pinger_(std::move(dsn)) {}

DatabaseProbe::~DatabaseProbe() { Stop(); }

bool DatabaseProbe::ProbeOnce() { return pinger_.Ping().ok(); }

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
