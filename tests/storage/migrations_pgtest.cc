#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "storage/migrations.h"
#include "tests/support/test_database.h"

namespace rolecall {
namespace {

using testing::TestDatabase;

TEST(MigrationsPg, ApplyToAFreshDatabaseAndRecordChecksums) {
  TestDatabase db(/*migrate=*/false);
  pqxx::connection conn(db.url());
  auto applied = Migrate(conn, EmbeddedMigrations());
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->size(), EmbeddedMigrations().size());
  EXPECT_EQ(db.Scalar("SELECT checksum FROM schema_migrations WHERE version = 1"),
            MigrationChecksum(EmbeddedMigrations()[0]));
  EXPECT_EQ(db.Scalar("SELECT to_regclass('users') IS NOT NULL"), "t");
  EXPECT_TRUE(CheckSchemaCurrent(conn, EmbeddedMigrations()).ok());
}

TEST(MigrationsPg, AreIdempotent) {
  TestDatabase db;  // migrated once already
  pqxx::connection conn(db.url());
  auto again = Migrate(conn, EmbeddedMigrations());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(EmbeddedMigrations().size()));
}

TEST(MigrationsPg, ConcurrentMigratorsApplyEachMigrationOnce) {
  TestDatabase db(/*migrate=*/false);
  std::vector<absl::StatusOr<std::vector<std::string>>> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) {
    threads.emplace_back([&db, &r] {
      pqxx::connection conn(db.url());
      r = Migrate(conn, EmbeddedMigrations());
    });
  }
  for (auto& t : threads) t.join();
  size_t total = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    total += r->size();
  }
  EXPECT_EQ(total, EmbeddedMigrations().size());
}

TEST(MigrationsPg, RefuseAnEditedMigration) {
  TestDatabase db;
  pqxx::connection conn(db.url());
  std::vector<Migration> edited = EmbeddedMigrations();
  edited[0].sql += "\n-- an innocent-looking edit\n";
  auto result = Migrate(conn, edited);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(result.status().message()).find("was edited"), std::string::npos);
  EXPECT_FALSE(CheckSchemaCurrent(conn, edited).ok());
}

TEST(MigrationsPg, RefuseADatabaseNewerThanTheBinary) {
  TestDatabase db;
  db.Exec(
      "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, '0999_future.sql', "
      "'x')");
  pqxx::connection conn(db.url());
  auto result = Migrate(conn, EmbeddedMigrations());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(std::string(result.status().message()).find("newer than this binary"),
            std::string::npos);
}

TEST(MigrationsPg, UnmigratedDatabaseIsReportedWithWhatToRun) {
  TestDatabase db(/*migrate=*/false);
  pqxx::connection conn(db.url());
  const absl::Status s = CheckSchemaCurrent(conn, EmbeddedMigrations());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(s.message()).find("rolecall-server migrate"), std::string::npos);
}

}  // namespace
}  // namespace rolecall
