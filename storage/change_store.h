#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

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
};

}  // namespace rolecall
