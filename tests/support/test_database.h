#pragma once

#include <string>
#include <vector>

namespace rolecall::testing {

// `url` with the serving role (kDefaultServingRole) as its user; trust authentication in tests.
std::string ServingUrl(const std::string& url);

// A fresh PostgreSQL database on the test server (ROLECALL_TEST_DATABASE_URL), dropped when the
// object goes away. Migrated unless asked otherwise.
class TestDatabase final {
 public:
  explicit TestDatabase(bool migrate = true);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // The schema owner's URL (migrate, bootstrap commands, inspection).
  const std::string& url() const { return url_; }
  // The URL `serve` uses: the least-privilege role migrate grants (kDefaultServingRole).
  std::string serving_url() const { return ServingUrl(url_); }
  const std::string& name() const { return name_; }

  // Runs SQL on the test database (setup and inspection in tests).
  void Exec(const std::string& sql) const;
  // The first column of the first row of `sql` with `params` bound to $1…, as text ("" for
  // none or NULL).
  std::string Scalar(const std::string& sql, const std::vector<std::string>& params = {}) const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Replaces the database name at the end of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& database);

// Stops and starts the test PostgreSQL server (scripts/pg.sh with the harness's directory).
void StopPostgres();
void StartPostgres();

// A fresh organization id ("org_t…"), unique per call.
std::string NewOrgId();

}  // namespace rolecall::testing
