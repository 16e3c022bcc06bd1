#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/consistency.h"
#include "rolecall/v1/changes.grpc.pb.h"
#include "service/handlers.h"
#include "service/paged_stream.h"

namespace rolecall {
namespace {

constexpr const char* kObjectTypes[] = {"organization", "user",    "user_group", "membership",
                                        "cloud",        "project", "grant",      "api_key"};

// A request time as microseconds; INVALID_ARGUMENT naming `field` when it is out of range.
absl::StatusOr<int64_t> MicrosOf(const google::protobuf::Timestamp& t, const char* field) {
  // 0001-01-01 .. 9999-12-31, as google.protobuf.Timestamp allows.
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return InvalidFields({{field, "not a valid time"}});
  }
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// The storage query of a ListChanges request, checked.
absl::StatusOr<ChangeQuery> QueryOf(const v1::ListChangesRequest& r) {
  ChangeQuery q;
  if (r.has_since()) {
    ASSIGN_OR_RETURN(q.since_micros, MicrosOf(r.since(), "since"));
  }
  if (r.has_until()) {
    ASSIGN_OR_RETURN(q.until_micros, MicrosOf(r.until(), "until"));
  }
  if (q.until_micros <= q.since_micros) {
    return InvalidFields({{"until", "until must be after since"}});
  }
  if (!r.object_type().empty() && std::find(std::begin(kObjectTypes), std::end(kObjectTypes),
                                            r.object_type()) == std::end(kObjectTypes)) {
    return InvalidFields({{"object_type",
                           "object_type must be one of organization, user, user_group, "
                           "membership, cloud, project, grant, api_key"}});
  }
  q.actor = r.actor();
  q.object_id = r.object_id();
  q.operation = r.operation();
  q.object_type = r.object_type();
  return q;
}

// The object types of a WatchChanges request, checked: known, at most each once.
absl::StatusOr<std::vector<std::string>> WatchedTypes(const v1::WatchChangesRequest& r) {
  std::vector<std::string> types;
  for (const std::string& t : r.object_types()) {
    if (std::find(std::begin(kObjectTypes), std::end(kObjectTypes), t) == std::end(kObjectTypes)) {
      return InvalidFields({{"object_types",
                             "each object type must be one of organization, user, user_group, "
                             "membership, cloud, project, grant, api_key"}});
    }
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  return types;
}

// Changes a watch reads from storage at a time (one message).
constexpr int kWatchBatch = 256;

// ChangeService: the change log, for people (ListChanges) and for services that follow it
// (WatchChanges).
struct ChangeServiceImpl final : v1::ChangeService::Service, Handlers {
  ChangeServiceImpl(ServiceEnv& env, const WatchOptions& watch) : Handlers(env), watch_(watch) {}

  const WatchOptions watch_;
  std::atomic<int> watching_{0};

  grpc::Status ListChanges(grpc::ServerContext* ctx, const v1::ListChangesRequest* request,
                           grpc::ServerWriter<v1::ListChangesPage>* writer) override {
    return Call(env_, "ListChanges", *ctx)
        .Run(Scope::kAdmin, *request, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const ChangeQuery query, QueryOf(*request));
          const std::string& org = call.caller().org_id;
          return StreamPages<ChangeCursor>(
              call, *request, writer,
              {absl::StrCat(query.since_micros), absl::StrCat(query.until_micros), query.actor,
               query.object_id, query.operation, query.object_type},
              &v1::ListChangesPage::mutable_changes,
              [&](const auto& after, int limit) -> absl::StatusOr<Page<v1::Change, ChangeCursor>> {
                ASSIGN_OR_RETURN(auto page,
                                 env_.changes.ListChanges(call.context(), query, after, limit));
                for (v1::Change& c : page.items) {
                  c.set_consistency_token(
                      EncodeChangeToken(env_.tokens, org, {c.revision(), c.seq()}));
                }
                return page;
              });
        });
  }

  grpc::Status WatchChanges(grpc::ServerContext* ctx, const v1::WatchChangesRequest* request,
                            grpc::ServerWriter<v1::WatchChangesResponse>* writer) override {
    return Call(env_, "WatchChanges", *ctx)
        .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const std::vector<std::string> types, WatchedTypes(*request));
          std::optional<ChangeCursor> after;
          if (!request->after_token().empty()) {
            ASSIGN_OR_RETURN(after, DecodeChangeToken(env_.tokens, call.caller().org_id,
                                                      request->after_token(), "after_token"));
          }
          // Holds one of --max-watch-streams while the watch runs (an exception included).
          const std::unique_ptr<std::atomic<int>, void (*)(std::atomic<int>*)> slot(
              &watching_, [](std::atomic<int>* n) { n->fetch_sub(1); });
          if (slot->fetch_add(1) >= watch_.max_streams) {
            return absl::ResourceExhaustedError(
                absl::StrCat("this server already serves ", watch_.max_streams,
                             " watches (--max-watch-streams); retry later or on another replica"));
          }
          return Watch(call, *ctx, after, types, writer);
        });
  }

  // Sends the changes after `after` (none: from now) as they commit, until the client leaves or
  // the server drains.
  absl::Status Watch(Call& call, grpc::ServerContext& ctx, std::optional<ChangeCursor> after,
                     const std::vector<std::string>& types,
                     grpc::ServerWriter<v1::WatchChangesResponse>* writer) {
    const std::string& org = call.caller().org_id;
    const auto stop = [&] { return ctx.IsCancelled() || env_.drain.Draining(); };
    const auto send = [&](v1::WatchChangesResponse& message, const ChangeCursor& through) {
      message.set_checkpoint(message.changes().empty());
      message.set_consistency_token(EncodeChangeToken(env_.tokens, org, through));
      return call.Write(writer, message, message.changes_size());
    };
    const RequestContext context = call.context();
    auto checkpoint_at = std::chrono::steady_clock::now() + watch_.checkpoint;
    for (;;) {
      if (stop()) break;
      const auto read_from = std::chrono::steady_clock::now();
      ASSIGN_OR_RETURN(ChangeBatch batch,
                       env_.changes.ChangesAfter(context, after, types, kWatchBatch));
      v1::WatchChangesResponse message;
      for (v1::Change& c : batch.changes) {
        c.set_consistency_token(EncodeChangeToken(env_.tokens, org, {c.revision(), c.seq()}));
        *message.add_changes() = std::move(c);
      }
      const bool announce = !after;  // a watch from now first says where "now" is
      after = batch.through;
      if (!message.changes().empty() || announce ||
          std::chrono::steady_clock::now() >= checkpoint_at) {
        if (!send(message, *after)) return absl::CancelledError("the client went away");
        checkpoint_at = std::chrono::steady_clock::now() + watch_.checkpoint;
        if (!message.changes().empty()) continue;  // more may follow at once
      }
      env_.changes.AwaitChange(context, after->revision, read_from, checkpoint_at, stop);
    }
    if (ctx.IsCancelled()) return absl::CancelledError("the client went away");
    return absl::UnavailableError(
        "the server is shutting down: reconnect and resume with the last consistency_token "
        "received");
  }
};

}  // namespace

std::unique_ptr<grpc::Service> NewChangeService(ServiceEnv& env, const WatchOptions& watch) {
  return std::make_unique<ChangeServiceImpl>(env, watch);
}

}  // namespace rolecall
