#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "core/api_key.h"
#include "core/cursors.h"
#include "core/paging.h"
#include "core/roles.h"
#include "rolecall/v1/common.pb.h"
#include "rolecall/v1/users.pb.h"

// The values the storage interfaces take and return, besides API messages.
namespace rolecall {

// One page of a listing: its items and, when more follow, the cursor after the last one.
template <typename Item, typename Cursor>
struct Page {
  std::vector<Item> items;
  std::optional<Cursor> next;
};

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
  v1::AdminCreateUser user;   // password ignored
  std::string password_hash;  // empty: no password
};

// Filters of a user listing.
struct UserQuery {
  std::string email_contains;  // case-insensitive
  std::string name_contains;   // case-insensitive
  AccountFilter accounts = AccountFilter::kAll;
};

// Which user a lookup names: by id, by email (case-insensitive) or by display name.
struct UserKey {
  enum class By { kId, kEmail, kName };
  By by = By::kId;
  std::string value;
};

// Result of a user lookup.
struct UserMatch {
  std::optional<v1::User> user;  // the first match, by email
  int64_t match_count = 0;       // how many users matched
};

// Filters of the clouds' and user groups' listings.
struct NameQuery {
  std::string name_contains;  // case-insensitive; empty: all
};

// Filters of the project listing.
struct ProjectQuery {
  std::string cloud_id;       // empty: every cloud's
  std::string name_contains;  // case-insensitive; empty: all
};

// Filters of the membership listing.
struct MembershipQuery {
  std::string group_id;  // empty: every group's
};

// A resource roles are granted on; `id` is the organization's own id for kOrganization.
struct ResourceKey {
  ResourceKind kind = ResourceKind::kOrganization;
  std::string id;
};

// The API's reference to `key`: `organization: true`, a cloud id or a project id.
void SetResourceRef(const ResourceKey& key, v1::ResourceRef* ref);

// A principal roles are granted to: a user (by id or email) or a group (by id).
struct PrincipalKey {
  bool group = false;
  std::string id_or_email;
};

// One permission question: the role of user `user_id` on `resource`.
struct RoleQuestion {
  std::string user_id;
  ResourceKey resource;
};

// Receives the answer to a RoleQuestion: the role, or NOT_FOUND for an unknown user or resource.
using RoleCallback = absl::AnyInvocable<void(absl::StatusOr<Role>)>;

}  // namespace rolecall
