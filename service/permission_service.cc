#include <limits>

#include "absl/strings/str_cat.h"
#include "core/input.h"
#include "core/paging.h"
#include "core/status.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "service/handlers.h"
#include "service/refs.h"

namespace rolecall {
namespace {

// What a CheckPermission request asks.
struct CheckQuestion {
  RoleQuestion question;
  Role min_role;
};

// The most checks one BulkCheckPermission answers.
constexpr int kMaxBulkChecks = 1000;

// A CheckPermissionRequest or a BulkCheckItem, checked.
template <typename Check>
absl::StatusOr<CheckQuestion> ParseCheck(const Check& request, const std::string& org_id) {
  RETURN_IF_ERROR(RequireId(request.user_id(), "user_id"));
  ASSIGN_OR_RETURN(ResourceKey resource, ResourceFrom(request.resource(), org_id, "resource"));
  auto min_role = ParseRole(request.min_role(), resource.kind);
  if (!min_role.ok()) {
    return InvalidFields({{"min_role", std::string(min_role.status().message())}});
  }
  return CheckQuestion{{request.user_id(), std::move(resource)}, *min_role};
}

// PermissionService: listings, checks and explanations of effective roles. Resolution runs in
// PostgreSQL (storage/pg_permissions.cc); this adapter validates, pages and authorizes.
// CheckPermission, the hot path, is served on gRPC's callback API; the rest on the sync API.
struct PermissionServiceImpl final
    : v1::PermissionService::WithCallbackMethod_CheckPermission<v1::PermissionService::Service>,
      Handlers {
  using Handlers::Handlers;

  grpc::Status ListUserPermissions(
      grpc::ServerContext* ctx, const v1::ListUserPermissionsRequest* request,
      grpc::ServerWriter<v1::ListUserPermissionsPage>* writer) override {
    return Call(env_, "ListUserPermissions", *ctx)
        .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
          const Caller& caller = call.caller();
          // Org-wide listings need admin; anyone may list their own permissions.
          const bool own =
              !request->user_id().empty() && request->user_id() == caller.principal_user_id;
          if (!own) RETURN_IF_ERROR(env_.auth.Authorize(caller, Scope::kAdmin));
          ASSIGN_OR_RETURN(const int page_size, EffectivePageSize(request->page_size()));
          RETURN_IF_ERROR(CheckMaxItems(request->max_items()));
          const std::string scope = PageScope(caller.org_id, call.method(), {request->user_id()});
          ASSIGN_OR_RETURN(const std::optional<EmailCursor> after,
                           env_.tokens.DecodeCursor<EmailCursor>(scope, request->page_token()));
          const int64_t max_items =
              request->max_items() > 0 ? request->max_items() : std::numeric_limits<int64_t>::max();

          v1::ListUserPermissionsPage page;
          page.set_organization_id(caller.org_id);
          if (request->page_token().empty()) {
            ASSIGN_OR_RETURN(auto owners, env_.permissions.OrgOwners(call.context()));
            for (auto& o : owners) *page.add_org_owners() = std::move(o);
          }
          int64_t sent = 0;
          EmailCursor last;
          absl::Status write_status;
          const auto send = [&](const std::string& next_token) {
            page.set_next_page_token(next_token);
            call.StampConsistencyToken(&page);
            if (!call.Write(writer, page, page.users_size())) {
              write_status = absl::CancelledError("the client went away");
              return false;
            }
            page.Clear();
            page.set_organization_id(caller.org_id);
            return true;
          };
          // A full page is sent only when the next user arrives, so its token is empty exactly when
          // nothing follows. Users are filled in place: the page's cleared messages are reused.
          RETURN_IF_ERROR(env_.permissions.StreamUserPermissions(
              call.context(), request->user_id(), after,
              [&](const EmailCursor& user) -> v1::UserPermissions* {
                if (sent == max_items || page.users_size() == page_size) {
                  if (!send(env_.tokens.EncodeCursor(scope, last))) return nullptr;
                  if (sent == max_items) return nullptr;
                }
                last = user;
                ++sent;
                return page.add_users();
              }));
          RETURN_IF_ERROR(write_status);
          if (page.users_size() > 0 || page.org_owners_size() > 0 || sent == 0) send("");
          return write_status;
        });
  }

  grpc::ServerUnaryReactor* CheckPermission(grpc::CallbackServerContext* ctx,
                                            const v1::CheckPermissionRequest* request,
                                            v1::CheckPermissionResponse* response) override {
    // The hot path, on gRPC's callback API: no thread of a pool is woken to serve it. The store
    // answers at once on this thread when the database is idle, or later from the check batcher's
    // thread that answered a batch; the context, request and response live until Finish.
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    auto call = std::make_unique<Call>(env_, "CheckPermission", *ctx);
    Call* const started = call.get();
    // Like Call::Run, an exception ends the call with INTERNAL; after EffectiveRole took the answer
    // callback, the callback owns the call and finishes it.
    bool handed_over = false;
    try {
      const absl::Status began = call->Begin(Scope::kCheck, *request);
      auto question = began.ok() ? ParseCheck(*request, call->caller().org_id)
                                 : absl::StatusOr<CheckQuestion>(began);
      if (!question.ok()) {
        reactor->Finish(call->End(question.status()));
        return reactor;
      }
      const RequestContext context = call->context();
      auto answer = [call = std::move(call), reactor, response,
                     min_role = question->min_role](absl::StatusOr<Role> role) {
        if (role.ok()) {
          response->set_allowed(Allows(*role, min_role));
          response->set_effective_role(std::string(RoleName(*role)));
          call->StampConsistencyToken(response);
        }
        reactor->Finish(call->End(role.status()));
      };
      handed_over = true;
      env_.permissions.CheckRole(context, question->question, std::move(answer));
    } catch (const std::exception& e) {
      env_.log.Log(LogLevel::kError, "handler threw",
                   {{"method", "CheckPermission"}, {"error", Clip(e.what())}});
      if (!handed_over) reactor->Finish(started->End(absl::InternalError("internal error")));
    }
    return reactor;
  }

  grpc::Status BulkCheckPermission(grpc::ServerContext* ctx,
                                   const v1::BulkCheckPermissionRequest* request,
                                   v1::BulkCheckPermissionResponse* response) override {
    return Call(env_, "BulkCheckPermission", *ctx)
        .Run(Scope::kCheck, *request, response, [&](Call& call) -> absl::Status {
          if (request->items_size() < 1 || request->items_size() > kMaxBulkChecks) {
            return InvalidFields({{"items", absl::StrCat("give 1 to ", kMaxBulkChecks,
                                                         " checks, not ", request->items_size())}});
          }
          // Items that parse are asked together; the others fail on their own.
          std::vector<RoleQuestion> questions;
          std::vector<std::pair<int, Role>> asked;  // item index, min_role
          for (int i = 0; i < request->items_size(); ++i) {
            v1::BulkCheckResult* result = response->add_results();
            auto check = ParseCheck(request->items(i), call.caller().org_id);
            if (!check.ok()) {
              SetError(result, check.status());
              continue;
            }
            questions.push_back(std::move(check->question));
            asked.emplace_back(i, check->min_role);
          }
          if (questions.empty()) return absl::OkStatus();
          ASSIGN_OR_RETURN(const auto roles,
                           env_.permissions.CheckRoles(call.context(), questions));
          for (size_t k = 0; k < asked.size(); ++k) {
            // A store behind the consistency token fails the call, not each item.
            if (absl::IsUnavailable(roles[k].status())) return roles[k].status();
            v1::BulkCheckResult* result = response->mutable_results(asked[k].first);
            if (!roles[k].ok()) {
              SetError(result, roles[k].status());
              continue;
            }
            result->set_allowed(Allows(*roles[k], asked[k].second));
            result->set_effective_role(std::string(RoleName(*roles[k])));
          }
          return absl::OkStatus();
        });
  }

  static void SetError(v1::BulkCheckResult* result, const absl::Status& status) {
    result->set_error_code(absl::StatusCodeToString(status.code()));
    result->set_error_message(std::string(status.message()));
  }

  grpc::Status ExplainPermission(grpc::ServerContext* ctx,
                                 const v1::ExplainPermissionRequest* request,
                                 v1::ExplainPermissionResponse* response) override {
    return Call(env_, "ExplainPermission", *ctx)
        .Run(Scope::kRead, *request, response, [&](Call& call) -> absl::Status {
          RETURN_IF_ERROR(RequireId(request->user_id(), "user_id"));
          const std::string& org = call.caller().org_id;
          ASSIGN_OR_RETURN(const ResourceKey resource,
                           ResourceFrom(request->resource(), org, "resource"));
          const RoleQuestion question{request->user_id(), resource};
          ASSIGN_OR_RETURN(const Role role,
                           env_.permissions.EffectiveRole(call.context(), question));
          ASSIGN_OR_RETURN(auto contributions,
                           env_.permissions.Contributions(call.context(), question));
          response->set_effective_role(std::string(RoleName(role)));
          for (auto& c : contributions) *response->add_contributions() = std::move(c);
          return absl::OkStatus();
        });
  }
};

}  // namespace

std::unique_ptr<grpc::Service> NewPermissionService(ServiceEnv& env) {
  return std::make_unique<PermissionServiceImpl>(env);
}

}  // namespace rolecall
