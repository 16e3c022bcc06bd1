// Least privilege, row-level security and bound parameters, against a real PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "core/ids.h"
#include "storage/migrations.h"
#include "storage/pg_pool.h"
#include "storage/pg_store.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::NewOrgId;
using testing::TestDatabase;

// A statement's status when run on `pool` for `org_id`.
absl::Status Exec(PgPool& pool, const std::string& org_id, const std::string& sql) {
  return pool.Run(RequestContext::Org(org_id), "test", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
    return absl::OkStatus();
  });
}

std::string Count(PgPool& pool, const std::string& org_id, const std::string& table) {
  std::string out;
  const absl::Status s = pool.Run(RequestContext::Org(org_id), "count", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    out = tx.exec("SELECT count(*) FROM " + table)[0][0].as<std::string>();
    return absl::OkStatus();
  });
  return s.ok() ? out : std::string(s.message());
}

class SecurityPg : public ::testing::Test {
 protected:
  SecurityPg() : owner_(PoolOptions{db_.url(), 4}), store_(PoolOptions{db_.serving_url(), 4}) {
    for (const std::string* org : {&a_, &b_}) {
      EXPECT_TRUE(owner_.CreateOrg(RequestContext::Org(*org), *org).ok());
      NewUserRow row;
      row.user_id = NewId("usr_");
      row.user.set_email("same@example.com");
      row.user.set_name("Same Name");
      EXPECT_TRUE(owner_.CreateUsers(RequestContext::Org(*org), {row}).ok());
      users_.push_back(row.user_id);
    }
  }

  TestDatabase db_;
  PgStore owner_;  // as the schema owner, as the bootstrap commands run
  PgStore store_;  // as the serving role, as `serve` runs
  const std::string a_ = NewOrgId(), b_ = NewOrgId();
  std::vector<std::string> users_;  // one per organization, a_'s first
};

TEST_F(SecurityPg, TheServingRoleSeesAndWritesOnlyTheOrganizationOfItsWork) {
  PgPool pool(PoolOptions{db_.serving_url(), 1}, {});
  EXPECT_EQ(Count(pool, a_, "users"), "1");
  EXPECT_EQ(Count(pool, b_, "users"), "1");
  EXPECT_EQ(Count(pool, "", "users"), "0");
  EXPECT_EQ(Count(pool, "", "organizations"), "0");
  EXPECT_EQ(Count(pool, "", "api_keys"), "0");
  // Even a statement naming the other organization finds and changes nothing of it.
  ASSERT_TRUE(Exec(pool, a_, "UPDATE users SET name = 'pwned' WHERE org_id = '" + b_ + "'").ok());
  EXPECT_EQ(db_.Scalar("SELECT name FROM users WHERE org_id = '" + b_ + "'"), "Same Name");
  ASSERT_TRUE(Exec(pool, a_, "DELETE FROM users WHERE org_id <> '" + a_ + "'").ok());
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM users"), "2");
  // Rows of another organization cannot be written either (WITH CHECK).
  const absl::Status insert = Exec(
      pool, a_, "INSERT INTO clouds (org_id, cloud_id, name) VALUES ('" + b_ + "', 'cld_x', 'x')");
  EXPECT_FALSE(insert.ok());
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM clouds"), "0");
}

TEST_F(SecurityPg, EveryTableOfOrganizationDataHasItsPolicy) {
  // A table added later with an org_id column but no policy fails here.
  EXPECT_EQ(db_.Scalar("SELECT string_agg(c.relname, ', ') FROM pg_class c "
                       "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' "
                       "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace "
                       "AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p "
                       "  WHERE p.polrelid = c.oid))"),
            "");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM pg_policy"), "11");
}

TEST_F(SecurityPg, TheServingRoleCannotChangeTheSchemaOrReachTheHost) {
  PgPool pool(PoolOptions{db_.serving_url(), 1}, {});
  for (const char* sql :
       {"CREATE TABLE t (x int)", "DROP TABLE users",
        "ALTER TABLE users DISABLE ROW LEVEL SECURITY", "COPY (SELECT 1) TO PROGRAM 'true'",
        "COPY (SELECT 1) TO '/tmp/rolecall-x'", "DELETE FROM schema_migrations",
        "SET ROLE postgres",
        // The change log is append-only for the server: no rewriting of history.
        "DELETE FROM changes", "UPDATE changes SET operation = 'x'",
        "ALTER TABLE changes DISABLE TRIGGER ALL", "DROP TRIGGER log_inserts ON clouds"}) {
    const absl::Status s = Exec(pool, a_, sql);
    EXPECT_FALSE(s.ok()) << sql;
    EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("SQLSTATE"))) << sql;
  }
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM schema_migrations"), "6");
  auto role = store_.ConnectedRole({});
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(role->name, kDefaultServingRole);
  EXPECT_TRUE(role->row_security_applies);
  auto owner = owner_.ConnectedRole({});
  ASSERT_TRUE(owner.ok());
  EXPECT_FALSE(owner->row_security_applies);  // what makes `serve` warn
}

TEST_F(SecurityPg, MigrateRefusesToGrantARoleThatRowLevelSecurityWouldNotBind) {
  pqxx::connection conn(db_.url());
  EXPECT_EQ(GrantServingRole(conn, "postgres").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GrantServingRole(conn, "x; DROP TABLE users").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GrantServingRole(conn, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(GrantServingRole(conn, kDefaultServingRole).ok());  // idempotent
}

TEST_F(SecurityPg, AKeyBoundToAUserDiesWithTheUser) {
  ApiKeyRecord key{a_, NewId(""), "hash", Scope::kRead, users_[0], false};
  ASSERT_TRUE(store_.InsertApiKey(RequestContext::Org(a_), key, "bound").ok());
  ApiKeyRecord unbound{a_, NewId(""), "hash", Scope::kRead, "", false};
  ASSERT_TRUE(store_.InsertApiKey(RequestContext::Org(a_), unbound, "unbound").ok());
  ASSERT_TRUE(store_.FindApiKey({}, key.key_id).ok());
  ASSERT_TRUE(store_.DeleteUser(RequestContext::Org(a_), users_[0]).ok());
  EXPECT_EQ(store_.FindApiKey({}, key.key_id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.FindApiKey({}, unbound.key_id).ok());
}

TEST_F(SecurityPg, TheStreamBindsItsInputsHowHostileSoEver) {
  const std::string attack =
      "x\nSELECT 1 WHERE false) TO STDOUT; COMMIT; UPDATE users SET name = $q$pwned$q$ WHERE "
      "org_id = $q$" +
      a_ + "$q$; COPY (--";
  for (const std::string& user_id : {attack, std::string("' OR '1'='1"), users_[0]}) {
    for (const std::string& after : {std::string(), attack}) {
      int users = 0;
      const absl::Status s =
          store_.StreamUserPermissions(RequestContext::Org(b_), user_id, EmailCursor{after},
                                       [&](const EmailCursor&) -> v1::UserPermissions* {
                                         ++users;
                                         return nullptr;
                                       });
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_EQ(users, 0);  // no grants in b_, and nothing of a_
    }
  }
  EXPECT_EQ(db_.Scalar("SELECT string_agg(name, ',') FROM users"), "Same Name,Same Name");
}

TEST(PoolPg, StreamsDrawFromTheirShareOfThePool) {
  TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 4, 300ms, /*stream_connections=*/1}, {});
  absl::Status second_stream, check;
  const absl::Status first = pool.Run(
      RequestContext{}, "stream",
      [&](pqxx::connection&) {
        second_stream = pool.Run(
            RequestContext{}, "stream", [](pqxx::connection&) { return absl::OkStatus(); },
            Work::kStream);
        check =
            pool.Run(RequestContext{}, "check", [](pqxx::connection&) { return absl::OkStatus(); });
        return absl::OkStatus();
      },
      Work::kStream);
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(second_stream.code(), absl::StatusCode::kResourceExhausted) << second_stream;
  EXPECT_TRUE(check.ok()) << check;  // the rest of the pool still serves other work
}

TEST(PoolPg, WorkWithoutADeadlineGetsTheDefaultStatementTimeout) {
  TestDatabase db(false);
  PoolOptions options{db.url(), 1};
  options.default_statement_timeout = 200ms;
  PgPool pool(options, {});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Exec(pool, "", "SELECT pg_sleep(5)").code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(PoolPg, CancelAllEndsRunningStatementsAndRefusesNewWork) {
  TestDatabase db(false);
  PgPool pool(PoolOptions{db.url(), 2}, {});
  absl::Status slow;
  const auto start = std::chrono::steady_clock::now();
  std::thread runner([&] { slow = Exec(pool, "", "SELECT pg_sleep(20)"); });
  ASSERT_TRUE(testing::WaitFor([&] { return pool.Usage().second == 1; }, 5s));
  std::this_thread::sleep_for(200ms);  // the statement is running
  pool.CancelAll();
  runner.join();
  EXPECT_FALSE(slow.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(Exec(pool, "", "SELECT 1").code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rolecall
