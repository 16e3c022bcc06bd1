// Progress of long operations on a terminal.
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

#include "cli/output.h"

namespace rolecall::cli {

// Progress of a long operation on a terminal: one status line (`(rolecall +1.2s) <text>`, the
// StatusLine format) rewritten in place with '\r', at most a few times a second, and erased by
// Done() (or the destructor) so the command's own final lines follow cleanly. Does nothing at all
// when disabled — by default, when stderr (fd 2) is not a terminal — so pipes and files get only
// the usual status lines.
class Progress final {
 public:
  static constexpr std::chrono::milliseconds kInterval{250};

  Progress(const StatusLine& status, std::ostream& out, bool enabled = isatty(STDERR_FILENO) == 1);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }

  // Shows `text` now when the last update is at least kInterval old (the first one at once), or
  // always with `force` (a new phase of the work, e.g. "Writing …").
  void Update(const std::string& text, bool force = false);
  // Counting work: "<what>: <count> <unit> (<rate> <unit>/s)", throttled like Update.
  void Count(const std::string& what, int64_t count, const std::string& unit);
  // While a blocking call runs: a thread re-renders `text()` every kInterval until Done().
  void Tick(std::function<std::string()> text);
  // Erases the line (and stops the ticking thread). Idempotent.
  void Done();

  // Seconds since this object was made.
  double Seconds() const;

 private:
  void WriteLocked(const std::string& text);

  const StatusLine& status_;
  std::ostream& out_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool shown_ = false;
  bool done_ = false;
  std::chrono::steady_clock::time_point last_{};
  std::thread ticker_;
};

}  // namespace rolecall::cli
