#include "storage/database.h"

#include <exception>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "storage/migrations.h"

namespace rolecall {
namespace {

absl::Status CannotConnect(const std::exception& e) {
  return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
}

absl::StatusOr<MigrationReport> MigrateOn(pqxx::connection& conn, const std::string& app_role) {
  MigrationReport report;
  auto applied = Migrate(conn, EmbeddedMigrations());
  if (!applied.ok()) return applied.status();
  report.applied = std::move(*applied);
  report.schema_version = MigrationVersion(EmbeddedMigrations().back().name);
  if (!app_role.empty()) report.grant = GrantServingRole(conn, app_role);
  return report;
}

}  // namespace

absl::Status CheckDatabase(const std::string& url) {
  try {
    pqxx::connection conn(url);
    return CheckSchemaCurrent(conn, EmbeddedMigrations());
  } catch (const std::exception& e) {
    return CannotConnect(e);
  }
}

absl::StatusOr<MigrationReport> MigrateDatabase(const std::string& url,
                                                const std::string& app_role) {
  try {
    pqxx::connection conn(url);
    return MigrateOn(conn, app_role);
  } catch (const std::exception& e) {
    return CannotConnect(e);
  }
}

std::string DefaultServingRole() { return kDefaultServingRole; }

struct DatabasePinger::Connection {
  std::unique_ptr<pqxx::connection> conn;
};

DatabasePinger::DatabasePinger(std::string url)
    : url_(std::move(url)), conn_(std::make_unique<Connection>()) {}

DatabasePinger::~DatabasePinger() = default;

absl::Status DatabasePinger::Ping() {
  try {
    if (!conn_->conn || !conn_->conn->is_open()) {
      conn_->conn = std::make_unique<pqxx::connection>(url_);
    }
    pqxx::nontransaction tx(*conn_->conn);
    tx.exec("SELECT 1");
    return absl::OkStatus();
  } catch (const std::exception& e) {
    conn_->conn.reset();
    return absl::UnavailableError(absl::StrCat("the database does not answer: ", e.what()));
  } catch (...) {
    conn_->conn.reset();
    return absl::UnavailableError("the database does not answer");
  }
}

}  // namespace rolecall
