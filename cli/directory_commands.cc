// `rolecall cloud|project|user-group|org|service-account|api-key …`: the directory that feeds
// permissions, declared with the generic get, delete and list commands of object_commands.h.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "cli/commands.h"
#include "cli/object_commands.h"
#include "rolecall/v1/directory.grpc.pb.h"

namespace rolecall::cli {
namespace {

using Row = std::vector<std::string>;

const Kind<v1::GetCloudRequest, v1::Cloud> kCloud{
    "cloud",
    {"CLOUD", "Cloud id or name"},
    &DirectoryStub::GetCloud,
    "cld_",
    [](v1::GetCloudRequest& r, const std::string& id) { r.set_cloud_id(id); },
    [](v1::GetCloudRequest& r, const std::string& name) { r.set_name(name); },
    [](const v1::Cloud& c) -> const std::string& { return c.cloud_id(); }};

const Kind<v1::GetProjectRequest, v1::Project> kProject{
    "project",
    {"PROJECT_ID", "Project id"},
    &DirectoryStub::GetProject,
    "prj_",
    [](v1::GetProjectRequest& r, const std::string& id) { r.set_project_id(id); },
    nullptr,
    [](const v1::Project& p) -> const std::string& { return p.project_id(); }};

const Kind<v1::GetUserGroupRequest, v1::UserGroup> kGroup{
    "user group",
    {"GROUP", "Group id or name"},
    &DirectoryStub::GetUserGroup,
    "ug_",
    [](v1::GetUserGroupRequest& r, const std::string& id) { r.set_id(id); },
    [](v1::GetUserGroupRequest& r, const std::string& name) { r.set_name(name); },
    [](const v1::UserGroup& g) -> const std::string& { return g.id(); }};

Row CloudRow(const v1::Cloud& c) { return {c.cloud_id(), c.name(), TableTime(c.created_at())}; }

Row ProjectRow(const v1::Project& p) {
  return {p.project_id(), p.name(), p.cloud_id(), TableTime(p.created_at())};
}

Row GroupRow(const v1::UserGroup& g) {
  return {g.id(), g.name(), TableTime(g.created_at()), TableTime(g.updated_at())};
}

Row GrantRow(const v1::Grant& g) {
  const bool group = g.principal().has_group_id();
  return {g.principal_name(), group ? "group" : "user",
          group ? g.principal().group_id() : g.principal().user_id(), g.role()};
}

Row ApiKeyRow(const v1::ApiKey& k) {
  return {k.key_id(),
          k.name(),
          k.scope(),
          k.principal_user_id(),
          TableTime(k.created_at()),
          k.has_revoked_at() ? TableTime(k.revoked_at()) : ""};
}

// `create NAME`: an object that has only a name, printed as JSON.
template <typename Request, typename Item>
Command<Target> CreateByName(const char* description, const char* help,
                             UnaryRpc<DirectoryStub, Request, Item> rpc) {
  return {"create", description,
          [help](CLI::App& cmd, Target& o) { cmd.add_option("NAME", o.value, help)->required(); },
          [rpc](CommandEnv& env, const Target& o) {
            Request request;
            request.set_name(o.value);
            if (auto out = CallOrFail(env, rpc, request)) PrintOne(*out);
          }};
}

// The resource `grant`, `revoke` and `grants` act on: named by a positional, or the organization.
struct ResourceArg {
  const char* what;   // "cloud", in the descriptions
  Positional target;  // name null: the organization, no positional
  // Sets the resource from the positional's value; false after reporting a failure.
  bool (*fill)(CommandEnv&, const std::string& target, v1::ResourceRef*);
};

const ResourceArg kCloudResource{
    "cloud", kCloud.target, [](CommandEnv& env, const std::string& cloud, v1::ResourceRef* ref) {
      const auto id = ResolveId(env, kCloud, cloud);
      if (id) ref->set_cloud_id(*id);
      return id.has_value();
    }};

const ResourceArg kProjectResource{
    "project", kProject.target, [](CommandEnv&, const std::string& project, v1::ResourceRef* ref) {
      ref->set_project_id(project);
      return true;
    }};

const ResourceArg kOrgResource{
    "organization", {nullptr, nullptr}, [](CommandEnv&, const std::string&, v1::ResourceRef* ref) {
      ref->set_organization(true);
      return true;
    }};

void AddResourceTarget(CLI::App& cmd, const ResourceArg& resource, std::string& target) {
  if (resource.target.name == nullptr) return;
  cmd.add_option(resource.target.name, target, resource.target.help)->required();
}

// The options of grant, revoke (the principal and the role) and grants (--json).
struct RoleOptions {
  std::string target, user, group, role;
  bool json = false;
};

// The principal of grant and revoke: exactly one of --user (id or email) and --group (id or
// name); false after reporting when the flags are wrong or the group is not found.
bool FillPrincipal(CommandEnv& env, const RoleOptions& o, v1::PrincipalRef* ref) {
  if (o.user.empty() == o.group.empty()) {
    env.Fail("give exactly one of --user and --group", 2);
    return false;
  }
  if (o.user.empty()) {
    const auto id = ResolveId(env, kGroup, o.group);
    if (id) ref->set_group_id(*id);
    return id.has_value();
  }
  if (absl::StartsWith(o.user, "usr_")) {
    ref->set_user_id(o.user);
  } else {
    ref->set_user_email(o.user);
  }
  return true;
}

// `grant` or `revoke`: a role on the resource for a user or a group.
template <typename Request, typename Response>
Command<RoleOptions> RoleCommand(const char* name, const std::string& description,
                                 const ResourceArg& resource,
                                 UnaryRpc<DirectoryStub, Request, Response> rpc,
                                 void (*print)(const Response&)) {
  return {
      name, description,
      [&resource](CLI::App& cmd, RoleOptions& o) {
        cmd.add_option("--user", o.user, "User id (usr_…) or email");
        cmd.add_option("--group", o.group, "User group id (ug_…) or name");
        cmd.add_option("--role", o.role, "owner, collaborator (or write), readonly")->required();
        cmd.add_flag("--json", o.json, "Print the response (with its consistency_token)");
        AddResourceTarget(cmd, resource, o.target);
      },
      [&resource, rpc, print](CommandEnv& env, const RoleOptions& o) {
        Request request;
        if (!resource.fill(env, o.target, request.mutable_resource())) return;
        if (!FillPrincipal(env, o, request.mutable_principal())) return;
        request.set_role(o.role);
        if (auto out = CallOrFail(env, rpc, request)) {
          if (o.json) {
            PrintOne(*out);
          } else {
            print(*out);
          }
        }
      }};
}

// `grants`: the grants on the resource.
Command<RoleOptions> GrantsCommand(const ResourceArg& resource) {
  return {
      "grants", std::string("List the grants on the ") + resource.what,
      [&resource](CLI::App& cmd, RoleOptions& o) {
        cmd.add_flag("--json,!--no-json", o.json, "JSON instead of a table");
        AddResourceTarget(cmd, resource, o.target);
      },
      [&resource](CommandEnv& env, const RoleOptions& o) {
        v1::ListGrantsRequest request;
        if (!resource.fill(env, o.target, request.mutable_resource())) return;
        const Listing<DirectoryStub, v1::ListGrantsRequest, v1::ListGrantsPage, v1::Grant> grants{
            &DirectoryStub::ListGrants, &v1::ListGrantsPage::grants,
            TableOrJson<v1::Grant>({"PRINCIPAL", "KIND", "ID", "ROLE"}, GrantRow), ""};
        RunList(env, grants, request, Paging{}, o.json);
      }};
}

void AddGrantCommands(Registry& registry, CLI::App& parent, const ResourceArg& resource) {
  const std::string what = resource.what;
  registry.Add(parent, RoleCommand(
                           "grant", "Grant a role on the " + what, resource,
                           &DirectoryStub::GrantRole, +[](const v1::Grant& out) {
                             std::cout << "granted " << out.role() << " to " << out.principal_name()
                                       << "\n";
                           }));
  registry.Add(parent,
               RoleCommand(
                   "revoke", "Revoke a role on the " + what, resource, &DirectoryStub::RevokeRole,
                   +[](const v1::DeleteResponse&) { std::cout << "revoked\n"; }));
  registry.Add(parent, GrantsCommand(resource));
}

void AddCloudCommands(CLI::App& app, Registry& registry) {
  CLI::App& cloud = *Registry::Group(app, "cloud", "Manage clouds and their grants.");
  registry.Add(cloud, CreateByName("Create a cloud", "Cloud name", &DirectoryStub::CreateCloud));
  registry.Add(cloud,
               ListCommand<v1::ListCloudsPage, v1::Cloud>(
                   {.description = "List clouds",
                    .listing = {&DirectoryStub::ListClouds, &v1::ListCloudsPage::clouds,
                                TableOrJson<v1::Cloud>({"ID", "NAME", "CREATED AT"}, CloudRow)}}));
  registry.Add(cloud, GetCommand("Show a cloud", kCloud));
  registry.Add(cloud, DeleteCommand<v1::DeleteCloudRequest>(
                          {.description = "Delete a cloud, its projects and their grants",
                           .target = kCloud.target,
                           .resolve = ResolverOf(kCloud),
                           .rpc = &DirectoryStub::DeleteCloud,
                           .set_id = [](auto& r, const std::string& id) { r.set_cloud_id(id); },
                           .done = "deleted cloud"}));
  AddGrantCommands(registry, cloud, kCloudResource);
}

// `project create --cloud C NAME`.
struct ProjectCreateOptions {
  std::string cloud, name;
};

Command<ProjectCreateOptions> ProjectCreateCommand() {
  return {"create", "Create a project in a cloud",
          [](CLI::App& cmd, ProjectCreateOptions& o) {
            cmd.add_option("--cloud", o.cloud, "Cloud id or name")->required();
            cmd.add_option("NAME", o.name, "Project name (unique in its cloud)")->required();
          },
          [](CommandEnv& env, const ProjectCreateOptions& o) {
            const auto id = ResolveId(env, kCloud, o.cloud);
            if (!id) return;
            v1::CreateProjectRequest request;
            request.set_cloud_id(*id);
            request.set_name(o.name);
            if (auto out = CallOrFail(env, &DirectoryStub::CreateProject, request)) PrintOne(*out);
          }};
}

void AddProjectCommands(CLI::App& app, Registry& registry) {
  CLI::App& project = *Registry::Group(app, "project", "Manage projects and their grants.");
  registry.Add(project, ProjectCreateCommand());
  registry.Add(
      project,
      ListCommand<v1::ListProjectsPage, v1::Project>(
          {.description = "List projects",
           .listing = {&DirectoryStub::ListProjects, &v1::ListProjectsPage::projects,
                       TableOrJson<v1::Project>({"ID", "NAME", "CLOUD", "CREATED AT"}, ProjectRow)},
           .parent = {"--cloud", "Only this cloud (id or name)", ResolverOf(kCloud)}}));
  registry.Add(project, GetCommand("Show a project", kProject));
  registry.Add(project, DeleteCommand<v1::DeleteProjectRequest>(
                            {.description = "Delete a project and its grants",
                             .target = kProject.target,
                             .rpc = &DirectoryStub::DeleteProject,
                             .set_id = [](auto& r, const std::string& id) { r.set_project_id(id); },
                             .done = "deleted project"}));
  AddGrantCommands(registry, project, kProjectResource);
}

// `user-group add-members|remove-members GROUP USERS…`.
struct MembersOptions {
  std::string group;
  std::vector<std::string> users;
  bool json = false;
};

Command<MembersOptions> MembersCommand(
    const char* name, const char* description,
    UnaryRpc<DirectoryStub, v1::GroupMembersRequest, v1::GroupMembersResponse> rpc,
    const char* done) {
  return {name, description,
          [](CLI::App& cmd, MembersOptions& o) {
            cmd.add_option(kGroup.target.name, o.group, kGroup.target.help)->required();
            cmd.add_option("USERS", o.users, "User ids (usr_…) or emails")->required();
            cmd.add_flag("--json", o.json, "Print the response (with its consistency_token)");
          },
          [rpc, done](CommandEnv& env, const MembersOptions& o) {
            const auto id = ResolveId(env, kGroup, o.group);
            if (!id) return;
            v1::GroupMembersRequest request;
            request.set_group_id(*id);
            for (const auto& u : o.users) request.add_users(u);
            if (auto out = CallOrFail(env, rpc, request)) {
              if (o.json) {
                PrintOne(*out);
              } else {
                std::cout << out->changed() << done;
              }
            }
          }};
}

void AddGroupCommands(CLI::App& app, Registry& registry) {
  CLI::App& group = *Registry::Group(app, "user-group", "Manage user groups and their members.");
  registry.Add(group,
               CreateByName("Create a user group", "Group name", &DirectoryStub::CreateUserGroup));
  registry.Add(
      group, ListCommand<v1::ListUserGroupsPage, v1::UserGroup>(
                 {.description = "List user groups",
                  .listing = {&DirectoryStub::ListUserGroups, &v1::ListUserGroupsPage::user_groups,
                              TableOrJson<v1::UserGroup>({"ID", "NAME", "CREATED AT", "UPDATED AT"},
                                                         GroupRow)}}));
  registry.Add(group, GetCommand("Show a user group", kGroup));
  registry.Add(group, DeleteCommand<v1::DeleteUserGroupRequest>(
                          {.description = "Delete a user group, its memberships and grants",
                           .target = kGroup.target,
                           .resolve = ResolverOf(kGroup),
                           .rpc = &DirectoryStub::DeleteUserGroup,
                           .set_id = [](auto& r, const std::string& id) { r.set_id(id); },
                           .done = "deleted user group"}));
  registry.Add(group, MembersCommand("add-members", "Add users to a group",
                                     &DirectoryStub::AddGroupMembers, " members added.\n"));
  registry.Add(group, MembersCommand("remove-members", "Remove users from a group",
                                     &DirectoryStub::RemoveGroupMembers, " members removed.\n"));
  CLI::App& membership = *Registry::Group(group, "membership", "Group memberships");
  registry.Add(membership,
               ListCommand<v1::ListGroupMembershipsPage, v1::GroupMembership>(
                   {.description = "Print {group_name: [sorted emails]}",
                    .listing = {&DirectoryStub::ListGroupMemberships,
                                &v1::ListGroupMembershipsPage::memberships,
                                [](const auto& memberships, bool) {
                                  return Pretty(MembershipsJson(memberships));
                                }},
                    .parent = {"--group", "Only this group (id or name)", ResolverOf(kGroup)},
                    .name_filter = false,
                    .json_flag = false}));
}

// `api-key create --scope S [--principal U] [--name N]`.
struct ApiKeyCreateOptions {
  std::string scope, principal, name;
};

Command<ApiKeyCreateOptions> ApiKeyCreateCommand() {
  return {
      "create", "Create a key; it is printed once, last line",
      [](CLI::App& cmd, ApiKeyCreateOptions& o) {
        cmd.add_option("--scope", o.scope, "admin, read or check")->required();
        cmd.add_option("--principal", o.principal, "User id (usr_…) the key acts for");
        cmd.add_option("--name", o.name, "A label for the key");
      },
      [](CommandEnv& env, const ApiKeyCreateOptions& o) {
        v1::CreateApiKeyRequest request;
        request.set_scope(o.scope);
        request.set_principal_user_id(o.principal);
        request.set_name(o.name);
        auto out = CallOrFail(env, &DirectoryStub::CreateApiKey, request);
        if (!out) return;
        env.status.Print("API key " + out->api_key().key_id() + " created; it is shown only once:");
        std::cout << out->key() << "\n";
      }};
}

void AddApiKeyCommands(CLI::App& app, Registry& registry) {
  CLI::App& keys = *Registry::Group(app, "api-key", "API keys of your organization.");
  registry.Add(keys, ApiKeyCreateCommand());
  registry.Add(keys,
               ListCommand<v1::ListApiKeysPage, v1::ApiKey>(
                   {.description = "List keys (never the keys themselves)",
                    .listing = {&DirectoryStub::ListApiKeys, &v1::ListApiKeysPage::api_keys,
                                TableOrJson<v1::ApiKey>({"KEY ID", "NAME", "SCOPE", "PRINCIPAL",
                                                         "CREATED AT", "REVOKED AT"},
                                                        ApiKeyRow)},
                    .name_filter = false}));
  registry.Add(keys, DeleteCommand<v1::RevokeApiKeyRequest>(
                         {.name = "revoke",
                          .description = "Revoke a key",
                          .target = {"KEY_ID", "Key id (from `api-key list`)"},
                          .rpc = &DirectoryStub::RevokeApiKey,
                          .set_id = [](auto& r, const std::string& id) { r.set_key_id(id); },
                          .done = "revoked API key"}));
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, Registry& registry) {
  AddCloudCommands(app, registry);
  AddProjectCommands(app, registry);
  AddGroupCommands(app, registry);
  CLI::App& org = *Registry::Group(app, "org", "Roles on the organization (owner, collaborator).");
  AddGrantCommands(registry, org, kOrgResource);
  CLI::App& sa = *Registry::Group(app, "service-account", "Service accounts.");
  registry.Add(
      sa, CreateByName("Create a service account (an org collaborator)",
                       "Display name, e.g. \"Service Bot\"", &DirectoryStub::CreateServiceAccount));
  AddApiKeyCommands(app, registry);
}

}  // namespace rolecall::cli
