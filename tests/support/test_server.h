#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "tests/support/process.h"

namespace rolecall::testing {

// The real rolecall-server binary, serving a test database on free loopback ports.
class TestServer final {
 public:
  // Starts `rolecall-server serve` and waits until it serves (health SERVING). Plaintext, unless
  // `tls_ca` is given: then `extra_flags` carry --tls-cert/--tls-key (and maybe
  // --tls-client-ca), and Channel() verifies the server with that CA (presenting
  // `client_cert`/`client_key` when given).
  explicit TestServer(const std::string& database_url,
                      const std::vector<std::string>& extra_flags = {},
                      const std::string& tls_ca = "", const std::string& client_cert = "",
                      const std::string& client_key = "");

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::shared_ptr<grpc::Channel> Channel() const;
  ChildProcess& process() { return *process_; }
  std::string Log() const { return ReadAll(log_path_); }

  // Runs `rolecall-server <args> --database-url …` (bootstrap subcommands).
  CommandResult Admin(const std::vector<std::string>& args) const;
  // Creates the organization when needed and an API key in it; returns the key.
  std::string CreateKey(const std::string& org_id, const std::string& scope,
                        const std::string& principal = "") const;

  // Runs the rolecall CLI against this server with `token`.
  CommandResult Cli(const std::vector<std::string>& args, const std::string& token,
                    const std::string& stdin_text = "") const;

 private:
  std::string database_url_;
  std::string tls_ca_, client_cert_, client_key_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  int metrics_port_ = 0;
};

// A client context with `authorization: Bearer <key>` (none when key is empty) and a deadline.
std::unique_ptr<grpc::ClientContext> AuthedContext(const std::string& key);

// Every message of one server-streaming call of `method` on `stub` with `key` (AuthedContext),
// read to its end; the call's status into `*status`.
template <typename Stub, typename Request, typename Message>
std::vector<Message> ReadStream(
    Stub& stub,
    std::unique_ptr<grpc::ClientReader<Message>> (Stub::*method)(grpc::ClientContext*,
                                                                 const Request&),
    const std::string& key, const std::type_identity_t<Request>& request, grpc::Status* status) {
  auto ctx = AuthedContext(key);
  auto reader = (stub.*method)(ctx.get(), request);
  std::vector<Message> messages;
  Message message;
  while (reader->Read(&message)) messages.push_back(message);
  *status = reader->Finish();
  return messages;
}

// The health status of `service` ("SERVING", "NOT_SERVING", or an error text); of the whole
// server when `service` is empty.
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service = "");

// `buf curl` (ROLECALL_TEST_BUF, a client nobody here wrote) over plaintext HTTP/2 with `args`:
// its options, then a URL.
CommandResult BufCurl(const std::vector<std::string>& args);
// One call of `method` ("rolecall.v1.UserService/GetUser") on the server at `address` through
// BufCurl, with the JSON `body`, sending `key` as the bearer token unless it is empty.
CommandResult BufCall(const std::string& address, const std::string& method,
                      const std::string& body, const std::string& key = "");

// The id and the secret of an API key "rck_<id>_<secret>" (the secret may itself hold '_').
std::string KeyId(const std::string& key);
std::string KeySecret(const std::string& key);

// GET http://127.0.0.1:<port><path> with curl; the body.
std::string HttpGet(int port, const std::string& path);

}  // namespace rolecall::testing
