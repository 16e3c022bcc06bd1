// `rolecall audit list`: the change log (ListChanges) as a table or JSON, newest first.
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/listing.h"
#include "rolecall/v1/changes.grpc.pb.h"

namespace rolecall::cli {
namespace {

using ChangeStub = v1::ChangeService::Stub;

struct AuditOptions {
  std::string since;
  std::string until;
  std::string actor;
  std::string object;
  std::string operation;
  std::string type;
  int max_items = 0;
  bool json = false;
};

// A time given on the command line: a duration before `now` ("90s", "30m", "24h", "7d") or an
// RFC 3339 time ("2026-12-01T09:00:00Z").
absl::StatusOr<google::protobuf::Timestamp> TimeArg(const std::string& flag,
                                                    const std::string& value, absl::Time now) {
  absl::Time t;
  absl::Duration ago;
  int64_t days = 0;
  if (value.size() > 1 && value.back() == 'd' &&
      absl::SimpleAtoi(value.substr(0, value.size() - 1), &days) && days >= 0 && days <= 36500) {
    t = now - absl::Hours(24 * days);
  } else if (absl::ParseDuration(value, &ago) && ago >= absl::ZeroDuration()) {
    t = now - ago;
  } else if (std::string error; !absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": '", value, "' is neither a duration (30m, 24h, 7d) nor an RFC 3339 time"));
  }
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}

std::string PrincipalText(const v1::PrincipalRef& p) {
  return p.has_group_id() ? "group " + p.group_id() : p.user_id();
}

std::string ResourceText(const v1::ResourceRef& r) {
  if (r.has_cloud_id()) return "cloud " + r.cloud_id();
  if (r.has_project_id()) return "project " + r.project_id();
  return "the organization";
}

// What the change did, in a few words.
std::string DetailText(const v1::Change& c) {
  if (c.object_type() == "grant") {
    return c.action() == "deleted"
               ? absl::StrCat("revoked ", c.role_before(), " from ", PrincipalText(c.principal()),
                              " on ", ResourceText(c.resource()))
               : absl::StrCat("granted ", c.role_after(), " to ", PrincipalText(c.principal()),
                              " on ", ResourceText(c.resource()));
  }
  if (c.object_type() == "membership") {
    return absl::StrCat(c.action() == "deleted" ? "removed " : "added ",
                        PrincipalText(c.principal()));
  }
  return c.action();
}

std::vector<std::string> ChangeRow(const v1::Change& c) {
  std::string actor = c.actor_key_id().empty() ? "(operator)" : c.actor_key_id();
  if (!c.actor_user_id().empty()) absl::StrAppend(&actor, " (", c.actor_user_id(), ")");
  std::string object = absl::StrCat(c.object_type(), " ", c.object_id());
  if (!c.object_name().empty()) absl::StrAppend(&object, " ", c.object_name());
  return {TableTime(c.changed_at()), actor, c.operation(), object, DetailText(c)};
}

void AuditFlags(CLI::App& cmd, AuditOptions& o) {
  cmd.add_option("--since", o.since, "Changes since a duration ago (30m, 24h, 7d) or a time");
  cmd.add_option("--until", o.until, "Changes before a duration ago or a time");
  cmd.add_option("--actor", o.actor, "Only changes by this API key id, user id or email");
  cmd.add_option("--object", o.object, "Only changes of this object id");
  cmd.add_option("--operation", o.operation, "Only changes of this operation (e.g. GrantRole)");
  cmd.add_option("--type", o.type, "Only changes of this object type (e.g. grant)");
  cmd.add_option("--max-items", o.max_items, "At most this many changes (default: all)");
  cmd.add_flag("--json,!--no-json", o.json, "JSON instead of a table");
}

void AuditList(CommandEnv& env, const AuditOptions& o) {
  v1::ListChangesRequest request;
  const absl::Time now = absl::Now();
  for (const auto& [flag, value, field] :
       {std::tuple{"--since", &o.since, request.mutable_since()},
        std::tuple{"--until", &o.until, request.mutable_until()}}) {
    if (value->empty()) continue;
    auto t = TimeArg(flag, *value, now);
    if (!t.ok()) return env.Fail(std::string(t.status().message()));
    *field = *t;
  }
  if (o.since.empty()) request.clear_since();
  if (o.until.empty()) request.clear_until();
  request.set_actor(o.actor);
  request.set_object_id(o.object);
  request.set_operation(o.operation);
  request.set_object_type(o.type);
  const Listing<ChangeStub, v1::ListChangesRequest, v1::ListChangesPage, v1::Change> changes{
      &ChangeStub::ListChanges, &v1::ListChangesPage::changes,
      TableOrJson<v1::Change>({"TIME", "ACTOR", "OPERATION", "OBJECT", "DETAIL"}, ChangeRow),
      "changes"};
  RunList(env, changes, request, Paging{0, o.max_items}, o.json);
}

}  // namespace

void AddAuditCommands(CLI::App& app, Registry& registry) {
  CLI::App& audit = *Registry::Group(app, "audit", "The change log: who changed what, and when.");
  registry.Add(audit,
               Command<AuditOptions>{"list", "List changes, newest first", AuditFlags, AuditList});
}

}  // namespace rolecall::cli
