#include "storage/change_feed.h"

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"

namespace rolecall {
namespace {

constexpr const char* kChannel = "rolecall_changes";
// How often the listener looks up from its socket (to stop) and checks its connection.
constexpr long kWakeMicros = 200000;
constexpr int kWakesPerCheck = 25;
constexpr std::chrono::milliseconds kStopPoll{100};

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, ChangeFeed& feed)
      : pqxx::notification_receiver(c, kChannel), feed_(feed) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    feed_.Notified(payload);
  }

 private:
  ChangeFeed& feed_;
};

}  // namespace

ChangeFeed::ChangeFeed(std::string dsn) : dsn_(std::move(dsn)) {}

ChangeFeed::~ChangeFeed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeFeed::Notified(const std::string& payload) {
  const size_t space = payload.rfind(' ');
  int64_t revision = 0;
  if (space == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(payload).substr(space + 1), &revision)) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t& latest = latest_[payload.substr(0, space)];
    latest = std::max(latest, revision);
  }
  changed_.notify_all();
}

void ChangeFeed::Listening(bool listening) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (listening) {
      since_ = std::chrono::steady_clock::now();
    } else {
      since_.reset();
    }
  }
  changed_.notify_all();
}

void ChangeFeed::Listen() {
  std::chrono::milliseconds backoff{100};
  const auto stopping = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  };
  while (!stopping()) {
    try {
      pqxx::connection c(dsn_);
      Receiver receiver(c, *this);  // LISTEN, before anyone is told the feed listens
      Listening(true);
      backoff = std::chrono::milliseconds(100);
      for (int wakes = 1; !stopping(); ++wakes) {
        c.await_notification(0, kWakeMicros);
        // A connection that died quietly would only ever time out: ask it something now and then.
        if (wakes % kWakesPerCheck == 0) pqxx::nontransaction(c).exec("SELECT 1");
      }
    } catch (const std::exception&) {
      // Lost or refused: watchers poll until the listener is back.
    }
    Listening(false);
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

void ChangeFeed::Await(const std::string& org_id, int64_t revision,
                       std::chrono::steady_clock::time_point read_from,
                       std::chrono::steady_clock::time_point until,
                       const std::function<bool()>& stop) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { Listen(); });
  const auto poll_until = std::chrono::steady_clock::now() + kPollWhileDown;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (stopping_ || now >= until) return;
    // Listening since before the caller read: a later commit has been or will be told here.
    const bool covered = since_ && *since_ <= read_from;
    if (!covered && (since_ || now >= poll_until)) return;
    const auto it = latest_.find(org_id);
    if (covered && it != latest_.end() && it->second > revision) return;
    lock.unlock();
    if (stop()) return;
    lock.lock();
    changed_.wait_until(lock, std::min({until, now + kStopPoll, covered ? until : poll_until}));
  }
}

}  // namespace rolecall
