#include "storage/migrations.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/digest.h"
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
