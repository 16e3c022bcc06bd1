// The connection to rolecall-server: channel, credentials, deadline and error lines.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace rolecall::cli {

// The CLI's global connection options (flags with environment twins).
struct ConnectionOptions {
  std::string server = "localhost:50051";  // --server, ROLECALL_SERVER
  std::string token;                       // --token, ROLECALL_TOKEN (an API key)
  std::string tls_ca;                      // --tls-ca: verify the server against this CA
  std::string tls_cert;                    // --tls-cert: client certificate (mutual TLS)
  std::string tls_key;                     // --tls-key
  bool tls = false;                        // --tls: TLS with the system roots
  int timeout_seconds = 60;                // --timeout, per call
};

// A channel to the server: TLS when any TLS option is given, plaintext otherwise.
// Throws std::runtime_error when a TLS file cannot be read.
std::shared_ptr<grpc::Channel> Connect(const ConnectionOptions& options);

// A context carrying the API key and the deadline (none for streams: they end when read).
std::unique_ptr<grpc::ClientContext> NewContext(const ConnectionOptions& options,
                                                bool with_deadline = true);

// One line per problem for a failed call: field violations as "<field>: <reason>", otherwise
// the status message, with a hint for the common connection and credential mistakes.
std::vector<std::string> ErrorLines(const grpc::Status& status, const ConnectionOptions& options);

}  // namespace rolecall::cli
