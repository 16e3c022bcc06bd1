#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/api_key.h"
#include "core/paging.h"
#include "rolecall/v1/users.pb.h"

namespace rolecall {

// An API key as stored: everything but the secret itself.
struct ApiKeyRecord {
  std::string org_id;
  std::string key_id;
  std::string secret_hash;
  Scope scope = Scope::kCheck;
  std::string principal_user_id;  // empty when the key acts for no particular user
  bool revoked = false;
};

// A user to insert; validated, with its id and password hash already made.
struct NewUserRow {
  std::string user_id;
  v1::AdminCreateUser user;  // password ignored
  std::string password_hash;  // empty: no password
};

// Filters of a user listing.
struct UserQuery {
  std::string email_contains;  // case-insensitive
  std::string name_contains;   // case-insensitive
  AccountFilter accounts = AccountFilter::kAll;
};

// One page of a user listing.
struct UserPage {
  std::vector<v1::User> users;
  std::string last_key;  // sort key of the last user, the cursor for the next page
  bool more = false;     // whether users follow the last one
};

// Result of a GetUser-style lookup.
struct UserMatch {
  std::optional<v1::User> user;  // the first match
  int64_t match_count = 0;       // how many users matched
};

// The store of record. Every method that touches organization data takes the organization first;
// no call reads or writes across organizations. Errors are absl statuses with gRPC-compatible
// codes (UNAVAILABLE when the database cannot be reached).
class Store {
 public:
  virtual ~Store() = default;

  // --- organizations and API keys (bootstrap and authentication) ---

  // Creates the organization, or renames it when it exists (idempotent).
  virtual absl::Status CreateOrg(const std::string& org_id, const std::string& name) = 0;
  // NOT_FOUND when the organization does not exist.
  virtual absl::Status CheckOrgExists(const std::string& org_id) = 0;
  // Stores a new key (hash only). NOT_FOUND for an unknown organization or principal.
  virtual absl::Status InsertApiKey(const ApiKeyRecord& key, const std::string& name) = 0;
  // The key with this id, in whatever organization; NOT_FOUND when there is none.
  virtual absl::StatusOr<ApiKeyRecord> FindApiKey(const std::string& key_id) = 0;
  // Revokes a key of the organization; NOT_FOUND when it has no such key.
  virtual absl::Status RevokeApiKey(const std::string& org_id, const std::string& key_id) = 0;
  // The MAC key for page tokens, created on first use and shared by every replica.
  virtual absl::StatusOr<std::string> PageTokenKey() = 0;

  // --- users ---

  // Inserts every user or none. ALREADY_EXISTS naming every email already in the organization.
  virtual absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const std::string& org_id, const std::vector<NewUserRow>& users) = 0;
  // Up to `limit` users matching `query` whose sort key (lower-case email) is after `after`,
  // in sort-key order. Each user's permission_level is its effective organization role.
  virtual absl::StatusOr<UserPage> ListUsers(const std::string& org_id,
                                                          const UserQuery& query,
                                                          const std::string& after, int limit) = 0;
  // Looks a user up by exactly one of id, email (case-insensitive) or display name.
  virtual absl::StatusOr<UserMatch> FindUser(const std::string& org_id,
                                             const v1::GetUserRequest& key,
                                             AccountFilter accounts) = 0;

  // --- demo data ---

  // Creates the reference's example organization `org_p72` (idempotent).
  virtual absl::Status SeedDemo() = 0;
};

}  // namespace rolecall
