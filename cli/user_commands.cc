// `rolecall user batch-create|list|get|delete` (and list-permissions, in permission_commands.cc):
// the reference's user CLI.
#include <unistd.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/calls.h"
#include "cli/commands.h"
#include "cli/listing.h"
#include "cli/object_commands.h"
#include "cli/progress.h"
#include "cli/users_file.h"
#include "core/paging.h"
#include "rolecall/v1/users.grpc.pb.h"

namespace rolecall::cli {
namespace {

constexpr int kBatchModeDefaultItems = 10;

using UserStub = v1::UserService::Stub;

// The account filter flags shared by `list` and `get`.
struct AccountFlags {
  std::string collaborator_type;
  bool service_account = false;
  bool user_account = false;

  void Add(CLI::App* cmd) {
    cmd->add_option("--collaborator-type", collaborator_type,
                    "all_accounts, only_service_accounts or only_user_accounts");
    cmd->add_flag("--service-account", service_account, "Only service accounts");
    cmd->add_flag("--user-account", user_account, "Only user accounts (not service accounts)");
  }

  // The collaborator_type to send, or an error for contradictory flags.
  absl::StatusOr<std::string> Resolve() const {
    std::string value = collaborator_type;
    if (service_account + user_account + !value.empty() > 1) {
      return absl::InvalidArgumentError(
          "use only one of --collaborator-type, --service-account and --user-account");
    }
    if (service_account) value = "only_service_accounts";
    if (user_account) value = "only_user_accounts";
    auto parsed = ParseCollaboratorType(value);
    if (!parsed.ok()) return parsed.status();
    return std::string(CollaboratorTypeName(*parsed));
  }
};

// `user batch-create -f FILE`.
struct BatchCreateOptions {
  std::string file;
  bool json = false;
};

void BatchCreate(CommandEnv& env, const BatchCreateOptions& o) {
  auto request = ReadUsersFile(o.file);
  if (!request.ok()) return env.Fail(std::string(request.status().message()));
  env.status.Print("Creating users...");
  // On a terminal: the time spent waiting while the server hashes the passwords (Argon2id).
  Progress progress(env.status, std::cerr);
  int passwords = 0;
  for (const auto& u : request->create_users()) passwords += u.has_password() ? 1 : 0;
  const std::string what = passwords > 0
                               ? absl::StrCat("Creating ", request->create_users_size(), " users (",
                                              passwords, " passwords to hash)")
                               : absl::StrCat("Creating ", request->create_users_size(), " users");
  progress.Tick([&progress, what] {
    return absl::StrFormat("%s... %.1fs elapsed", what, progress.Seconds());
  });
  v1::AdminBatchCreateUsersResponse response;
  const grpc::Status status = Call(env, &UserStub::AdminBatchCreateUsers, *request, &response);
  progress.Done();
  if (!status.ok()) return env.Fail(status);
  env.status.Print(absl::StrCat(response.created_users_size(), " users created."));
  if (o.json) std::cout << Pretty(ProtoJson(response));
}

void BatchCreateFlags(CLI::App& cmd, BatchCreateOptions& o) {
  cmd.add_option("--users-file,-f", o.file, "YAML file with a create_users list")->required();
  cmd.add_flag("--json", o.json,
               "Print the created users and the write's consistency_token as JSON on stdout");
}

// `user list`: the reference's flags.
struct ListOptions {
  std::string email, name;
  AccountFlags accounts;
  std::optional<int> max_items, page_size;
  bool json = false, interactive = false;
  const CLI::Option* interactive_flag = nullptr;  // given or not
};

void ListUsersFlags(CLI::App& cmd, ListOptions& o) {
  cmd.add_option("--email", o.email, "Filter users by email.");
  cmd.add_option("--name", o.name, "Filter users by display name.");
  o.accounts.Add(&cmd);
  cmd.add_option("--max-items", o.max_items,
                 "Maximum number of users to display when running non-interactively.");
  cmd.add_option("--page-size", o.page_size, "Items per page (max 50).");
  cmd.add_flag("--json,!--no-json", o.json, "Render output as JSON instead of a table.");
  o.interactive_flag = cmd.add_flag("--interactive,!--no-interactive", o.interactive,
                                    "Enable or disable interactive pagination.");
}

std::string UsersJson(const std::vector<v1::User>& users) { return JsonArray(users, UserJson); }

// `user list` in batch mode: every user at once, with progress and a closing status line.
Listing<UserStub, v1::ListUsersRequest, v1::ListUsersPage, v1::User> UsersListing() {
  return {&UserStub::ListUsers, &v1::ListUsersPage::users,
          [](const std::vector<v1::User>& users, bool json) {
            if (json) return UsersJson(users);
            return users.empty() ? std::string() : "USERS:\n" + UsersTable(users);
          },
          "users"};
}

// `user list` in interactive mode: a page at a time, asking before the next one.
void ListInteractively(CommandEnv& env, const v1::ListUsersRequest& request, const Paging& paging,
                       bool json) {
  bool first_page = true;
  const grpc::Status status = ReadPages<UserStub, v1::ListUsersRequest, v1::ListUsersPage>(
      env, &UserStub::ListUsers, request, paging, [&](const v1::ListUsersPage& page) {
        const std::vector<v1::User> users(page.users().begin(), page.users().end());
        if (json) {
          std::cout << UsersJson(users);
        } else {
          std::cout << (first_page ? "USERS:\n" : "") << UsersTable(users);
        }
        std::cout.flush();
        first_page = false;
        if (page.next_page_token().empty()) return true;
        std::cerr << "Press Enter to continue, q to quit" << std::flush;
        std::string answer;
        return std::getline(std::cin, answer) && answer != "q" && answer != "Q";
      });
  if (!status.ok()) env.Fail(status);
}

void ListUsers(CommandEnv& env, const ListOptions& o) {
  // Interactive by default when stdout is a terminal.
  const bool interactive =
      o.interactive_flag->count() > 0 ? o.interactive : isatty(STDOUT_FILENO) == 1;
  if (o.max_items && interactive) {
    return env.Fail("--max-items only allowed with --no-interactive", 2);
  }
  if (o.page_size && (*o.page_size < 1 || *o.page_size > kMaxPageSize)) {
    return env.Fail("'page_size' must be between 1 and 50, inclusive.", 2);
  }
  if (o.max_items && *o.max_items <= 0) return env.Fail("'max_items' must be greater than 0.", 2);
  auto type = o.accounts.Resolve();
  if (!type.ok()) return env.Fail(std::string(type.status().message()), 2);
  v1::ListUsersRequest request;
  request.set_email(o.email);
  request.set_name(o.name);
  request.set_collaborator_type(*type);
  Paging paging{.page_size = o.page_size.value_or(0)};
  if (interactive) return ListInteractively(env, request, paging, o.json);
  if (!o.max_items) {
    env.status.Print("Defaulting to 10 items in batch mode; use --max-items to override.");
  }
  paging.max_items = o.max_items.value_or(kBatchModeDefaultItems);
  RunList(env, UsersListing(), request, paging, o.json);
}

// `user get --email E | --name N`.
struct GetOptions {
  std::string email, name;
  AccountFlags accounts;
  bool json = false;
};

void GetUserFlags(CLI::App& cmd, GetOptions& o) {
  cmd.add_option("--email", o.email, "Email address of the user.");
  cmd.add_option("--name", o.name, "Display name of the user.");
  o.accounts.Add(&cmd);
  cmd.add_flag("--json,!--no-json", o.json, "Output JSON instead of YAML.");
}

void GetUser(CommandEnv& env, const GetOptions& o) {
  if (o.email.empty() == o.name.empty()) return env.Fail("Provide --email or --name.", 2);
  auto type = o.accounts.Resolve();
  if (!type.ok()) return env.Fail(std::string(type.status().message()), 2);
  v1::GetUserRequest request;
  if (!o.email.empty()) request.set_email(o.email);
  if (!o.name.empty()) request.set_name(o.name);
  request.set_collaborator_type(*type);
  if (auto found = CallOrFail(env, &UserStub::GetUser, request)) {
    std::cout << (o.json ? Pretty(UserJson(*found)) : UserYaml(*found));
  }
}

}  // namespace

void AddUserCommands(CLI::App& app, Registry& registry) {
  CLI::App& user = *Registry::Group(app, "user", "Manage users.");
  registry.Add(user,
               Command<BatchCreateOptions>{
                   "batch-create", "Batch create, as an admin, users without email verification.",
                   BatchCreateFlags, BatchCreate});
  registry.Add(user, Command<ListOptions>{"list", "List users within your organization.",
                                          ListUsersFlags, ListUsers});
  registry.Add(user,
               Command<GetOptions>{"get", "Get details for a single user in your organization.",
                                   GetUserFlags, GetUser});
  registry.Add(user, DeleteCommand<v1::DeleteUserRequest>(
                         {.description = "Delete a user with its memberships and grants.",
                          .target = {"USER_ID", "User id (usr_…)"},
                          .rpc = &DirectoryStub::DeleteUser,
                          .set_id = [](auto& r, const std::string& id) { r.set_user_id(id); },
                          .done = "deleted user"}));
  AddListPermissions(user, registry);
}

}  // namespace rolecall::cli
