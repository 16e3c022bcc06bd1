#pragma once

// The rolecall services on one store, with what their handlers share (authentication,
// page tokens, the password hasher, the stream watchdog): assembled once, here, for the server
// on PostgreSQL (service/server.cc) and for the unit tests on the fake store.
#include <grpcpp/server_builder.h>

#include <chrono>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "core/page_token.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/password_hasher.h"
#include "service/rpc.h"
#include "service/stream_watchdog.h"
#include "storage/store.h"

namespace rolecall {

struct ServicesOptions {
  int auth_failures_per_minute = 0;  // per peer; 0: no limit
  int hash_threads = 1;
  std::chrono::milliseconds stream_idle_limit{30000};
  std::chrono::milliseconds watch_checkpoint{5000};
  int max_watch_streams = 64;
};

class Services final {
 public:
  // Reads the page-token key from `store` (so an unreachable or unmigrated database fails here).
  // `store`, `metrics`, `log` and `drain` must outlive the services.
  static absl::StatusOr<std::unique_ptr<Services>> Create(Store& store, Metrics& metrics,
                                                          Logger& log, Drain& drain,
                                                          const ServicesOptions& options);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Adds the services to `builder`; they must outlive the server it builds.
  void Register(grpc::ServerBuilder& builder);

  const PageTokenCodec& tokens() const { return *tokens_; }

 private:
  Services() = default;

  std::unique_ptr<PageTokenCodec> tokens_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<StreamWatchdog> streams_;
  std::unique_ptr<ServiceEnv> env_;
  std::vector<std::unique_ptr<grpc::Service>> services_;  // users, permissions, directory, changes
};

}  // namespace rolecall
