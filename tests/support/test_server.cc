#include "tests/support/test_server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/ids.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_database.h"

namespace rolecall::testing {

TestServer::TestServer(const std::string& database_url, const std::vector<std::string>& extra_flags,
                       const std::string& tls_ca, const std::string& client_cert,
                       const std::string& client_key)
    : database_url_(database_url),
      tls_ca_(tls_ca),
      client_cert_(client_cert),
      client_key_(client_key),
      log_path_("/tmp/rolecall-server-" + NewId("") + ".log") {
  // Served as the least-privilege role, as in production; a server that migrates its database
  // itself needs the owner.
  const bool migrates =
      std::find(extra_flags.begin(), extra_flags.end(), "--migrate") != extra_flags.end();
  std::vector<std::string> argv = {ROLECALL_SERVER_BIN,
                                   "serve",
                                   "--database-url",
                                   migrates ? database_url : ServingUrl(database_url),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--metrics-listen",
                                   "127.0.0.1:0",
                                   "--health-interval-ms",
                                   "200",
                                   "--shutdown-grace-seconds",
                                   "10"};
  if (tls_ca.empty()) argv.push_back("--plaintext");
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, log_path_);
  const bool started = WaitFor(
      [&] {
        std::istringstream lines(Log());
        for (std::string line; std::getline(lines, line);) {
          if (line.find("\"msg\":\"serving\"") == std::string::npos) continue;
          const auto j = nlohmann::json::parse(line);
          port_ = j["port"].get<int>();
          metrics_port_ = j["metrics_port"].get<int>();
          return true;
        }
        return !process_->Running();
      },
      std::chrono::seconds(20));
  if (!started || port_ == 0) throw std::runtime_error("rolecall-server did not start:\n" + Log());
  if (!WaitFor([&] { return HealthStatus(Channel()) == "SERVING"; }, std::chrono::seconds(10))) {
    throw std::runtime_error("rolecall-server never reported SERVING:\n" + Log());
  }
}

std::shared_ptr<grpc::Channel> TestServer::Channel() const {
  if (tls_ca_.empty()) return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadAll(tls_ca_);
  if (!client_cert_.empty()) {
    ssl.pem_cert_chain = ReadAll(client_cert_);
    ssl.pem_private_key = ReadAll(client_key_);
  }
  return grpc::CreateChannel(address(), grpc::SslCredentials(ssl));
}

CommandResult TestServer::Admin(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {ROLECALL_SERVER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--database-url");
  argv.push_back(database_url_);
  return RunCommand(argv);
}

std::string TestServer::CreateKey(const std::string& org_id, const std::string& scope,
                                  const std::string& principal) const {
  const auto org = Admin({"create-org", org_id});
  if (org.exit_code != 0) throw std::runtime_error("create-org failed: " + org.err);
  std::vector<std::string> args = {"create-api-key", "--org", org_id, "--scope", scope};
  if (!principal.empty()) {
    args.push_back("--principal");
    args.push_back(principal);
  }
  const auto key = Admin(args);
  if (key.exit_code != 0) throw std::runtime_error("create-api-key failed: " + key.err);
  std::string out = key.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

CommandResult TestServer::Cli(const std::vector<std::string>& args, const std::string& token,
                              const std::string& stdin_text) const {
  std::vector<std::string> argv = {ROLECALL_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, stdin_text, {{"ROLECALL_SERVER", address()}, {"ROLECALL_TOKEN", token}});
}

std::unique_ptr<grpc::ClientContext> AuthedContext(const std::string& key) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&ctx, request, &response);
  if (!status.ok()) return "error: " + status.error_message();
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

CommandResult BufCurl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {RequiredEnv("ROLECALL_TEST_BUF"), "curl", "--protocol", "grpc",
                                   "--http2-prior-knowledge"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

CommandResult BufCall(const std::string& address, const std::string& method,
                      const std::string& body, const std::string& key) {
  std::vector<std::string> args;
  if (!key.empty()) args = {"-H", "authorization: Bearer " + key};
  args.insert(args.end(), {"-d", body, "http://" + address + "/" + method});
  return BufCurl(args);
}

std::string KeyId(const std::string& key) { return key.substr(4, key.find('_', 4) - 4); }

std::string KeySecret(const std::string& key) { return key.substr(key.find('_', 4) + 1); }

std::string HttpGet(int port, const std::string& path) {
  return RunCommand({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + path}).out;
}

}  // namespace rolecall::testing
