#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
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

// The RPCs in flight, for a graceful shutdown: once draining, new calls are refused and the
// server waits for the rest while its connections stay open (closing a connection whose client
// has not yet read a finished stream's last messages would reset it and lose them).
class Drain final {
 public:
  // False once draining: the call must be refused. Otherwise the caller must Exit() when done.
  bool Enter();
  void Exit();
  // Refuses new calls from now on.
  void Refuse();
  // Returns when no call is in flight, or at `deadline`.
  void Wait(std::chrono::system_clock::time_point deadline);

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;      // guarded by mu_
  bool draining_ = false;  // guarded by mu_
};

// What every RPC handler shares: storage, authentication, tokens, metrics and logs.
struct ServiceEnv {
  Store& store;
  Authenticator& auth;
  Metrics& metrics;
  Logger& log;
  const PageTokenCodec& tokens;
  PasswordHasher& hasher;
  StreamWatchdog& streams;
  Drain& drain;
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
