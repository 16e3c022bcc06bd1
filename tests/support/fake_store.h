#pragma once

// FakeStore: every storage interface in memory, for tests of the code above storage (the gRPC
// services) without PostgreSQL. Each organization's rows are a testing::Model, so effective
// roles follow the model's plainly written rules; ordering, paging, uniqueness, cascades and
// error messages follow the interfaces' contracts and the PostgreSQL store's wording.
//
// Tests steer it: FailNext makes the next calls fail, calls() counts them, and an observer sees
// every call's method and RequestContext (organization and deadline).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"
#include "tests/support/model.h"

namespace rolecall::testing {

class FakeStore final : public Store {
 public:
  // Called at the start of every call (outside the store's lock) with the method's name.
  using Observer = std::function<void(std::string_view method, const RequestContext& ctx)>;

  FakeStore() = default;

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

  // --- OrgStore. ---
  absl::Status CreateOrg(const RequestContext& ctx, const std::string& name) override;
  absl::Status CheckOrgExists(const RequestContext& ctx) override;
  absl::Status SeedDemo(const RequestContext& ctx) override;

  // --- KeyStore. ---
  absl::Status InsertApiKey(const RequestContext& ctx, const ApiKeyRecord& key,
                            const std::string& name) override;
  absl::StatusOr<ApiKeyRecord> FindApiKey(const RequestContext& ctx,
                                          const std::string& key_id) override;
  absl::Status RevokeApiKey(const RequestContext& ctx, const std::string& key_id) override;
  absl::StatusOr<Page<v1::ApiKey, KeyIdCursor>> ListApiKeys(const RequestContext& ctx,
                                                            const std::optional<KeyIdCursor>& after,
                                                            int limit) override;
  absl::StatusOr<std::string> PageTokenKey(const RequestContext& ctx) override;

  // --- UserStore. ---
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

  // --- DirectoryStore. ---
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

  // --- PermissionStore. ---
  absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const RequestContext& ctx) override;
  absl::Status StreamUserPermissions(
      const RequestContext& ctx, const std::string& user_id,
      const std::optional<EmailCursor>& after,
      const std::function<v1::UserPermissions*(const EmailCursor& user)>& next_user) override;
  // Answers through `done` at once, on the calling thread.
  void CheckRole(const RequestContext& ctx, const RoleQuestion& question,
                 RoleCallback done) override;
  absl::StatusOr<std::vector<v1::Contribution>> Contributions(
      const RequestContext& ctx, const RoleQuestion& question) override;

 private:
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
  // The organization's model, or an empty one for an unknown organization (reads); mu_ held.
  const Model& ModelFor(const RequestContext& ctx);
  // The organization's model, or NOT_FOUND for an unknown organization (writes); mu_ held.
  absl::StatusOr<Model*> WritableModel(const RequestContext& ctx);

  mutable std::mutex mu_;
  std::map<std::string, Org> orgs_;        // guarded by mu_
  std::map<std::string, StoredKey> keys_;  // key id → key, every organization's; by mu_
  std::optional<std::string> token_key_;   // guarded by mu_
  Model empty_;                            // what ModelFor lends for unknown orgs; by mu_
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
