#pragma once

#include <memory>

#include "storage/pg_pool.h"
#include "storage/store.h"

namespace rolecall {

// The PostgreSQL implementation of Store (libpqxx, prepared statements, pooled connections).
class PgStore final : public Store {
 public:
  explicit PgStore(PoolOptions options);

  // The statements every pooled connection prepares.
  static std::vector<PreparedStatement> Statements();

  PgPool& pool() { return pool_; }

  absl::Status CreateOrg(const std::string& org_id, const std::string& name) override;
  absl::Status CheckOrgExists(const std::string& org_id) override;
  absl::Status InsertApiKey(const ApiKeyRecord& key, const std::string& name) override;
  absl::StatusOr<ApiKeyRecord> FindApiKey(const std::string& key_id) override;
  absl::Status RevokeApiKey(const std::string& org_id, const std::string& key_id) override;
  absl::StatusOr<std::string> PageTokenKey() override;

  absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const std::string& org_id, const std::vector<NewUserRow>& users) override;
  absl::StatusOr<UserPage> ListUsers(const std::string& org_id,
                                                  const UserQuery& query, const std::string& after,
                                                  int limit) override;
  absl::StatusOr<UserMatch> FindUser(const std::string& org_id, const v1::GetUserRequest& key,
                                     AccountFilter accounts) override;

  absl::Status SeedDemo() override;

 private:
  PgPool pool_;
};

}  // namespace rolecall
