#include "service/user_service.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/paging.h"
#include "core/status.h"
#include "core/user_validation.h"
#include "service/password_hasher.h"

namespace rolecall {

grpc::Status UserServiceImpl::AdminBatchCreateUsers(grpc::ServerContext* ctx,
                                                    const v1::AdminCreateUsers* request,
                                                    v1::AdminBatchCreateUsersResponse* response) {
  return Call(env_, "AdminBatchCreateUsers", *ctx).Run(Scope::kAdmin, [&](Call& call) {
    RETURN_IF_ERROR(InvalidFields(ValidateNewUsers(*request)));
    std::vector<std::string> passwords;
    passwords.reserve(request->create_users_size());
    for (const auto& u : request->create_users()) passwords.push_back(u.password());
    ASSIGN_OR_RETURN(auto hashes, env_.hasher.HashAll(passwords));
    std::vector<NewUserRow> rows;
    rows.reserve(request->create_users_size());
    for (int i = 0; i < request->create_users_size(); ++i) {
      NewUserRow row{NewId("usr_"), request->create_users(i), std::move(hashes[i])};
      row.user.clear_password();
      rows.push_back(std::move(row));
    }
    ASSIGN_OR_RETURN(auto created, env_.store.CreateUsers(call.caller().org_id, rows));
    for (auto& c : created) *response->add_created_users() = std::move(c);
    return absl::OkStatus();
  });
}

grpc::Status UserServiceImpl::ListUsers(grpc::ServerContext* ctx,
                                        const v1::ListUsersRequest* request,
                                        grpc::ServerWriter<v1::ListUsersPage>* writer) {
  return Call(env_, "ListUsers", *ctx).Run(Scope::kRead, [&](Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(const int page_size, EffectivePageSize(request->page_size()));
    RETURN_IF_ERROR(CheckMaxItems(request->max_items()));
    ASSIGN_OR_RETURN(const AccountFilter accounts,
                     ParseCollaboratorType(request->collaborator_type()));
    const UserQuery query{request->email(), request->name(), accounts};
    const std::string scope =
        PageScope(call.caller().org_id, "ListUsers",
                  {query.email_contains, query.name_contains,
                   std::string(CollaboratorTypeName(accounts))});
    std::string after;
    if (!request->page_token().empty()) {
      ASSIGN_OR_RETURN(auto cursor, env_.tokens.Decode(scope, request->page_token()));
      if (cursor.size() != 1) return absl::InvalidArgumentError("page_token is invalid");
      after = cursor[0];
    }
    int64_t remaining = request->max_items() > 0 ? request->max_items()
                                                 : std::numeric_limits<int64_t>::max();
    while (true) {
      if (ClientGone(*ctx)) return absl::CancelledError("the client cancelled the stream");
      const int limit = static_cast<int>(std::min<int64_t>(page_size, remaining));
      ASSIGN_OR_RETURN(UserPage page,
                       env_.store.ListUsers(call.caller().org_id, query, after, limit));
      remaining -= static_cast<int64_t>(page.users.size());
      v1::ListUsersPage out;
      for (auto& u : page.users) *out.add_users() = std::move(u);
      if (page.more) out.set_next_page_token(env_.tokens.Encode(scope, {page.last_key}));
      if (!writer->Write(out)) return absl::CancelledError("the client went away");
      call.CountMessage(out.users_size());
      if (!page.more || remaining <= 0) return absl::OkStatus();
      after = page.last_key;
    }
  });
}

grpc::Status UserServiceImpl::GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* request,
                                      v1::User* response) {
  return Call(env_, "GetUser", *ctx).Run(Scope::kRead, [&](Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(const AccountFilter accounts,
                     ParseCollaboratorType(request->collaborator_type()));
    std::string wanted;
    switch (request->key_case()) {
      case v1::GetUserRequest::kUserId:
        wanted = request->user_id();
        break;
      case v1::GetUserRequest::kEmail:
        wanted = request->email();
        break;
      case v1::GetUserRequest::kName:
        wanted = request->name();
        break;
      case v1::GetUserRequest::KEY_NOT_SET:
        break;
    }
    if (wanted.empty()) return absl::InvalidArgumentError("Provide --email or --name.");
    ASSIGN_OR_RETURN(UserMatch match, env_.store.FindUser(call.caller().org_id, *request, accounts));
    if (match.match_count == 0) {
      return absl::NotFoundError(absl::StrCat("No user found matching '", wanted, "'."));
    }
    if (match.match_count > 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          match.match_count, " users are named '", wanted,
          "'. Please use --email to pick one."));
    }
    *response = std::move(*match.user);
    return absl::OkStatus();
  });
}

}  // namespace rolecall
