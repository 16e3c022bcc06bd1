#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// Keyset cursors of the listings: where the next page starts, as a small struct per sort order.
// A page token (core/page_token.h) carries one as its fields; Decode refuses a field list of the
// wrong shape (INVALID_ARGUMENT) instead of silently starting over.
namespace rolecall {

// Users, and the permission stream: by lower-case email.
struct EmailCursor {
  std::string email_key;
  std::vector<std::string> Fields() const { return {email_key}; }
  static absl::StatusOr<EmailCursor> Decode(const std::vector<std::string>& fields);
};

// Clouds, projects, user groups and memberships: by (name, id).
struct NameIdCursor {
  std::string name;
  std::string id;
  std::vector<std::string> Fields() const { return {name, id}; }
  static absl::StatusOr<NameIdCursor> Decode(const std::vector<std::string>& fields);
};

// API keys: by key id.
struct KeyIdCursor {
  std::string key_id;
  std::vector<std::string> Fields() const { return {key_id}; }
  static absl::StatusOr<KeyIdCursor> Decode(const std::vector<std::string>& fields);
};

// Grants on a resource: groups' before users', then by principal id and role.
struct GrantCursor {
  bool group = false;
  std::string principal_id;
  int role = 0;
  std::vector<std::string> Fields() const;
  static absl::StatusOr<GrantCursor> Decode(const std::vector<std::string>& fields);
};

// A place in the change log: change `seq` of `revision`. Listings go newest first ((revision,
// seq) descending), watches oldest first.
struct ChangeCursor {
  // A `seq` after every change of its revision.
  static constexpr int kWholeRevision = 2147483647;
  int64_t revision = 0;
  int seq = 0;
  std::vector<std::string> Fields() const;
  static absl::StatusOr<ChangeCursor> Decode(const std::vector<std::string>& fields);
};

}  // namespace rolecall
