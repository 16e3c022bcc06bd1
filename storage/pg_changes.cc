// ChangeStore on PostgreSQL: the change log the write transactions' triggers keep
// (storage/migrations/0004_changes.sql).
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/roles.h"
#include "storage/pg_query.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

// A change row as the API shows it: its columns by name (pg::RowInto), and from the row's
// `detail` the principal of a grant or membership, and a grant's resource and role.
v1::Change ChangeOf(const pqxx::row& row) {
  v1::Change change = pg::Read<v1::Change>(row);
  const nlohmann::json detail = nlohmann::json::parse(pg::Text(row, "detail"), nullptr, false);
  if (!detail.is_object()) return change;
  const auto text = [&](const char* key) {
    return detail.contains(key) && detail[key].is_string() ? detail[key].get<std::string>()
                                                           : std::string();
  };
  if (change.object_type() == "grant" || change.object_type() == "membership") {
    if (const std::string group = text("group_id");
        !group.empty() && change.object_type() == "grant") {
      change.mutable_principal()->set_group_id(group);
    } else {
      change.mutable_principal()->set_user_id(text("user_id"));
    }
  }
  if (change.object_type() == "grant" && detail.contains("resource_kind") &&
      detail["resource_kind"].is_number_integer() && detail.contains("role") &&
      detail["role"].is_number_integer()) {
    const int kind = detail["resource_kind"].get<int>();
    const int role = detail["role"].get<int>();
    if (kind >= 0 && kind <= 2) {
      SetResourceRef(ResourceKey{static_cast<ResourceKind>(kind), text("resource_id")},
                     change.mutable_resource());
    }
    const std::string name(RoleName(static_cast<Role>(role)));
    if (change.action() == "deleted") {
      change.set_role_before(name);
    } else {
      change.set_role_after(name);
    }
  }
  return change;
}

}  // namespace

absl::StatusOr<Page<v1::Change, ChangeCursor>> PgStore::ListChanges(
    const RequestContext& ctx, const ChangeQuery& query, const std::optional<ChangeCursor>& after,
    int limit) {
  const ChangeCursor from = after.value_or(ChangeCursor{std::numeric_limits<int64_t>::max(), 0});
  return pg::ListPage<v1::Change, ChangeCursor>(
      pool_, ctx, "listing changes", queries::kListChanges, limit, ChangeOf,
      [](const pqxx::row& r) {
        return ChangeCursor{r["revision"].as<int64_t>(), r["seq"].as<int>()};
      },
      ctx.org_id, query.since_micros, query.until_micros, query.actor, query.object_id,
      query.operation, query.object_type, from.revision, from.seq);
}

absl::StatusOr<ChangeBatch> PgStore::ChangesAfter(const RequestContext& ctx,
                                                  const std::optional<ChangeCursor>& after,
                                                  const std::vector<std::string>& object_types,
                                                  int limit) {
  const std::string types = absl::StrJoin(object_types, ",");
  ChangeBatch batch;
  RETURN_IF_ERROR(pool_.Run(ctx, "reading the change log", [&](pqxx::connection& c) {
    batch = ChangeBatch{};
    // One snapshot: the revision read and the changes up to it agree.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(
        c);
    const pqxx::row state = tx.exec_prepared1(queries::kOrgRevision, ctx.org_id);
    const int64_t revision = state["revision"].as<int64_t>();
    const int64_t pruned = state["pruned_through"].as<int64_t>();
    ctx.Report(revision);
    batch.through = {revision, ChangeCursor::kWholeRevision};
    if (!after) return absl::OkStatus();
    if (after->revision < pruned ||
        (after->revision == pruned && after->seq != ChangeCursor::kWholeRevision && pruned > 0)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the changes after this token were pruned from the change log (it keeps changes for "
          "the server's --change-retention-days; the oldest revision kept is after ",
          pruned, "): list the current state and watch from now"));
    }
    for (const auto& r : tx.exec_prepared(queries::kWatchChanges, ctx.org_id, after->revision,
                                          after->seq, types, limit)) {
      batch.changes.push_back(ChangeOf(r));
    }
    if (static_cast<int>(batch.changes.size()) == limit && limit > 0) {
      batch.through = {batch.changes.back().revision(), batch.changes.back().seq()};
    }
    return absl::OkStatus();
  }));
  return batch;
}

void PgStore::AwaitChange(const RequestContext& ctx, int64_t revision,
                          std::chrono::steady_clock::time_point read_from,
                          std::chrono::steady_clock::time_point until,
                          const std::function<bool()>& stop) {
  feed_.Await(ctx.org_id, revision, read_from, until, stop);
}

absl::StatusOr<PgStore::PruneReport> PgStore::PruneChanges(const RequestContext& ctx,
                                                           int retention_days) {
  PruneReport report;
  RETURN_IF_ERROR(pool_.Run(ctx, "pruning the change log", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    const pqxx::row r = tx.exec_prepared1(queries::kPruneChanges, retention_days);
    tx.commit();
    report.deleted = r["deleted"].as<int64_t>();
    if (!r["oldest_micros"].is_null()) report.oldest_micros = r["oldest_micros"].as<int64_t>();
    return absl::OkStatus();
  }));
  return report;
}

}  // namespace rolecall
