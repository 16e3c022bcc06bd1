#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace rolecall {

// Hashes passwords (Argon2id) on its own low-priority threads, one per core by default, so a
// batch with a thousand passwords uses every core without starving the RPC threads.
class PasswordHasher final {
 public:
  explicit PasswordHasher(int threads);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // Hashes of `passwords` in order ("" stays ""). Blocks the calling thread until all are done.
  absl::StatusOr<std::vector<std::string>> HashAll(const std::vector<std::string>& passwords);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace rolecall
