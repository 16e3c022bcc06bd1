// PgStore: effective permissions, resolved in PostgreSQL with set-based SQL.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/names.h"
#include "core/status.h"
#include "storage/copy_text.h"
#include "storage/pg_query.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

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

// The checks of `group` as effective_roles.sql takes them: a JSON array, `i` each one's index.
std::string ChecksJson(const std::vector<RoleCheck>& checks, const std::vector<size_t>& group) {
  nlohmann::json batch = nlohmann::json::array();
  for (size_t k = 0; k < group.size(); ++k) {
    const RoleCheck& check = checks[group[k]];
    batch.push_back({{"i", k},
                     {"org_id", check.org_id},
                     {"user_id", check.user_id},
                     {"kind", pg::Param(check.resource.kind)},
                     {"resource_id", check.resource.id}});
  }
  return batch.dump();
}

// A source of contributions.sql as the API's enum.
// contributions.sql's `source` column.
constexpr Named<v1::Contribution::Source> kSources[] = {
    {v1::Contribution::DIRECT, "direct"},
    {v1::Contribution::GROUP, "group"},
    {v1::Contribution::ORG_OWNERSHIP, "owner"},
    {v1::Contribution::ORG_MEMBERSHIP, "member"}};

absl::StatusOr<v1::Contribution::Source> SourceOf(const std::string& source) {
  if (const auto known = ValueIn(kSources, source)) return *known;
  return absl::InternalError("explaining the permission: unexpected row from the database");
}

}  // namespace

absl::StatusOr<std::vector<v1::OrgOwner>> PgStore::OrgOwners(const RequestContext& ctx) {
  std::vector<v1::OrgOwner> out;
  RETURN_IF_ERROR(pool_.Run(ctx, "listing organization owners", [&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(pg::BeginRead(tx, ctx));
    for (const auto& r :
         tx.exec_prepared(queries::kOrgOwners, ctx.org_id, pg::Param(ResourceKind::kOrganization),
                          pg::Param(Role::kOwner))) {
      v1::OrgOwner o;
      o.set_user_email(pg::Text(r, "email"));
      o.set_user_id(pg::Text(r, "user_id"));
      out.push_back(std::move(o));
    }
    return absl::OkStatus();
  }));
  return out;
}

namespace {

using NextUser = std::function<v1::UserPermissions*(const EmailCursor&)>;
using CopyFields = std::vector<std::optional<std::string_view>>;

// Whether a row of user_permissions.sql has its shape: email key, user id, email, is service
// account, cloud id, cloud name, project id, project name, role digit; user and cloud ids and
// the role never NULL.
bool WellFormed(const CopyFields& f) {
  return f.size() == 9 && f[1] && f[4] && f[8] && f[8]->size() == 1;
}

// Folds the stream's rows (ordered by user, then cloud) into the messages `next_user` hands
// out. Fields are assigned from views into the row, so reused messages keep their buffers.
class PermissionRows final {
 public:
  explicit PermissionRows(const NextUser& next_user) : next_user_(next_user) {}

  // Adds one well-formed row; false when `next_user` wants no more users.
  bool Add(const CopyFields& f) {
    if (!user_ || *f[1] != std::string_view(user_->user_id())) {
      key_.email_key.assign(Text(f[0]));
      user_ = next_user_(key_);
      if (!user_) return false;
      user_->set_user_id(f[1]->data(), f[1]->size());
      user_->set_user_email(Text(f[2]).data(), Text(f[2]).size());
      user_->set_is_service_account(f[3] == "t");
      cloud_ = nullptr;
    }
    if (!cloud_ || std::string_view(cloud_->cloud_id()) != *f[4]) {
      cloud_ = user_->add_clouds();
      cloud_->set_cloud_id(f[4]->data(), f[4]->size());
      cloud_->set_cloud_name(Text(f[5]).data(), Text(f[5]).size());
    }
    const std::string_view role = RoleName(static_cast<Role>((*f[8])[0] - '0'));
    if (!f[6]) {
      cloud_->set_role(role.data(), role.size());
    } else {
      auto* project = cloud_->add_projects();
      project->set_project_id(f[6]->data(), f[6]->size());
      project->set_project_name(Text(f[7]).data(), Text(f[7]).size());
      project->set_role(role.data(), role.size());
    }
    return true;
  }

 private:
  static std::string_view Text(const std::optional<std::string_view>& v) {
    return v ? *v : std::string_view();
  }

  const NextUser& next_user_;
  v1::UserPermissions* user_ = nullptr;
  v1::CloudPermission* cloud_ = nullptr;
  EmailCursor key_;
};

// Ends a COPY before its last row: cancels the statement instead of reading the rest of a large
// result.
void CancelCopy(pqxx::connection& c, pqxx::stream_from& rows, std::string& line) {
  c.cancel_query();
  try {
    while (rows.get_raw_line(line)) {
    }
  } catch (const pqxx::sql_error&) {
    // The cancellation itself.
  }
}

}  // namespace

absl::Status PgStore::StreamUserPermissions(const RequestContext& ctx, const std::string& user_id,
                                            const std::optional<EmailCursor>& after,
                                            const NextUser& next_user) {
  // Not retried on a lost connection: rows may already have gone to the client, which resumes
  // from its last page token instead.
  return pool_.Run(
      ctx, "resolving permissions",
      [&](pqxx::connection& c) -> absl::Status {
        // One statement inside one consistent snapshot, its rows streamed with COPY (far
        // cheaper than FETCH from a cursor) and read one at a time, so memory stays bounded by
        // a row. libpqxx 6 writes stream_from's "table" verbatim into COPY <table> TO STDOUT,
        // which lets it take a parenthesized query. COPY takes no bind parameters: the values
        // are bound to settings of this transaction first, which the query reads.
        pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only>
            tx(c);
        RETURN_IF_ERROR(pg::BeginRead(tx, ctx));
        tx.exec_prepared(queries::kBindStream, after ? after->email_key : "", user_id);
        pqxx::stream_from rows(tx, PermissionStreamQuery(/*one_user=*/!user_id.empty()));
        PermissionRows users(next_user);
        std::string line;
        CopyFields f;
        while (rows.get_raw_line(line)) {
          if (!sql::ParseCopyLine(line, &f) || !WellFormed(f)) {
            return absl::InternalError("resolving permissions: unexpected row from the database");
          }
          if (!users.Add(f)) {
            CancelCopy(c, rows, line);
            return absl::OkStatus();
          }
        }
        rows.complete();
        return absl::OkStatus();
      },
      Work::kStream);
}

void PgStore::CheckRole(const RequestContext& ctx, const RoleQuestion& question,
                        RoleCallback done) {
  checks_.Check(ctx, question, std::move(done));
}

absl::StatusOr<std::vector<absl::StatusOr<Role>>> PgStore::CheckRoles(
    const RequestContext& ctx, const std::vector<RoleQuestion>& questions) {
  std::vector<RoleCheck> checks;
  checks.reserve(questions.size());
  for (const RoleQuestion& q : questions) {
    checks.push_back({ctx.org_id, q.user_id, q.resource, ctx.freshness.Floor(), ctx.revisions});
  }
  return EffectiveRoles(ctx.deadline, checks);
}

absl::StatusOr<std::vector<absl::StatusOr<Role>>> PgStore::EffectiveRoles(
    const RequestContext::Deadline& deadline, const std::vector<RoleCheck>& checks) {
  std::vector<absl::StatusOr<Role>> out(checks.size(), absl::StatusOr<Role>(Role::kNone));
  // Almost always one organization (a service checks with its own key); one statement each.
  for (const std::vector<size_t>& group : ByOrganization(checks)) {
    const std::string& org_id = checks[group[0]].org_id;
    const std::string batch = ChecksJson(checks, group);
    RETURN_IF_ERROR(pool_.Run(
        RequestContext::Org(org_id, deadline), "checking the permission", [&](pqxx::connection& c) {
          pqxx::nontransaction tx(c);
          const pqxx::result rows = tx.exec_prepared(
              queries::kEffectiveRoles, batch, pg::Param(ResourceKind::kOrganization),
              pg::Param(ResourceKind::kCloud), pg::Param(Role::kOwner),
              pg::Param(Role::kCollaborator));
          if (rows.size() != group.size()) {
            return absl::InternalError(
                "checking the permission: unexpected rows from the database");
          }
          for (const auto& r : rows) {
            const size_t k = r["i"].as<size_t>();
            if (k >= group.size()) {
              return absl::InternalError(
                  "checking the permission: unexpected row from the database");
            }
            const size_t i = group[k];
            const RoleCheck& check = checks[i];
            const int64_t revision = r["revision"].as<int64_t>();
            if (revision < check.min_revision) {
              out[i] = pg::NotReached(revision, check.min_revision);
              continue;
            }
            if (check.revisions) check.revisions->Report(revision);
            if (!r["user_found"].as<bool>()) {
              out[i] = pg::NotFound("user", check.user_id);
            } else if (!r["resource_found"].as<bool>()) {
              out[i] = pg::NotFound(std::string(ResourceKindName(check.resource.kind)),
                                    check.resource.id);
            } else {
              out[i] = static_cast<Role>(r["role"].as<int>());
            }
          }
          return absl::OkStatus();
        }));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Contribution>> PgStore::Contributions(const RequestContext& ctx,
                                                                     const RoleQuestion& question) {
  std::vector<v1::Contribution> out;
  RETURN_IF_ERROR(pool_.Run(ctx, "explaining the permission", [&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(pg::BeginRead(tx, ctx));
    for (const auto& r :
         tx.exec_prepared(queries::kContributions, ctx.org_id, question.user_id,
                          pg::Param(question.resource.kind), question.resource.id,
                          pg::Param(ResourceKind::kOrganization), pg::Param(Role::kOwner),
                          pg::Param(Role::kCollaborator))) {
      v1::Contribution contribution;
      ASSIGN_OR_RETURN(const v1::Contribution::Source source, SourceOf(pg::Text(r, "source")));
      contribution.set_source(source);
      contribution.set_role(std::string(RoleName(static_cast<Role>(r["role"].as<int>()))));
      contribution.set_group_id(pg::Text(r, "group_id"));
      contribution.set_group_name(pg::Text(r, "group_name"));
      out.push_back(std::move(contribution));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rolecall
