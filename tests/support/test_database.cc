#include "tests/support/test_database.h"

#include <pqxx/pqxx>
#include <stdexcept>

#include "core/ids.h"
#include "storage/migrations.h"
#include "tests/support/process.h"

namespace rolecall::testing {

std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

std::string ServingUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + kDefaultServingRole + url.substr(at);
}

TestDatabase::TestDatabase(bool migrate)
    : admin_url_(RequiredEnv("ROLECALL_TEST_DATABASE_URL")),
      name_("rc_test_" + NewId("")),
      url_(WithDatabase(admin_url_, name_)) {
  {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name_);
  }
  if (migrate) {
    pqxx::connection conn(url_);
    auto applied = Migrate(conn, EmbeddedMigrations());
    if (!applied.ok()) throw std::runtime_error(std::string(applied.status().message()));
    const absl::Status granted = GrantServingRole(conn, kDefaultServingRole);
    if (!granted.ok()) throw std::runtime_error(std::string(granted.message()));
  }
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // The server may be down in a fault test; the whole cluster is thrown away afterwards.
  }
}

void TestDatabase::Exec(const std::string& sql) const {
  pqxx::connection conn(url_);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

std::string TestDatabase::Scalar(const std::string& sql,
                                 const std::vector<std::string>& params) const {
  pqxx::connection conn(url_);
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
  return rows.empty() || rows[0][0].is_null() ? "" : rows[0][0].as<std::string>();
}

static void PgScript(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {RequiredEnv("ROLECALL_TEST_PG_SCRIPT")};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = RunCommand(argv);
  if (result.exit_code != 0) throw std::runtime_error("pg.sh failed: " + result.err);
}

void StopPostgres() { PgScript({"stop", RequiredEnv("ROLECALL_TEST_PG_DIR")}); }

void StartPostgres() {
  PgScript({"start", RequiredEnv("ROLECALL_TEST_PG_DIR"), RequiredEnv("ROLECALL_TEST_PG_PORT")});
}

std::string NewOrgId() { return NewId("org_t"); }

}  // namespace rolecall::testing
