#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rolecall {

// What rolecall-server does to a database outside the store's pool: checking, migrating and
// probing it, each on a connection of its own. Every failure to connect is UNAVAILABLE
// "cannot connect to the database: <what libpq said>".

// OK when the database at `url` answers and its schema is at this binary's version;
// FAILED_PRECONDITION (telling the operator what to run) when it is not.
absl::Status CheckDatabase(const std::string& url);

// What MigrateDatabase did.
struct MigrationReport {
  std::vector<std::string> applied;  // the migrations applied now, in order (none: up to date)
  int schema_version = 0;            // the version the schema is at now
  // What making the serving role able to serve gave (GrantServingRole); OK too when no role was
  // asked for. Kept apart: the migrations above stay applied when it fails.
  absl::Status grant;
};

// Applies every pending migration (storage/migrations.h's Migrate) and then, unless `app_role`
// is empty, makes `app_role` able to serve (GrantServingRole). Connect as the schema owner. An
// error only when the migrations failed; the grant's result is in the report.
absl::StatusOr<MigrationReport> MigrateDatabase(const std::string& url,
                                                const std::string& app_role);

// The role `migrate` grants when none is given (storage/migrations.h's kDefaultServingRole).
std::string DefaultServingRole();

// One connection to the database at `url`, kept open across pings and opened again after a
// failure. Not thread-safe: one thread pings at a time.
class DatabasePinger final {
 public:
  explicit DatabasePinger(std::string url);
  ~DatabasePinger();
  DatabasePinger(const DatabasePinger&) = delete;
  DatabasePinger& operator=(const DatabasePinger&) = delete;

  // OK when the database answers a statement now; UNAVAILABLE otherwise.
  absl::Status Ping();

 private:
  struct Connection;
  const std::string url_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace rolecall
