// The connection to rolecall-server: channel, credentials, deadline and error lines.
#include "cli/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rolecall::cli {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::shared_ptr<grpc::Channel> Connect(const ConnectionOptions& o) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (o.tls || !o.tls_ca.empty() || !o.tls_cert.empty() || !o.tls_key.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!o.tls_ca.empty()) ssl.pem_root_certs = ReadFile(o.tls_ca);
    if (!o.tls_cert.empty()) ssl.pem_cert_chain = ReadFile(o.tls_cert);
    if (!o.tls_key.empty()) ssl.pem_private_key = ReadFile(o.tls_key);
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(o.server, creds, args);
}

std::unique_ptr<grpc::ClientContext> NewContext(const ConnectionOptions& o, bool with_deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!o.token.empty()) ctx->AddMetadata("authorization", "Bearer " + o.token);
  if (with_deadline) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(o.timeout_seconds));
  }
  return ctx;
}

std::vector<std::string> ErrorLines(const grpc::Status& status, const ConnectionOptions& o) {
  std::vector<std::string> lines;
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (!any.UnpackTo(&bad_request)) continue;
      for (const auto& v : bad_request.field_violations()) {
        lines.push_back(v.field() + ": " + v.description());
      }
    }
  }
  if (!lines.empty()) return lines;
  std::string message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      message = "cannot reach rolecall at " + o.server + ": " + message;
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      if (o.token.empty()) message += " (set --token or ROLECALL_TOKEN to an API key)";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      message = "no answer from " + o.server + " within " + std::to_string(o.timeout_seconds) +
                "s (--timeout)";
      break;
    default:
      break;
  }
  lines.push_back(message);
  return lines;
}

}  // namespace rolecall::cli
