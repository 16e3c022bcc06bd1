// PgStore: clouds, projects, user groups, memberships, service accounts and grants.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/status.h"
#include "storage/pg_store.h"
#include "storage/sql.h"

namespace rolecall {
namespace {

constexpr const char* kInsertCloud = "insert_cloud";
constexpr const char* kCloudById = "cloud_by_id";
constexpr const char* kCloudByName = "cloud_by_name";
constexpr const char* kListClouds = "list_clouds";
constexpr const char* kDeleteCloud = "delete_cloud";
constexpr const char* kInsertProject = "insert_project";
constexpr const char* kProjectById = "project_by_id";
constexpr const char* kListProjects = "list_projects";
constexpr const char* kDeleteProject = "delete_project";
constexpr const char* kInsertGroup = "insert_group";
constexpr const char* kGroupById = "group_by_id";
constexpr const char* kGroupByName = "group_by_name";
constexpr const char* kListGroups = "list_groups";
constexpr const char* kDeleteGroup = "delete_group";
constexpr const char* kResolveUsers = "resolve_users";
constexpr const char* kAddMembers = "add_members";
constexpr const char* kRemoveMembers = "remove_members";
constexpr const char* kTouchGroup = "touch_group";
constexpr const char* kListMemberships = "list_memberships";
constexpr const char* kInsertServiceAccount = "insert_service_account";
constexpr const char* kDeleteUser = "delete_user";
constexpr const char* kResolveUser = "resolve_user";
constexpr const char* kGroupExists = "group_exists";
constexpr const char* kResourceExists = "resource_exists";
constexpr const char* kGrantUser = "grant_user";
constexpr const char* kGrantGroup = "grant_group";
constexpr const char* kRevokeUser = "revoke_user";
constexpr const char* kRevokeGroup = "revoke_group";
constexpr const char* kListGrants = "list_grants";

#define MICROS(col) ROLECALL_SQL_MICROS(col)

// The name filter shared by the directory lists ($N is the filter text).
std::string NameFilter(const std::string& column, const std::string& param) {
  return absl::StrCat("(", param, " = '' OR strpos(lower(", column, "), lower(", param, ")) > 0)");
}

v1::Cloud CloudFromRow(const pqxx::row& r) {
  v1::Cloud c;
  c.set_cloud_id(r[0].as<std::string>());
  c.set_name(r[1].as<std::string>());
  sql::SetMicros(c.mutable_created_at(), r[2].as<int64_t>());
  return c;
}

v1::Project ProjectFromRow(const pqxx::row& r) {
  v1::Project p;
  p.set_project_id(r[0].as<std::string>());
  p.set_name(r[1].as<std::string>());
  p.set_cloud_id(r[2].as<std::string>());
  sql::SetMicros(p.mutable_created_at(), r[3].as<int64_t>());
  return p;
}

v1::UserGroup GroupFromRow(const pqxx::row& r) {
  v1::UserGroup g;
  g.set_id(r[0].as<std::string>());
  g.set_name(r[1].as<std::string>());
  g.set_org_id(r[2].as<std::string>());
  sql::SetMicros(g.mutable_created_at(), r[3].as<int64_t>());
  sql::SetMicros(g.mutable_updated_at(), r[4].as<int64_t>());
  return g;
}

// The cursor of a two-column keyset (name, id); empty strings start from the beginning.
std::pair<std::string, std::string> NameIdCursor(const std::vector<std::string>& after) {
  if (after.size() != 2) return {"", ""};
  return {after[0], after[1]};
}

absl::Status NotFound(const std::string& what, const std::string& id) {
  return absl::NotFoundError(absl::StrCat(what, " '", Clip(id), "' not found"));
}

// "Service Bot" → "service-bot": the local part of a service account's email.
std::string ServiceAccountSlug(const std::string& name) {
  std::string slug;
  for (char c : absl::AsciiStrToLower(name)) {
    if (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-') {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace

std::vector<PreparedStatement> PgStore::DirectoryStatements() {
  const std::string kCloudCols = "cloud_id, name, " MICROS("created_at");
  const std::string kProjectCols = "project_id, name, cloud_id, " MICROS("created_at");
  const std::string kGroupCols =
      "group_id, name, org_id, " MICROS("created_at") ", " MICROS("updated_at");
  return {
      {kInsertCloud,
       "INSERT INTO clouds (org_id, cloud_id, name) VALUES ($1, $2, $3) RETURNING " + kCloudCols},
      {kCloudById, "SELECT " + kCloudCols + " FROM clouds WHERE org_id = $1 AND cloud_id = $2"},
      {kCloudByName, "SELECT " + kCloudCols + " FROM clouds WHERE org_id = $1 AND name = $2"},
      {kListClouds, "SELECT " + kCloudCols +
                        " FROM clouds WHERE org_id = $1 AND (name, cloud_id) > ($2, $3) AND " +
                        NameFilter("name", "$4") + " ORDER BY name, cloud_id LIMIT $5"},
      // Projects and every grant on the cloud or its projects go with it (foreign keys).
      {kDeleteCloud, "DELETE FROM clouds WHERE org_id = $1 AND cloud_id = $2"},
      {kInsertProject,
       "INSERT INTO projects (org_id, project_id, cloud_id, name) VALUES ($1, $2, $3, $4) "
       "RETURNING " +
           kProjectCols},
      {kProjectById,
       "SELECT " + kProjectCols + " FROM projects WHERE org_id = $1 AND project_id = $2"},
      {kListProjects, "SELECT " + kProjectCols +
                          " FROM projects WHERE org_id = $1 AND (name, project_id) > ($2, $3) "
                          "AND ($4 = '' OR cloud_id = $4) AND " +
                          NameFilter("name", "$5") + " ORDER BY name, project_id LIMIT $6"},
      {kDeleteProject, "DELETE FROM projects WHERE org_id = $1 AND project_id = $2"},
      {kInsertGroup,
       "INSERT INTO user_groups (org_id, group_id, name) VALUES ($1, $2, $3) "
       "RETURNING " +
           kGroupCols},
      {kGroupById,
       "SELECT " + kGroupCols + " FROM user_groups WHERE org_id = $1 AND group_id = $2"},
      {kGroupByName, "SELECT " + kGroupCols + " FROM user_groups WHERE org_id = $1 AND name = $2"},
      {kListGroups, "SELECT " + kGroupCols +
                        " FROM user_groups WHERE org_id = $1 AND (name, group_id) > ($2, $3) AND " +
                        NameFilter("name", "$4") + " ORDER BY name, group_id LIMIT $5"},
      {kDeleteGroup, "DELETE FROM user_groups WHERE org_id = $1 AND group_id = $2"},
      // Each requested id or email with the user it names (NULL when none).
      {kResolveUsers,
       "SELECT x.v, u.user_id FROM json_array_elements_text($2::json) WITH ORDINALITY AS x(v, n) "
       "LEFT JOIN users u ON u.org_id = $1 AND (u.user_id = x.v OR u.email_key = lower(x.v)) "
       "ORDER BY x.n"},
      {kAddMembers,
       "INSERT INTO group_members (org_id, group_id, user_id) "
       "SELECT $1, $2, u FROM json_array_elements_text($3::json) AS u ON CONFLICT DO NOTHING"},
      {kRemoveMembers,
       "DELETE FROM group_members WHERE org_id = $1 AND group_id = $2 AND user_id IN "
       "(SELECT json_array_elements_text($3::json)) RETURNING user_id"},
      {kTouchGroup,
       "UPDATE user_groups SET updated_at = now() WHERE org_id = $1 AND group_id = $2"},
      {kListMemberships,
       "SELECT g.group_id, g.name, coalesce((SELECT string_agg(u.email, E'\\n' ORDER BY "
       "u.email_key) FROM group_members m JOIN users u ON u.org_id = m.org_id AND u.user_id = "
       "m.user_id WHERE m.org_id = g.org_id AND m.group_id = g.group_id), '') "
       "FROM user_groups g WHERE g.org_id = $1 AND (g.name, g.group_id) > ($2, $3) "
       "AND ($4 = '' OR g.group_id = $4) ORDER BY g.name, g.group_id LIMIT $5"},
      {kInsertServiceAccount,
       absl::StrCat("INSERT INTO users AS u (org_id, user_id, email, name, is_service_account) "
                    "VALUES ($1, $2, $3, $4, true) RETURNING ",
                    sql::kUserColumns)},
      {kDeleteUser, "DELETE FROM users WHERE org_id = $1 AND user_id = $2"},
      {kResolveUser,
       "SELECT user_id, email FROM users WHERE org_id = $1 AND (user_id = $2 OR email_key = "
       "lower($2))"},
      {kGroupExists, "SELECT group_id, name FROM user_groups WHERE org_id = $1 AND group_id = $2"},
      // For a clear NOT_FOUND; a resource deleted concurrently is caught by the grant tables'
      // foreign keys, which lock the resource row until the grant commits.
      {kResourceExists,
       "SELECT CASE $2::int WHEN 0 THEN $3 = $1 "
       "WHEN 1 THEN EXISTS (SELECT 1 FROM clouds WHERE org_id = $1 AND cloud_id = $3) "
       "ELSE EXISTS (SELECT 1 FROM projects WHERE org_id = $1 AND project_id = $3) END"},
      {kGrantUser,
       "INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role) "
       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, user_id, resource_kind, resource_id, "
       "role) DO UPDATE SET role = EXCLUDED.role RETURNING " MICROS("created_at")},
      {kGrantGroup,
       "INSERT INTO group_grants (org_id, group_id, resource_kind, resource_id, role) "
       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, group_id, resource_kind, resource_id, "
       "role) DO UPDATE SET role = EXCLUDED.role RETURNING " MICROS("created_at")},
      {kRevokeUser,
       "DELETE FROM user_grants WHERE org_id = $1 AND user_id = $2 AND resource_kind = $3 AND "
       "resource_id = $4 AND role = $5"},
      {kRevokeGroup,
       "DELETE FROM group_grants WHERE org_id = $1 AND group_id = $2 AND resource_kind = $3 AND "
       "resource_id = $4 AND role = $5"},
      // clang-format off
      {kListGrants,
       "SELECT kind, principal, role, micros, label FROM ("
       "  SELECT 'g' AS kind, gg.group_id AS principal, gg.role, " MICROS("gg.created_at")
       "    AS micros, g.name::text AS label FROM group_grants gg JOIN user_groups g"
       "    ON g.org_id = gg.org_id AND g.group_id = gg.group_id"
       "    WHERE gg.org_id = $1 AND gg.resource_kind = $2 AND gg.resource_id = $3"
       "  UNION ALL"
       "  SELECT 'u', ug.user_id, ug.role, " MICROS("ug.created_at") ", u.email"
       "    FROM user_grants ug JOIN users u ON u.org_id = ug.org_id AND u.user_id = ug.user_id"
       "    WHERE ug.org_id = $1 AND ug.resource_kind = $2 AND ug.resource_id = $3"
       ") x WHERE (kind, principal, role) > ($4, $5, $6::smallint) "
       "ORDER BY kind, principal, role LIMIT $7"},
      // clang-format on
  };
}

absl::StatusOr<v1::Cloud> PgStore::CreateCloud(const std::string& org_id, const std::string& name) {
  v1::Cloud out;
  absl::Status s = pool_.Run(org_id, "creating the cloud", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    out = CloudFromRow(tx.exec_prepared1(kInsertCloud, org_id, NewId("cld_"), name));
    tx.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat("a cloud named '", Clip(name), "' already exists"));
  }
  RETURN_IF_ERROR(s);
  return out;
}

absl::StatusOr<v1::Cloud> PgStore::GetCloud(const std::string& org_id, const std::string& key,
                                            bool by_name) {
  v1::Cloud out;
  RETURN_IF_ERROR(pool_.Run(org_id, "reading the cloud", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_prepared(by_name ? kCloudByName : kCloudById, org_id, key);
    if (rows.empty()) return NotFound("cloud", key);
    out = CloudFromRow(rows[0]);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Page<v1::Cloud>> PgStore::ListClouds(const std::string& org_id,
                                                    const ListQuery& query,
                                                    const std::vector<std::string>& after,
                                                    int limit) {
  Page<v1::Cloud> page;
  const auto [name, id] = NameIdCursor(after);
  RETURN_IF_ERROR(pool_.Run(org_id, "listing clouds", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::Cloud>(
        tx.exec_prepared(kListClouds, org_id, name, id, query.name_contains, limit + 1), limit,
        CloudFromRow, [](const pqxx::row& r) {
          return std::vector<std::string>{r[1].as<std::string>(), r[0].as<std::string>()};
        });
    return absl::OkStatus();
  }));
  return page;
}

absl::Status PgStore::DeleteCloud(const std::string& org_id, const std::string& cloud_id) {
  return pool_.Run(org_id, "deleting the cloud", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kDeleteCloud, org_id, cloud_id).affected_rows() == 0) {
      return NotFound("cloud", cloud_id);
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Project> PgStore::CreateProject(const std::string& org_id,
                                                   const std::string& cloud_id,
                                                   const std::string& name) {
  v1::Project out;
  absl::Status s = pool_.Run(org_id, "creating the project", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    out = ProjectFromRow(tx.exec_prepared1(kInsertProject, org_id, NewId("prj_"), cloud_id, name));
    tx.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("cloud '", cloud_id, "' already has a project named '", Clip(name), "'"));
  }
  if (s.code() == absl::StatusCode::kNotFound) return NotFound("cloud", cloud_id);
  RETURN_IF_ERROR(s);
  return out;
}

absl::StatusOr<v1::Project> PgStore::GetProject(const std::string& org_id,
                                                const std::string& project_id) {
  v1::Project out;
  RETURN_IF_ERROR(pool_.Run(org_id, "reading the project", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_prepared(kProjectById, org_id, project_id);
    if (rows.empty()) return NotFound("project", project_id);
    out = ProjectFromRow(rows[0]);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Page<v1::Project>> PgStore::ListProjects(const std::string& org_id,
                                                        const ListQuery& query,
                                                        const std::vector<std::string>& after,
                                                        int limit) {
  Page<v1::Project> page;
  const auto [name, id] = NameIdCursor(after);
  RETURN_IF_ERROR(pool_.Run(org_id, "listing projects", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::Project>(
        tx.exec_prepared(kListProjects, org_id, name, id, query.parent_id, query.name_contains,
                         limit + 1),
        limit, ProjectFromRow, [](const pqxx::row& r) {
          return std::vector<std::string>{r[1].as<std::string>(), r[0].as<std::string>()};
        });
    return absl::OkStatus();
  }));
  return page;
}

absl::Status PgStore::DeleteProject(const std::string& org_id, const std::string& project_id) {
  return pool_.Run(org_id, "deleting the project", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kDeleteProject, org_id, project_id).affected_rows() == 0) {
      return NotFound("project", project_id);
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::UserGroup> PgStore::CreateGroup(const std::string& org_id,
                                                   const std::string& name) {
  v1::UserGroup out;
  absl::Status s = pool_.Run(org_id, "creating the user group", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    out = GroupFromRow(tx.exec_prepared1(kInsertGroup, org_id, NewId("ug_"), name));
    tx.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat("a user group named '", Clip(name), "' already exists"));
  }
  RETURN_IF_ERROR(s);
  return out;
}

absl::StatusOr<v1::UserGroup> PgStore::GetGroup(const std::string& org_id, const std::string& key,
                                                bool by_name) {
  v1::UserGroup out;
  RETURN_IF_ERROR(pool_.Run(org_id, "reading the user group", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_prepared(by_name ? kGroupByName : kGroupById, org_id, key);
    if (rows.empty()) return NotFound("user group", key);
    out = GroupFromRow(rows[0]);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Page<v1::UserGroup>> PgStore::ListGroups(const std::string& org_id,
                                                        const ListQuery& query,
                                                        const std::vector<std::string>& after,
                                                        int limit) {
  Page<v1::UserGroup> page;
  const auto [name, id] = NameIdCursor(after);
  RETURN_IF_ERROR(pool_.Run(org_id, "listing user groups", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::UserGroup>(
        tx.exec_prepared(kListGroups, org_id, name, id, query.name_contains, limit + 1), limit,
        GroupFromRow, [](const pqxx::row& r) {
          return std::vector<std::string>{r[1].as<std::string>(), r[0].as<std::string>()};
        });
    return absl::OkStatus();
  }));
  return page;
}

absl::Status PgStore::DeleteGroup(const std::string& org_id, const std::string& group_id) {
  return pool_.Run(org_id, "deleting the user group", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kDeleteGroup, org_id, group_id).affected_rows() == 0) {
      return NotFound("user group", group_id);
    }
    tx.commit();
    return absl::OkStatus();
  });
}

namespace {

// Resolves ids or emails to user ids inside `tx`; NOT_FOUND naming every unknown one.
absl::StatusOr<std::vector<std::string>> ResolveUsers(pqxx::transaction_base& tx,
                                                      const std::string& org_id,
                                                      const std::vector<std::string>& users) {
  std::vector<std::string> ids, unknown;
  for (const auto& r : tx.exec_prepared(kResolveUsers, org_id, nlohmann::json(users).dump())) {
    if (r[1].is_null()) {
      unknown.push_back(r[0].as<std::string>());
    } else {
      ids.push_back(r[1].as<std::string>());
    }
  }
  if (!unknown.empty()) {
    return absl::NotFoundError(absl::StrCat("no such user", unknown.size() > 1 ? "s" : "", ": ",
                                            ClipList(unknown)));
  }
  return ids;
}

}  // namespace

absl::StatusOr<int> PgStore::AddMembers(const std::string& org_id, const std::string& group_id,
                                        const std::vector<std::string>& users) {
  int added = 0;
  RETURN_IF_ERROR(pool_.Run(org_id, "adding group members", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kGroupExists, org_id, group_id).empty()) {
      return NotFound("user group", group_id);
    }
    ASSIGN_OR_RETURN(const auto ids, ResolveUsers(tx, org_id, users));
    added =
        static_cast<int>(tx.exec_prepared(kAddMembers, org_id, group_id, nlohmann::json(ids).dump())
                             .affected_rows());
    if (added > 0) tx.exec_prepared(kTouchGroup, org_id, group_id);
    tx.commit();
    return absl::OkStatus();
  }));
  return added;
}

absl::StatusOr<int> PgStore::RemoveMembers(const std::string& org_id, const std::string& group_id,
                                           const std::vector<std::string>& users) {
  int removed = 0;
  RETURN_IF_ERROR(pool_.Run(org_id, "removing group members", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kGroupExists, org_id, group_id).empty()) {
      return NotFound("user group", group_id);
    }
    ASSIGN_OR_RETURN(const auto ids, ResolveUsers(tx, org_id, users));
    std::set<std::string> gone;
    for (const auto& r :
         tx.exec_prepared(kRemoveMembers, org_id, group_id, nlohmann::json(ids).dump())) {
      gone.insert(r[0].as<std::string>());
    }
    std::vector<std::string> not_members;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!gone.count(ids[i])) not_members.push_back(users[i]);
    }
    if (!not_members.empty()) {
      return absl::NotFoundError(
          absl::StrCat("not members of the group: ", ClipList(not_members),
                       "; no member was removed"));
    }
    removed = static_cast<int>(gone.size());
    if (removed > 0) tx.exec_prepared(kTouchGroup, org_id, group_id);
    tx.commit();
    return absl::OkStatus();
  }));
  return removed;
}

absl::StatusOr<Page<v1::GroupMembership>> PgStore::ListMemberships(
    const std::string& org_id, const ListQuery& query, const std::vector<std::string>& after,
    int limit) {
  Page<v1::GroupMembership> page;
  const auto [name, id] = NameIdCursor(after);
  RETURN_IF_ERROR(pool_.Run(org_id, "listing group memberships", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::GroupMembership>(
        tx.exec_prepared(kListMemberships, org_id, name, id, query.parent_id, limit + 1), limit,
        [](const pqxx::row& r) {
          v1::GroupMembership m;
          m.set_group_id(r[0].as<std::string>());
          m.set_group_name(r[1].as<std::string>());
          const std::string emails = r[2].as<std::string>();
          if (!emails.empty()) {
            for (absl::string_view e : absl::StrSplit(emails, '\n')) {
              m.add_member_emails(std::string(e));
            }
          }
          return m;
        },
        [](const pqxx::row& r) {
          return std::vector<std::string>{r[1].as<std::string>(), r[0].as<std::string>()};
        });
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<v1::User> PgStore::CreateServiceAccount(const std::string& org_id,
                                                       const std::string& name) {
  const std::string slug = ServiceAccountSlug(name);
  if (slug.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("service account name '", Clip(name), "' has no letters or digits"));
  }
  const std::string email = absl::StrCat(slug, "@org-", org_id, ".serviceaccount.com");
  v1::User created;
  absl::Status s = pool_.Run(org_id, "creating the service account", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    created = sql::UserFromRow(
        tx.exec_prepared1(kInsertServiceAccount, org_id, NewId("usr_"), email, name));
    tx.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat("a user with email '", Clip(email), "' already exists"));
  }
  RETURN_IF_ERROR(s);
  return created;
}

absl::Status PgStore::DeleteUser(const std::string& org_id, const std::string& user_id) {
  return pool_.Run(org_id, "deleting the user", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kDeleteUser, org_id, user_id).affected_rows() == 0) {
      return NotFound("user", user_id);
    }
    tx.commit();
    return absl::OkStatus();
  });
}

namespace {

struct ResolvedPrincipal {
  std::string id;
  std::string name;  // email or group name
};

absl::StatusOr<ResolvedPrincipal> ResolvePrincipal(pqxx::transaction_base& tx,
                                                   const std::string& org_id,
                                                   const PrincipalKey& p) {
  const auto rows = tx.exec_prepared(p.group ? kGroupExists : kResolveUser, org_id, p.id_or_email);
  if (rows.empty()) return NotFound(p.group ? "user group" : "user", p.id_or_email);
  return ResolvedPrincipal{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

absl::Status CheckResource(pqxx::transaction_base& tx, const std::string& org_id,
                           const ResourceKey& r) {
  if (!tx.exec_prepared1(kResourceExists, org_id, static_cast<int>(r.kind), r.id)[0].as<bool>()) {
    return NotFound(std::string(ResourceKindName(r.kind)), r.id);
  }
  return absl::OkStatus();
}

void SetResource(v1::ResourceRef* ref, const ResourceKey& r) {
  switch (r.kind) {
    case ResourceKind::kOrganization:
      ref->set_organization(true);
      break;
    case ResourceKind::kCloud:
      ref->set_cloud_id(r.id);
      break;
    case ResourceKind::kProject:
      ref->set_project_id(r.id);
      break;
  }
}

}  // namespace

absl::StatusOr<v1::Grant> PgStore::GrantRole(const std::string& org_id, const ResourceKey& resource,
                                             const PrincipalKey& principal, Role role) {
  v1::Grant out;
  RETURN_IF_ERROR(pool_.Run(org_id, "granting the role", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    RETURN_IF_ERROR(CheckResource(tx, org_id, resource));
    ASSIGN_OR_RETURN(const auto who, ResolvePrincipal(tx, org_id, principal));
    const auto row =
        tx.exec_prepared1(principal.group ? kGrantGroup : kGrantUser, org_id, who.id,
                          static_cast<int>(resource.kind), resource.id, static_cast<int>(role));
    tx.commit();
    SetResource(out.mutable_resource(), resource);
    if (principal.group) {
      out.mutable_principal()->set_group_id(who.id);
    } else {
      out.mutable_principal()->set_user_id(who.id);
    }
    out.set_principal_name(who.name);
    out.set_role(std::string(RoleName(role)));
    sql::SetMicros(out.mutable_created_at(), row[0].as<int64_t>());
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgStore::RevokeRole(const std::string& org_id, const ResourceKey& resource,
                                 const PrincipalKey& principal, Role role) {
  return pool_.Run(org_id, "revoking the role", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    RETURN_IF_ERROR(CheckResource(tx, org_id, resource));
    ASSIGN_OR_RETURN(const auto who, ResolvePrincipal(tx, org_id, principal));
    if (tx.exec_prepared(principal.group ? kRevokeGroup : kRevokeUser, org_id, who.id,
                         static_cast<int>(resource.kind), resource.id, static_cast<int>(role))
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

absl::StatusOr<Page<v1::Grant>> PgStore::ListGrants(const std::string& org_id,
                                                    const ResourceKey& resource,
                                                    const std::vector<std::string>& after,
                                                    int limit) {
  Page<v1::Grant> page;
  std::string kind, principal;
  int role = 0;
  if (after.size() == 3) {
    kind = after[0];
    principal = after[1];
    role = std::atoi(after[2].c_str());
  }
  RETURN_IF_ERROR(pool_.Run(org_id, "listing grants", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(CheckResource(tx, org_id, resource));
    page = sql::PageOf<v1::Grant>(
        tx.exec_prepared(kListGrants, org_id, static_cast<int>(resource.kind), resource.id, kind,
                         principal, role, limit + 1),
        limit,
        [&](const pqxx::row& r) {
          v1::Grant g;
          SetResource(g.mutable_resource(), resource);
          if (r[0].as<std::string>() == "g") {
            g.mutable_principal()->set_group_id(r[1].as<std::string>());
          } else {
            g.mutable_principal()->set_user_id(r[1].as<std::string>());
          }
          g.set_role(std::string(RoleName(static_cast<Role>(r[2].as<int>()))));
          sql::SetMicros(g.mutable_created_at(), r[3].as<int64_t>());
          g.set_principal_name(r[4].as<std::string>());
          return g;
        },
        [](const pqxx::row& r) {
          return std::vector<std::string>{r[0].as<std::string>(), r[1].as<std::string>(),
                                          r[2].as<std::string>()};
        });
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace rolecall
