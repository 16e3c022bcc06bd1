// `rolecall permission check|explain` and `rolecall user list-permissions`.
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "rolecall/v1/permissions.grpc.pb.h"

namespace rolecall::cli {
namespace {

// Exit codes of `permission check`: allowed, denied, could not tell.
constexpr int kAllowed = 0;
constexpr int kDenied = 1;
constexpr int kCheckError = 2;

// --org | --cloud ID | --project ID
struct ResourceFlags {
  bool org = false;
  std::string cloud, project;
  void Add(CLI::App* cmd) {
    cmd->add_flag("--org", org, "The organization itself");
    cmd->add_option("--cloud", cloud, "Cloud id (cld_…)");
    cmd->add_option("--project", project, "Project id (prj_…)");
  }
  bool Fill(CommandEnv& env, v1::ResourceRef* ref, int error_code) const {
    if (org + !cloud.empty() + !project.empty() != 1) {
      env.Fail("give exactly one of --org, --cloud and --project", error_code);
      return false;
    }
    if (org) ref->set_organization(true);
    if (!cloud.empty()) ref->set_cloud_id(cloud);
    if (!project.empty()) ref->set_project_id(project);
    return true;
  }
};

std::string_view SourceText(v1::Contribution::Source source) {
  switch (source) {
    case v1::Contribution::DIRECT:
      return "granted directly";
    case v1::Contribution::GROUP:
      return "via group";
    case v1::Contribution::ORG_OWNERSHIP:
      return "as organization owner";
    case v1::Contribution::ORG_MEMBERSHIP:
      return "as organization member";
    default:
      return "unknown";
  }
}

void AddCheck(CLI::App* permission, CommandEnv& env) {
  auto* cmd = permission->add_subcommand(
      "check", "Whether a user holds at least a role (exit 0 allowed, 1 denied, 2 error)");
  static std::string user, role;
  static ResourceFlags resource;
  cmd->add_option("--user", user, "User id (usr_…)")->required();
  resource.Add(cmd);
  cmd->add_option("--role", role, "Least role needed: readonly, collaborator (write), owner")
      ->required();
  cmd->callback([&env] {
    v1::CheckPermissionRequest request;
    request.set_user_id(user);
    request.set_min_role(role);
    if (!resource.Fill(env, request.mutable_resource(), kCheckError)) return;
    auto stub = v1::PermissionService::NewStub(Connect(env.connection));
    v1::CheckPermissionResponse out;
    const grpc::Status s = stub->CheckPermission(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) {
      env.Fail(s);
      env.exit_code = kCheckError;
      return;
    }
    const std::string effective = out.effective_role().empty() ? "none" : out.effective_role();
    std::cout << (out.allowed() ? "allowed" : "denied") << " (effective role: " << effective
              << ")\n";
    env.exit_code = out.allowed() ? kAllowed : kDenied;
  });
}

void AddExplain(CLI::App* permission, CommandEnv& env) {
  auto* cmd =
      permission->add_subcommand("explain", "A user's effective role and where it comes from");
  static std::string user;
  static ResourceFlags resource;
  static bool json = false;
  cmd->add_option("--user", user, "User id (usr_…)")->required();
  resource.Add(cmd);
  cmd->add_flag("--json,!--no-json", json, "JSON output");
  cmd->callback([&env] {
    v1::ExplainPermissionRequest request;
    request.set_user_id(user);
    if (!resource.Fill(env, request.mutable_resource(), 2)) return;
    auto stub = v1::PermissionService::NewStub(Connect(env.connection));
    v1::ExplainPermissionResponse out;
    const grpc::Status s = stub->ExplainPermission(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    if (json) {
      std::cout << Pretty(ProtoJson(out));
      return;
    }
    std::cout << "effective role: "
              << (out.effective_role().empty() ? "none" : out.effective_role()) << "\n";
    for (const auto& c : out.contributions()) {
      std::cout << "  " << c.role() << " " << SourceText(c.source());
      if (!c.group_id().empty()) std::cout << " " << c.group_name() << " (" << c.group_id() << ")";
      std::cout << "\n";
    }
  });
}

}  // namespace

void AddPermissionCommands(CLI::App& app, CommandEnv& env) {
  auto* permission = app.add_subcommand("permission", "Check and explain permissions.");
  permission->require_subcommand(1);
  AddCheck(permission, env);
  AddExplain(permission, env);
}

void AddListPermissions(CLI::App& user, CommandEnv& env) {
  auto* cmd = user.add_subcommand(
      "list-permissions",
      "List users and their effective cloud/project permissions across the organization.");
  static std::string user_id, output;
  cmd->add_option(
      "--user-id", user_id,
      "Filter to a specific user ID. If not provided, lists permissions for all users.");
  cmd->add_option("--output,-o", output, "Write JSON output to a file instead of stdout.");
  cmd->callback([&env] {
    env.status.Print("Listing users and their effective permissions...");
    v1::ListUserPermissionsRequest request;
    request.set_user_id(user_id);
    auto stub = v1::PermissionService::NewStub(Connect(env.connection));
    auto ctx = NewContext(env.connection, /*with_deadline=*/false);
    auto reader = stub->ListUserPermissions(ctx.get(), request);
    std::vector<v1::ListUserPermissionsPage> pages;
    v1::ListUserPermissionsPage page;
    // On a terminal: users received so far and the rate, then the writing of the document.
    Progress progress(env.status, std::cerr);
    int64_t users = 0;
    while (reader->Read(&page)) {
      users += page.users_size();
      pages.push_back(page);
      progress.Count("Listing permissions", users, "users");
    }
    const grpc::Status s = reader->Finish();
    if (!s.ok()) {
      progress.Done();
      return env.Fail(s);
    }
    if (!output.empty()) {
      progress.Update(absl::StrCat("Writing ", users, " users to ", output, "..."), true);
    }
    const std::string text = Pretty(PermissionsJson(pages));
    progress.Done();
    if (output.empty()) {
      std::cout << text;
      return;
    }
    std::ofstream file(output, std::ios::binary);
    file << text;
    if (!file.flush()) return env.Fail("cannot write '" + output + "'");
  });
}

}  // namespace rolecall::cli
