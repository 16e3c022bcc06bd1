#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace rolecall {

// Ends server streams whose client stopped reading. A stream's Write blocks while the client's
// flow-control window is full; when one stays blocked longer than the limit, the watchdog cancels
// the call, the Write returns false, and the handler releases the database connection and
// snapshot it holds — so slow clients cannot exhaust the pool.
class StreamWatchdog final {
 public:
  explicit StreamWatchdog(std::chrono::milliseconds limit);
  ~StreamWatchdog();
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  // Writes one message under watch; false when the client went away or was cancelled as idle.
  template <typename Writer, typename Message>
  bool Write(grpc::ServerContextBase& ctx, Writer* writer, const Message& message) {
    const uint64_t id = Begin(&ctx);
    const bool ok = writer->Write(message);
    End(id);
    return ok;
  }

 private:
  uint64_t Begin(grpc::ServerContextBase* ctx);
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
