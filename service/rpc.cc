#include "service/rpc.h"

#include "absl/strings/ascii.h"
#include "core/consistency.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/request_validation.h"
#include "core/status.h"
#include "rolecall/v1/common.pb.h"
#include "service/grpc_status.h"

namespace rolecall {
namespace {

constexpr size_t kMaxLoggedError = 1024;
constexpr size_t kMaxRequestId = 128;

// The client's x-request-id (1-128 of [A-Za-z0-9._:-], so it is safe in logs and the change log),
// or a new one when it sent none.
absl::StatusOr<std::string> RequestIdOf(const grpc::ServerContextBase& ctx) {
  const auto& metadata = ctx.client_metadata();
  const auto found = metadata.find("x-request-id");
  if (found == metadata.end()) return NewId("req_");
  const std::string_view id(found->second.data(), found->second.size());
  bool ok = !id.empty() && id.size() <= kMaxRequestId;
  for (char c : id)
    ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-');
  if (!ok) {
    return absl::InvalidArgumentError(
        "x-request-id must be 1-128 characters of letters, digits and . _ : -");
  }
  return std::string(id);
}

}  // namespace

void Call::CountMessage(int rows) {
  rows_streamed_ += rows;
  env_.metrics.RecordStreamMessage(method_);
}

bool Drain::Enter() {
  std::lock_guard<std::mutex> lock(mu_);
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void Drain::Exit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void Drain::Refuse() {
  std::lock_guard<std::mutex> lock(mu_);
  draining_ = true;
}

bool Drain::Draining() {
  std::lock_guard<std::mutex> lock(mu_);
  return draining_;
}

void Drain::Wait(std::chrono::system_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait_until(lock, deadline, [&] { return in_flight_ == 0; });
}

Call::Call(ServiceEnv& env, const char* method, grpc::ServerContextBase& ctx)
    : env_(env), method_(method), ctx_(ctx), start_(std::chrono::steady_clock::now()) {}

RequestContext Call::context() {
  RequestContext ctx = RequestContext::Org(caller_.org_id, DeadlineOf(ctx_));
  ctx.actor = Actor{caller_.key_id, caller_.principal_user_id};
  ctx.request_id = request_id_;
  ctx.operation = method_;
  ctx.revisions = &revisions_;
  ctx.freshness = freshness_;
  return ctx;
}

std::string Call::ConsistencyToken() const {
  const int64_t revision = revisions_.revision();
  return revision < 0 ? std::string()
                      : EncodeConsistencyToken(env_.tokens, caller_.org_id, revision);
}

void Call::StampConsistencyToken(google::protobuf::Message* response) const {
  const auto* field = response->GetDescriptor()->FindFieldByName("consistency_token");
  if (field != nullptr) response->GetReflection()->SetString(response, field, ConsistencyToken());
}

absl::Status Call::Begin(Scope scope, const google::protobuf::Message& request) {
  in_flight_ = &env_.metrics.InFlight(method_);
  in_flight_->Increment();
  ASSIGN_OR_RETURN(request_id_, RequestIdOf(ctx_));
  ctx_.AddInitialMetadata("x-request-id", request_id_);
  entered_ = env_.drain.Enter();
  if (!entered_) {
    return absl::UnavailableError(
        "the server is shutting down; retry (another replica will answer)");
  }
  absl::StatusOr<Caller> caller = env_.auth.Authenticate(ctx_);
  if (!caller.ok()) return caller.status();
  caller_ = *std::move(caller);
  RETURN_IF_ERROR(Authenticator::Authorize(caller_, scope));
  RETURN_IF_ERROR(InvalidFields(ValidateRequestStrings(request)));
  return ReadFreshness(request);
}

absl::Status Call::ReadFreshness(const google::protobuf::Message& request) {
  const auto* field = request.GetDescriptor()->FindFieldByName("consistency");
  if (field == nullptr || !request.GetReflection()->HasField(request, field))
    return absl::OkStatus();
  const auto* consistency = google::protobuf::DynamicCastToGenerated<v1::Consistency>(
      &request.GetReflection()->GetMessage(request, field));
  if (consistency == nullptr) return absl::InternalError("consistency is not a v1.Consistency");
  switch (consistency->requirement_case()) {
    case v1::Consistency::kAtLeastAsFresh: {
      auto revision = DecodeConsistencyToken(env_.tokens, caller_.org_id,
                                             consistency->at_least_as_fresh(), "the token");
      if (!revision.ok()) {
        return InvalidFields(
            {{"consistency.at_least_as_fresh", std::string(revision.status().message())}});
      }
      freshness_ = Freshness{Freshness::Mode::kAtLeastAsFresh, *revision};
      break;
    }
    case v1::Consistency::kFullyConsistent:
      freshness_.mode = Freshness::Mode::kFullyConsistent;
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

grpc::Status Call::Run(Scope scope, const google::protobuf::Message& request,
                       google::protobuf::Message* response,
                       const std::function<absl::Status(Call&)>& handler) {
  absl::Status status = Begin(scope, request);
  if (status.ok()) {
    try {
      status = handler(*this);
    } catch (const std::exception& e) {
      status = absl::InternalError("internal error");
      env_.log.Log(LogLevel::kError, "handler threw",
                   {{"method", method_}, {"error", Clip(e.what())}});
    }
  }
  if (status.ok() && response != nullptr) StampConsistencyToken(response);
  return End(status);
}

grpc::Status Call::End(const absl::Status& status) {
  if (entered_) env_.drain.Exit();
  const grpc::Status result = ToGrpcStatus(status);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string code(GrpcCodeName(result.error_code()));
  in_flight_->Decrement();
  env_.metrics.RecordRpc(method_, code, seconds);
  const bool server_fault = result.error_code() == grpc::StatusCode::INTERNAL ||
                            result.error_code() == grpc::StatusCode::UNAVAILABLE ||
                            result.error_code() == grpc::StatusCode::UNKNOWN;
  const LogLevel level = server_fault ? LogLevel::kWarn : LogLevel::kInfo;
  if (env_.log.Enabled(level)) {
    nlohmann::json fields = {{"method", method_},
                             {"code", code},
                             {"duration_ms", seconds * 1000.0},
                             {"org", caller_.org_id},
                             {"key_id", caller_.key_id},
                             {"request_id", request_id_},
                             {"peer", Clip(ctx_.peer())}};
    if (rows_streamed_ > 0) fields["rows"] = rows_streamed_;
    // Messages quote client values only clipped (core/input.h), but bound the line anyway.
    if (!status.ok()) fields["error"] = std::string(status.message().substr(0, kMaxLoggedError));
    if (const std::string detail = ErrorDetail(status); !detail.empty()) fields["detail"] = detail;
    env_.log.Log(level, "rpc", std::move(fields));
  }
  return result;
}

}  // namespace rolecall
