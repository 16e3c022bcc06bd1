#pragma once

#include <string>

#include "absl/status/status.h"

namespace rolecall {

// Receives the store's measurements (the server feeds them to its metrics).
class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  // A connection was handed out after `wait_seconds`; `waited` when none was free at first.
  virtual void OnAcquire(double wait_seconds, bool waited) = 0;
  // Connections open, and of those in use, after any change.
  virtual void OnUsage(int open, int in_use) = 0;
  // One Run() finished: what it did (a constant description), how long, and how.
  virtual void OnQuery(const std::string& what, double seconds, const absl::Status& status) = 0;
  // A statement answering `checks` permission checks at once started (see CheckBatcher).
  virtual void OnCheckBatch(int checks) = 0;
};

}  // namespace rolecall
