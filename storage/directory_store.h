#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rolecall/v1/directory.pb.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// Clouds, projects, user groups, memberships and role grants. Names are unique per organization
// (projects: per cloud): ALREADY_EXISTS otherwise. Ids of another organization behave exactly
// like ids that do not exist: NOT_FOUND. Listings return up to `limit` items after `after`.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  virtual absl::StatusOr<v1::Cloud> CreateCloud(const RequestContext& ctx,
                                                const std::string& name) = 0;
  // By id, or by name when `by_name`.
  virtual absl::StatusOr<v1::Cloud> GetCloud(const RequestContext& ctx, const std::string& key,
                                             bool by_name) = 0;
  // By (name, id).
  virtual absl::StatusOr<Page<v1::Cloud, NameIdCursor>> ListClouds(
      const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
      int limit) = 0;
  // Deletes the cloud, its projects and every grant on them, in one transaction.
  virtual absl::Status DeleteCloud(const RequestContext& ctx, const std::string& cloud_id) = 0;

  // NOT_FOUND for an unknown cloud.
  virtual absl::StatusOr<v1::Project> CreateProject(const RequestContext& ctx,
                                                    const std::string& cloud_id,
                                                    const std::string& name) = 0;
  virtual absl::StatusOr<v1::Project> GetProject(const RequestContext& ctx,
                                                 const std::string& project_id) = 0;
  // By (name, id).
  virtual absl::StatusOr<Page<v1::Project, NameIdCursor>> ListProjects(
      const RequestContext& ctx, const ProjectQuery& query,
      const std::optional<NameIdCursor>& after, int limit) = 0;
  // Deletes the project and every grant on it.
  virtual absl::Status DeleteProject(const RequestContext& ctx, const std::string& project_id) = 0;

  virtual absl::StatusOr<v1::UserGroup> CreateGroup(const RequestContext& ctx,
                                                    const std::string& name) = 0;
  // By id, or by name when `by_name`.
  virtual absl::StatusOr<v1::UserGroup> GetGroup(const RequestContext& ctx, const std::string& key,
                                                 bool by_name) = 0;
  // By (name, id).
  virtual absl::StatusOr<Page<v1::UserGroup, NameIdCursor>> ListGroups(
      const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
      int limit) = 0;
  // Deletes the group with its memberships and grants.
  virtual absl::Status DeleteGroup(const RequestContext& ctx, const std::string& group_id) = 0;

  // Adds users (ids or emails) to a group; members already are skipped. NOT_FOUND naming every
  // unknown user, and nothing added. Returns how many memberships were added.
  virtual absl::StatusOr<int> AddMembers(const RequestContext& ctx, const std::string& group_id,
                                         const std::vector<std::string>& users) = 0;
  // Removes users from a group, all or nothing: NOT_FOUND naming those who are not members.
  virtual absl::StatusOr<int> RemoveMembers(const RequestContext& ctx, const std::string& group_id,
                                            const std::vector<std::string>& users) = 0;
  // Each group with its members' emails, by the group's (name, id).
  virtual absl::StatusOr<Page<v1::GroupMembership, NameIdCursor>> ListMemberships(
      const RequestContext& ctx, const MembershipQuery& query,
      const std::optional<NameIdCursor>& after, int limit) = 0;

  // Grants `role`; holding it already is not an error. NOT_FOUND for an unknown resource or
  // principal.
  virtual absl::StatusOr<v1::Grant> GrantRole(const RequestContext& ctx,
                                              const ResourceKey& resource,
                                              const PrincipalKey& principal, Role role) = 0;
  // NOT_FOUND when the role is not granted.
  virtual absl::Status RevokeRole(const RequestContext& ctx, const ResourceKey& resource,
                                  const PrincipalKey& principal, Role role) = 0;
  // The grants on a resource (NOT_FOUND for an unknown one): groups' first, then users', each
  // by principal id and role.
  virtual absl::StatusOr<Page<v1::Grant, GrantCursor>> ListGrants(
      const RequestContext& ctx, const ResourceKey& resource,
      const std::optional<GrantCursor>& after, int limit) = 0;
};

}  // namespace rolecall
