#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace rolecall {

// Tells watchers when an organization's revision moves: one connection of its own LISTENs to
// the notifications every write sends at commit (NOTIFY rolecall_changes '<org_id> <revision>',
// storage/migrations/0004_changes.sql), and keeps the newest revision each organization was
// told of. The connection opens on the first Await, and again after it is lost (with backoff).
// Watchers never miss a change through it: a watcher that read while the connection was not
// listening is woken at once, or, while it is down, every kPollWhileDown.
class ChangeFeed final {
 public:
  static constexpr std::chrono::milliseconds kPollWhileDown{250};

  explicit ChangeFeed(std::string dsn);
  // Closes the connection; Awaits in progress return.
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Returns once `org_id`'s revision may have passed `revision`, given that the caller read that
  // revision in a transaction that began no earlier than `read_from` — or at `until`, or when
  // `stop()` turns true (asked every 100 ms), whichever comes first. Returning early is always
  // allowed; the caller reads again.
  void Await(const std::string& org_id, int64_t revision,
             std::chrono::steady_clock::time_point read_from,
             std::chrono::steady_clock::time_point until, const std::function<bool()>& stop);

  // For the listener's notifications.
  void Notified(const std::string& payload);

 private:
  void Listen();  // the listener thread
  void Listening(bool listening);

  const std::string dsn_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, int64_t> latest_;                       // guarded by mu_
  std::optional<std::chrono::steady_clock::time_point> since_;  // guarded: listening since
  bool stopping_ = false;                                       // guarded by mu_
  std::thread thread_;                                          // started by the first Await
};

}  // namespace rolecall
