#include <limits>

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

// ChangeService: the change log, for people (ListChanges).
struct ChangeServiceImpl final : v1::ChangeService::Service, Handlers {
  using Handlers::Handlers;

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
                  c.set_consistency_token(EncodeConsistencyToken(env_.tokens, org, c.revision()));
                }
                return page;
              });
        });
  }
};

}  // namespace

std::unique_ptr<grpc::Service> NewChangeService(ServiceEnv& env) {
  return std::make_unique<ChangeServiceImpl>(env);
}

}  // namespace rolecall
