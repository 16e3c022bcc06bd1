#pragma once

#include <string>
#include <vector>

#include "storage/change_feed.h"
#include "storage/check_batcher.h"
#include "storage/pg_pool.h"
#include "storage/store.h"

namespace rolecall {

// The role the store's connections serve as.
struct DatabaseRole {
  std::string name;
  bool row_security_applies = false;  // not for a superuser, BYPASSRLS, or the tables' owner
};

// The store of record on PostgreSQL: every narrow interface of storage/store.h, through a pool of
// connections (pg_pool.h) that each prepare every named query (queries.h). Organizations and keys
// are in pg_store.cc, users in pg_users.cc, the directory in pg_directory.cc, permissions in
// pg_permissions.cc.
class PgStore final : public Store {
 public:
  // At most `check_statements` CheckPermission statements run at once (see CheckBatcher).
  explicit PgStore(PoolOptions options, PoolObserver* observer = nullptr, int check_statements = 2);

  // OrgStore
  absl::Status CreateOrg(const RequestContext& ctx, const std::string& name) override;
  absl::Status CheckOrgExists(const RequestContext& ctx) override;
  absl::Status SeedDemo(const RequestContext& ctx) override;

  // KeyStore
  absl::Status InsertApiKey(const RequestContext& ctx, const ApiKeyRecord& key,
                            const std::string& name) override;
  absl::StatusOr<ApiKeyRecord> FindApiKey(const RequestContext& ctx,
                                          const std::string& key_id) override;
  absl::Status RevokeApiKey(const RequestContext& ctx, const std::string& key_id) override;
  absl::StatusOr<Page<v1::ApiKey, KeyIdCursor>> ListApiKeys(const RequestContext& ctx,
                                                            const std::optional<KeyIdCursor>& after,
                                                            int limit) override;
  absl::StatusOr<std::string> PageTokenKey(const RequestContext& ctx) override;

  // UserStore
  absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const RequestContext& ctx, const std::vector<NewUserRow>& users) override;
  absl::StatusOr<Page<v1::User, EmailCursor>> ListUsers(const RequestContext& ctx,
                                                        const UserQuery& query,
                                                        const std::optional<EmailCursor>& after,
                                                        int limit) override;
  absl::StatusOr<UserMatch> FindUser(const RequestContext& ctx, const UserKey& key,
                                     AccountFilter accounts) override;
  absl::StatusOr<v1::User> CreateServiceAccount(const RequestContext& ctx,
                                                const std::string& name) override;
  absl::Status DeleteUser(const RequestContext& ctx, const std::string& user_id) override;

  // DirectoryStore
  absl::StatusOr<v1::Cloud> CreateCloud(const RequestContext& ctx,
                                        const std::string& name) override;
  absl::StatusOr<v1::Cloud> GetCloud(const RequestContext& ctx, const std::string& key,
                                     bool by_name) override;
  absl::StatusOr<Page<v1::Cloud, NameIdCursor>> ListClouds(const RequestContext& ctx,
                                                           const NameQuery& query,
                                                           const std::optional<NameIdCursor>& after,
                                                           int limit) override;
  absl::Status DeleteCloud(const RequestContext& ctx, const std::string& cloud_id) override;
  absl::StatusOr<v1::Project> CreateProject(const RequestContext& ctx, const std::string& cloud_id,
                                            const std::string& name) override;
  absl::StatusOr<v1::Project> GetProject(const RequestContext& ctx,
                                         const std::string& project_id) override;
  absl::StatusOr<Page<v1::Project, NameIdCursor>> ListProjects(
      const RequestContext& ctx, const ProjectQuery& query,
      const std::optional<NameIdCursor>& after, int limit) override;
  absl::Status DeleteProject(const RequestContext& ctx, const std::string& project_id) override;
  absl::StatusOr<v1::UserGroup> CreateGroup(const RequestContext& ctx,
                                            const std::string& name) override;
  absl::StatusOr<v1::UserGroup> GetGroup(const RequestContext& ctx, const std::string& key,
                                         bool by_name) override;
  absl::StatusOr<Page<v1::UserGroup, NameIdCursor>> ListGroups(
      const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
      int limit) override;
  absl::Status DeleteGroup(const RequestContext& ctx, const std::string& group_id) override;
  absl::StatusOr<int> AddMembers(const RequestContext& ctx, const std::string& group_id,
                                 const std::vector<std::string>& users) override;
  absl::StatusOr<int> RemoveMembers(const RequestContext& ctx, const std::string& group_id,
                                    const std::vector<std::string>& users) override;
  absl::StatusOr<Page<v1::GroupMembership, NameIdCursor>> ListMemberships(
      const RequestContext& ctx, const MembershipQuery& query,
      const std::optional<NameIdCursor>& after, int limit) override;
  absl::StatusOr<v1::Grant> GrantRole(const RequestContext& ctx, const ResourceKey& resource,
                                      const PrincipalKey& principal, Role role) override;
  absl::Status RevokeRole(const RequestContext& ctx, const ResourceKey& resource,
                          const PrincipalKey& principal, Role role) override;
  absl::StatusOr<Page<v1::Grant, GrantCursor>> ListGrants(const RequestContext& ctx,
                                                          const ResourceKey& resource,
                                                          const std::optional<GrantCursor>& after,
                                                          int limit) override;

  // PermissionStore
  absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const RequestContext& ctx) override;
  absl::Status StreamUserPermissions(
      const RequestContext& ctx, const std::string& user_id,
      const std::optional<EmailCursor>& after,
      const std::function<v1::UserPermissions*(const EmailCursor&)>& next_user) override;
  void CheckRole(const RequestContext& ctx, const RoleQuestion& question,
                 RoleCallback done) override;
  absl::StatusOr<std::vector<absl::StatusOr<Role>>> CheckRoles(
      const RequestContext& ctx, const std::vector<RoleQuestion>& questions) override;
  absl::StatusOr<std::vector<v1::Contribution>> Contributions(
      const RequestContext& ctx, const RoleQuestion& question) override;

  // ChangeStore
  absl::StatusOr<Page<v1::Change, ChangeCursor>> ListChanges(
      const RequestContext& ctx, const ChangeQuery& query, const std::optional<ChangeCursor>& after,
      int limit) override;
  absl::StatusOr<ChangeBatch> ChangesAfter(const RequestContext& ctx,
                                           const std::optional<ChangeCursor>& after,
                                           const std::vector<std::string>& object_types,
                                           int limit) override;
  void AwaitChange(const RequestContext& ctx, int64_t revision,
                   std::chrono::steady_clock::time_point read_from,
                   std::chrono::steady_clock::time_point until,
                   const std::function<bool()>& stop) override;

  // What PruneChanges did.
  struct PruneReport {
    int64_t deleted = 0;                   // rows; -1 when another server was pruning
    std::optional<int64_t> oldest_micros;  // the oldest change kept, if any
  };
  // Prunes every organization's change log to `retention_days` (at least 1), unless another
  // server is pruning now (storage/migrations/0005_retention.sql).
  absl::StatusOr<PruneReport> PruneChanges(const RequestContext& ctx, int retention_days);

  // Answers several checks with one statement per organization (what CheckRole's batches run):
  // per check, its role or NOT_FOUND for an unknown user or resource.
  absl::StatusOr<std::vector<absl::StatusOr<Role>>> EffectiveRoles(
      const RequestContext::Deadline& deadline, const std::vector<RoleCheck>& checks);

  // The role the pool connects as.
  absl::StatusOr<DatabaseRole> ConnectedRole(const RequestContext& ctx);
  // For shutdown: cancels the statements running now; later work fails with UNAVAILABLE.
  void CancelAll() { pool_.CancelAll(); }

 private:
  PgPool pool_;
  CheckBatcher checks_;
  ChangeFeed feed_;
};

}  // namespace rolecall
