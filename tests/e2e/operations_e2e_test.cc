// Operating the real server: shutdown during a long stream, idle-stream limits, deadlines and the
// metrics that tell what is slow or failing.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using testing::AuthedContext;
using ::testing::HasSubstr;

// Loads the benchmark generator's organization `org_bench` at scale S (1,000 users, ~17k
// effective permission rows) into the database.
void LoadScaleS(const testing::TestDatabase& db) {
  const auto result = testing::RunCommand(
      {"psql", db.url(),           "-q", "-X",
       "-v",   "org=org_bench",    "-v", "users=1000",
       "-v",   "groups=20",        "-v", "clouds=10",
       "-v",   "projects=100",     "-v", "direct_grants=5000",
       "-v",   "group_grants=200", "-f", ROLECALL_SOURCE_DIR "/bench/generate.sql"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

// A client channel with a small, fixed receive window, so that a client that does not read soon
// blocks the server's writes (instead of buffers absorbing a whole test-sized stream).
std::shared_ptr<grpc::Channel> SmallWindowChannel(const testing::TestServer& server) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8192);
  return grpc::CreateCustomChannel(server.address(), grpc::InsecureChannelCredentials(), args);
}

class OperationsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new testing::TestDatabase();
    LoadScaleS(*db_);
  }
  static void TearDownTestSuite() { delete db_; }
  static testing::TestDatabase* db_;
};
testing::TestDatabase* OperationsE2E::db_ = nullptr;

TEST_F(OperationsE2E, SigtermDuringALongStreamDrainsItAndExitsZero) {
  testing::TestServer server(db_->url());
  const std::string key = server.CreateKey("org_bench", "admin");
  auto stub = v1::PermissionService::NewStub(server.Channel());
  v1::ListUserPermissionsRequest request;
  request.set_page_size(1);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + key);
  auto reader = stub->ListUserPermissions(&ctx, request);
  v1::ListUserPermissionsPage page;
  ASSERT_TRUE(reader->Read(&page));
  int users = page.users_size();

  server.process().Signal(SIGTERM);
  // The stream in flight still finishes, read slowly but steadily, within the drain period (the
  // server keeps connections only briefly after its last handler returns, so the reader must not
  // pause for the checks below).
  grpc::Status status;
  std::thread drain([&] {
    int pages = 1;
    while (reader->Read(&page)) {
      users += page.users_size();
      if (++pages % 100 == 0) std::this_thread::sleep_for(1ms);
    }
    status = reader->Finish();
  });
  // At once: health reports NOT_SERVING (or the listener is already closed), and new calls are
  // refused.
  EXPECT_TRUE(
      testing::WaitFor([&] { return testing::HealthStatus(server.Channel()) != "SERVING"; }, 2s));
  auto fresh = v1::UserService::NewStub(server.Channel());
  v1::GetUserRequest get;
  get.set_email("user1@bench.example.com");
  v1::User user;
  EXPECT_EQ(fresh->GetUser(AuthedContext(key).get(), get, &user).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // clients retry on another replica
  // CheckPermission, served on the callback API, is refused the same way.
  auto checks = v1::PermissionService::NewStub(server.Channel());
  v1::CheckPermissionRequest check;
  check.set_user_id("usr_00000001");
  check.mutable_resource()->set_cloud_id("cld_00001");
  check.set_min_role("readonly");
  v1::CheckPermissionResponse allowed;
  EXPECT_EQ(checks->CheckPermission(AuthedContext(key).get(), check, &allowed).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  drain.join();
  EXPECT_TRUE(status.ok()) << status.error_message() << " after " << users << " users\n"
                           << server.Log();
  EXPECT_GT(users, 500);
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_EQ(server.process().Wait(15s), 0) << server.Log();
}

TEST_F(OperationsE2E, AStreamWhoseClientStopsReadingIsEndedAndReleasesItsConnection) {
  testing::TestServer server(db_->url(), {"--stream-idle-timeout-seconds", "1"});
  const std::string key = server.CreateKey("org_bench", "admin");
  auto stub = v1::PermissionService::NewStub(SmallWindowChannel(server));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + key);
  auto reader = stub->ListUserPermissions(&ctx, v1::ListUserPermissionsRequest());
  v1::ListUserPermissionsPage page;
  ASSERT_TRUE(reader->Read(&page));
  // Stop reading: the server's writes block, then the watchdog ends the call.
  EXPECT_TRUE(testing::WaitFor(
      [&] { return server.Log().find("\"code\":\"CANCELLED\"") != std::string::npos; }, 15s))
      << server.Log();
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        return testing::HttpGet(server.metrics_port(), "/metrics")
                   .find("rolecall_db_pool_connections{state=\"in_use\"} 0") != std::string::npos;
      },
      5s));
  ctx.TryCancel();
}

TEST_F(OperationsE2E, TheCallersDeadlineBoundsTheDatabaseWork) {
  testing::TestServer server(db_->url());
  const std::string key = server.CreateKey("org_bench", "admin");
  const auto channel = SmallWindowChannel(server);
  auto stub = v1::PermissionService::NewStub(channel);
  // Warm the channel so the deadline is spent on the call, not on connecting.
  ASSERT_EQ(testing::HealthStatus(channel), "SERVING");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + key);
  ctx.set_deadline(std::chrono::system_clock::now() + 300ms);
  v1::ListUserPermissionsRequest request;
  request.set_page_size(1);
  auto reader = stub->ListUserPermissions(&ctx, request);
  v1::ListUserPermissionsPage page;
  while (reader->Read(&page)) std::this_thread::sleep_for(5ms);  // ~1,000 pages: too slow
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server gave up too (its blocked writes ended with the deadline) instead of finishing the
  // listing for nobody; statement timeouts from deadlines are tested in pool_pgtest.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        const std::string log = server.Log();
        return log.find("\"code\":\"DEADLINE_EXCEEDED\"") != std::string::npos ||
               log.find("\"code\":\"CANCELLED\"") != std::string::npos;
      },
      10s))
      << server.Log();
}

TEST_F(OperationsE2E, MetricsTellWhatIsSlowAndWhatIsFailing) {
  testing::TestServer server(db_->url());
  const std::string key = server.CreateKey("org_bench", "admin");
  auto stub = v1::PermissionService::NewStub(server.Channel());
  v1::CheckPermissionRequest check;
  check.set_user_id("usr_00000001");
  check.mutable_resource()->set_cloud_id("cld_00001");
  check.set_min_role("readonly");
  v1::CheckPermissionResponse response;
  ASSERT_TRUE(stub->CheckPermission(AuthedContext(key).get(), check, &response).ok());
  check.set_user_id("usr_missing");
  ASSERT_EQ(stub->CheckPermission(AuthedContext(key).get(), check, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const std::string metrics = testing::HttpGet(server.metrics_port(), "/metrics");
  EXPECT_THAT(metrics,
              HasSubstr(R"(rolecall_rpc_requests_total{code="OK",method="CheckPermission"} 1)"));
  EXPECT_THAT(
      metrics,
      HasSubstr(R"(rolecall_rpc_requests_total{code="NOT_FOUND",method="CheckPermission"} 1)"));
  EXPECT_THAT(
      metrics,
      HasSubstr(
          R"(rolecall_db_query_duration_seconds_count{operation="checking the permission"} 2)"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_db_checks_per_statement_count 2"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_db_checks_per_statement_sum 2"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_db_pool_max_connections 16"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_db_pool_wait_seconds_count"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_db_pool_waits_total 0"));
  // Labels stay bounded: no ids in any label.
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("usr_")));
  // One structured log line per call, with the organization and key id but never the key.
  const std::string log = server.Log();
  EXPECT_THAT(log, HasSubstr("\"method\":\"CheckPermission\""));
  EXPECT_THAT(log, HasSubstr("\"org\":\"org_bench\""));
  EXPECT_THAT(log, ::testing::Not(HasSubstr(testing::KeySecret(key))));
}

}  // namespace
}  // namespace rolecall
