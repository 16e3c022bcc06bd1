// The real rolecall-server binary over loopback: health, reflection (through `buf curl`, a client
// nobody here wrote), authentication, metrics, database outages and shutdown.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rolecall/v1/users.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall {
namespace {

using namespace std::chrono_literals;
using testing::BufCall;
using testing::BufCurl;
using ::testing::HasSubstr;
using testing::RunCommand;
using testing::TestDatabase;
using testing::TestServer;

// Whether a `buf curl` call failed with the gRPC status `code`, as buf prints it
// ("unauthenticated").
::testing::AssertionResult FailedWith(const testing::CommandResult& buf, const std::string& code) {
  if (buf.exit_code == 0) return ::testing::AssertionFailure() << "buf curl succeeded: " << buf.out;
  if ((buf.out + buf.err).find(code) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "buf curl failed without '" << code << "': " << buf.out << buf.err;
  }
  return ::testing::AssertionSuccess();
}

grpc::Status GetUser(TestServer& server, const std::string& key) {
  auto stub = v1::UserService::NewStub(server.Channel());
  v1::GetUserRequest request;
  request.set_email("nobody@example.com");
  v1::User user;
  return stub->GetUser(testing::AuthedContext(key).get(), request, &user);
}

class ServerE2E : public ::testing::Test {
 protected:
  TestDatabase db_;
};

TEST_F(ServerE2E, HealthIsServingWithoutCredentials) {
  TestServer server(db_.url());
  EXPECT_EQ(testing::HealthStatus(server.Channel()), "SERVING");
  const auto buf = BufCall(server.address(), "grpc.health.v1.Health/Check", "{}");
  EXPECT_EQ(buf.exit_code, 0) << buf.err;
  EXPECT_THAT(buf.out, HasSubstr("\"SERVING\""));
}

TEST_F(ServerE2E, ReflectionListsTheThreeServicesAndHealth) {
  TestServer server(db_.url());
  const auto buf = BufCurl({"--list-services", "http://" + server.address()});
  ASSERT_EQ(buf.exit_code, 0) << buf.err;
  for (const char* service : {"rolecall.v1.UserService", "rolecall.v1.PermissionService",
                              "rolecall.v1.DirectoryService", "grpc.health.v1.Health"}) {
    EXPECT_THAT(buf.out, HasSubstr(service));
  }
  const auto methods = BufCurl({"--list-methods", "http://" + server.address()});
  EXPECT_THAT(methods.out, HasSubstr("rolecall.v1.UserService/AdminBatchCreateUsers"));
  EXPECT_THAT(methods.out, HasSubstr("rolecall.v1.PermissionService/CheckPermission"));
}

TEST_F(ServerE2E, CallsWithoutAValidKeyAreUnauthenticated) {
  TestServer server(db_.url());
  EXPECT_EQ(GetUser(server, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetUser(server, "rck_unknownkey_secret").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetUser(server, "not even a key").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string key = server.CreateKey(testing::NewOrgId(), "read");
  EXPECT_EQ(GetUser(server, key + "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetUser(server, key).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_TRUE(FailedWith(
      BufCall(server.address(), "rolecall.v1.UserService/GetUser", R"({"email":"x@y.io"})"),
      "unauthenticated"));
}

TEST_F(ServerE2E, ScopesAreEnforced) {
  TestServer server(db_.url());
  const std::string org = testing::NewOrgId();
  const std::string read = server.CreateKey(org, "read");
  const std::string check = server.CreateKey(org, "check");
  auto stub = v1::UserService::NewStub(server.Channel());
  v1::AdminCreateUsers batch;
  batch.add_create_users()->set_email("a@b.io");
  batch.mutable_create_users(0)->set_name("A");
  v1::AdminBatchCreateUsersResponse response;
  const grpc::Status denied =
      stub->AdminBatchCreateUsers(testing::AuthedContext(read).get(), batch, &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("scope admin"));
  EXPECT_EQ(GetUser(server, check).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_TRUE(FailedWith(BufCall(server.address(), "rolecall.v1.UserService/AdminBatchCreateUsers",
                                 R"({"create_users":[{"name":"A","email":"a@b.io"}]})", read),
                         "permission_denied"));
}

TEST_F(ServerE2E, RevokedKeysStopWorking) {
  TestServer server(db_.url());
  const std::string org = testing::NewOrgId();
  const std::string key = server.CreateKey(org, "read");
  ASSERT_EQ(GetUser(server, key).error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string key_id = testing::KeyId(key);
  db_.Exec("UPDATE api_keys SET revoked_at = now() WHERE key_id = '" + key_id + "'");
  EXPECT_TRUE(testing::WaitFor(
      [&] { return GetUser(server, key).error_code() == grpc::StatusCode::UNAUTHENTICATED; }, 10s));
}

TEST_F(ServerE2E, ApiKeysAreCreatedListedAndRevokedThroughTheApi) {
  TestServer server(db_.url());
  const std::string org = testing::NewOrgId();
  const std::string admin = server.CreateKey(org, "admin");
  const auto created = server.Cli({"api-key", "create", "--scope", "read", "--name", "ci"}, admin);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string key = created.out.substr(0, created.out.size() - 1);
  ASSERT_EQ(key.rfind("rck_", 0), 0u) << created.out;
  EXPECT_EQ(GetUser(server, key).error_code(), grpc::StatusCode::NOT_FOUND);  // it works
  const std::string key_id = testing::KeyId(key);
  const auto listed = server.Cli({"api-key", "list"}, admin);
  EXPECT_THAT(listed.out, HasSubstr(key_id));
  EXPECT_THAT(listed.out, HasSubstr("read"));
  EXPECT_THAT(listed.out, ::testing::Not(HasSubstr(testing::KeySecret(key))));
  // A read key cannot manage keys; an unknown principal is refused.
  EXPECT_NE(server.Cli({"api-key", "create", "--scope", "admin"}, key).exit_code, 0);
  const auto ghost =
      server.Cli({"api-key", "create", "--scope", "read", "--principal", "usr_ghost"}, admin);
  EXPECT_NE(ghost.exit_code, 0);
  EXPECT_THAT(ghost.err, HasSubstr("usr_ghost"));
  ASSERT_EQ(server.Cli({"api-key", "revoke", key_id}, admin).exit_code, 0);
  // Immediately on this replica (the cache entry is dropped with the revocation).
  EXPECT_EQ(GetUser(server, key).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(server.Cli({"api-key", "revoke", "nosuchkey"}, admin).exit_code, 0);
}

// A throw-away CA with a server certificate for 127.0.0.1 and a client certificate.
struct TestCertificates {
  std::string dir, ca, server_cert, server_key, client_cert, client_key;

  TestCertificates() : dir("/tmp/rolecall-tls-" + testing::NewOrgId()) {
    RunCommand({"mkdir", "-p", dir});
    ca = dir + "/ca.pem";
    std::ofstream(dir + "/san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out",
             ca, "-days", "1", "-subj", "/CN=rolecall test CA"});
    Issue("server", &server_cert, &server_key);
    Issue("client", &client_cert, &client_key);
  }
  void Issue(const std::string& name, std::string* cert, std::string* key) {
    *cert = dir + "/" + name + ".pem";
    *key = dir + "/" + name + ".key";
    Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", *key, "-out",
             dir + "/" + name + ".csr", "-subj", "/CN=" + name});
    Openssl({"x509", "-req", "-in", dir + "/" + name + ".csr", "-CA", ca, "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-out", *cert, "-days", "1", "-extfile", dir + "/san.ext"});
  }
  static void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    const auto result = RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
};

TEST_F(ServerE2E, ServesTlsAndRequiresClientCertificatesForMutualTls) {
  TestCertificates certs;
  TestServer tls(db_.url(), {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key},
                 certs.ca);
  EXPECT_EQ(testing::HealthStatus(tls.Channel()), "SERVING");
  const std::string key = tls.CreateKey(testing::NewOrgId(), "read");
  const auto with_ca = RunCommand({ROLECALL_CLI_BIN, "--server", tls.address(), "--tls-ca",
                                   certs.ca, "--token", key, "user", "list", "--no-interactive"});
  EXPECT_EQ(with_ca.exit_code, 0) << with_ca.err;
  const auto plaintext = RunCommand({ROLECALL_CLI_BIN, "--server", tls.address(), "--token", key,
                                     "--timeout", "3", "user", "list", "--no-interactive"});
  EXPECT_NE(plaintext.exit_code, 0);

  TestServer mtls(
      db_.url(),
      {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key, "--tls-client-ca", certs.ca},
      certs.ca, certs.client_cert, certs.client_key);
  EXPECT_EQ(testing::HealthStatus(mtls.Channel()), "SERVING");
  const auto no_client_cert =
      RunCommand({ROLECALL_CLI_BIN, "--server", mtls.address(), "--tls-ca", certs.ca, "--token",
                  key, "--timeout", "3", "user", "list", "--no-interactive"});
  EXPECT_NE(no_client_cert.exit_code, 0);
  const auto with_client_cert =
      RunCommand({ROLECALL_CLI_BIN, "--server", mtls.address(), "--tls-ca", certs.ca, "--tls-cert",
                  certs.client_cert, "--tls-key", certs.client_key, "--token", key, "user", "list",
                  "--no-interactive"});
  EXPECT_EQ(with_client_cert.exit_code, 0) << with_client_cert.err;
}

// The port of the health-only listener, from the server's "serving" log line (0 when none).
int HealthPort(const TestServer& server) {
  std::istringstream lines(server.Log());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"msg\":\"serving\"") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line);
    return j.value("health_port", 0);
  }
  return 0;
}

// The kubelet's gRPC probe cannot speak TLS: --health-listen serves grpc.health.v1.Health, and
// nothing else, in plaintext beside the TLS port, with the main server's status. Broken, it fails
// here: no "health_port" in the log (no listener), a health check that is not SERVING for some
// service name (statuses not mirrored), ListUsers not UNIMPLEMENTED or reflection answering
// (rolecall services or reflection on the health port), a plaintext health check answered on
// the TLS port, or health still SERVING while draining / the port still open after exit.
TEST_F(ServerE2E, HealthListenerServesOnlyHealthInPlaintextBesideTls) {
  TestCertificates certs;
  TestServer server(db_.url(),
                    {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key,
                     "--health-listen", "127.0.0.1:0"},
                    certs.ca);
  const int health_port = HealthPort(server);
  ASSERT_NE(health_port, 0) << server.Log();
  ASSERT_NE(health_port, server.port());
  const std::string health_address = "127.0.0.1:" + std::to_string(health_port);
  const auto plaintext = grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials());
  for (const char* service : {"", "rolecall.v1.UserService", "rolecall.v1.PermissionService",
                              "rolecall.v1.DirectoryService"}) {
    EXPECT_EQ(testing::HealthStatus(plaintext, service), "SERVING") << service;
  }

  // Nothing but health there: not the rolecall services (even with a valid key), no reflection
  // (so `buf curl`, which needs reflection for the schema, cannot call even health there).
  const std::string key = server.CreateKey(testing::NewOrgId(), "read");
  auto users = v1::UserService::NewStub(plaintext);
  auto ctx = testing::AuthedContext(key);
  auto stream = users->ListUsers(ctx.get(), v1::ListUsersRequest());
  v1::ListUsersPage page;
  EXPECT_FALSE(stream->Read(&page));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(
      FailedWith(BufCurl({"--list-services", "http://" + health_address}), "unimplemented"));

  // The main port serves TLS only: a plaintext client gets nothing, a TLS client is served.
  EXPECT_NE(testing::HealthStatus(
                grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials())),
            "SERVING");
  EXPECT_EQ(testing::HealthStatus(server.Channel()), "SERVING");

  // On SIGTERM the health port says NOT_SERVING while the server drains, and closes with it.
  server.process().Signal(SIGTERM);
  EXPECT_TRUE(
      testing::WaitFor([&] { return testing::HealthStatus(plaintext) == "NOT_SERVING"; }, 5s))
      << server.Log();
  EXPECT_EQ(server.process().Wait(15s), 0) << server.Log();
  EXPECT_NE(testing::HealthStatus(
                grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials())),
            "SERVING");
}

TEST_F(ServerE2E, MetricsCountTheCallJustMade) {
  TestServer server(db_.url());
  ASSERT_EQ(GetUser(server, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string metrics = testing::HttpGet(server.metrics_port(), "/metrics");
  EXPECT_THAT(
      metrics,
      HasSubstr(R"(rolecall_rpc_requests_total{code="UNAUTHENTICATED",method="GetUser"} 1)"));
  EXPECT_THAT(metrics, HasSubstr(R"(rolecall_rpc_duration_seconds_count{method="GetUser"} 1)"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_health_serving 1"));
  EXPECT_THAT(metrics, HasSubstr("rolecall_build_info{"));
}

TEST_F(ServerE2E, HealthFollowsTheDatabase) {
  TestServer server(db_.url());
  const std::string key = server.CreateKey(testing::NewOrgId(), "read");
  ASSERT_EQ(testing::HealthStatus(server.Channel()), "SERVING");
  testing::StopPostgres();
  const bool down = testing::WaitFor(
      [&] { return testing::HealthStatus(server.Channel()) == "NOT_SERVING"; }, 10s);
  const grpc::Status during = GetUser(server, key);
  testing::StartPostgres();
  ASSERT_TRUE(down) << server.Log();
  EXPECT_TRUE(during.error_code() == grpc::StatusCode::UNAVAILABLE ||
              during.error_code() == grpc::StatusCode::NOT_FOUND)  // served from the key cache
      << during.error_message();
  EXPECT_TRUE(
      testing::WaitFor([&] { return testing::HealthStatus(server.Channel()) == "SERVING"; }, 10s))
      << server.Log();
  // The pool reconnected by itself: calls work again without a restart.
  EXPECT_TRUE(testing::WaitFor(
      [&] { return GetUser(server, key).error_code() == grpc::StatusCode::NOT_FOUND; }, 10s));
}

TEST_F(ServerE2E, SigtermStopsServingAndExitsZero) {
  TestServer server(db_.url());
  server.process().Signal(SIGTERM);
  EXPECT_EQ(server.process().Wait(15s), 0) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("\"msg\":\"draining\""));
}

TEST_F(ServerE2E, RefusesAnUnmigratedDatabaseUnlessAskedToMigrate) {
  TestDatabase fresh(/*migrate=*/false);
  const auto refused =
      RunCommand({ROLECALL_SERVER_BIN, "serve", "--plaintext", "--listen", "127.0.0.1:0",
                  "--metrics-listen", "", "--database-url", fresh.url()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("not migrated"));
  TestServer server(fresh.url(), {"--migrate"});
  EXPECT_EQ(testing::HealthStatus(server.Channel()), "SERVING");
}

TEST_F(ServerE2E, InvalidOptionsAreReportedOneLineEach) {
  const auto result = RunCommand({ROLECALL_SERVER_BIN, "--listen", "nowhere", "--pool-size", "0"},
                                 "", {{"ROLECALL_DATABASE_URL", db_.url()}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--listen: 'nowhere' is not host:port\n"));
  EXPECT_THAT(result.err, HasSubstr("--pool-size: 0 is out of range"));
}

TEST_F(ServerE2E, ApiKeysAreCreatedForExistingOrganizationsOnly) {
  TestServer server(db_.url());
  const auto unknown = server.Admin({"create-api-key", "--org", "org_missing", "--scope", "admin"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("org_missing' does not exist"));
  const std::string org = testing::NewOrgId();
  ASSERT_EQ(server.Admin({"create-org", org}).exit_code, 0);
  ASSERT_EQ(server.Admin({"create-org", org, "--name", "Renamed"}).exit_code, 0);  // idempotent
  const auto key = server.Admin({"create-api-key", "--org", org, "--scope", "admin"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  std::string last = key.out.substr(0, key.out.size() - 1);
  last = last.substr(last.rfind('\n') + 1);
  EXPECT_EQ(last.rfind("rck_", 0), 0u);
  // Only the hash is stored.
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM api_keys WHERE secret_hash LIKE '%" +
                       testing::KeySecret(last) + "%'"),
            "0");
}

}  // namespace
}  // namespace rolecall
