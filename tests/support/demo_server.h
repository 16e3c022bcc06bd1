#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall::testing {

// A test suite whose tests share one rolecall-server on a fresh database holding the demo
// organization (`rolecall-server seed-demo`), with an admin key for it.
class DemoServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new TestServer(db_->url());
    const auto seeded = server_->Admin({"seed-demo"});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    demo_admin_ = server_->CreateKey("org_p72", "admin");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
    server_ = nullptr;
    db_ = nullptr;
  }

  static inline TestDatabase* db_ = nullptr;
  static inline TestServer* server_ = nullptr;
  static inline std::string demo_admin_;
};

}  // namespace rolecall::testing
