// PgStore: clouds, projects, user groups, memberships and grants.
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/status.h"
#include "storage/pg_query.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

v1::GroupMembership MembershipFromRow(const pqxx::row& r) {
  v1::GroupMembership m;
  m.set_group_id(pg::Text(r, "group_id"));
  m.set_group_name(pg::Text(r, "name"));
  const std::string emails = pg::Text(r, "member_emails");
  if (!emails.empty()) {
    for (absl::string_view e : absl::StrSplit(emails, '\n')) m.add_member_emails(std::string(e));
  }
  return m;
}

// A page of a listing by (name, id) whose query takes $1 org_id, $2 $3 the cursor (name and the
// `id_column` of the last row before the page), then `filters`, then the limit.
template <typename Item, typename Decode, typename... Filters>
absl::StatusOr<Page<Item, NameIdCursor>> ListByName(PgPool& pool, const RequestContext& ctx,
                                                    const char* what, const char* query,
                                                    Decode decode, const char* id_column,
                                                    const std::optional<NameIdCursor>& after,
                                                    int limit, const Filters&... filters) {
  const NameIdCursor from = after.value_or(NameIdCursor{});
  return pg::ListPage<Item, NameIdCursor>(
      pool, ctx, what, query, limit, decode,
      [id_column](const pqxx::row& r) {
        return NameIdCursor{pg::Text(r, "name"), pg::Text(r, id_column)};
      },
      ctx.org_id, from.name, from.id, filters...);
}

absl::Status NameTaken(const char* what, const std::string& name) {
  return absl::AlreadyExistsError(absl::StrCat(what, " named '", Clip(name), "' already exists"));
}

}  // namespace

absl::StatusOr<v1::Cloud> PgStore::CreateCloud(const RequestContext& ctx, const std::string& name) {
  return pg::InsertOne<v1::Cloud>(pool_, ctx, "creating the cloud", queries::kInsertCloud,
                                  NameTaken("a cloud", name), absl::OkStatus(), pg::Read<v1::Cloud>,
                                  ctx.org_id, NewId("cld_"), name);
}

absl::StatusOr<v1::Cloud> PgStore::GetCloud(const RequestContext& ctx, const std::string& key,
                                            bool by_name) {
  return pg::ReadOne<v1::Cloud>(pool_, ctx, "reading the cloud", queries::kGetCloud,
                                pg::NotFound("cloud", key), pg::Read<v1::Cloud>, ctx.org_id,
                                by_name, key);
}

absl::StatusOr<Page<v1::Cloud, NameIdCursor>> PgStore::ListClouds(
    const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
    int limit) {
  return ListByName<v1::Cloud>(pool_, ctx, "listing clouds", queries::kListClouds,
                               pg::Read<v1::Cloud>, "cloud_id", after, limit, query.name_contains);
}

absl::Status PgStore::DeleteCloud(const RequestContext& ctx, const std::string& cloud_id) {
  return pg::ChangeOne(pool_, ctx, "deleting the cloud", queries::kDeleteCloud,
                       pg::NotFound("cloud", cloud_id), ctx.org_id, cloud_id);
}

absl::StatusOr<v1::Project> PgStore::CreateProject(const RequestContext& ctx,
                                                   const std::string& cloud_id,
                                                   const std::string& name) {
  return pg::InsertOne<v1::Project>(
      pool_, ctx, "creating the project", queries::kInsertProject,
      absl::AlreadyExistsError(absl::StrCat("cloud '", Clip(cloud_id),
                                            "' already has a project named '", Clip(name), "'")),
      pg::NotFound("cloud", cloud_id), pg::Read<v1::Project>, ctx.org_id, NewId("prj_"), cloud_id,
      name);
}

absl::StatusOr<v1::Project> PgStore::GetProject(const RequestContext& ctx,
                                                const std::string& project_id) {
  return pg::ReadOne<v1::Project>(pool_, ctx, "reading the project", queries::kGetProject,
                                  pg::NotFound("project", project_id), pg::Read<v1::Project>,
                                  ctx.org_id, project_id);
}

absl::StatusOr<Page<v1::Project, NameIdCursor>> PgStore::ListProjects(
    const RequestContext& ctx, const ProjectQuery& query, const std::optional<NameIdCursor>& after,
    int limit) {
  return ListByName<v1::Project>(pool_, ctx, "listing projects", queries::kListProjects,
                                 pg::Read<v1::Project>, "project_id", after, limit, query.cloud_id,
                                 query.name_contains);
}

absl::Status PgStore::DeleteProject(const RequestContext& ctx, const std::string& project_id) {
  return pg::ChangeOne(pool_, ctx, "deleting the project", queries::kDeleteProject,
                       pg::NotFound("project", project_id), ctx.org_id, project_id);
}

absl::StatusOr<v1::UserGroup> PgStore::CreateGroup(const RequestContext& ctx,
                                                   const std::string& name) {
  return pg::InsertOne<v1::UserGroup>(pool_, ctx, "creating the user group", queries::kInsertGroup,
                                      NameTaken("a user group", name), absl::OkStatus(),
                                      pg::Read<v1::UserGroup>, ctx.org_id, NewId("ug_"), name);
}

absl::StatusOr<v1::UserGroup> PgStore::GetGroup(const RequestContext& ctx, const std::string& key,
                                                bool by_name) {
  return pg::ReadOne<v1::UserGroup>(pool_, ctx, "reading the user group", queries::kGetGroup,
                                    pg::NotFound("user group", key), pg::Read<v1::UserGroup>,
                                    ctx.org_id, by_name, key);
}

absl::StatusOr<Page<v1::UserGroup, NameIdCursor>> PgStore::ListGroups(
    const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
    int limit) {
  return ListByName<v1::UserGroup>(pool_, ctx, "listing user groups", queries::kListGroups,
                                   pg::Read<v1::UserGroup>, "id", after, limit,
                                   query.name_contains);
}

absl::Status PgStore::DeleteGroup(const RequestContext& ctx, const std::string& group_id) {
  return pg::ChangeOne(pool_, ctx, "deleting the user group", queries::kDeleteGroup,
                       pg::NotFound("user group", group_id), ctx.org_id, group_id);
}

absl::StatusOr<Page<v1::GroupMembership, NameIdCursor>> PgStore::ListMemberships(
    const RequestContext& ctx, const MembershipQuery& query,
    const std::optional<NameIdCursor>& after, int limit) {
  return ListByName<v1::GroupMembership>(pool_, ctx, "listing group memberships",
                                         queries::kListMemberships, MembershipFromRow, "group_id",
                                         after, limit, query.group_id);
}

namespace {

// Resolves ids or emails to user ids inside `tx`; NOT_FOUND naming every unknown one.
absl::StatusOr<std::vector<std::string>> ResolveUsers(pqxx::transaction_base& tx,
                                                      const std::string& org_id,
                                                      const std::vector<std::string>& users) {
  std::vector<std::string> ids, unknown;
  for (const auto& r :
       tx.exec_prepared(queries::kResolveUsers, org_id, nlohmann::json(users).dump())) {
    if (r["user_id"].is_null()) {
      unknown.push_back(pg::Text(r, "requested"));
    } else {
      ids.push_back(pg::Text(r, "user_id"));
    }
  }
  if (!unknown.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no such user", unknown.size() > 1 ? "s" : "", ": ", ClipList(unknown)));
  }
  return ids;
}

// Changes the memberships of `users` in `group_id` in one transaction: `change(tx, ids)` gets
// the users' ids (NOT_FOUND first for an unknown group or user) and returns how many memberships
// it changed; the group's update time moves when any did.
template <typename Change>
absl::StatusOr<int> ChangeMembers(PgPool& pool, const RequestContext& ctx, const char* what,
                                  const std::string& group_id,
                                  const std::vector<std::string>& users, Change change) {
  int changed = 0;
  RETURN_IF_ERROR(pool.Run(ctx, what, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    if (tx.exec_prepared(queries::kResolveGroup, ctx.org_id, group_id).empty()) {
      return pg::NotFound("user group", group_id);
    }
    ASSIGN_OR_RETURN(const std::vector<std::string> ids, ResolveUsers(tx, ctx.org_id, users));
    ASSIGN_OR_RETURN(changed, change(tx, ids));
    if (changed > 0) tx.exec_prepared(queries::kTouchGroup, ctx.org_id, group_id);
    tx.commit();
    return absl::OkStatus();
  }));
  return changed;
}

}  // namespace

absl::StatusOr<int> PgStore::AddMembers(const RequestContext& ctx, const std::string& group_id,
                                        const std::vector<std::string>& users) {
  return ChangeMembers(
      pool_, ctx, "adding group members", group_id, users,
      [&](pqxx::work& tx, const std::vector<std::string>& ids) -> absl::StatusOr<int> {
        return static_cast<int>(
            tx.exec_prepared(queries::kAddMembers, ctx.org_id, group_id, nlohmann::json(ids).dump())
                .affected_rows());
      });
}

absl::StatusOr<int> PgStore::RemoveMembers(const RequestContext& ctx, const std::string& group_id,
                                           const std::vector<std::string>& users) {
  return ChangeMembers(
      pool_, ctx, "removing group members", group_id, users,
      [&](pqxx::work& tx, const std::vector<std::string>& ids) -> absl::StatusOr<int> {
        std::set<std::string> gone;
        for (const auto& r : tx.exec_prepared(queries::kRemoveMembers, ctx.org_id, group_id,
                                              nlohmann::json(ids).dump())) {
          gone.insert(pg::Text(r, "user_id"));
        }
        std::vector<std::string> not_members;
        for (size_t i = 0; i < ids.size(); ++i) {
          if (!gone.count(ids[i])) not_members.push_back(users[i]);
        }
        if (!not_members.empty()) {
          return absl::NotFoundError(absl::StrCat(
              "not members of the group: ", ClipList(not_members), "; no member was removed"));
        }
        return static_cast<int>(gone.size());
      });
}

namespace {

struct ResolvedPrincipal {
  std::string id;
  std::string label;  // email or group name
};

absl::StatusOr<ResolvedPrincipal> ResolvePrincipal(pqxx::transaction_base& tx,
                                                   const std::string& org_id,
                                                   const PrincipalKey& p) {
  const auto rows = tx.exec_prepared(p.group ? queries::kResolveGroup : queries::kResolveUser,
                                     org_id, p.id_or_email);
  if (rows.empty()) return pg::NotFound(p.group ? "user group" : "user", p.id_or_email);
  return ResolvedPrincipal{pg::Text(rows[0], "id"), pg::Text(rows[0], "label")};
}

absl::Status CheckResource(pqxx::transaction_base& tx, const std::string& org_id,
                           const ResourceKey& r) {
  if (!tx.exec_prepared1(queries::kResourceExists, org_id, pg::Param(r.kind), r.id,
                         pg::Param(ResourceKind::kOrganization),
                         pg::Param(ResourceKind::kCloud))["found"]
           .as<bool>()) {
    return pg::NotFound(std::string(ResourceKindName(r.kind)), r.id);
  }
  return absl::OkStatus();
}

void SetPrincipal(v1::PrincipalRef* ref, bool group, const std::string& id) {
  if (group) {
    ref->set_group_id(id);
  } else {
    ref->set_user_id(id);
  }
}

}  // namespace

absl::StatusOr<v1::Grant> PgStore::GrantRole(const RequestContext& ctx, const ResourceKey& resource,
                                             const PrincipalKey& principal, Role role) {
  v1::Grant out;
  RETURN_IF_ERROR(pool_.Run(ctx, "granting the role", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    RETURN_IF_ERROR(CheckResource(tx, ctx.org_id, resource));
    ASSIGN_OR_RETURN(const auto who, ResolvePrincipal(tx, ctx.org_id, principal));
    const auto row =
        tx.exec_prepared1(principal.group ? queries::kGrantGroup : queries::kGrantUser, ctx.org_id,
                          who.id, pg::Param(resource.kind), resource.id, pg::Param(role));
    tx.commit();
    SetResourceRef(resource, out.mutable_resource());
    SetPrincipal(out.mutable_principal(), principal.group, who.id);
    out.set_principal_name(who.label);
    out.set_role(std::string(RoleName(role)));
    pg::SetTime(out.mutable_created_at(), row, "created_micros");
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgStore::RevokeRole(const RequestContext& ctx, const ResourceKey& resource,
                                 const PrincipalKey& principal, Role role) {
  return pool_.Run(ctx, "revoking the role", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    RETURN_IF_ERROR(CheckResource(tx, ctx.org_id, resource));
    ASSIGN_OR_RETURN(const auto who, ResolvePrincipal(tx, ctx.org_id, principal));
    if (tx.exec_prepared(principal.group ? queries::kRevokeGroup : queries::kRevokeUser, ctx.org_id,
                         who.id, pg::Param(resource.kind), resource.id, pg::Param(role))
            .affected_rows() == 0) {
      return absl::NotFoundError(
          absl::StrCat(principal.group ? "user group '" : "user '", Clip(principal.id_or_email),
                       "' does not hold ", std::string(RoleName(role)), " on ",
                       std::string(ResourceKindName(resource.kind)), " '", resource.id, "'"));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Grant, GrantCursor>> PgStore::ListGrants(
    const RequestContext& ctx, const ResourceKey& resource, const std::optional<GrantCursor>& after,
    int limit) {
  Page<v1::Grant, GrantCursor> page;
  const GrantCursor from = after.value_or(GrantCursor{true, "", 0});
  const auto decode = [&](const pqxx::row& r) {
    v1::Grant g;
    SetResourceRef(resource, g.mutable_resource());
    SetPrincipal(g.mutable_principal(), r["is_group"].as<bool>(), pg::Text(r, "principal_id"));
    g.set_role(std::string(RoleName(static_cast<Role>(r["role"].as<int>()))));
    pg::SetTime(g.mutable_created_at(), r, "created_micros");
    g.set_principal_name(pg::Text(r, "principal_name"));
    return g;
  };
  const auto cursor_of = [](const pqxx::row& r) {
    return GrantCursor{r["is_group"].as<bool>(), pg::Text(r, "principal_id"), r["role"].as<int>()};
  };
  RETURN_IF_ERROR(pool_.Run(ctx, "listing grants", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(pg::BeginRead(tx, ctx));
    RETURN_IF_ERROR(CheckResource(tx, ctx.org_id, resource));
    page = pg::PageOfRows<v1::Grant, GrantCursor>(
        tx.exec_prepared(queries::kListGrants, ctx.org_id, pg::Param(resource.kind), resource.id,
                         !from.group, from.principal_id, from.role, limit + 1),
        limit, decode, cursor_of);
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace rolecall
