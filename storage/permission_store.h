#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rolecall/v1/permissions.pb.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// Effective permissions: the most permissive of a user's direct grants and their groups'
// grants; organization owners own everything; every user collaborates on the organization.
class PermissionStore {
 public:
  virtual ~PermissionStore() = default;

  // Users with an effective organization role of owner, by email.
  virtual absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const RequestContext& ctx) = 0;
  // Streams users (all, or only `user_id`) after `after`, each with their effective cloud and
  // project roles, by (email, id), from one consistent snapshot read incrementally.
  // `next_user` is called with each user's cursor as the user's rows begin and returns the
  // (empty) message to fill in, or nullptr to stop; a user is complete when the next one begins
  // or the call returns. Filling messages the caller reuses spares an allocation per field.
  virtual absl::Status StreamUserPermissions(
      const RequestContext& ctx, const std::string& user_id,
      const std::optional<EmailCursor>& after,
      const std::function<v1::UserPermissions*(const EmailCursor& user)>& next_user) = 0;
  // The user's effective role on the resource, answered through `done`: at once on this thread
  // when the store is idle, else later on another thread, so callers are not held while checks
  // queue. NOT_FOUND for an unknown user or resource.
  virtual void CheckRole(const RequestContext& ctx, const RoleQuestion& question,
                         RoleCallback done) = 0;
  // Several questions answered together (one statement on PostgreSQL): per question its role,
  // or NOT_FOUND for an unknown user or resource; a failed status fails them all.
  virtual absl::StatusOr<std::vector<absl::StatusOr<Role>>> CheckRoles(
      const RequestContext& ctx, const std::vector<RoleQuestion>& questions) = 0;
  // Every grant contributing to the user's role on the resource, most permissive first.
  virtual absl::StatusOr<std::vector<v1::Contribution>> Contributions(
      const RequestContext& ctx, const RoleQuestion& question) = 0;

  // CheckRole, waiting for the answer.
  absl::StatusOr<Role> EffectiveRole(const RequestContext& ctx, const RoleQuestion& question);
};

}  // namespace rolecall
