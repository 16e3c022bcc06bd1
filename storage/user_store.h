#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rolecall/v1/users.pb.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// The organization's users and service accounts. A user's permission_level is its effective
// organization role ("owner" or "collaborator").
class UserStore {
 public:
  virtual ~UserStore() = default;

  // Inserts every user or none: ALREADY_EXISTS naming every email already taken.
  virtual absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const RequestContext& ctx, const std::vector<NewUserRow>& users) = 0;
  // Up to `limit` users matching `query` after `after`, by lower-case email.
  virtual absl::StatusOr<Page<v1::User, EmailCursor>> ListUsers(
      const RequestContext& ctx, const UserQuery& query, const std::optional<EmailCursor>& after,
      int limit) = 0;
  // The users `key` names among `accounts`: the first by email, and how many there are.
  virtual absl::StatusOr<UserMatch> FindUser(const RequestContext& ctx, const UserKey& key,
                                             AccountFilter accounts) = 0;
  // Creates a service account `<slug of name>@org-<org_id>.serviceaccount.com`;
  // INVALID_ARGUMENT when the name has no letter or digit, ALREADY_EXISTS when the email is taken.
  virtual absl::StatusOr<v1::User> CreateServiceAccount(const RequestContext& ctx,
                                                        const std::string& name) = 0;
  // Deletes a user with its memberships, grants and API keys; NOT_FOUND when there is none.
  virtual absl::Status DeleteUser(const RequestContext& ctx, const std::string& user_id) = 0;
};

}  // namespace rolecall
