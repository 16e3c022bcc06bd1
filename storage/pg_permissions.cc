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
  };
}

absl::StatusOr<std::vector<v1::OrgOwner>> PgStore::OrgOwners(const std::string& org_id) {
  std::vector<v1::OrgOwner> out;
  RETURN_IF_ERROR(pool_.Run("listing organization owners", [&](pqxx::connection& c) {
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
  return pool_.Run(
      "resolving permissions",
      [&](pqxx::connection& c) -> absl::Status {
        // One statement inside one consistent snapshot, its rows streamed with COPY (far
        // cheaper than FETCH from a cursor) and read one at a time, so memory stays bounded by
        // a row. libpqxx 6 writes stream_from's "table" verbatim into COPY <table> TO STDOUT,
        // which lets it take a parenthesized query; COPY takes no bind parameters, so the
        // values are inlined as quoted literals.
        pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only>
            tx(c);
        const std::string query = sql::InlineParameters(
            Query("user_permissions.sql"), {tx.quote(org_id), tx.quote(after), tx.quote(user_id)});
        pqxx::stream_from rows(tx, "(" + query + ")");
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
      /*retry=*/false);
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
  std::vector<absl::StatusOr<Role>> out;
  RETURN_IF_ERROR(pool_.Run("checking the permission", [&](pqxx::connection& c) {
    out.assign(checks.size(), absl::StatusOr<Role>(Role::kNone));
    pqxx::nontransaction tx(c);
    pqxx::result rows;
    if (checks.size() == 1) {
      const RoleCheck& check = checks[0];
      rows = tx.exec_prepared(kEffectiveRole, check.org_id, check.user_id,
                              static_cast<int>(check.resource.kind), check.resource.id);
    } else {
      nlohmann::json batch = nlohmann::json::array();
      for (size_t i = 0; i < checks.size(); ++i) {
        batch.push_back({{"i", i},
                         {"org_id", checks[i].org_id},
                         {"user_id", checks[i].user_id},
                         {"kind", static_cast<int>(checks[i].resource.kind)},
                         {"resource_id", checks[i].resource.id}});
      }
      rows = tx.exec_prepared(kEffectiveRoles, batch.dump());
    }
    if (rows.size() != checks.size()) {
      return absl::InternalError("checking the permission: unexpected rows from the database");
    }
    for (const auto& r : rows) {
      const size_t i = r[0].as<size_t>();
      if (i >= checks.size()) {
        return absl::InternalError("checking the permission: unexpected row from the database");
      }
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
  return out;
}

absl::StatusOr<std::vector<v1::Contribution>> PgStore::Contributions(const std::string& org_id,
                                                                     const std::string& user_id,
                                                                     const ResourceKey& resource) {
  std::vector<v1::Contribution> out;
  RETURN_IF_ERROR(pool_.Run("explaining the permission", [&](pqxx::connection& c) {
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
