#include "service/password_hasher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <future>

#include "core/password.h"

namespace rolecall {

PasswordHasher::PasswordHasher(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

PasswordHasher::~PasswordHasher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

void PasswordHasher::Work() {
  // Lower this thread's priority (Linux applies nice values per thread).
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

absl::StatusOr<std::vector<std::string>> PasswordHasher::HashAll(
    const std::vector<std::string>& passwords) {
  std::vector<std::string> hashes(passwords.size());
  std::vector<absl::Status> errors(passwords.size());
  std::atomic<size_t> remaining{0};
  std::promise<void> done;
  std::vector<size_t> todo;
  for (size_t i = 0; i < passwords.size(); ++i) {
    if (!passwords[i].empty()) todo.push_back(i);
  }
  if (todo.empty()) return hashes;
  remaining = todo.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i : todo) {
      jobs_.push_back([&, i] {
        auto hash = HashPassword(passwords[i]);
        if (hash.ok()) {
          hashes[i] = *std::move(hash);
        } else {
          errors[i] = hash.status();
        }
        if (--remaining == 0) done.set_value();
      });
    }
  }
  ready_.notify_all();
  done.get_future().wait();
  for (const auto& e : errors) {
    if (!e.ok()) return e;
  }
  return hashes;
}

}  // namespace rolecall
