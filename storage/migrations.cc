#include "storage/migrations.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/digest.h"
#include "core/status.h"
#include "storage/pg_errors.h"

namespace rolecall {
namespace {

// Any constant works; it only has to be the same for every rolecall process.
constexpr int64_t kMigrationLockKey = 0x726f6c6563616c6cLL;  // "rolecall"

constexpr const char* kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

std::vector<AppliedMigration> ReadApplied(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  const auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  std::vector<AppliedMigration> out;
  if (!exists[0][0].as<bool>()) return out;
  for (const auto& row :
       tx.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version")) {
    out.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

}  // namespace

int MigrationVersion(const std::string& name) {
  size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits > 9) return -1;
  return std::stoi(name.substr(0, digits));
}

std::string MigrationChecksum(const Migration& migration) { return Sha256Hex(migration.sql); }

absl::StatusOr<std::vector<Migration>> PendingMigrations(
    const std::vector<Migration>& known, const std::vector<AppliedMigration>& applied) {
  std::map<int, const Migration*> by_version;
  for (const auto& m : known) by_version[MigrationVersion(m.name)] = &m;
  for (const auto& a : applied) {
    auto it = by_version.find(a.version);
    if (it == by_version.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database schema is newer than this binary: it has migration ", a.name,
                       ", which this rolecall-server does not know; run a newer rolecall-server"));
    }
    if (MigrationChecksum(*it->second) != a.checksum) {
      return absl::FailedPreconditionError(
          absl::StrCat("migration ", a.name, " was edited after it was applied (recorded checksum ",
                       a.checksum.substr(0, 12), "…, file checksum ",
                       MigrationChecksum(*it->second).substr(0, 12),
                       "…); restore the original file and add a new migration instead"));
    }
    by_version.erase(it);
  }
  std::vector<Migration> pending;
  for (const auto& [version, m] : by_version) pending.push_back(*m);
  return pending;
}

absl::StatusOr<std::vector<std::string>> Migrate(pqxx::connection& conn,
                                                 const std::vector<Migration>& known) {
  for (const auto& m : known) {
    if (MigrationVersion(m.name) < 0) {
      return absl::InternalError(absl::StrCat("migration ", m.name, " has no version number"));
    }
  }
  // The advisory lock belongs to the session, so it spans the per-migration transactions.
  const auto exec = [&conn](const std::string& sql) {
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
  };
  try {
    exec(absl::StrCat("SELECT pg_advisory_lock(", kMigrationLockKey, ")"));
  } catch (...) {
    return StatusFromException(std::current_exception(), "locking for migration");
  }
  std::vector<std::string> done;
  absl::Status status;
  try {
    exec(kCreateTable);
    auto pending = PendingMigrations(known, ReadApplied(conn));
    status = pending.status();
    if (status.ok()) {
      for (const auto& m : *pending) {
        pqxx::work tx(conn);
        tx.exec(m.sql);
        tx.exec_params(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            MigrationVersion(m.name), m.name, MigrationChecksum(m));
        tx.commit();
        done.push_back(m.name);
      }
    }
  } catch (...) {
    status = StatusFromException(std::current_exception(), "applying migrations");
  }
  try {
    exec(absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")"));
  } catch (...) {
    // The lock is released with the session anyway.
  }
  if (!status.ok()) return status;
  return done;
}

absl::Status GrantServingRole(pqxx::connection& conn, const std::string& role) {
  bool name_ok =
      !role.empty() && role.size() <= 63 && !std::isdigit(static_cast<unsigned char>(role[0]));
  for (char c : role)
    name_ok = name_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!name_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--app-role: '", role, "' is not a role name (lowercase letters, digits and _)"));
  }
  try {
    pqxx::work tx(conn);
    const auto found = tx.exec_params(
        "SELECT rolsuper OR rolbypassrls, rolname = current_user FROM pg_roles WHERE rolname = $1",
        role);
    if (!found.empty() && (found[0][0].as<bool>() || found[0][1].as<bool>())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--app-role: '", role,
          "' is a superuser, bypasses row-level security or is the schema owner itself; serve "
          "needs a role of its own without those rights"));
    }
    // DDL takes no bind parameters: the statements are made by PostgreSQL's format() from the
    // bound role name (quoted with %I), the current schema and fixed text.
    std::vector<std::string> statements;
    if (found.empty()) {
      statements.push_back(
          tx.exec_params("SELECT format('CREATE ROLE %I LOGIN', $1::text)", role)[0][0]
              .as<std::string>());
    }
    for (const auto& r :
         tx.exec_params("SELECT format(s, current_schema(), $1::text) FROM unnest(ARRAY["
                        "  'GRANT USAGE ON SCHEMA %I TO %I',"
                        "  'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',"
                        "  'REVOKE INSERT, UPDATE, DELETE ON %I.schema_migrations FROM %I',"
                        "  'REVOKE UPDATE, DELETE ON %I.changes FROM %I',"
                        "  'GRANT EXECUTE ON FUNCTION %I.rolecall_find_api_key(text) TO %I',"
                        "  'GRANT EXECUTE ON FUNCTION %I.rolecall_prune_changes(int) TO %I'"
                        "]) WITH ORDINALITY AS t(s, n) ORDER BY n",
                        role)) {
      statements.push_back(r[0].as<std::string>());
    }
    for (const auto& statement : statements) tx.exec(statement);
    tx.commit();
    return absl::OkStatus();
  } catch (...) {
    absl::Status s = StatusFromException(std::current_exception(), "granting the serving role");
    return absl::Status(s.code(), absl::StrCat(s.message(), " [", ErrorDetail(s), "]",
                                               " (the migrating role needs CREATEROLE to create "
                                               "the role; or create it first: CREATE ROLE ",
                                               role, " LOGIN PASSWORD '…')"));
  }
}

absl::Status CheckSchemaCurrent(pqxx::connection& conn, const std::vector<Migration>& known) {
  try {
    auto pending = PendingMigrations(known, ReadApplied(conn));
    if (!pending.ok()) return pending.status();
    if (!pending->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database is not migrated (", pending->size(), " of ", known.size(),
                       " migrations pending, first ", pending->front().name,
                       "); run `rolecall-server migrate` or start with --migrate"));
    }
    return absl::OkStatus();
  } catch (...) {
    return StatusFromException(std::current_exception(), "checking the schema version");
  }
}

}  // namespace rolecall
