#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/paging.h"
#include "core/status.h"
#include "core/user_validation.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "service/handlers.h"
#include "service/paged_stream.h"
#include "service/password_hasher.h"

namespace rolecall {
namespace {

// UserService: thin adapter from the RPCs to validation (core/) and storage.
struct UserServiceImpl final : v1::UserService::Service, Handlers {
  using Handlers::Handlers;

  grpc::Status AdminBatchCreateUsers(grpc::ServerContext* ctx, const v1::AdminCreateUsers* request,
                                     v1::AdminBatchCreateUsersResponse* response) override {
    return Call(env_, "AdminBatchCreateUsers", *ctx)
        .Run(Scope::kAdmin, *request, response, [&](Call& call) {
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
          ASSIGN_OR_RETURN(auto created, env_.users.CreateUsers(call.context(), rows));
          for (auto& c : created) *response->add_created_users() = std::move(c);
          return absl::OkStatus();
        });
  }

  grpc::Status ListUsers(grpc::ServerContext* ctx, const v1::ListUsersRequest* request,
                         grpc::ServerWriter<v1::ListUsersPage>* writer) override {
    return Call(env_, "ListUsers", *ctx)
        .Run(Scope::kRead, *request, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const AccountFilter accounts,
                           ParseCollaboratorType(request->collaborator_type()));
          const UserQuery query{request->email(), request->name(), accounts};
          return StreamPages<EmailCursor>(
              call, *request, writer,
              {query.email_contains, query.name_contains,
               std::string(CollaboratorTypeName(accounts))},
              &v1::ListUsersPage::mutable_users, [&](const auto& after, int limit) {
                return env_.users.ListUsers(call.context(), query, after, limit);
              });
        });
  }

  grpc::Status GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* request,
                       v1::User* response) override {
    return Call(env_, "GetUser", *ctx)
        .Run(Scope::kRead, *request, response, [&](Call& call) -> absl::Status {
          ASSIGN_OR_RETURN(const AccountFilter accounts,
                           ParseCollaboratorType(request->collaborator_type()));
          UserKey key;
          switch (request->key_case()) {
            case v1::GetUserRequest::kUserId:
              key = {UserKey::By::kId, request->user_id()};
              break;
            case v1::GetUserRequest::kEmail:
              key = {UserKey::By::kEmail, request->email()};
              break;
            case v1::GetUserRequest::kName:
              key = {UserKey::By::kName, request->name()};
              break;
            case v1::GetUserRequest::KEY_NOT_SET:
              break;
          }
          const std::string& wanted = key.value;
          if (wanted.empty()) return absl::InvalidArgumentError("Provide --email or --name.");
          ASSIGN_OR_RETURN(UserMatch match, env_.users.FindUser(call.context(), key, accounts));
          if (match.match_count == 0) {
            return absl::NotFoundError(
                absl::StrCat("No user found matching '", Clip(wanted), "'."));
          }
          if (match.match_count > 1) {
            return absl::FailedPreconditionError(
                absl::StrCat(match.match_count, " users are named '", Clip(wanted),
                             "'. Please use --email to pick one."));
          }
          *response = std::move(*match.user);
          return absl::OkStatus();
        });
  }
};

}  // namespace

std::unique_ptr<grpc::Service> NewUserService(ServiceEnv& env) {
  return std::make_unique<UserServiceImpl>(env);
}

}  // namespace rolecall
