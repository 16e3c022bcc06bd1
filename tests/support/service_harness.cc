#include "tests/support/service_harness.h"

#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/directory_service.h"
#include "service/permission_service.h"
#include "service/user_service.h"

namespace rolecall::testing {

ServiceHarness::ServiceHarness(Options options) {
  // As service/server.cc builds them, on the fake.
  auto token_key = store_.PageTokenKey(RequestContext{});
  if (!token_key.ok()) throw std::runtime_error(token_key.status().ToString());
  tokens_ = std::make_unique<PageTokenCodec>(*token_key);
  auth_ = std::make_unique<Authenticator>(store_, metrics_, options.auth_failures_per_minute);
  hasher_ = std::make_unique<PasswordHasher>(1);
  streams_ = std::make_unique<StreamWatchdog>(options.stream_idle_limit);
  env_ = std::make_unique<ServiceEnv>(ServiceEnv{store_, store_, store_, store_, *auth_, metrics_,
                                                 log_, *tokens_, *hasher_, *streams_, drain_});
  users_ = std::make_unique<UserServiceImpl>(*env_);
  permissions_ = std::make_unique<PermissionServiceImpl>(*env_);
  directory_ = std::make_unique<DirectoryServiceImpl>(*env_);
  grpc::ServerBuilder builder;
  builder.RegisterService(users_.get());
  builder.RegisterService(permissions_.get());
  builder.RegisterService(directory_.get());
  server_ = builder.BuildAndStart();
  if (!server_) throw std::runtime_error("the in-process gRPC server did not start");
  channel_ = server_->InProcessChannel(grpc::ChannelArguments());
  users_stub_ = v1::UserService::NewStub(channel_);
  permissions_stub_ = v1::PermissionService::NewStub(channel_);
  directory_stub_ = v1::DirectoryService::NewStub(channel_);
}

ServiceHarness::~ServiceHarness() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_->Wait();
}

void ServiceHarness::CreateOrg(const std::string& org_id) {
  const absl::Status s = store_.CreateOrg(RequestContext::Org(org_id), org_id);
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

std::string ServiceHarness::Key(const std::string& org_id, Scope scope,
                                const std::string& principal) {
  auto key = IssueApiKey(store_, RequestContext::Org(org_id), scope, principal, "test key");
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return FormatApiKey(*key);
}

std::unique_ptr<grpc::ClientContext> ServiceHarness::Context(
    const std::string& key, std::optional<std::chrono::system_clock::time_point> deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
  if (deadline) ctx->set_deadline(*deadline);
  return ctx;
}

std::vector<std::string> FieldViolations(const grpc::Status& status) {
  std::vector<std::string> out;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      out.push_back(absl::StrCat(v.field(), ": ", v.description()));
    }
  }
  return out;
}

}  // namespace rolecall::testing
