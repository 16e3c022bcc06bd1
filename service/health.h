#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "storage/database.h"

namespace rolecall {

// Probes PostgreSQL every `interval` on its own connection (so a busy pool cannot make the server
// look unhealthy) and reports each change of "the database answers" to `on_change`, starting with
// the first probe's result.
class DatabaseProbe final {
 public:
  DatabaseProbe(std::string dsn, std::chrono::milliseconds interval,
                std::function<void(bool serving)> on_change);
  ~DatabaseProbe();

  // Runs one probe now and then keeps probing on a background thread.
  void Start();
  // Stops probing; no on_change call happens after it returns.
  void Stop();

 private:
  bool ProbeOnce();
  void Loop();

  const std::chrono::milliseconds interval_;
  const std::function<void(bool)> on_change_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  int last_ = -1;          // -1 unknown, 0 not serving, 1 serving; probe thread only
  std::thread thread_;
  DatabasePinger pinger_;  // its own connection; probe thread only (Start's first probe before)
};

}  // namespace rolecall
