#pragma once

// FakeStore: every storage interface in memory, for tests of the code above storage (the gRPC
// services) without PostgreSQL. Each organization's rows are a testing::Model, so effective
// roles follow the model's plainly written rules; ordering, paging, uniqueness, cascades and
// error messages follow the interfaces' contracts and the PostgreSQL store's wording.
//
// Tests steer it: FailNext makes the next calls fail, calls() counts them, and an observer sees
// every call's method and RequestContext (organization and deadline).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"
#include "tests/support/model.h"

namespace rolecall::testing {

class FakeStore : public Store {
 public:
  // Called at the start of every call (outside the store's lock) with the method's name.
  using Observer = std::function<void(std::string_view method, const RequestContext& ctx)>;

  // A fake with no organizations; the storage methods are defined in fake_store.cc.
  static std::unique_ptr<FakeStore> New();

  // --- Test controls. ---
  // The next call of `method` (e.g. "ListClouds"; empty: of any method) fails with `status`,
  // changing nothing. Faults queue: each call takes the first queued fault that fits it.
  void FailNext(absl::Status status, std::string method = "");
  // How many calls the store got, in total or of one method (e.g. "CreateCloud").
  int64_t calls() const;
  int64_t calls(std::string_view method) const;
  // The context and method of the last call; nullopt before any.
  std::optional<RequestContext> last_context() const;
  std::string last_method() const;
  void SetObserver(Observer observer);
  // A copy of an organization's model (empty when it does not exist).
  Model ModelOf(const std::string& org_id) const;
  // Whether the organization exists.
  bool HasOrg(const std::string& org_id) const;
  // The organization's revision: how many writes changed it (0 before the first).
  int64_t Revision(const std::string& org_id) const;

 protected:
  FakeStore() = default;

  // An API key as stored, with what ListApiKeys shows.
  struct StoredKey {
    ApiKeyRecord record;
    std::string name;
    int64_t created_micros = 0;
    std::optional<int64_t> revoked_micros;
  };
  struct Org {
    std::string name;
    Model model;
  };

  // Counts the call, tells the observer, and returns a queued fault or DEADLINE_EXCEEDED when
  // the context's deadline has passed.
  absl::Status Begin(const char* method, const RequestContext& ctx);
  // The organization of `ctx` (nullptr when it does not exist); mu_ held.
  Org* FindOrg(const RequestContext& ctx);
  // The organization's model, or an empty one for an unknown organization (reads), reporting
  // its revision to `ctx`; mu_ held.
  const Model& ModelFor(const RequestContext& ctx);
  // Ends a successful write of `org_id`: advances its revision and reports it to `ctx`; mu_ held.
  void Wrote(const RequestContext& ctx, const std::string& org_id);
  // The organization's model, or NOT_FOUND for an unknown organization (writes); mu_ held.
  absl::StatusOr<Model*> WritableModel(const RequestContext& ctx);

  mutable std::mutex mu_;
  std::condition_variable wrote_;             // signalled by every write
  std::map<std::string, Org> orgs_;           // guarded by mu_
  std::map<std::string, StoredKey> keys_;     // key id → key, every organization's; by mu_
  std::map<std::string, int64_t> revisions_;  // organization → revision; by mu_
  std::map<std::string, std::vector<v1::Change>> changes_;  // organization → its log; by mu_
  std::optional<std::string> token_key_;                    // guarded by mu_
  Model empty_;  // what ModelFor lends for unknown orgs; by mu_
  struct Fault {
    std::string method;  // empty: any
    absl::Status status;
  };
  std::deque<Fault> faults_;                                     // guarded by mu_
  int64_t calls_ = 0;                                            // guarded by mu_
  std::map<std::string, int64_t, std::less<>> calls_by_method_;  // guarded by mu_
  std::optional<RequestContext> last_context_;                   // guarded by mu_
  std::string last_method_;                                      // guarded by mu_
  Observer observer_;                                            // guarded by mu_
};

}  // namespace rolecall::testing
