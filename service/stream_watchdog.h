#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace rolecall {

// Ends server streams whose client stopped reading, or reads too slowly for too long. A stream's
// Write blocks while the client's flow-control window is full; when a stream's writes have been
// blocked longer than the limit in total (a blocked write counts from its start, the writes
// before it by how long each was blocked, ignoring blocks shorter than kStallThreshold that any
// busy client causes), the watchdog cancels the call, the Write returns false, and the handler
// releases the database connection and snapshot it holds — so slow clients cannot hold the
// pool's stream connections.
class StreamWatchdog final {
 public:
  explicit StreamWatchdog(std::chrono::milliseconds limit);
  ~StreamWatchdog();
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  static constexpr std::chrono::milliseconds kStallThreshold{50};

  // Writes one message under watch; false when the client went away or was cancelled as idle.
  // `stalled` is the stream's blocked time so far, updated.
  template <typename Writer, typename Message>
  bool Write(grpc::ServerContextBase& ctx, Writer* writer, const Message& message,
             std::chrono::steady_clock::duration* stalled) {
    const auto start = std::chrono::steady_clock::now();
    const uint64_t id = Begin(&ctx, start - *stalled);
    const bool ok = writer->Write(message);
    End(id);
    const auto blocked = std::chrono::steady_clock::now() - start;
    if (blocked >= kStallThreshold) *stalled += blocked;
    return ok;
  }

 private:
  // Watches a write; the stream counts as stalled since `since`.
  uint64_t Begin(grpc::ServerContextBase* ctx, std::chrono::steady_clock::time_point since);
  void End(uint64_t id);
  void Loop();

  const std::chrono::milliseconds limit_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  uint64_t next_id_ = 0;   // guarded by mu_
  struct Pending {
    grpc::ServerContextBase* ctx;
    std::chrono::steady_clock::time_point since;
  };
  std::map<uint64_t, Pending> pending_;  // guarded by mu_; writes in progress
  std::thread thread_;
};

}  // namespace rolecall
