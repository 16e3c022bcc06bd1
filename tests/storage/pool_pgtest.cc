#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "storage/pg_pool.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace rolecall {
namespace {

using namespace std::chrono_literals;

absl::Status SelectOne(PgPool& pool) {
  return pool.Run(RequestContext{}, "select", [](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
}

TEST(PoolPg, IsBounded) {
  testing::TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 1, 200ms}, {});
  // While the only connection is held, another caller times out with RESOURCE_EXHAUSTED.
  absl::Status inner;
  const absl::Status outer = pool.Run(RequestContext{}, "outer", [&](pqxx::connection&) {
    inner = SelectOne(pool);
    return absl::OkStatus();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.Usage().first, 1);
}

TEST(PoolPg, ReusesConnections) {
  testing::TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 4, 1s}, {});
  std::string first_pid, second_pid;
  const auto pid = [&](std::string* out) {
    return pool.Run(RequestContext{}, "pid", [out](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      *out = tx.exec("SELECT pg_backend_pid()")[0][0].as<std::string>();
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(pid(&first_pid).ok());
  ASSERT_TRUE(pid(&second_pid).ok());
  EXPECT_EQ(first_pid, second_pid);
}

TEST(PoolPg, ReconnectsAfterTheDatabaseRestarts) {
  testing::TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 4, 1s}, {});
  ASSERT_TRUE(SelectOne(pool).ok());
  testing::StopPostgres();
  const absl::Status down = SelectOne(pool);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  testing::StartPostgres();
  // The stale connection is dropped and a new one made; no restart of the pool needed.
  EXPECT_TRUE(testing::WaitFor([&] { return SelectOne(pool).ok(); }, 10s));
  EXPECT_TRUE(SelectOne(pool).ok());
}

TEST(PoolPg, TheCallersDeadlineBecomesAStatementTimeout) {
  testing::TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 1, 1s}, {});
  const auto sleep = [&](const char* seconds, RequestContext::Deadline deadline = {}) {
    return pool.Run(RequestContext{"", deadline}, "sleep", [&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      tx.exec(std::string("SELECT pg_sleep(") + seconds + ")");
      return absl::OkStatus();
    });
  };
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sleep("5", std::chrono::system_clock::now() + 200ms).code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(sleep("0", std::chrono::system_clock::now() - 1ms).code(),
            absl::StatusCode::kDeadlineExceeded);
  // Without a deadline the same (reused) connection has no timeout any more.
  EXPECT_TRUE(sleep("0.3").ok());
}

TEST(PoolPg, ErrorsBecomeStatusesWithTheRightCode) {
  testing::TestDatabase db;
  PgPool pool(PoolOptions{db.url(), 2, 1s}, {});
  const auto run = [&](const std::string& sql) {
    return pool.Run(RequestContext{}, "test", [&](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec(sql);
      tx.commit();
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(run("INSERT INTO organizations (org_id, name) VALUES ('o', 'o')").ok());
  EXPECT_EQ(run("INSERT INTO organizations (org_id, name) VALUES ('o', 'o')").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(run("INSERT INTO clouds (org_id, cloud_id, name) VALUES ('nope', 'c', 'c')").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(run("SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)").code(),
            absl::StatusCode::kDeadlineExceeded);
  const absl::Status syntax = run("SELEKT 1");
  EXPECT_EQ(syntax.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(std::string(syntax.message()).find("SELEKT"), std::string::npos)
      << "SQL must not leak into messages: " << syntax;
}

}  // namespace
}  // namespace rolecall
