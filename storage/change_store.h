#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rolecall/v1/changes.pb.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// Which changes a listing wants; empty strings match everything.
struct ChangeQuery {
  int64_t since_micros = 0;                                    // changed at or after
  int64_t until_micros = std::numeric_limits<int64_t>::max();  // changed before
  std::string actor;  // an API key id, a user id or a user's email
  std::string object_id;
  std::string operation;
  std::string object_type;
};

// What a watch reads at a time (ChangeStore::ChangesAfter).
struct ChangeBatch {
  std::vector<v1::Change> changes;
  ChangeCursor through;
};

// The change log (storage/migrations/0004_changes.sql): what every write of the organization
// did, written by the write's own transaction. Read-only here: writes log themselves.
class ChangeStore {
 public:
  virtual ~ChangeStore() = default;

  // Up to `limit` changes matching `query` after `after`, newest first ((revision, seq)
  // descending); each change's `consistency_token` is left to the caller.
  virtual absl::StatusOr<Page<v1::Change, ChangeCursor>> ListChanges(
      const RequestContext& ctx, const ChangeQuery& query, const std::optional<ChangeCursor>& after,
      int limit) = 0;

  // For a watch: up to `limit` changes after `after` in log order ((revision, seq) ascending),
  // of `object_types` (empty: all), read in one snapshot, whose revision is reported to `ctx`;
  // `next.through` is where the next call starts (after the last change when `limit` came back,
  // else after the whole revision read). No `after`: none, and `through` is now.
  // FAILED_PRECONDITION when changes after `after` were pruned.
  virtual absl::StatusOr<ChangeBatch> ChangesAfter(const RequestContext& ctx,
                                                   const std::optional<ChangeCursor>& after,
                                                   const std::vector<std::string>& object_types,
                                                   int limit) = 0;

  // Blocks until `ctx`'s organization may have moved past `revision` (which the caller read in
  // a snapshot taken no earlier than `read_from`), until `until`, or until `stop()` turns true
  // (asked at least every 100 ms). May return early; the caller reads again.
  virtual void AwaitChange(const RequestContext& ctx, int64_t revision,
                           std::chrono::steady_clock::time_point read_from,
                           std::chrono::steady_clock::time_point until,
                           const std::function<bool()>& stop) = 0;
};

}  // namespace rolecall
