#include "service/stream_watchdog.h"

namespace rolecall {

StreamWatchdog::StreamWatchdog(std::chrono::milliseconds limit)
    : limit_(limit), thread_([this] { Loop(); }) {}

StreamWatchdog::~StreamWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t StreamWatchdog::Begin(grpc::ServerContextBase* ctx,
                               std::chrono::steady_clock::time_point since) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  pending_[id] = {ctx, since};
  return id;
}

void StreamWatchdog::End(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(id);
}

void StreamWatchdog::Loop() {
  const auto tick = std::max(std::chrono::milliseconds(50), limit_ / 4);
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, tick, [&] { return stopping_; })) {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (now - it->second.since > limit_) {
        // The context stays valid: its handler is blocked in Write until this cancel lands.
        it->second.ctx->TryCancel();
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace rolecall
