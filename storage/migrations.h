#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rolecall {

// One numbered schema change: "0001_init.sql" and its SQL.
struct Migration {
  std::string name;
  std::string sql;
};

// A migration as recorded in the database's schema_migrations table.
struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
};

// The migrations compiled into this binary (storage/migrations/*.sql), in version order.
const std::vector<Migration>& EmbeddedMigrations();

// The version number a migration's file name starts with; -1 when it has none.
int MigrationVersion(const std::string& name);

// Hex SHA-256 of a migration's SQL, recorded when it is applied.
std::string MigrationChecksum(const Migration& migration);

// The migrations of `known` still to apply to a database that has `applied`, in order.
// FAILED_PRECONDITION when an applied migration was edited since (checksum differs) or when the
// database has a migration this binary does not know (its schema is newer).
absl::StatusOr<std::vector<Migration>> PendingMigrations(
    const std::vector<Migration>& known, const std::vector<AppliedMigration>& applied);

// Applies every pending migration, each in its own transaction, under a PostgreSQL advisory lock
// so concurrent migrators (several replicas starting at once) apply each migration once.
// Returns the names of the migrations applied.
absl::StatusOr<std::vector<std::string>> Migrate(pqxx::connection& conn,
                                                 const std::vector<Migration>& known);

// The default name of the role `serve` connects as (least privilege: no DDL, no superuser).
inline constexpr char kDefaultServingRole[] = "rolecall_app";

// Makes `role` able to serve, and no more: creates it as a LOGIN role (no password: the operator
// sets one, or the database authenticates it otherwise) when it does not exist, grants it USAGE
// on the schema, SELECT/INSERT/UPDATE/DELETE on rolecall's tables (SELECT only on
// schema_migrations) and EXECUTE on rolecall's functions. Idempotent; run by `migrate` after the
// migrations, as the schema owner. INVALID_ARGUMENT for a name that is not [a-z_][a-z0-9_]*
// (at most 63); FAILED_PRECONDITION when the role is a superuser, can bypass row-level security
// or is the connected (owner) role itself, since row-level security would not apply to it.
absl::Status GrantServingRole(pqxx::connection& conn, const std::string& role);

// OK when the database has exactly the migrations of `known`; FAILED_PRECONDITION with a message
// telling the operator what to run otherwise.
absl::Status CheckSchemaCurrent(pqxx::connection& conn, const std::vector<Migration>& known);

}  // namespace rolecall
