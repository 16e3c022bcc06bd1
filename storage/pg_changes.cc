// ChangeStore on PostgreSQL: the change log the write transactions' triggers keep
// (storage/migrations/0004_changes.sql).
#include <nlohmann/json.hpp>

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

}  // namespace rolecall
