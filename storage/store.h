#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "core/api_key.h"
#include "core/paging.h"
#include "core/roles.h"
#include "rolecall/v1/directory.pb.h"
#include "rolecall/v1/permissions.pb.h"
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
  v1::AdminCreateUser user;   // password ignored
  std::string password_hash;  // empty: no password
};

// Filters of a user listing.
struct UserQuery {
  std::string email_contains;  // case-insensitive
  std::string name_contains;   // case-insensitive
  AccountFilter accounts = AccountFilter::kAll;
};

// One page of a listing: the items, the keyset cursor (sort key) of the last one, and whether
// more items follow it.
template <typename T>
struct Page {
  std::vector<T> items;
  std::vector<std::string> last_key;
  bool more = false;
};

// A resource roles are granted on; `id` is the organization's own id for kOrganization.
struct ResourceKey {
  ResourceKind kind = ResourceKind::kOrganization;
  std::string id;
};

// One permission question: the role of user `user_id` of organization `org_id` on `resource`.
struct RoleCheck {
  std::string org_id;
  std::string user_id;
  ResourceKey resource;
};

// Receives the answer to a RoleCheck: the role, or NOT_FOUND for an unknown user or resource.
using RoleCallback = absl::AnyInvocable<void(absl::StatusOr<Role>)>;

// A principal roles are granted to: a user (by id or email) or a group (by id).
struct PrincipalKey {
  bool group = false;
  std::string id_or_email;
};

// Filters of a directory listing.
struct ListQuery {
  std::string parent_id;      // the cloud of ListProjects, the group of ListGroupMemberships
  std::string name_contains;  // case-insensitive
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
  // The organization's keys ordered by key id, after `after` (a key id).
  virtual absl::StatusOr<Page<v1::ApiKey>> ListApiKeys(const std::string& org_id,
                                                       const std::vector<std::string>& after,
                                                       int limit) = 0;
  // The MAC key for page tokens, created on first use and shared by every replica.
  virtual absl::StatusOr<std::string> PageTokenKey() = 0;

  // --- users ---

  // Inserts every user or none. ALREADY_EXISTS naming every email already in the organization.
  virtual absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const std::string& org_id, const std::vector<NewUserRow>& users) = 0;
  // Up to `limit` users matching `query` whose sort key (lower-case email) is after `after`,
  // in sort-key order. Each user's permission_level is its effective organization role.
  virtual absl::StatusOr<Page<v1::User>> ListUsers(const std::string& org_id,
                                                   const UserQuery& query,
                                                   const std::vector<std::string>& after,
                                                   int limit) = 0;
  // Looks a user up by exactly one of id, email (case-insensitive) or display name.
  virtual absl::StatusOr<UserMatch> FindUser(const std::string& org_id,
                                             const v1::GetUserRequest& key,
                                             AccountFilter accounts) = 0;

  // --- directory: clouds, projects, groups, memberships, service accounts, grants ---
  // Names are unique per organization (projects: per cloud): ALREADY_EXISTS otherwise. Ids of
  // another organization behave exactly like ids that do not exist: NOT_FOUND.

  virtual absl::StatusOr<v1::Cloud> CreateCloud(const std::string& org_id,
                                                const std::string& name) = 0;
  // By id, or by name when `by_name`.
  virtual absl::StatusOr<v1::Cloud> GetCloud(const std::string& org_id, const std::string& key,
                                             bool by_name) = 0;
  virtual absl::StatusOr<Page<v1::Cloud>> ListClouds(const std::string& org_id,
                                                     const ListQuery& query,
                                                     const std::vector<std::string>& after,
                                                     int limit) = 0;
  // Deletes the cloud, its projects and every grant on them, in one transaction.
  virtual absl::Status DeleteCloud(const std::string& org_id, const std::string& cloud_id) = 0;

  virtual absl::StatusOr<v1::Project> CreateProject(const std::string& org_id,
                                                    const std::string& cloud_id,
                                                    const std::string& name) = 0;
  virtual absl::StatusOr<v1::Project> GetProject(const std::string& org_id,
                                                 const std::string& project_id) = 0;
  virtual absl::StatusOr<Page<v1::Project>> ListProjects(const std::string& org_id,
                                                         const ListQuery& query,
                                                         const std::vector<std::string>& after,
                                                         int limit) = 0;
  virtual absl::Status DeleteProject(const std::string& org_id, const std::string& project_id) = 0;

  virtual absl::StatusOr<v1::UserGroup> CreateGroup(const std::string& org_id,
                                                    const std::string& name) = 0;
  virtual absl::StatusOr<v1::UserGroup> GetGroup(const std::string& org_id, const std::string& key,
                                                 bool by_name) = 0;
  virtual absl::StatusOr<Page<v1::UserGroup>> ListGroups(const std::string& org_id,
                                                         const ListQuery& query,
                                                         const std::vector<std::string>& after,
                                                         int limit) = 0;
  // Deletes the group with its memberships and grants.
  virtual absl::Status DeleteGroup(const std::string& org_id, const std::string& group_id) = 0;
  // Adds users (ids or emails) to a group; existing members are skipped. NOT_FOUND naming every
  // unknown user. Returns how many memberships were added.
  virtual absl::StatusOr<int> AddMembers(const std::string& org_id, const std::string& group_id,
                                         const std::vector<std::string>& users) = 0;
  // Removes users from a group, all or nothing: NOT_FOUND naming users who are not members.
  virtual absl::StatusOr<int> RemoveMembers(const std::string& org_id, const std::string& group_id,
                                            const std::vector<std::string>& users) = 0;
  virtual absl::StatusOr<Page<v1::GroupMembership>> ListMemberships(
      const std::string& org_id, const ListQuery& query, const std::vector<std::string>& after,
      int limit) = 0;

  // Creates a service account `<slug of name>@org-<org_id>.serviceaccount.com`.
  virtual absl::StatusOr<v1::User> CreateServiceAccount(const std::string& org_id,
                                                        const std::string& name) = 0;
  // Deletes a user with its memberships and grants.
  virtual absl::Status DeleteUser(const std::string& org_id, const std::string& user_id) = 0;

  // Grants `role`; holding it already is not an error. NOT_FOUND for an unknown resource or
  // principal.
  virtual absl::StatusOr<v1::Grant> GrantRole(const std::string& org_id,
                                              const ResourceKey& resource,
                                              const PrincipalKey& principal, Role role) = 0;
  // NOT_FOUND when the role is not granted.
  virtual absl::Status RevokeRole(const std::string& org_id, const ResourceKey& resource,
                                  const PrincipalKey& principal, Role role) = 0;
  virtual absl::StatusOr<Page<v1::Grant>> ListGrants(const std::string& org_id,
                                                     const ResourceKey& resource,
                                                     const std::vector<std::string>& after,
                                                     int limit) = 0;

  // --- permissions: resolution runs in PostgreSQL ---

  // Users with an effective organization role of owner, by email.
  virtual absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const std::string& org_id) = 0;
  // Streams users (all, or only `user_id`) after the sort key `after`, each with their
  // effective cloud and project roles, in (email, id) order, from one statement read
  // incrementally inside a read-only snapshot. `next_user` is called with each user's sort key
  // as the user's rows begin, and returns the (empty) message to fill in, or nullptr to stop;
  // a user is complete when the next one begins or the call returns. Filling messages the
  // caller reuses spares an allocation per field.
  virtual absl::Status StreamUserPermissions(
      const std::string& org_id, const std::string& user_id, const std::string& after,
      const std::function<v1::UserPermissions*(const std::string& sort_key)>& next_user) = 0;
  // The user's effective role on the resource (org owners own everything). NOT_FOUND for an
  // unknown user or resource.
  virtual absl::StatusOr<Role> EffectiveRole(const std::string& org_id, const std::string& user_id,
                                             const ResourceKey& resource) = 0;
  // The same, answered through `done`: at once on this thread when the database is idle, else
  // later on another thread, so callers are not held while checks queue. The calling thread's
  // ScopedDeadline bounds it.
  virtual void EffectiveRole(const RoleCheck& check, RoleCallback done) = 0;
  // Every grant contributing to the user's role on the resource, most permissive first.
  virtual absl::StatusOr<std::vector<v1::Contribution>> Contributions(
      const std::string& org_id, const std::string& user_id, const ResourceKey& resource) = 0;

  // --- demo data ---

  // Creates the reference's example organization `org_p72` (idempotent).
  virtual absl::Status SeedDemo() = 0;
};

}  // namespace rolecall
