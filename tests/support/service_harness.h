#pragma once

// The real gRPC services (UserService, PermissionService, DirectoryService) in-process, wired as
// service/server.cc wires them (service/services.h) but on a FakeStore, and reached through an
// in-process channel: for unit tests of the service logic (authorization, paging, validation, error
// mapping, deadlines, drain) without PostgreSQL or a network port.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/api_key.h"
#include "core/page_token.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/rpc.h"
#include "service/services.h"
#include "tests/support/fake_store.h"

namespace rolecall::testing {

class ServiceHarness final {
 public:
  struct Options {
    int auth_failures_per_minute = 0;  // 0: no limit
    std::chrono::milliseconds stream_idle_limit{30000};
  };

  ServiceHarness() : ServiceHarness(Options{}) {}
  explicit ServiceHarness(Options options);
  ~ServiceHarness();
  ServiceHarness(const ServiceHarness&) = delete;
  ServiceHarness& operator=(const ServiceHarness&) = delete;

  FakeStore& store() { return *store_; }
  Drain& drain() { return drain_; }
  const PageTokenCodec& tokens() const { return services_->tokens(); }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

  v1::UserService::Stub& users() { return *users_stub_; }
  v1::PermissionService::Stub& permissions() { return *permissions_stub_; }
  v1::DirectoryService::Stub& directory() { return *directory_stub_; }

  // Creates the organization in the fake (idempotent).
  void CreateOrg(const std::string& org_id);
  // Creates a user (a new id, `email`, `name`) in the organization in the fake; its id.
  std::string AddUser(const std::string& org_id, const std::string& email, const std::string& name);
  // Creates a cloud in the organization in the fake; its id.
  std::string AddCloud(const std::string& org_id, const std::string& name);
  // The fake's calls other than the key lookups authentication makes: the handlers' own.
  int64_t HandlerCalls() const;
  // A new API key of the organization (IssueApiKey on the fake's KeyStore), as a client sends it.
  std::string Key(const std::string& org_id, Scope scope, const std::string& principal = "");
  // A client context sending `key` (none when empty), with `deadline` when given.
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& key,
      std::optional<std::chrono::system_clock::time_point> deadline = std::nullopt);

 private:
  std::unique_ptr<FakeStore> store_ = FakeStore::New();
  Metrics metrics_;
  Logger log_{LogLevel::kError};
  Drain drain_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::UserService::Stub> users_stub_;
  std::unique_ptr<v1::PermissionService::Stub> permissions_stub_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_stub_;
};

// The stubs, as tests name their methods for Unary and Stream (&Directory::GetCloud).
using Directory = v1::DirectoryService::Stub;
using Users = v1::UserService::Stub;
using Permissions = v1::PermissionService::Stub;

// One unary call of `method` on `stub` with `key` (and `deadline`), its response into `*out`.
template <typename Stub, typename Request, typename Response>
grpc::Status Unary(Stub& stub,
                   grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                   const std::string& key, const Request& request,
                   std::type_identity_t<Response>* out = nullptr,
                   std::optional<std::chrono::system_clock::time_point> deadline = std::nullopt) {
  Response response;
  auto ctx = ServiceHarness::Context(key, deadline);
  const grpc::Status status = (stub.*method)(ctx.get(), request, out ? out : &response);
  return status;
}

// One server-streaming call read to its end (or `max_pages` messages, then cancelled), its
// messages into `*pages`.
template <typename Stub, typename Request, typename Page>
grpc::Status Stream(Stub& stub,
                    std::unique_ptr<grpc::ClientReader<Page>> (Stub::*method)(grpc::ClientContext*,
                                                                              const Request&),
                    const std::string& key, const Request& request,
                    std::vector<std::type_identity_t<Page>>* pages = nullptr, int max_pages = 1000,
                    std::optional<std::chrono::system_clock::time_point> deadline = std::nullopt) {
  auto ctx = ServiceHarness::Context(key, deadline);
  auto reader = (stub.*method)(ctx.get(), request);
  Page page;
  int read = 0;
  while (read < max_pages && reader->Read(&page)) {
    ++read;
    if (pages) pages->push_back(page);
  }
  if (read == max_pages) ctx->TryCancel();
  return reader->Finish();
}

// The google.rpc.BadRequest field violations of a status, as "field: description" lines.
std::vector<std::string> FieldViolations(const grpc::Status& status);

}  // namespace rolecall::testing
