// Progress lines on a terminal, rewritten in place.
#include "cli/progress.h"

#include <cstdio>
#include <ostream>

namespace rolecall::cli {

Progress::Progress(const StatusLine& status, std::ostream& out, bool enabled)
    : status_(status), out_(out), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Done(); }

double Progress::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::WriteLocked(const std::string& text) {
  // '\r' back to the line's start, the line, then ESC[K erases what a longer one left behind.
  out_ << '\r' << status_.Format(text) << "\x1b[K" << std::flush;
  shown_ = true;
  last_ = std::chrono::steady_clock::now();
}

void Progress::Update(const std::string& text, bool force) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  if (done_) return;
  if (!force && shown_ && std::chrono::steady_clock::now() - last_ < kInterval) return;
  WriteLocked(text);
}

void Progress::Count(const std::string& what, int64_t count, const std::string& unit) {
  if (!enabled_) return;
  const double seconds = Seconds();
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", seconds > 0 ? static_cast<double>(count) / seconds : 0);
  Update(what + ": " + std::to_string(count) + " " + unit + " (" + rate + " " + unit + "/s)");
}

void Progress::Tick(std::function<std::string()> text) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  if (done_ || ticker_.joinable()) return;
  WriteLocked(text());
  ticker_ = std::thread([this, text = std::move(text)] {
    std::unique_lock held(mu_);
    while (!wake_.wait_for(held, kInterval, [this] { return done_; })) WriteLocked(text());
  });
}

void Progress::Done() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mu_);
    if (done_) return;
    done_ = true;
    if (shown_) out_ << "\r\x1b[K" << std::flush;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace rolecall::cli
