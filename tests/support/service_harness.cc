#include "tests/support/service_harness.h"

#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/input.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rolecall::testing {

ServiceHarness::ServiceHarness(Options options) {
  auto services = Services::Create(*store_, metrics_, log_, drain_,
                                   ServicesOptions{options.auth_failures_per_minute,
                                                   /*hash_threads=*/1, options.stream_idle_limit});
  if (!services.ok()) throw std::runtime_error(services.status().ToString());
  services_ = std::move(*services);
  grpc::ServerBuilder builder;
  services_->Register(builder);
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
  const absl::Status s = store_->CreateOrg(RequestContext::Org(org_id), org_id);
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

std::string ServiceHarness::AddUser(const std::string& org_id, const std::string& email,
                                    const std::string& name) {
  NewUserRow row{NewId(kUserPrefix), {}, ""};
  row.user.set_email(email);
  row.user.set_name(name);
  const auto created = store_->CreateUsers(RequestContext::Org(org_id), {row});
  if (!created.ok()) throw std::runtime_error(created.status().ToString());
  return row.user_id;
}

std::string ServiceHarness::AddCloud(const std::string& org_id, const std::string& name) {
  const auto cloud = store_->CreateCloud(RequestContext::Org(org_id), name);
  if (!cloud.ok()) throw std::runtime_error(cloud.status().ToString());
  return cloud->cloud_id();
}

int64_t ServiceHarness::HandlerCalls() const {
  return store_->calls() - store_->calls("FindApiKey");
}

std::string ServiceHarness::Key(const std::string& org_id, Scope scope,
                                const std::string& principal) {
  auto key = IssueApiKey(*store_, RequestContext::Org(org_id), scope, principal, "test key");
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
