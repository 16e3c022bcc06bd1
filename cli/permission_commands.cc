// `rolecall permission check|explain` and `rolecall user list-permissions`.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/calls.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/names.h"
#include "rolecall/v1/permissions.grpc.pb.h"

namespace rolecall::cli {
namespace {

// Exit codes of `permission check`: allowed, denied, could not tell.
constexpr int kAllowed = 0;
constexpr int kDenied = 1;
constexpr int kCheckError = 2;

using PermissionStub = v1::PermissionService::Stub;

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

constexpr Named<v1::Contribution::Source> kSourceTexts[] = {
    {v1::Contribution::DIRECT, "granted directly"},
    {v1::Contribution::GROUP, "via group"},
    {v1::Contribution::ORG_OWNERSHIP, "as organization owner"},
    {v1::Contribution::ORG_MEMBERSHIP, "as organization member"}};

std::string_view SourceText(v1::Contribution::Source source) {
  const std::string_view text = NameIn(kSourceTexts, source);
  return text.empty() ? "unknown" : text;
}

// `permission check --user U (--org | --cloud C | --project P) --role R`, or
// `permission check --file checks.jsonl`.
struct CheckOptions {
  std::string user, role, file;
  ResourceFlags resource;
};

void CheckFlags(CLI::App& cmd, CheckOptions& o) {
  cmd.add_option("--user", o.user, "User id (usr_…)");
  o.resource.Add(&cmd);
  cmd.add_option("--role", o.role, "Least role needed: readonly, collaborator (write), owner");
  cmd.add_option("--file", o.file,
                 "Check every line of this JSON Lines file instead (-: stdin), each "
                 "{\"user_id\": …, \"resource\": {\"project_id\": …}, \"min_role\": …}; "
                 "prints one JSON line per check");
}

// The exit code of checks that gave these results: an error, else a denial, else allowed.
int ExitCodeOf(bool any_error, bool any_denied) {
  return any_error ? kCheckError : any_denied ? kDenied : kAllowed;
}

// `permission check --file`: BulkCheckPermission of up to 1,000 lines at a time.
void CheckFile(CommandEnv& env, const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return env.Fail(absl::StrCat("cannot read ", path), kCheckError);
  }
  std::istream& in = path == "-" ? std::cin : file;
  bool any_error = false, any_denied = false;
  int line_number = 0;
  std::string line;
  // The lines since the last call, in order: a line that did not parse has its answer already;
  // the others take the next result of the call.
  std::vector<std::pair<int, std::optional<nlohmann::ordered_json>>> pending;
  v1::BulkCheckPermissionRequest request;
  const auto flush = [&]() -> bool {
    v1::BulkCheckPermissionResponse response;
    if (!request.items().empty()) {
      const grpc::Status s = Call(env, &PermissionStub::BulkCheckPermission, request, &response);
      if (!s.ok() || response.results_size() != request.items_size()) {
        env.Fail(s.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "an incomplete answer") : s);
        env.exit_code = kCheckError;
        return false;
      }
    }
    int next = 0;
    for (auto& [number, answer] : pending) {
      if (!answer) {
        const v1::BulkCheckResult& r = response.results(next++);
        any_denied |= r.error_code().empty() && !r.allowed();
        answer = r.error_code().empty()
                     ? nlohmann::ordered_json{{"allowed", r.allowed()},
                                              {"effective_role", r.effective_role()}}
                     : nlohmann::ordered_json{{"error_code", r.error_code()},
                                              {"error_message", r.error_message()}};
      }
      any_error |= answer->contains("error_code");
      nlohmann::ordered_json doc = {{"line", number}};
      doc.update(*answer);
      std::cout << doc.dump() << "\n";
    }
    request.clear_items();
    pending.clear();
    return true;
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    v1::BulkCheckItem item;
    if (!google::protobuf::util::JsonStringToMessage(line, &item).ok()) {
      pending.emplace_back(line_number,
                           nlohmann::ordered_json{{"error_code", "INVALID_ARGUMENT"},
                                                  {"error_message",
                                                   "not a JSON check: {\"user_id\": …, "
                                                   "\"resource\": {…}, \"min_role\": …}"}});
    } else {
      *request.add_items() = std::move(item);
      pending.emplace_back(line_number, std::nullopt);
    }
    if (pending.size() == 1000 && !flush()) return;  // a call's worth, or as many bad lines
  }
  if (!flush()) return;
  env.exit_code = ExitCodeOf(any_error, any_denied);
}

void Check(CommandEnv& env, const CheckOptions& o) {
  if (!o.file.empty()) return CheckFile(env, o.file);
  if (o.user.empty() || o.role.empty()) {
    return env.Fail("give --user and --role (or --file)", kCheckError);
  }
  v1::CheckPermissionRequest request;
  request.set_user_id(o.user);
  request.set_min_role(o.role);
  if (!o.resource.Fill(env, request.mutable_resource(), kCheckError)) return;
  v1::CheckPermissionResponse out;
  const grpc::Status s = Call(env, &PermissionStub::CheckPermission, request, &out);
  if (!s.ok()) {
    env.Fail(s);
    env.exit_code = kCheckError;
    return;
  }
  const std::string effective = out.effective_role().empty() ? "none" : out.effective_role();
  std::cout << (out.allowed() ? "allowed" : "denied") << " (effective role: " << effective << ")\n";
  env.exit_code = out.allowed() ? kAllowed : kDenied;
}

// `permission explain --user U (--org | --cloud C | --project P) [--json]`.
struct ExplainOptions {
  std::string user;
  ResourceFlags resource;
  bool json = false;
};

void ExplainFlags(CLI::App& cmd, ExplainOptions& o) {
  cmd.add_option("--user", o.user, "User id (usr_…)")->required();
  o.resource.Add(&cmd);
  cmd.add_flag("--json,!--no-json", o.json, "JSON output");
}

void Explain(CommandEnv& env, const ExplainOptions& o) {
  v1::ExplainPermissionRequest request;
  request.set_user_id(o.user);
  if (!o.resource.Fill(env, request.mutable_resource(), 2)) return;
  auto out = CallOrFail(env, &PermissionStub::ExplainPermission, request);
  if (!out) return;
  if (o.json) {
    std::cout << Pretty(ProtoJson(*out));
    return;
  }
  std::cout << "effective role: "
            << (out->effective_role().empty() ? "none" : out->effective_role()) << "\n";
  for (const auto& c : out->contributions()) {
    std::cout << "  " << c.role() << " " << SourceText(c.source());
    if (!c.group_id().empty()) std::cout << " " << c.group_name() << " (" << c.group_id() << ")";
    std::cout << "\n";
  }
}

// `user list-permissions [--user-id ID] [--output/-o FILE]`.
struct ListPermissionsOptions {
  std::string user_id, output;
};

void ListPermissionsFlags(CLI::App& cmd, ListPermissionsOptions& o) {
  cmd.add_option("--user-id", o.user_id,
                 "Filter to a specific user ID. If not provided, lists permissions for all users.");
  cmd.add_option("--output,-o", o.output, "Write JSON output to a file instead of stdout.");
}

void ListPermissions(CommandEnv& env, const ListPermissionsOptions& o) {
  env.status.Print("Listing users and their effective permissions...");
  v1::ListUserPermissionsRequest request;
  request.set_user_id(o.user_id);
  std::vector<v1::ListUserPermissionsPage> pages;
  // On a terminal: users received so far and the rate, then the writing of the document.
  Progress progress(env.status, std::cerr);
  int64_t users = 0;
  const grpc::Status s =
      ReadPages<PermissionStub, v1::ListUserPermissionsRequest, v1::ListUserPermissionsPage>(
          env, &PermissionStub::ListUserPermissions, request, Paging{}, [&](const auto& page) {
            users += page.users_size();
            pages.push_back(page);
            progress.Count("Listing permissions", users, "users");
            return true;
          });
  if (!s.ok()) {
    progress.Done();
    return env.Fail(s);
  }
  if (!o.output.empty()) {
    progress.Update(absl::StrCat("Writing ", users, " users to ", o.output, "..."), true);
  }
  const std::string text = Pretty(PermissionsJson(pages));
  progress.Done();
  if (o.output.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream file(o.output, std::ios::binary);
  file << text;
  if (!file.flush()) return env.Fail("cannot write '" + o.output + "'");
}

}  // namespace

void AddPermissionCommands(CLI::App& app, Registry& registry) {
  CLI::App& permission = *Registry::Group(app, "permission", "Check and explain permissions.");
  registry.Add(
      permission,
      Command<CheckOptions>{
          "check", "Whether a user holds at least a role (exit 0 allowed, 1 denied, 2 error)",
          CheckFlags, Check});
  registry.Add(permission,
               Command<ExplainOptions>{"explain", "A user's effective role and where it comes from",
                                       ExplainFlags, Explain});
}

void AddListPermissions(CLI::App& user, Registry& registry) {
  registry.Add(user, Command<ListPermissionsOptions>{
                         "list-permissions",
                         "List users and their effective cloud/project permissions across the "
                         "organization.",
                         ListPermissionsFlags, ListPermissions});
}

}  // namespace rolecall::cli
