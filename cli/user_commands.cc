#include <unistd.h>

#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/users_file.h"
#include "core/paging.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"

namespace rolecall::cli {
namespace {

constexpr int kBatchModeDefaultItems = 10;

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

void AddBatchCreate(CLI::App& user, CommandEnv& env) {
  auto* cmd = user.add_subcommand("batch-create",
                                  "Batch create, as an admin, users without email verification.");
  static std::string file;
  cmd->add_option("--users-file,-f", file, "YAML file with a create_users list")->required();
  cmd->callback([&env] {
    auto request = ReadUsersFile(file);
    if (!request.ok()) return env.Fail(std::string(request.status().message()));
    env.status.Print("Creating users...");
    auto stub = v1::UserService::NewStub(Connect(env.connection));
    auto ctx = NewContext(env.connection);
    v1::AdminBatchCreateUsersResponse response;
    // On a terminal: the time spent waiting while the server hashes the passwords (Argon2id).
    Progress progress(env.status, std::cerr);
    int passwords = 0;
    for (const auto& u : request->create_users()) passwords += u.has_password() ? 1 : 0;
    const std::string what =
        passwords > 0 ? absl::StrCat("Creating ", request->create_users_size(), " users (",
                                     passwords, " passwords to hash)")
                      : absl::StrCat("Creating ", request->create_users_size(), " users");
    progress.Tick([&progress, what] {
      return absl::StrFormat("%s... %.1fs elapsed", what, progress.Seconds());
    });
    const grpc::Status status = stub->AdminBatchCreateUsers(ctx.get(), *request, &response);
    progress.Done();
    if (!status.ok()) return env.Fail(status);
    env.status.Print(absl::StrCat(response.created_users_size(), " users created."));
  });
}

void AddList(CLI::App& user, CommandEnv& env) {
  auto* cmd = user.add_subcommand("list", "List users within your organization.");
  static v1::ListUsersRequest request;
  static std::string email, name;
  static AccountFlags accounts;
  static std::optional<int> max_items, page_size;
  static bool json = false, interactive = false;
  cmd->add_option("--email", email, "Filter users by email.");
  cmd->add_option("--name", name, "Filter users by display name.");
  accounts.Add(cmd);
  cmd->add_option("--max-items", max_items,
                  "Maximum number of users to display when running non-interactively.");
  cmd->add_option("--page-size", page_size, "Items per page (max 50).");
  cmd->add_flag("--json,!--no-json", json, "Render output as JSON instead of a table.");
  auto* interactive_flag = cmd->add_flag("--interactive,!--no-interactive", interactive,
                                         "Enable or disable interactive pagination.");
  cmd->callback([&env, interactive_flag] {
    // Interactive by default when stdout is a terminal.
    const bool is_interactive =
        interactive_flag->count() > 0 ? interactive : isatty(STDOUT_FILENO) == 1;
    if (max_items && is_interactive)
      return env.Fail("--max-items only allowed with --no-interactive", 2);
    if (page_size && (*page_size < 1 || *page_size > kMaxPageSize)) {
      return env.Fail("'page_size' must be between 1 and 50, inclusive.", 2);
    }
    if (max_items && *max_items <= 0) return env.Fail("'max_items' must be greater than 0.", 2);
    auto type = accounts.Resolve();
    if (!type.ok()) return env.Fail(std::string(type.status().message()), 2);
    request.set_email(email);
    request.set_name(name);
    request.set_collaborator_type(*type);
    request.set_page_size(page_size.value_or(0));
    if (!is_interactive) {
      if (!max_items) {
        env.status.Print("Defaulting to 10 items in batch mode; use --max-items to override.");
      }
      request.set_max_items(max_items.value_or(kBatchModeDefaultItems));
    }
    auto stub = v1::UserService::NewStub(Connect(env.connection));
    auto ctx = NewContext(env.connection, /*with_deadline=*/false);
    auto reader = stub->ListUsers(ctx.get(), request);
    std::vector<v1::User> all;
    v1::ListUsersPage page;
    bool first_page = true;
    bool quit = false;
    // Batch mode on a terminal: users fetched so far and the rate (pages print nothing until
    // the end). Interactive mode shows every page as it comes.
    Progress progress(env.status, std::cerr, !is_interactive && isatty(STDERR_FILENO) == 1);
    while (!quit && reader->Read(&page)) {
      std::vector<v1::User> users(page.users().begin(), page.users().end());
      if (!is_interactive) {
        all.insert(all.end(), users.begin(), users.end());
        progress.Count("Fetching users", static_cast<int64_t>(all.size()), "users");
        continue;
      }
      if (json) {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const auto& u : users) array.push_back(UserJson(u));
        std::cout << Pretty(array);
      } else {
        if (first_page) std::cout << "USERS:\n";
        std::cout << UsersTable(users);
      }
      std::cout.flush();
      first_page = false;
      if (page.next_page_token().empty()) break;
      std::cerr << "Press Enter to continue, q to quit" << std::flush;
      std::string answer;
      if (!std::getline(std::cin, answer) || answer == "q" || answer == "Q") {
        quit = true;
        ctx->TryCancel();
      }
    }
    const grpc::Status status = reader->Finish();
    if (quit) return;
    if (!status.ok()) {
      progress.Done();
      return env.Fail(status);
    }
    if (is_interactive) return;
    progress.Update(absl::StrCat("Formatting ", all.size(), " users..."), /*force=*/true);
    std::string text;
    if (json) {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const auto& u : all) array.push_back(UserJson(u));
      text = Pretty(array);
    } else if (!all.empty()) {
      text = "USERS:\n" + UsersTable(all);
    }
    progress.Done();
    std::cout << text;
    env.status.Print(all.empty() ? "No users found."
                                 : absl::StrCat("Fetched ", all.size(), " users."));
  });
}

void AddGet(CLI::App& user, CommandEnv& env) {
  auto* cmd = user.add_subcommand("get", "Get details for a single user in your organization.");
  static std::string email, name;
  static AccountFlags accounts;
  static bool json = false;
  cmd->add_option("--email", email, "Email address of the user.");
  cmd->add_option("--name", name, "Display name of the user.");
  accounts.Add(cmd);
  cmd->add_flag("--json,!--no-json", json, "Output JSON instead of YAML.");
  cmd->callback([&env] {
    if (email.empty() == name.empty()) return env.Fail("Provide --email or --name.", 2);
    auto type = accounts.Resolve();
    if (!type.ok()) return env.Fail(std::string(type.status().message()), 2);
    v1::GetUserRequest request;
    if (!email.empty()) request.set_email(email);
    if (!name.empty()) request.set_name(name);
    request.set_collaborator_type(*type);
    auto stub = v1::UserService::NewStub(Connect(env.connection));
    auto ctx = NewContext(env.connection);
    v1::User found;
    const grpc::Status status = stub->GetUser(ctx.get(), request, &found);
    if (!status.ok()) return env.Fail(status);
    std::cout << (json ? Pretty(UserJson(found)) : UserYaml(found));
  });
}

void AddDelete(CLI::App& user, CommandEnv& env) {
  auto* cmd = user.add_subcommand("delete", "Delete a user with its memberships and grants.");
  static std::string user_id;
  cmd->add_option("USER_ID", user_id, "User id (usr_…)")->required();
  cmd->callback([&env] {
    v1::DeleteUserRequest request;
    request.set_user_id(user_id);
    v1::DeleteResponse out;
    auto stub = v1::DirectoryService::NewStub(Connect(env.connection));
    const grpc::Status status = stub->DeleteUser(NewContext(env.connection).get(), request, &out);
    if (!status.ok()) return env.Fail(status);
    std::cout << "deleted user " << user_id << "\n";
  });
}

}  // namespace

void AddUserCommands(CLI::App& app, CommandEnv& env) {
  auto* user = app.add_subcommand("user", "Manage users.");
  user->require_subcommand(1);
  AddBatchCreate(*user, env);
  AddList(*user, env);
  AddGet(*user, env);
  AddDelete(*user, env);
  AddListPermissions(*user, env);
}

}  // namespace rolecall::cli
