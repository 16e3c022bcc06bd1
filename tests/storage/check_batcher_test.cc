#include "storage/check_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using Answers = std::vector<absl::StatusOr<Role>>;

// The answer the fake database gives: derived from the check, so a check answered with another
// check's row is caught. Users named "ghost…" do not exist.
absl::StatusOr<Role> Expected(const RoleCheck& c) {
  if (c.user_id.rfind("ghost", 0) == 0) return absl::NotFoundError("user '" + c.user_id + "'");
  return static_cast<Role>(std::hash<std::string>()(c.org_id + c.user_id + c.resource.id) % 4);
}

RoleCheck CheckOf(int n) {
  return {"org_" + std::to_string(n % 3),
          (n % 7 == 0 ? "ghost_" : "usr_") + std::to_string(n),
          {ResourceKind::kProject, "prj_" + std::to_string(n * 31)}};
}

// Asks check `n` under `deadline`, answering through `done`.
template <typename Done>
void Send(CheckBatcher& batcher, int n, Done done, RequestContext::Deadline deadline = {}) {
  const RoleCheck c = CheckOf(n);
  batcher.Check(RequestContext::Org(c.org_id, deadline), RoleQuestion{c.user_id, c.resource},
                std::move(done));
}

// Asks check `n` under `deadline` and waits for the answer.
absl::StatusOr<Role> Ask(CheckBatcher& batcher, int n, RequestContext::Deadline deadline = {}) {
  std::promise<absl::StatusOr<Role>> answer;
  auto got = answer.get_future();
  Send(
      batcher, n, [&answer](absl::StatusOr<Role> role) { answer.set_value(std::move(role)); },
      deadline);
  return got.get();
}

// Whether `got` is the answer to check `n` (its role, or its own NOT_FOUND).
bool AnswersCheck(const absl::StatusOr<Role>& got, int n) {
  const absl::StatusOr<Role> want = Expected(CheckOf(n));
  if (got.ok() != want.ok()) return false;
  return want.ok() ? *got == *want : got.status() == want.status();
}

// A fake database: answers each batch from Expected(), records batch sizes and how many
// statements ran at once, and can hold statements until released.
class FakeDatabase {
 public:
  CheckBatcher::Resolve Resolver() {
    return [this](const RequestContext::Deadline& deadline,
                  const std::vector<RoleCheck>& checks) -> absl::StatusOr<Answers> {
      const int now = ++running_;
      int seen = max_running_.load();
      while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
      }
      {
        std::unique_lock<std::mutex> lock(mu_);
        batches_.push_back(static_cast<int>(checks.size()));
        threads_.push_back(std::this_thread::get_id());
        deadlines_.push_back(deadline);
        released_.wait(lock, [&] { return !held_; });
      }
      --running_;
      if (!failure_.ok()) return failure_;
      Answers out;
      for (const auto& c : checks) out.push_back(Expected(c));
      return out;
    };
  }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    released_.notify_all();
  }
  void Fail(absl::Status s) { failure_ = std::move(s); }
  std::vector<int> batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  std::vector<std::optional<std::chrono::system_clock::time_point>> deadlines() {
    std::lock_guard<std::mutex> lock(mu_);
    return deadlines_;
  }
  std::vector<std::thread::id> threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }
  int running() const { return running_; }
  int max_running() const { return max_running_; }

 private:
  std::mutex mu_;
  std::condition_variable released_;
  bool held_ = false;
  std::vector<int> batches_;
  std::vector<std::thread::id> threads_;
  std::vector<std::optional<std::chrono::system_clock::time_point>> deadlines_;
  absl::Status failure_;
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
};

template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 1000 && !pred(); ++i) std::this_thread::sleep_for(5ms);
  return pred();
}

// Check `n`, asked from a thread of its own.
std::future<absl::StatusOr<Role>> CheckOnAnotherThread(CheckBatcher& batcher, int n) {
  return std::async(std::launch::async, [&batcher, n] { return Ask(batcher, n); });
}

// Holds the database and starts check 1, which then occupies a statement until db.Release().
std::future<absl::StatusOr<Role>> OccupyTheStatement(FakeDatabase& db, CheckBatcher& batcher) {
  db.Hold();
  auto first = CheckOnAnotherThread(batcher, 1);
  EXPECT_TRUE(Eventually([&] { return db.running() == 1; }));
  return first;
}

// Occupies the statement with check 1, queues checks 2 … 1 + `queued` behind it (each from a
// thread of its own), then releases the database: the answers of checks 1 … 1 + `queued`.
Answers AnswersOfChecksQueuedBehindOne(FakeDatabase& db, CheckBatcher& batcher, int queued) {
  std::vector<std::future<absl::StatusOr<Role>>> checks;
  checks.push_back(OccupyTheStatement(db, batcher));
  for (int n = 2; n <= 1 + queued; ++n) checks.push_back(CheckOnAnotherThread(batcher, n));
  EXPECT_TRUE(Eventually([&] { return batcher.Queued() == queued; }));
  db.Release();
  Answers answers;
  for (auto& check : checks) answers.push_back(check.get());
  return answers;
}

TEST(CheckBatcher, ALoneCheckRunsAtOnceByItselfOnTheCallingThread) {
  FakeDatabase db;
  CheckBatcher batcher(2, 100, db.Resolver());
  EXPECT_TRUE(AnswersCheck(Ask(batcher, 1), 1));
  std::optional<absl::StatusOr<Role>> answer;
  Send(batcher, 7, [&](absl::StatusOr<Role> role) { answer = std::move(role); });
  ASSERT_TRUE(answer.has_value());  // answered before Check returned
  EXPECT_TRUE(AnswersCheck(*answer, 7));
  EXPECT_EQ(db.batches(), (std::vector<int>{1, 1}));
  const auto me = std::this_thread::get_id();
  EXPECT_EQ(db.threads(), (std::vector<std::thread::id>{me, me}));
}

TEST(CheckBatcher, ChecksArrivingWhileTheStatementsAreBusyShareTheNextOne) {
  FakeDatabase db;
  std::vector<int> reported;
  CheckBatcher batcher(1, 100, db.Resolver(), [&](int n) { reported.push_back(n); });
  const Answers answers = AnswersOfChecksQueuedBehindOne(db, batcher, 7);
  // Each caller gets its own answer, NOT_FOUND (check 7) included.
  for (int n = 1; n <= 8; ++n) EXPECT_TRUE(AnswersCheck(answers[n - 1], n)) << n;
  EXPECT_EQ(db.batches(), (std::vector<int>{1, 7}));
  EXPECT_EQ(reported, (std::vector<int>{1, 7}));
  EXPECT_EQ(db.max_running(), 1);
}

TEST(CheckBatcher, BatchesAreCappedAtTheirLargestSize) {
  FakeDatabase db;
  CheckBatcher batcher(1, 3, db.Resolver());
  const Answers answers = AnswersOfChecksQueuedBehindOne(db, batcher, 7);
  for (int n = 1; n <= 8; ++n) EXPECT_TRUE(AnswersCheck(answers[n - 1], n)) << n;
  EXPECT_EQ(db.batches(), (std::vector<int>{1, 3, 3, 1}));
}

TEST(CheckBatcher, AFailedStatementFailsEveryCheckOfItsBatch) {
  FakeDatabase db;
  CheckBatcher batcher(1, 100, db.Resolver());
  db.Fail(absl::UnavailableError("the database went away"));
  const Answers answers = AnswersOfChecksQueuedBehindOne(db, batcher, 1);
  EXPECT_EQ(answers[0].status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(answers[1].status().code(), absl::StatusCode::kUnavailable);
}

TEST(CheckBatcher, AQueuedCheckWhoseDeadlinePassedIsAnsweredWithoutRunning) {
  FakeDatabase db;
  CheckBatcher batcher(1, 100, db.Resolver());
  auto first = OccupyTheStatement(db, batcher);
  const auto deadline = std::chrono::system_clock::now() + 50ms;
  auto impatient = std::async(std::launch::async, [&] { return Ask(batcher, 2, deadline); });
  EXPECT_TRUE(Eventually([&] { return batcher.Queued() == 1; }));
  std::this_thread::sleep_until(deadline + 10ms);
  db.Release();
  EXPECT_TRUE(AnswersCheck(first.get(), 1));
  EXPECT_EQ(impatient.get().status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(db.batches(), (std::vector<int>{1}));
}

TEST(CheckBatcher, ABatchRunsUnderTheLatestDeadlineOfItsChecks) {
  FakeDatabase db;
  CheckBatcher batcher(1, 100, db.Resolver());
  const auto soon = std::chrono::system_clock::now() + 10s;
  const auto later = soon + 20s;
  auto first = OccupyTheStatement(db, batcher);
  // The sooner check queues first.
  std::vector<std::future<absl::StatusOr<Role>>> queued;
  for (auto deadline : {soon, later}) {
    queued.push_back(
        std::async(std::launch::async, [&, deadline] { return Ask(batcher, 2, deadline); }));
    const int n = static_cast<int>(queued.size());
    EXPECT_TRUE(Eventually([&] { return batcher.Queued() == n; }));
  }
  db.Release();
  EXPECT_TRUE(AnswersCheck(first.get(), 1));
  for (auto& f : queued) EXPECT_TRUE(AnswersCheck(f.get(), 2));
  const auto deadlines = db.deadlines();
  ASSERT_EQ(deadlines.size(), 2u);
  EXPECT_FALSE(deadlines[0].has_value());  // the first check had none
  EXPECT_EQ(deadlines[1], later);
}

TEST(CheckBatcher, AResolverThatThrowsFailsItsBatchAndFreesTheSlot) {
  FakeDatabase db;
  std::atomic<bool> throwing{true};
  const auto resolve = db.Resolver();
  CheckBatcher batcher(1, 100,
                       [&](const RequestContext::Deadline& deadline,
                           const std::vector<RoleCheck>& checks) -> absl::StatusOr<Answers> {
                         auto answers = resolve(deadline, checks);
                         if (throwing) throw std::runtime_error("boom");
                         return answers;
                       });
  const Answers answers = AnswersOfChecksQueuedBehindOne(db, batcher, 1);
  // The first batch threw; the second check went into the next batch, which threw too.
  EXPECT_EQ(answers[0].status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(answers[1].status().code(), absl::StatusCode::kInternal);
  throwing = false;
  EXPECT_TRUE(AnswersCheck(Ask(batcher, 3), 3));  // the statement slot was freed
}

TEST(CheckBatcher, ManyCallersEachGetTheirOwnAnswerWithinTheStatementBound) {
  FakeDatabase db;
  CheckBatcher batcher(2, 16, db.Resolver());
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 16; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const int n = t * 1000 + i;
        if (!AnswersCheck(Ask(batcher, n), n)) ++wrong;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_LE(db.max_running(), 2);
  int answered = 0, largest = 0;
  for (int size : db.batches()) {
    answered += size;
    largest = std::max(largest, size);
  }
  EXPECT_EQ(answered, 16 * 300);
  EXPECT_LE(largest, 16);
  EXPECT_EQ(batcher.Queued(), 0);
}

TEST(CheckBatcher, CallbacksFromManyThreadsEachGetTheirOwnAnswer) {
  FakeDatabase db;
  CheckBatcher batcher(2, 50, db.Resolver());
  constexpr int kThreads = 4, kEach = 250;
  std::mutex mu;
  std::condition_variable all_done;
  int answered = 0, wrong = 0;
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int n = t * 1000 + i;
        Send(batcher, n, [&, n](absl::StatusOr<Role> role) {
          std::lock_guard<std::mutex> lock(mu);
          if (!AnswersCheck(role, n)) ++wrong;
          if (++answered == kThreads * kEach) all_done.notify_one();
        });
      }
    });
  }
  for (auto& c : callers) c.join();
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(all_done.wait_for(lock, 30s, [&] { return answered == kThreads * kEach; }));
  EXPECT_EQ(wrong, 0);
  EXPECT_LE(db.max_running(), 2);
  for (int size : db.batches()) EXPECT_LE(size, 50);
}

TEST(CheckBatcher, ShutdownWaitsForRunningStatementsAndRefusesQueuedChecks) {
  FakeDatabase db;
  auto batcher = std::make_unique<CheckBatcher>(1, 100, db.Resolver());
  auto first = OccupyTheStatement(db, *batcher);
  std::promise<absl::StatusOr<Role>> queued;
  Send(*batcher, 2, [&](absl::StatusOr<Role> role) { queued.set_value(role); });
  EXPECT_EQ(batcher->Queued(), 1);
  auto stopped = std::async(std::launch::async, [&] { batcher.reset(); });
  // The destructor waits for the statement in flight.
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
  db.Release();
  stopped.get();
  EXPECT_TRUE(AnswersCheck(first.get(), 1));
  EXPECT_EQ(queued.get_future().get().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(db.batches(), (std::vector<int>{1}));
}

}  // namespace
}  // namespace rolecall
