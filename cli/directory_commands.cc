// `rolecall cloud|project|user-group|org|service-account …`: the directory that feeds permissions.
#include <functional>
#include <list>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "rolecall/v1/directory.grpc.pb.h"

namespace rolecall::cli {
namespace {

using Stub = v1::DirectoryService::Stub;

std::unique_ptr<Stub> NewStub(CommandEnv& env) {
  return v1::DirectoryService::NewStub(Connect(env.connection));
}

// Reads every page of a stream into `items` with `take(page, &items)`; the final status.
template <typename PageMessage, typename Item>
grpc::Status ReadAll(grpc::ClientReaderInterface<PageMessage>& reader, std::vector<Item>* items,
                     const std::function<void(PageMessage&, std::vector<Item>*)>& take) {
  PageMessage page;
  while (reader.Read(&page)) take(page, items);
  return reader.Finish();
}

template <typename T>
void Append(const google::protobuf::RepeatedPtrField<T>& from, std::vector<T>* to) {
  to->insert(to->end(), from.begin(), from.end());
}

// Prints items as a JSON array, or as a table with `row` per item.
template <typename T>
void PrintList(const std::vector<T>& items, bool json, const std::vector<std::string>& header,
               const std::function<std::vector<std::string>(const T&)>& row) {
  if (json) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& item : items) array.push_back(ProtoJson(item));
    std::cout << Pretty(array);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : items) rows.push_back(row(item));
  std::cout << FormatTable(header, rows);
}

void PrintOne(const google::protobuf::Message& message) { std::cout << Pretty(ProtoJson(message)); }

// A cloud given by id (cld_…) or by name, as its id.
absl::StatusOr<std::string> CloudId(CommandEnv& env, const std::string& cloud) {
  if (absl::StartsWith(cloud, "cld_")) return cloud;
  v1::GetCloudRequest request;
  request.set_name(cloud);
  v1::Cloud found;
  const grpc::Status s = NewStub(env)->GetCloud(NewContext(env.connection).get(), request, &found);
  if (!s.ok())
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return found.cloud_id();
}

// A group given by id (ug_…) or by name, as its id.
absl::StatusOr<std::string> GroupId(CommandEnv& env, const std::string& group) {
  if (absl::StartsWith(group, "ug_")) return group;
  v1::GetUserGroupRequest request;
  request.set_name(group);
  v1::UserGroup found;
  const grpc::Status s =
      NewStub(env)->GetUserGroup(NewContext(env.connection).get(), request, &found);
  if (!s.ok())
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return found.id();
}

// The --user / --group options of grant and revoke.
struct PrincipalFlags {
  std::string user, group, role;
  void Add(CLI::App* cmd) {
    cmd->add_option("--user", user, "User id (usr_…) or email");
    cmd->add_option("--group", group, "User group id (ug_…) or name");
    cmd->add_option("--role", role, "owner, collaborator (or write), readonly")->required();
  }
  // Fills the principal; false (after reporting) when the flags are wrong.
  bool Fill(CommandEnv& env, v1::PrincipalRef* ref) const {
    if (user.empty() == group.empty()) {
      env.Fail("give exactly one of --user and --group", 2);
      return false;
    }
    if (!user.empty()) {
      if (absl::StartsWith(user, "usr_")) {
        ref->set_user_id(user);
      } else {
        ref->set_user_email(user);
      }
      return true;
    }
    auto id = GroupId(env, group);
    if (!id.ok()) {
      env.Fail(std::string(id.status().message()));
      return false;
    }
    ref->set_group_id(*id);
    return true;
  }
};

// grant, revoke and grants subcommands on a resource; `resource(env, &ref)` fills the resource
// from the command's own arguments.
void AddGrantCommands(CLI::App* parent, CommandEnv& env, const std::string& what,
                      const std::function<bool(CommandEnv&, v1::ResourceRef*)>& resource) {
  // Flags live as long as the process, like the CLI11 app that points at them.
  static std::list<PrincipalFlags> flags;
  static std::list<bool> json_flags;
  auto* grant = parent->add_subcommand("grant", "Grant a role on the " + what);
  auto* grant_flags = &flags.emplace_back();
  grant_flags->Add(grant);
  grant->callback([&env, grant_flags, resource] {
    v1::GrantRoleRequest request;
    if (!resource(env, request.mutable_resource())) return;
    if (!grant_flags->Fill(env, request.mutable_principal())) return;
    request.set_role(grant_flags->role);
    v1::Grant out;
    const grpc::Status s = NewStub(env)->GrantRole(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "granted " << out.role() << " to " << out.principal_name() << "\n";
  });

  auto* revoke = parent->add_subcommand("revoke", "Revoke a role on the " + what);
  auto* revoke_flags = &flags.emplace_back();
  revoke_flags->Add(revoke);
  revoke->callback([&env, revoke_flags, resource] {
    v1::RevokeRoleRequest request;
    if (!resource(env, request.mutable_resource())) return;
    if (!revoke_flags->Fill(env, request.mutable_principal())) return;
    request.set_role(revoke_flags->role);
    v1::DeleteResponse out;
    const grpc::Status s =
        NewStub(env)->RevokeRole(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "revoked\n";
  });

  auto* grants = parent->add_subcommand("grants", "List the grants on the " + what);
  bool* json = &json_flags.emplace_back(false);
  grants->add_flag("--json,!--no-json", *json, "JSON instead of a table");
  grants->callback([&env, json, resource] {
    v1::ListGrantsRequest request;
    if (!resource(env, request.mutable_resource())) return;
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListGrants(ctx.get(), request);
    std::vector<v1::Grant> items;
    const grpc::Status s = ReadAll<v1::ListGrantsPage, v1::Grant>(
        *reader, &items, [](v1::ListGrantsPage& p, auto* out) { Append(p.grants(), out); });
    if (!s.ok()) return env.Fail(s);
    PrintList<v1::Grant>(items, *json, {"PRINCIPAL", "KIND", "ID", "ROLE"}, [](const v1::Grant& g) {
      const bool group = g.principal().has_group_id();
      return std::vector<std::string>{g.principal_name(), group ? "group" : "user",
                                      group ? g.principal().group_id() : g.principal().user_id(),
                                      g.role()};
    });
  });
}

void AddCloudCommands(CLI::App& app, CommandEnv& env) {
  auto* cloud = app.add_subcommand("cloud", "Manage clouds and their grants.");
  cloud->require_subcommand(1);

  auto* create = cloud->add_subcommand("create", "Create a cloud");
  static std::string name;
  create->add_option("NAME", name, "Cloud name")->required();
  create->callback([&env] {
    v1::CreateCloudRequest request;
    request.set_name(name);
    v1::Cloud out;
    const grpc::Status s =
        NewStub(env)->CreateCloud(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* list = cloud->add_subcommand("list", "List clouds");
  static std::string filter;
  static bool json = false;
  list->add_option("--name", filter, "Filter by name (substring)");
  list->add_flag("--json,!--no-json", json, "JSON instead of a table");
  list->callback([&env] {
    v1::ListRequest request;
    request.set_name(filter);
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListClouds(ctx.get(), request);
    std::vector<v1::Cloud> items;
    const grpc::Status s = ReadAll<v1::ListCloudsPage, v1::Cloud>(
        *reader, &items, [](v1::ListCloudsPage& p, auto* out) { Append(p.clouds(), out); });
    if (!s.ok()) return env.Fail(s);
    PrintList<v1::Cloud>(items, json, {"ID", "NAME", "CREATED AT"}, [](const v1::Cloud& c) {
      return std::vector<std::string>{c.cloud_id(), c.name(), TableTime(c.created_at())};
    });
  });

  static std::string target;
  auto* get = cloud->add_subcommand("get", "Show a cloud");
  get->add_option("CLOUD", target, "Cloud id or name")->required();
  get->callback([&env] {
    v1::GetCloudRequest request;
    if (absl::StartsWith(target, "cld_")) {
      request.set_cloud_id(target);
    } else {
      request.set_name(target);
    }
    v1::Cloud out;
    const grpc::Status s = NewStub(env)->GetCloud(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* del = cloud->add_subcommand("delete", "Delete a cloud, its projects and their grants");
  del->add_option("CLOUD", target, "Cloud id or name")->required();
  del->callback([&env] {
    auto id = CloudId(env, target);
    if (!id.ok()) return env.Fail(std::string(id.status().message()));
    v1::DeleteCloudRequest request;
    request.set_cloud_id(*id);
    v1::DeleteResponse out;
    const grpc::Status s =
        NewStub(env)->DeleteCloud(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "deleted cloud " << *id << "\n";
  });

  static std::string grant_target;
  AddGrantCommands(cloud, env, "cloud", [](CommandEnv& e, v1::ResourceRef* ref) {
    auto id = CloudId(e, grant_target);
    if (!id.ok()) {
      e.Fail(std::string(id.status().message()));
      return false;
    }
    ref->set_cloud_id(*id);
    return true;
  });
  for (auto* sub : {cloud->get_subcommand("grant"), cloud->get_subcommand("revoke"),
                    cloud->get_subcommand("grants")}) {
    sub->add_option("CLOUD", grant_target, "Cloud id or name")->required();
  }
}

void AddProjectCommands(CLI::App& app, CommandEnv& env) {
  auto* project = app.add_subcommand("project", "Manage projects and their grants.");
  project->require_subcommand(1);

  static std::string cloud, name, target;
  static bool json = false;
  auto* create = project->add_subcommand("create", "Create a project in a cloud");
  create->add_option("--cloud", cloud, "Cloud id or name")->required();
  create->add_option("NAME", name, "Project name (unique in its cloud)")->required();
  create->callback([&env] {
    auto id = CloudId(env, cloud);
    if (!id.ok()) return env.Fail(std::string(id.status().message()));
    v1::CreateProjectRequest request;
    request.set_cloud_id(*id);
    request.set_name(name);
    v1::Project out;
    const grpc::Status s =
        NewStub(env)->CreateProject(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* list = project->add_subcommand("list", "List projects");
  list->add_option("--cloud", cloud, "Only this cloud (id or name)");
  list->add_option("--name", name, "Filter by name (substring)");
  list->add_flag("--json,!--no-json", json, "JSON instead of a table");
  list->callback([&env] {
    v1::ListRequest request;
    if (!cloud.empty()) {
      auto id = CloudId(env, cloud);
      if (!id.ok()) return env.Fail(std::string(id.status().message()));
      request.set_parent_id(*id);
    }
    request.set_name(name);
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListProjects(ctx.get(), request);
    std::vector<v1::Project> items;
    const grpc::Status s = ReadAll<v1::ListProjectsPage, v1::Project>(
        *reader, &items, [](v1::ListProjectsPage& p, auto* out) { Append(p.projects(), out); });
    if (!s.ok()) return env.Fail(s);
    PrintList<v1::Project>(items, json, {"ID", "NAME", "CLOUD", "CREATED AT"},
                           [](const v1::Project& p) {
                             return std::vector<std::string>{p.project_id(), p.name(), p.cloud_id(),
                                                             TableTime(p.created_at())};
                           });
  });

  auto* get = project->add_subcommand("get", "Show a project");
  get->add_option("PROJECT_ID", target, "Project id")->required();
  get->callback([&env] {
    v1::GetProjectRequest request;
    request.set_project_id(target);
    v1::Project out;
    const grpc::Status s =
        NewStub(env)->GetProject(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* del = project->add_subcommand("delete", "Delete a project and its grants");
  del->add_option("PROJECT_ID", target, "Project id")->required();
  del->callback([&env] {
    v1::DeleteProjectRequest request;
    request.set_project_id(target);
    v1::DeleteResponse out;
    const grpc::Status s =
        NewStub(env)->DeleteProject(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "deleted project " << target << "\n";
  });

  AddGrantCommands(project, env, "project", [](CommandEnv&, v1::ResourceRef* ref) {
    ref->set_project_id(target);
    return true;
  });
  for (auto* sub : {project->get_subcommand("grant"), project->get_subcommand("revoke"),
                    project->get_subcommand("grants")}) {
    sub->add_option("PROJECT_ID", target, "Project id")->required();
  }
}

void AddGroupCommands(CLI::App& app, CommandEnv& env) {
  auto* group = app.add_subcommand("user-group", "Manage user groups and their members.");
  group->require_subcommand(1);
  static std::string name, target;
  static std::vector<std::string> users;
  static bool json = false;

  auto* create = group->add_subcommand("create", "Create a user group");
  create->add_option("NAME", name, "Group name")->required();
  create->callback([&env] {
    v1::CreateUserGroupRequest request;
    request.set_name(name);
    v1::UserGroup out;
    const grpc::Status s =
        NewStub(env)->CreateUserGroup(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* list = group->add_subcommand("list", "List user groups");
  list->add_option("--name", name, "Filter by name (substring)");
  list->add_flag("--json,!--no-json", json, "JSON instead of a table");
  list->callback([&env] {
    v1::ListRequest request;
    request.set_name(name);
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListUserGroups(ctx.get(), request);
    std::vector<v1::UserGroup> items;
    const grpc::Status s = ReadAll<v1::ListUserGroupsPage, v1::UserGroup>(
        *reader, &items,
        [](v1::ListUserGroupsPage& p, auto* out) { Append(p.user_groups(), out); });
    if (!s.ok()) return env.Fail(s);
    PrintList<v1::UserGroup>(
        items, json, {"ID", "NAME", "CREATED AT", "UPDATED AT"}, [](const v1::UserGroup& g) {
          return std::vector<std::string>{g.id(), g.name(), TableTime(g.created_at()),
                                          TableTime(g.updated_at())};
        });
  });

  auto* get = group->add_subcommand("get", "Show a user group");
  get->add_option("GROUP", target, "Group id or name")->required();
  get->callback([&env] {
    v1::GetUserGroupRequest request;
    if (absl::StartsWith(target, "ug_")) {
      request.set_id(target);
    } else {
      request.set_name(target);
    }
    v1::UserGroup out;
    const grpc::Status s =
        NewStub(env)->GetUserGroup(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });

  auto* del = group->add_subcommand("delete", "Delete a user group, its memberships and grants");
  del->add_option("GROUP", target, "Group id or name")->required();
  del->callback([&env] {
    auto id = GroupId(env, target);
    if (!id.ok()) return env.Fail(std::string(id.status().message()));
    v1::DeleteUserGroupRequest request;
    request.set_id(*id);
    v1::DeleteResponse out;
    const grpc::Status s =
        NewStub(env)->DeleteUserGroup(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "deleted user group " << *id << "\n";
  });

  const auto members_command = [&](const char* verb, bool add) {
    auto* cmd =
        group->add_subcommand(verb, add ? "Add users to a group" : "Remove users from a group");
    cmd->add_option("GROUP", target, "Group id or name")->required();
    cmd->add_option("USERS", users, "User ids (usr_…) or emails")->required();
    cmd->callback([&env, add] {
      auto id = GroupId(env, target);
      if (!id.ok()) return env.Fail(std::string(id.status().message()));
      v1::GroupMembersRequest request;
      request.set_group_id(*id);
      for (const auto& u : users) request.add_users(u);
      v1::GroupMembersResponse out;
      auto ctx = NewContext(env.connection);
      const grpc::Status s = add ? NewStub(env)->AddGroupMembers(ctx.get(), request, &out)
                                 : NewStub(env)->RemoveGroupMembers(ctx.get(), request, &out);
      if (!s.ok()) return env.Fail(s);
      std::cout << out.changed() << (add ? " members added.\n" : " members removed.\n");
    });
  };
  members_command("add-members", true);
  members_command("remove-members", false);

  auto* membership = group->add_subcommand("membership", "Group memberships");
  membership->require_subcommand(1);
  auto* mlist = membership->add_subcommand("list", "Print {group_name: [sorted emails]}");
  mlist->add_option("--group", target, "Only this group (id or name)");
  mlist->callback([&env] {
    v1::ListRequest request;
    if (!target.empty()) {
      auto id = GroupId(env, target);
      if (!id.ok()) return env.Fail(std::string(id.status().message()));
      request.set_parent_id(*id);
    }
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListGroupMemberships(ctx.get(), request);
    std::vector<v1::GroupMembership> items;
    const grpc::Status s = ReadAll<v1::ListGroupMembershipsPage, v1::GroupMembership>(
        *reader, &items,
        [](v1::ListGroupMembershipsPage& p, auto* out) { Append(p.memberships(), out); });
    if (!s.ok()) return env.Fail(s);
    std::cout << Pretty(MembershipsJson(items));
  });
}

void AddOrgCommands(CLI::App& app, CommandEnv& env) {
  auto* org = app.add_subcommand("org", "Roles on the organization (owner, collaborator).");
  org->require_subcommand(1);
  AddGrantCommands(org, env, "organization", [](CommandEnv&, v1::ResourceRef* ref) {
    ref->set_organization(true);
    return true;
  });
}

void AddServiceAccountCommands(CLI::App& app, CommandEnv& env) {
  auto* sa = app.add_subcommand("service-account", "Service accounts.");
  sa->require_subcommand(1);
  auto* create = sa->add_subcommand("create", "Create a service account (an org collaborator)");
  static std::string name;
  create->add_option("NAME", name, "Display name, e.g. \"Service Bot\"")->required();
  create->callback([&env] {
    v1::CreateServiceAccountRequest request;
    request.set_name(name);
    v1::User out;
    const grpc::Status s =
        NewStub(env)->CreateServiceAccount(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    PrintOne(out);
  });
}

void AddApiKeyCommands(CLI::App& app, CommandEnv& env) {
  auto* keys = app.add_subcommand("api-key", "API keys of your organization.");
  keys->require_subcommand(1);
  static std::string scope, principal, name, key_id;
  static bool json = false;

  auto* create = keys->add_subcommand("create", "Create a key; it is printed once, last line");
  create->add_option("--scope", scope, "admin, read or check")->required();
  create->add_option("--principal", principal, "User id (usr_…) the key acts for");
  create->add_option("--name", name, "A label for the key");
  create->callback([&env] {
    v1::CreateApiKeyRequest request;
    request.set_scope(scope);
    request.set_principal_user_id(principal);
    request.set_name(name);
    v1::CreateApiKeyResponse out;
    const grpc::Status s =
        NewStub(env)->CreateApiKey(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    env.status.Print("API key " + out.api_key().key_id() + " created; it is shown only once:");
    std::cout << out.key() << "\n";
  });

  auto* list = keys->add_subcommand("list", "List keys (never the keys themselves)");
  list->add_flag("--json,!--no-json", json, "JSON instead of a table");
  list->callback([&env] {
    auto ctx = NewContext(env.connection, false);
    auto reader = NewStub(env)->ListApiKeys(ctx.get(), v1::ListRequest());
    std::vector<v1::ApiKey> items;
    const grpc::Status s = ReadAll<v1::ListApiKeysPage, v1::ApiKey>(
        *reader, &items, [](v1::ListApiKeysPage& p, auto* out) { Append(p.api_keys(), out); });
    if (!s.ok()) return env.Fail(s);
    PrintList<v1::ApiKey>(
        items, json, {"KEY ID", "NAME", "SCOPE", "PRINCIPAL", "CREATED AT", "REVOKED AT"},
        [](const v1::ApiKey& k) {
          return std::vector<std::string>{k.key_id(),
                                          k.name(),
                                          k.scope(),
                                          k.principal_user_id(),
                                          TableTime(k.created_at()),
                                          k.has_revoked_at() ? TableTime(k.revoked_at()) : ""};
        });
  });

  auto* revoke = keys->add_subcommand("revoke", "Revoke a key");
  revoke->add_option("KEY_ID", key_id, "Key id (from `api-key list`)")->required();
  revoke->callback([&env] {
    v1::RevokeApiKeyRequest request;
    request.set_key_id(key_id);
    v1::DeleteResponse out;
    const grpc::Status s =
        NewStub(env)->RevokeApiKey(NewContext(env.connection).get(), request, &out);
    if (!s.ok()) return env.Fail(s);
    std::cout << "revoked API key " << key_id << "\n";
  });
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, CommandEnv& env) {
  AddCloudCommands(app, env);
  AddProjectCommands(app, env);
  AddGroupCommands(app, env);
  AddOrgCommands(app, env);
  AddServiceAccountCommands(app, env);
  AddApiKeyCommands(app, env);
}

}  // namespace rolecall::cli
