#include "service/user_service.h"

#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/paging.h"
#include "core/status.h"
#include "core/user_validation.h"
#include "service/paged_stream.h"
#include "service/password_hasher.h"

namespace rolecall {

grpc::Status UserServiceImpl::AdminBatchCreateUsers(grpc::ServerContext* ctx,
                                                    const v1::AdminCreateUsers* request,
                                                    v1::AdminBatchCreateUsersResponse* response) {
  return Call(env_, "AdminBatchCreateUsers", *ctx).Run(Scope::kAdmin, *request, [&](Call& call) {
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
  return Call(env_, "ListUsers", *ctx).Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(const AccountFilter accounts,
                     ParseCollaboratorType(request->collaborator_type()));
    const UserQuery query{request->email(), request->name(), accounts};
    const std::string& org = call.caller().org_id;
    return StreamPages<v1::ListUsersPage, v1::User>(
        call, writer,
        PageScope(org, "ListUsers",
                  {query.email_contains, query.name_contains,
                   std::string(CollaboratorTypeName(accounts))}),
        {request->page_size(), request->max_items(), request->page_token()},
        [&](const std::vector<std::string>& after, int limit) {
          return env_.store.ListUsers(org, query, after, limit);
        },
        [](v1::ListUsersPage& page, v1::User&& user) { *page.add_users() = std::move(user); });
  });
}

grpc::Status UserServiceImpl::GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* request,
                                      v1::User* response) {
  return Call(env_, "GetUser", *ctx).Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
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
    ASSIGN_OR_RETURN(UserMatch match,
                     env_.store.FindUser(call.caller().org_id, *request, accounts));
    if (match.match_count == 0) {
      return absl::NotFoundError(absl::StrCat("No user found matching '", Clip(wanted), "'."));
    }
    if (match.match_count > 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          match.match_count, " users are named '", Clip(wanted), "'. Please use --email to pick one."));
    }
    *response = std::move(*match.user);
    return absl::OkStatus();
  });
}

}  // namespace rolecall
