#include <gtest/gtest.h>

#include "storage/migrations.h"

namespace rolecall {
namespace {

const std::vector<Migration> kKnown = {{"0001_init.sql", "CREATE TABLE a (x int);"},
                                       {"0002_more.sql", "CREATE TABLE b (x int);"}};

AppliedMigration Applied(const Migration& m) {
  return {MigrationVersion(m.name), m.name, MigrationChecksum(m)};
}

TEST(MigrationPlan, FreshDatabaseGetsEverythingInOrder) {
  auto pending = PendingMigrations(kKnown, {});
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].name, "0001_init.sql");
  EXPECT_EQ((*pending)[1].name, "0002_more.sql");
}

TEST(MigrationPlan, AppliedOnesAreSkipped) {
  auto pending = PendingMigrations(kKnown, {Applied(kKnown[0])});
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].name, "0002_more.sql");
  EXPECT_TRUE(PendingMigrations(kKnown, {Applied(kKnown[0]), Applied(kKnown[1])})->empty());
}

TEST(MigrationPlan, RefusesAnEditedMigration) {
  AppliedMigration edited = Applied(kKnown[0]);
  edited.checksum = MigrationChecksum({"0001_init.sql", "CREATE TABLE a (y int);"});
  auto pending = PendingMigrations(kKnown, {edited});
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(pending.status().message()).find("0001_init.sql was edited"),
            std::string::npos);
}

TEST(MigrationPlan, RefusesADatabaseNewerThanTheBinary) {
  auto pending = PendingMigrations({kKnown[0]}, {Applied(kKnown[0]), Applied(kKnown[1])});
  ASSERT_FALSE(pending.ok());
  EXPECT_NE(std::string(pending.status().message()).find("newer than this binary"),
            std::string::npos);
}

TEST(MigrationPlan, ChecksumIsOfTheSql) {
  EXPECT_EQ(MigrationChecksum(kKnown[0]), MigrationChecksum({"other name", kKnown[0].sql}));
  EXPECT_NE(MigrationChecksum(kKnown[0]), MigrationChecksum(kKnown[1]));
}

TEST(MigrationPlan, VersionComesFromTheFileName) {
  EXPECT_EQ(MigrationVersion("0001_init.sql"), 1);
  EXPECT_EQ(MigrationVersion("0042_x.sql"), 42);
  EXPECT_EQ(MigrationVersion("init.sql"), -1);
}

TEST(MigrationPlan, EmbeddedMigrationsAreNumberedInOrder) {
  const auto& embedded = EmbeddedMigrations();
  ASSERT_FALSE(embedded.empty());
  for (size_t i = 0; i < embedded.size(); ++i) {
    EXPECT_EQ(MigrationVersion(embedded[i].name), static_cast<int>(i + 1)) << embedded[i].name;
  }
}

}  // namespace
}  // namespace rolecall
