#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "core/page_token.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stream_watchdog.h"
#include "storage/store.h"

namespace rolecall {

class PasswordHasher;
class StreamWatchdog;

// What every RPC handler shares: storage, authentication, tokens, metrics and logs.
struct ServiceEnv {
  Store& store;
  Authenticator& auth;
  Metrics& metrics;
  Logger& log;
  const PageTokenCodec& tokens;
  PasswordHasher& hasher;
  StreamWatchdog& streams;
};

// One RPC in flight: the authenticated caller and the counters the handler feeds.
class Call final {
 public:
  Call(ServiceEnv& env, const char* method, grpc::ServerContext& ctx)
      : env_(env), method_(method), ctx_(ctx) {}

  const Caller& caller() const { return caller_; }
  grpc::ServerContext& context() { return ctx_; }
  ServiceEnv& env() { return env_; }

  // Sends one message of a server stream carrying `rows` items, under the idle-stream watchdog;
  // false when the client went away (the handler should stop).
  template <typename Message>
  bool Write(grpc::ServerWriter<Message>* writer, const Message& message, int rows) {
    if (!env_.streams.Write(ctx_, writer, message)) return false;
    CountMessage(rows);
    return true;
  }

  // Authenticates (needing `scope`), runs `handler`, and records the outcome: metrics by method
  // and code, one structured log line, and the mapping to a gRPC status.
  grpc::Status Run(Scope scope, const std::function<absl::Status(Call&)>& handler);

 private:
  void CountMessage(int rows);

  ServiceEnv& env_;
  const std::string method_;
  grpc::ServerContext& ctx_;
  Caller caller_;
  int64_t rows_streamed_ = 0;
};

}  // namespace rolecall
