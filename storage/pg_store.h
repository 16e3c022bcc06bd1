#pragma once

#include <memory>

#include "storage/check_batcher.h"
#include "storage/pg_pool.h"
#include "storage/store.h"

namespace rolecall {

struct DatabaseRole {
  std::string name;
  bool row_security_applies = false;
};

// The PostgreSQL implementation of Store (libpqxx, prepared statements, pooled connections).
class PgStore final : public Store {
 public:
  // At most `check_statements` CheckPermission statements run at once (see CheckBatcher).
  explicit PgStore(PoolOptions options, PoolObserver* observer = nullptr, int check_statements = 2);

  // The statements every pooled connection prepares.
  static std::vector<PreparedStatement> Statements();

  absl::Status CreateOrg(const std::string& org_id, const std::string& name) override;
  absl::Status CheckOrgExists(const std::string& org_id) override;
  absl::Status InsertApiKey(const ApiKeyRecord& key, const std::string& name) override;
  absl::StatusOr<ApiKeyRecord> FindApiKey(const std::string& key_id) override;
  absl::Status RevokeApiKey(const std::string& org_id, const std::string& key_id) override;
  absl::StatusOr<Page<v1::ApiKey>> ListApiKeys(const std::string& org_id,
                                               const std::vector<std::string>& after,
                                               int limit) override;
  absl::StatusOr<std::string> PageTokenKey() override;

  absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const std::string& org_id, const std::vector<NewUserRow>& users) override;
  absl::StatusOr<Page<v1::User>> ListUsers(const std::string& org_id, const UserQuery& query,
                                           const std::vector<std::string>& after,
                                           int limit) override;
  absl::StatusOr<UserMatch> FindUser(const std::string& org_id, const v1::GetUserRequest& key,
                                     AccountFilter accounts) override;

  absl::StatusOr<v1::Cloud> CreateCloud(const std::string& org_id,
                                        const std::string& name) override;
  absl::StatusOr<v1::Cloud> GetCloud(const std::string& org_id, const std::string& key,
                                     bool by_name) override;
  absl::StatusOr<Page<v1::Cloud>> ListClouds(const std::string& org_id, const ListQuery& query,
                                             const std::vector<std::string>& after,
                                             int limit) override;
  absl::Status DeleteCloud(const std::string& org_id, const std::string& cloud_id) override;
  absl::StatusOr<v1::Project> CreateProject(const std::string& org_id, const std::string& cloud_id,
                                            const std::string& name) override;
  absl::StatusOr<v1::Project> GetProject(const std::string& org_id,
                                         const std::string& project_id) override;
  absl::StatusOr<Page<v1::Project>> ListProjects(const std::string& org_id, const ListQuery& query,
                                                 const std::vector<std::string>& after,
                                                 int limit) override;
  absl::Status DeleteProject(const std::string& org_id, const std::string& project_id) override;
  absl::StatusOr<v1::UserGroup> CreateGroup(const std::string& org_id,
                                            const std::string& name) override;
  absl::StatusOr<v1::UserGroup> GetGroup(const std::string& org_id, const std::string& key,
                                         bool by_name) override;
  absl::StatusOr<Page<v1::UserGroup>> ListGroups(const std::string& org_id, const ListQuery& query,
                                                 const std::vector<std::string>& after,
                                                 int limit) override;
  absl::Status DeleteGroup(const std::string& org_id, const std::string& group_id) override;
  absl::StatusOr<int> AddMembers(const std::string& org_id, const std::string& group_id,
                                 const std::vector<std::string>& users) override;
  absl::StatusOr<int> RemoveMembers(const std::string& org_id, const std::string& group_id,
                                    const std::vector<std::string>& users) override;
  absl::StatusOr<Page<v1::GroupMembership>> ListMemberships(const std::string& org_id,
                                                            const ListQuery& query,
                                                            const std::vector<std::string>& after,
                                                            int limit) override;
  absl::StatusOr<v1::User> CreateServiceAccount(const std::string& org_id,
                                                const std::string& name) override;
  absl::Status DeleteUser(const std::string& org_id, const std::string& user_id) override;
  absl::StatusOr<v1::Grant> GrantRole(const std::string& org_id, const ResourceKey& resource,
                                      const PrincipalKey& principal, Role role) override;
  absl::Status RevokeRole(const std::string& org_id, const ResourceKey& resource,
                          const PrincipalKey& principal, Role role) override;
  absl::StatusOr<Page<v1::Grant>> ListGrants(const std::string& org_id, const ResourceKey& resource,
                                             const std::vector<std::string>& after,
                                             int limit) override;

  absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const std::string& org_id) override;
  absl::Status StreamUserPermissions(
      const std::string& org_id, const std::string& user_id, const std::string& after,
      const std::function<v1::UserPermissions*(const std::string&)>& next_user) override;
  absl::StatusOr<Role> EffectiveRole(const std::string& org_id, const std::string& user_id,
                                     const ResourceKey& resource) override;
  void EffectiveRole(const RoleCheck& check, RoleCallback done) override;
  absl::StatusOr<std::vector<v1::Contribution>> Contributions(const std::string& org_id,
                                                              const std::string& user_id,
                                                              const ResourceKey& resource) override;
  // Answers several checks with one statement (what EffectiveRole's batches run): per check, its
  // role or NOT_FOUND for an unknown user or resource.
  absl::StatusOr<std::vector<absl::StatusOr<Role>>> EffectiveRoles(
      const std::vector<RoleCheck>& checks);

  absl::Status SeedDemo() override;

  // The role the pool connects as, and whether row-level security applies to it (it does not to
  // a superuser, a role with BYPASSRLS, or the tables' owner).
  absl::StatusOr<DatabaseRole> ConnectedRole();
  // For shutdown: cancels the statements running now; later work fails with UNAVAILABLE.
  void CancelAll() { pool_.CancelAll(); }

 private:
  // The statements of pg_directory.cc and pg_permissions.cc, merged into Statements().
  static std::vector<PreparedStatement> DirectoryStatements();
  static std::vector<PreparedStatement> PermissionStatements();

  PgPool pool_;
  CheckBatcher checks_;
};

}  // namespace rolecall
