// PgStore: effective permissions, resolved in PostgreSQL with set-based SQL.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "storage/copy_text.h"
#include "storage/pg_store.h"
#include "storage/queries.h"

namespace rolecall {
namespace {

constexpr const char* kOrgOwners = "org_owners";
constexpr const char* kEffectiveRole = "effective_role";
constexpr const char* kEffectiveRoles = "effective_roles";

// The checks of effective_role.sql: one from bind parameters ($1 organization, $2 user, $3 resource
// kind, $4 resource id), or a batch from a JSON array of objects with those fields and `i`.
constexpr const char* kOneCheck =
    " FROM (VALUES (0, $1::text, $2::text, $3::int, $4::text))"
    " AS q(i, org_id, user_id, kind, resource_id)";
constexpr const char* kCheckBatch =
    " FROM json_to_recordset($1::json)"
    " AS q(i int, org_id text, user_id text, kind int, resource_id text)";
constexpr const char* kContributions = "contributions";
constexpr const char* kBindStream = "bind_stream";

// The permission listing's statement (user_permissions.sql) for one user or, without the lines of
// its one-user filter, for the whole organization. Built only from that file: no part of it comes
// from a request; the request's values reach it as settings bound by kBindStream.
std::string PermissionListing(bool one_user) {
  static const std::string kOneUserMark = "-- one user";
  const std::string& file = Query("user_permissions.sql");
  std::string out;
  for (size_t at = 0; at < file.size();) {
    size_t end = file.find('\n', at);
    if (end == std::string::npos) end = file.size();
    const std::string_view line(file.data() + at, end - at);
    const bool filter = line.size() >= kOneUserMark.size() &&
                        line.substr(line.size() - kOneUserMark.size()) == kOneUserMark;
    if (one_user || !filter) out.append(line).push_back('\n');
    at = end + 1;
  }
  // Parenthesized for COPY (...) TO STDOUT; the newline ends any comment on the last line.
  return "(" + out + ")";
}

// Splits checks by organization: row-level security lets a statement see one organization only.
std::vector<std::vector<size_t>> ByOrganization(const std::vector<RoleCheck>& checks) {
  std::vector<std::vector<size_t>> groups;
  std::vector<const std::string*> orgs;
  for (size_t i = 0; i < checks.size(); ++i) {
    size_t g = 0;
    while (g < orgs.size() && *orgs[g] != checks[i].org_id) ++g;
    if (g == orgs.size()) {
      orgs.push_back(&checks[i].org_id);
      groups.emplace_back();
    }
    groups[g].push_back(i);
  }
  return groups;
}

}  // namespace

std::vector<PreparedStatement> PgStore::PermissionStatements() {
  return {
      {kOrgOwners,
       "SELECT u.email, u.user_id FROM users u WHERE u.org_id = $1 AND u.user_id IN ("
       "  SELECT user_id FROM user_grants WHERE org_id = $1 AND resource_kind = 0 AND role = 3"
       "  UNION SELECT m.user_id FROM group_grants gg JOIN group_members m"
       "    ON m.org_id = gg.org_id AND m.group_id = gg.group_id"
       "    WHERE gg.org_id = $1 AND gg.resource_kind = 0 AND gg.role = 3) "
       "ORDER BY u.email_key"},
      {kEffectiveRole, Query("effective_role.sql") + kOneCheck},
      {kEffectiveRoles, Query("effective_role.sql") + kCheckBatch},
      {kContributions, Query("contributions.sql")},
      {kBindStream,
       "SELECT set_config('rolecall.stream_after', $1, true), "
       "set_config('rolecall.stream_user', $2, true)"},
  };
}

absl::StatusOr<std::vector<v1::OrgOwner>> PgStore::OrgOwners(const std::string& org_id) {
  std::vector<v1::OrgOwner> out;
  RETURN_IF_ERROR(pool_.Run(org_id, "listing organization owners", [&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const auto& r : tx.exec_prepared(kOrgOwners, org_id)) {
      v1::OrgOwner o;
      o.set_user_email(r[0].as<std::string>());
      o.set_user_id(r[1].as<std::string>());
      out.push_back(std::move(o));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgStore::StreamUserPermissions(
    const std::string& org_id, const std::string& user_id, const std::string& after,
    const std::function<v1::UserPermissions*(const std::string&)>& next_user) {
  // Not retried on a lost connection: rows may already have gone to the client, which resumes
  // from its last page token instead.
  static const std::string kOrgListing = PermissionListing(/*one_user=*/false);
  static const std::string kUserListing = PermissionListing(/*one_user=*/true);
  return pool_.Run(
      org_id, "resolving permissions",
      [&](pqxx::connection& c) -> absl::Status {
        // One statement inside one consistent snapshot, its rows streamed with COPY (far
        // cheaper than FETCH from a cursor) and read one at a time, so memory stays bounded by
        // a row. libpqxx 6 writes stream_from's "table" verbatim into COPY <table> TO STDOUT,
        // which lets it take a parenthesized query. COPY takes no bind parameters: the values
        // are bound to settings of this transaction first, which the query reads.
        pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only>
            tx(c);
        tx.exec_prepared(kBindStream, after, user_id);
        pqxx::stream_from rows(tx, user_id.empty() ? kOrgListing : kUserListing);
        v1::UserPermissions* user = nullptr;
        v1::CloudPermission* cloud = nullptr;
        std::string key, line;
        std::vector<std::optional<std::string_view>> f;
        bool stopped = false;
        // Fields are assigned from views into the line, so reused messages keep their buffers.
        const auto text = [](const std::optional<std::string_view>& v) {
          return v ? *v : std::string_view();
        };
        while (rows.get_raw_line(line)) {
          if (!sql::ParseCopyLine(line, &f) || f.size() != 9 || !f[1] || !f[4] || !f[8] ||
              f[8]->size() != 1) {
            return absl::InternalError("resolving permissions: unexpected row from the database");
          }
          if (!user || *f[1] != std::string_view(user->user_id())) {
            key.assign(text(f[0]));
            user = next_user(key);
            if (!user) {
              stopped = true;
              break;
            }
            user->set_user_id(f[1]->data(), f[1]->size());
            user->set_user_email(text(f[2]).data(), text(f[2]).size());
            user->set_is_service_account(f[3] == "t");
            cloud = nullptr;
          }
          if (!cloud || std::string_view(cloud->cloud_id()) != *f[4]) {
            cloud = user->add_clouds();
            cloud->set_cloud_id(f[4]->data(), f[4]->size());
            cloud->set_cloud_name(text(f[5]).data(), text(f[5]).size());
          }
          const std::string_view role = RoleName(static_cast<Role>((*f[8])[0] - '0'));
          if (!f[6]) {
            cloud->set_role(role.data(), role.size());
          } else {
            auto* project = cloud->add_projects();
            project->set_project_id(f[6]->data(), f[6]->size());
            project->set_project_name(text(f[7]).data(), text(f[7]).size());
            project->set_role(role.data(), role.size());
          }
        }
        if (stopped) {
          // Stop the statement instead of reading the rest of a large result.
          c.cancel_query();
          try {
            while (rows.get_raw_line(line)) {
            }
          } catch (const pqxx::sql_error&) {
            // The cancellation itself.
          }
          return absl::OkStatus();
        }
        rows.complete();
        return absl::OkStatus();
      },
      Work::kStream);
}

absl::StatusOr<Role> PgStore::EffectiveRole(const std::string& org_id, const std::string& user_id,
                                            const ResourceKey& resource) {
  return checks_.Check(RoleCheck{org_id, user_id, resource});
}

void PgStore::EffectiveRole(const RoleCheck& check, RoleCallback done) {
  checks_.Check(check, std::move(done));
}

absl::StatusOr<std::vector<absl::StatusOr<Role>>> PgStore::EffectiveRoles(
    const std::vector<RoleCheck>& checks) {
  std::vector<absl::StatusOr<Role>> out(checks.size(), absl::StatusOr<Role>(Role::kNone));
  // Almost always one organization (a service checks with its own key); one statement each.
  for (const std::vector<size_t>& group : ByOrganization(checks)) {
    const std::string& org_id = checks[group[0]].org_id;
    RETURN_IF_ERROR(pool_.Run(org_id, "checking the permission", [&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      pqxx::result rows;
      if (group.size() == 1) {
        const RoleCheck& check = checks[group[0]];
        rows = tx.exec_prepared(kEffectiveRole, check.org_id, check.user_id,
                                static_cast<int>(check.resource.kind), check.resource.id);
      } else {
        nlohmann::json batch = nlohmann::json::array();
        for (size_t k = 0; k < group.size(); ++k) {
          const RoleCheck& check = checks[group[k]];
          batch.push_back({{"i", k},
                           {"org_id", check.org_id},
                           {"user_id", check.user_id},
                           {"kind", static_cast<int>(check.resource.kind)},
                           {"resource_id", check.resource.id}});
        }
        rows = tx.exec_prepared(kEffectiveRoles, batch.dump());
      }
      if (rows.size() != group.size()) {
        return absl::InternalError("checking the permission: unexpected rows from the database");
      }
      for (const auto& r : rows) {
        const size_t k = r[0].as<size_t>();
        if (k >= group.size()) {
          return absl::InternalError("checking the permission: unexpected row from the database");
        }
        const size_t i = group[k];
        const RoleCheck& check = checks[i];
        if (!r[1].as<bool>()) {
          out[i] = absl::NotFoundError(absl::StrCat("user '", check.user_id, "' not found"));
        } else if (!r[2].as<bool>()) {
          out[i] =
              absl::NotFoundError(absl::StrCat(std::string(ResourceKindName(check.resource.kind)),
                                               " '", check.resource.id, "' not found"));
        } else {
          out[i] = static_cast<Role>(r[3].as<int>());
        }
      }
      return absl::OkStatus();
    }));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Contribution>> PgStore::Contributions(const std::string& org_id,
                                                                     const std::string& user_id,
                                                                     const ResourceKey& resource) {
  std::vector<v1::Contribution> out;
  RETURN_IF_ERROR(pool_.Run(org_id, "explaining the permission", [&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const auto& r : tx.exec_prepared(kContributions, org_id, user_id,
                                          static_cast<int>(resource.kind), resource.id)) {
      v1::Contribution contribution;
      contribution.set_source(static_cast<v1::Contribution::Source>(r[0].as<int>()));
      contribution.set_role(std::string(RoleName(static_cast<Role>(r[1].as<int>()))));
      contribution.set_group_id(r[2].as<std::string>());
      contribution.set_group_name(r[3].as<std::string>());
      out.push_back(std::move(contribution));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rolecall
