#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "core/page_token.h"
#include "service/auth.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/stream_watchdog.h"
#include "storage/change_store.h"
#include "storage/directory_store.h"
#include "storage/key_store.h"
#include "storage/permission_store.h"
#include "storage/user_store.h"

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
  // True once refusing: long-lived calls (watches) should end.
  bool Draining();
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
  KeyStore& keys;
  UserStore& users;
  DirectoryStore& directory;
  PermissionStore& permissions;
  ChangeStore& changes;
  Authenticator& auth;
  Metrics& metrics;
  Logger& log;
  const PageTokenCodec& tokens;
  PasswordHasher& hasher;
  StreamWatchdog& streams;
  Drain& drain;
};

// What a service's handlers hold: the environment they answer from. A service class derives from
// its generated gRPC base and from this, and inherits this constructor.
class Handlers {
 public:
  explicit Handlers(ServiceEnv& env) : env_(env) {}

 protected:
  ServiceEnv& env_;
};

// One RPC in flight: the authenticated caller and the counters the handler feeds.
class Call final {
 public:
  Call(ServiceEnv& env, const char* method, grpc::ServerContextBase& ctx);

  const Caller& caller() const { return caller_; }
  ServiceEnv& env() { return env_; }
  const std::string& method() const { return method_; }
  // The request's id: the client's x-request-id, or one made for the call (sent back in the
  // response's initial metadata, logged, and kept with every change the call makes).
  const std::string& request_id() const { return request_id_; }
  // What storage is told of this call: the caller's organization, the call's deadline, who acts
  // (for the change log) and where storage reports the revision it wrote or read at.
  RequestContext context();
  // The consistency token of the newest revision storage reported to this call; empty if none.
  std::string ConsistencyToken() const;
  // Sets `response`'s field `consistency_token`, if it has one, to ConsistencyToken().
  void StampConsistencyToken(google::protobuf::Message* response) const;

  // Sends one message of a server stream carrying `rows` items, under the idle-stream watchdog;
  // false when the client went away (the handler should stop).
  template <typename Message>
  bool Write(grpc::ServerWriter<Message>* writer, const Message& message, int rows) {
    if (!env_.streams.Write(ctx_, writer, message, &stalled_)) return false;
    CountMessage(rows);
    return true;
  }

  // Begins (needing `scope`, checking `request`), runs `handler`, and Ends. An exception from the
  // handler ends the call with INTERNAL. A unary call passes its `response`: when the handler
  // succeeds, its field `consistency_token` (if it has one) gets ConsistencyToken().
  grpc::Status Run(Scope scope, const google::protobuf::Message& request,
                   google::protobuf::Message* response,
                   const std::function<absl::Status(Call&)>& handler);
  grpc::Status Run(Scope scope, const google::protobuf::Message& request,
                   const std::function<absl::Status(Call&)>& handler) {
    return Run(scope, request, nullptr, handler);
  }

  // Run in two halves, for handlers that answer later on another thread. Begin authenticates
  // (needing `scope`) and checks every string field of `request` (ValidateRequestStrings); a
  // call that began must End, which records the outcome (metrics by method and code, one
  // structured log line) and maps it to a gRPC status.
  absl::Status Begin(Scope scope, const google::protobuf::Message& request);
  grpc::Status End(const absl::Status& status);

 private:
  void CountMessage(int rows);
  // Reads the request's `consistency` (if it has one) into freshness_; INVALID_ARGUMENT for a
  // token that is not this organization's.
  absl::Status ReadFreshness(const google::protobuf::Message& request);

  ServiceEnv& env_;
  const std::string method_;
  grpc::ServerContextBase& ctx_;
  const std::chrono::steady_clock::time_point start_;
  Caller caller_;
  std::string request_id_;
  RevisionSink revisions_;
  Freshness freshness_;
  prometheus::Gauge* in_flight_ = nullptr;  // this method's gauge, counting the call from Begin
  bool entered_ = false;                    // counted by env_.drain
  int64_t rows_streamed_ = 0;
  std::chrono::steady_clock::duration stalled_{};  // writes blocked on the client, in total
};

}  // namespace rolecall
