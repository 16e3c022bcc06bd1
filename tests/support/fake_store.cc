#include "tests/support/fake_store.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/status.h"

namespace rolecall::testing {
namespace {

using Lock = std::lock_guard<std::mutex>;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

void SetMicros(google::protobuf::Timestamp* ts, int64_t micros) {
  ts->set_seconds(micros / 1000000);
  ts->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

// Case-insensitive "contains"; an empty filter matches everything.
bool Contains(const std::string& value, const std::string& filter) {
  return filter.empty() || absl::StrContains(Lower(value), Lower(filter));
}

// NOT_FOUND "<what> '<id>' not found", as the PostgreSQL store says it.
absl::Status NotFound(const std::string& what, const std::string& id) {
  return absl::NotFoundError(absl::StrCat(what, " '", Clip(id), "' not found"));
}

absl::Status NameTaken(const char* what, const std::string& name) {
  return absl::AlreadyExistsError(absl::StrCat(what, " named '", Clip(name), "' already exists"));
}

// The order each cursor type stands for: a listing is sorted by it, and resumes after it.
std::tuple<std::string> SortKey(const EmailCursor& c) { return {c.email_key}; }
std::tuple<std::string, std::string> SortKey(const NameIdCursor& c) { return {c.name, c.id}; }
std::tuple<std::string> SortKey(const KeyIdCursor& c) { return {c.key_id}; }
// Newest first.
std::tuple<int64_t, int> SortKey(const ChangeCursor& c) { return {-c.revision, -c.seq}; }
// Groups' grants before users'.
std::tuple<bool, std::string, int> SortKey(const GrantCursor& c) {
  return {!c.group, c.principal_id, c.role};
}

// The page of `rows` (each with its cursor, in any order) after `after`: sorted by cursor, at
// most `limit` items, and `next` only when more follow.
template <typename Item, typename Cursor>
absl::StatusOr<Page<Item, Cursor>> PageOf(std::vector<std::pair<Cursor, Item>> rows,
                                          const std::optional<Cursor>& after, int limit) {
  if (limit < 1) return absl::InvalidArgumentError("FakeStore: a page's limit must be positive");
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return SortKey(a.first) < SortKey(b.first); });
  Page<Item, Cursor> page;
  const Cursor* last = nullptr;
  for (const auto& [cursor, item] : rows) {
    if (after && !(SortKey(*after) < SortKey(cursor))) continue;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = *last;
      break;
    }
    page.items.push_back(item);
    last = &cursor;
  }
  return page;
}

Resource ResourceOf(const ResourceKey& r) { return Resource{static_cast<int>(r.kind), r.id}; }

std::string RoleText(int role) { return std::string(RoleName(static_cast<Role>(role))); }

v1::User UserOf(const Model& m, const std::string& id) {
  const Model::User& u = m.users.at(id);
  v1::User out;
  out.set_user_id(id);
  out.set_email(u.email);
  out.set_name(u.name);
  if (u.lastname) out.set_lastname(*u.lastname);
  if (u.title) out.set_title(*u.title);
  out.set_is_sso_user(u.sso);
  out.set_is_service_account(u.service_account);
  SetMicros(out.mutable_created_at(), m.created_micros.at(id));
  out.set_permission_level(RoleText(m.IsOwner(id) ? 3 : 2));
  return out;
}

v1::Cloud CloudOf(const Model& m, const std::string& id) {
  v1::Cloud c;
  c.set_cloud_id(id);
  c.set_name(m.clouds.at(id));
  SetMicros(c.mutable_created_at(), m.created_micros.at(id));
  return c;
}

v1::Project ProjectOf(const Model& m, const std::string& id) {
  v1::Project p;
  p.set_project_id(id);
  p.set_cloud_id(m.projects.at(id).first);
  p.set_name(m.projects.at(id).second);
  SetMicros(p.mutable_created_at(), m.created_micros.at(id));
  return p;
}

v1::UserGroup GroupOf(const Model& m, const std::string& id) {
  v1::UserGroup g;
  g.set_id(id);
  g.set_name(m.group_names.at(id));
  g.set_org_id(m.org_id);
  SetMicros(g.mutable_created_at(), m.created_micros.at(id));
  SetMicros(g.mutable_updated_at(), m.updated_micros.at(id));
  return g;
}

// The user an id or an email (case-insensitive) names; empty when none.
std::string ResolveUser(const Model& m, const std::string& id_or_email) {
  if (m.users.count(id_or_email)) return id_or_email;
  for (const auto& [id, u] : m.users)
    if (Lower(u.email) == Lower(id_or_email)) return id;
  return "";
}

// The ids `users` name, in order; NOT_FOUND naming every unknown one.
absl::StatusOr<std::vector<std::string>> ResolveUsers(const Model& m,
                                                      const std::vector<std::string>& users) {
  std::vector<std::string> ids, unknown;
  for (const auto& u : users) {
    const std::string id = ResolveUser(m, u);
    (id.empty() ? unknown : ids).push_back(id.empty() ? u : id);
  }
  if (!unknown.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no such user", unknown.size() > 1 ? "s" : "", ": ", ClipList(unknown)));
  }
  return ids;
}

bool EmailTaken(const Model& m, const std::string& email) {
  for (const auto& [id, u] : m.users)
    if (Lower(u.email) == Lower(email)) return true;
  return false;
}

bool Matches(const Model::User& u, AccountFilter accounts) {
  switch (accounts) {
    case AccountFilter::kServiceAccounts:
      return u.service_account;
    case AccountFilter::kUserAccounts:
      return !u.service_account;
    case AccountFilter::kAll:
      break;
  }
  return true;
}

// A principal as a grant names it: its id and its label (email or group name).
struct Principal {
  std::string id;
  std::string label;
};

absl::StatusOr<Principal> ResolvePrincipal(const Model& m, const PrincipalKey& p) {
  if (p.group) {
    if (!m.group_names.count(p.id_or_email)) return NotFound("user group", p.id_or_email);
    return Principal{p.id_or_email, m.group_names.at(p.id_or_email)};
  }
  const std::string id = ResolveUser(m, p.id_or_email);
  if (id.empty()) return NotFound("user", p.id_or_email);
  return Principal{id, m.users.at(id).email};
}

absl::Status CheckResource(const Model& m, const ResourceKey& r) {
  if (!m.Exists(ResourceOf(r))) return NotFound(std::string(ResourceKindName(r.kind)), r.id);
  return absl::OkStatus();
}

v1::Grant GrantOf(const Model& m, const ResourceKey& r, bool group, const Principal& who,
                  int role) {
  v1::Grant g;
  SetResourceRef(r, g.mutable_resource());
  if (group) {
    g.mutable_principal()->set_group_id(who.id);
  } else {
    g.mutable_principal()->set_user_id(who.id);
  }
  g.set_principal_name(who.label);
  g.set_role(RoleText(role));
  SetMicros(g.mutable_created_at(), m.grant_micros.at({who.id, ResourceOf(r), role}));
  return g;
}

// A grant's row as GrantRole and RevokeRole name it: the resource must exist and the principal
// be found.
struct GrantRow {
  Principal who;
  Model::GrantKey key;
  std::set<Model::GrantKey>* grants;  // the model's user or group grants
};

absl::StatusOr<GrantRow> GrantRowOf(Model& m, const ResourceKey& resource,
                                    const PrincipalKey& principal, Role role) {
  RETURN_IF_ERROR(CheckResource(m, resource));
  ASSIGN_OR_RETURN(Principal who, ResolvePrincipal(m, principal));
  Model::GrantKey key{who.id, ResourceOf(resource), static_cast<int>(role)};
  return GrantRow{std::move(who), std::move(key),
                  principal.group ? &m.group_grants : &m.user_grants};
}

// Clouds and user groups: rows of a name, unique in the organization, by id.
using Names = std::map<std::string, std::string>;

// A new row `name` of the model's `names` (&Model::clouds, &Model::group_names) under a new id
// of `prefix`, created now: its id; ALREADY_EXISTS when the name is taken.
absl::StatusOr<std::string> AddNamed(Model& m, Names Model::*names, std::string_view prefix,
                                     const char* what, const std::string& name) {
  for (const auto& [id, n] : m.*names)
    if (n == name) return NameTaken(what, name);
  const std::string id = NewId(prefix);
  (m.*names)[id] = name;
  m.created_micros[id] = NowMicros();
  return id;
}

// The id of the row of `names` whose id (or, by_name, name) is `key`; NOT_FOUND when none is.
absl::StatusOr<std::string> FindNamed(const Names& names, const char* what, const std::string& key,
                                      bool by_name) {
  for (const auto& [id, name] : names)
    if ((by_name ? name : id) == key) return id;
  return NotFound(what, key);
}

// The page of the rows of the model's `names` whose name contains the query's, each as `of`
// makes it.
template <typename Item>
absl::StatusOr<Page<Item, NameIdCursor>> NamedPage(const Model& m, const Names Model::*names,
                                                   Item (*of)(const Model&, const std::string&),
                                                   const NameQuery& query,
                                                   const std::optional<NameIdCursor>& after,
                                                   int limit) {
  std::vector<std::pair<NameIdCursor, Item>> rows;
  for (const auto& [id, name] : m.*names)
    if (Contains(name, query.name_contains)) rows.push_back({{name, id}, of(m, id)});
  return PageOf(std::move(rows), after, limit);
}

// The model (WritableModel's answer) when its `rows` (&Model::clouds, …) hold `id`; NOT_FOUND
// "<what> '<id>' not found" when they do not, or when there is no such organization.
template <typename Rows>
absl::StatusOr<Model*> Holding(absl::StatusOr<Model*> model, Rows Model::*rows, const char* what,
                               const std::string& id) {
  if (!model.ok() || !((*model)->*rows).count(id)) return NotFound(what, id);
  return *model;
}

// What AddMembers and RemoveMembers change: the model holding the group (NOT_FOUND when there is
// no such group), and the ids `users` name (NOT_FOUND naming every unknown one).
struct MemberChange {
  Model* m;
  std::vector<std::string> ids;
};

absl::StatusOr<MemberChange> MemberChangeOf(absl::StatusOr<Model*> model,
                                            const std::string& group_id,
                                            const std::vector<std::string>& users) {
  ASSIGN_OR_RETURN(Model * m,
                   Holding(std::move(model), &Model::group_names, "user group", group_id));
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ResolveUsers(*m, users));
  return MemberChange{m, std::move(ids)};
}

int64_t DemoMicros(int month, int day, int hour, int minute) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilMinute(2024, month, day, hour, minute), absl::UTCTimeZone()));
}

// The reference's example organization's rows that are missing (idempotent, like the seed's
// ON CONFLICT DO NOTHING).
void SeedDemoRows(Model& m) {
  const auto user = [&](const char* id, const char* email, const char* name, bool sa,
                        int64_t micros) {
    if (m.users.count(id)) return;
    Model::User u;
    u.email = email;
    u.name = name;
    u.service_account = sa;
    m.users[id] = u;
    m.created_micros[id] = micros;
  };
  user("usr_aaa", "admin1@p72.com", "Admin One", false, DemoMicros(1, 1, 9, 0));
  user("usr_owner", "owner@anyscale.com", "Owner Name", false, DemoMicros(1, 1, 12, 0));
  user("usr_abc", "alice@p72.com", "Alice", false, DemoMicros(1, 15, 10, 0));
  user("usr_svcbot", "service-bot@org-org_p72.serviceaccount.com", "Service Bot", true,
       DemoMicros(2, 1, 8, 30));
  if (!m.clouds.count("cld_111")) {
    m.clouds["cld_111"] = "prod-cloud";
    m.created_micros["cld_111"] = DemoMicros(1, 1, 12, 0);
  }
  if (!m.projects.count("prj_111") && m.clouds.count("cld_111")) {
    m.projects["prj_111"] = {"cld_111", "prod-project"};
    m.created_micros["prj_111"] = DemoMicros(1, 1, 12, 0);
  }
  if (!m.group_names.count("ug_readers")) {
    m.group_names["ug_readers"] = "prod-readers";
    m.created_micros["ug_readers"] = m.updated_micros["ug_readers"] = DemoMicros(1, 2, 0, 0);
  }
  if (m.users.count("usr_abc")) m.members["ug_readers"].insert("usr_abc");
  const int64_t now = NowMicros();
  const auto grant = [&](std::set<Model::GrantKey>& grants, Model::GrantKey key) {
    if (grants.insert(key).second) m.grant_micros[key] = now;
  };
  grant(m.user_grants, {"usr_aaa", {0, "org_p72"}, 3});
  grant(m.user_grants, {"usr_owner", {0, "org_p72"}, 3});
  grant(m.user_grants, {"usr_abc", {1, "cld_111"}, 2});
  grant(m.group_grants, {"ug_readers", {2, "prj_111"}, 1});
}

// The user's effective cloud and project roles as the permission stream lists them: clouds by
// (name, id) with the cloud's own role when one is granted, each with its projects by (name,
// id) that have a role; clouds with neither are left out.
v1::UserPermissions PermissionsOf(const Model& m, const std::string& user) {
  v1::UserPermissions out;
  out.set_user_id(user);
  out.set_user_email(m.users.at(user).email);
  out.set_is_service_account(m.users.at(user).service_account);
  std::vector<std::pair<std::string, std::string>> clouds;  // (name, id)
  for (const auto& [id, name] : m.clouds) clouds.push_back({name, id});
  std::sort(clouds.begin(), clouds.end());
  for (const auto& [cloud_name, cloud_id] : clouds) {
    std::vector<std::pair<std::string, std::string>> projects;  // (name, id)
    for (const auto& [id, p] : m.projects)
      if (p.first == cloud_id && m.Granted(user, {2, id}) > 0) projects.push_back({p.second, id});
    const int cloud_role = m.Granted(user, {1, cloud_id});
    if (cloud_role == 0 && projects.empty()) continue;
    v1::CloudPermission* c = out.add_clouds();
    c->set_cloud_id(cloud_id);
    c->set_cloud_name(cloud_name);
    if (cloud_role > 0) c->set_role(RoleText(cloud_role));
    std::sort(projects.begin(), projects.end());
    for (const auto& [project_name, project_id] : projects) {
      v1::ProjectPermission* p = c->add_projects();
      p->set_project_id(project_id);
      p->set_project_name(project_name);
      p->set_role(RoleText(m.Granted(user, {2, project_id})));
    }
  }
  return out;
}

}  // namespace

// --- Test controls. ---

void FakeStore::FailNext(absl::Status status, std::string method) {
  Lock lock(mu_);
  faults_.push_back({std::move(method), std::move(status)});
}

int64_t FakeStore::calls() const {
  Lock lock(mu_);
  return calls_;
}

int64_t FakeStore::calls(std::string_view method) const {
  Lock lock(mu_);
  const auto it = calls_by_method_.find(method);
  return it == calls_by_method_.end() ? 0 : it->second;
}

std::optional<RequestContext> FakeStore::last_context() const {
  Lock lock(mu_);
  return last_context_;
}

std::string FakeStore::last_method() const {
  Lock lock(mu_);
  return last_method_;
}

void FakeStore::SetObserver(Observer observer) {
  Lock lock(mu_);
  observer_ = std::move(observer);
}

Model FakeStore::ModelOf(const std::string& org_id) const {
  Lock lock(mu_);
  const auto it = orgs_.find(org_id);
  return it == orgs_.end() ? Model{} : it->second.model;
}

bool FakeStore::HasOrg(const std::string& org_id) const {
  Lock lock(mu_);
  return orgs_.count(org_id) > 0;
}

absl::Status FakeStore::Begin(const char* method, const RequestContext& ctx) {
  Observer observer;
  std::optional<absl::Status> fault;
  {
    Lock lock(mu_);
    ++calls_;
    ++calls_by_method_[method];
    last_context_ = ctx;
    last_method_ = method;
    observer = observer_;
    const auto it = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
      return f.method.empty() || f.method == method;
    });
    if (it != faults_.end()) {
      fault = std::move(it->status);
      faults_.erase(it);
    }
  }
  if (observer) observer(method, ctx);
  if (fault) return *fault;
  if (ctx.deadline && *ctx.deadline <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(absl::StrCat(method, ": the caller's deadline passed"));
  }
  return absl::OkStatus();
}

FakeStore::Org* FakeStore::FindOrg(const RequestContext& ctx) {
  const auto it = orgs_.find(ctx.org_id);
  return it == orgs_.end() ? nullptr : &it->second;
}

const Model& FakeStore::ModelFor(const RequestContext& ctx) {
  const auto revision = revisions_.find(ctx.org_id);
  ctx.Report(revision == revisions_.end() ? 0 : revision->second);
  if (Org* org = FindOrg(ctx)) return org->model;
  empty_ = Model{};
  empty_.org_id = ctx.org_id;
  return empty_;
}

void FakeStore::Wrote(const RequestContext& ctx, const std::string& org_id) {
  const int64_t revision = ++revisions_[org_id];
  v1::Change& change = changes_[org_id].emplace_back();
  change.set_revision(revision);
  change.set_seq(1);
  SetMicros(change.mutable_changed_at(), NowMicros());
  change.set_actor_key_id(ctx.actor.key_id);
  change.set_actor_user_id(ctx.actor.user_id);
  change.set_request_id(ctx.request_id);
  change.set_operation(ctx.operation);
  ctx.Report(revision);
  wrote_.notify_all();
}

int64_t FakeStore::Revision(const std::string& org_id) const {
  Lock lock(mu_);
  const auto it = revisions_.find(org_id);
  return it == revisions_.end() ? 0 : it->second;
}

absl::StatusOr<Model*> FakeStore::WritableModel(const RequestContext& ctx) {
  if (Org* org = FindOrg(ctx)) return &org->model;
  return absl::NotFoundError(absl::StrCat("organization '", Clip(ctx.org_id), "' does not exist"));
}

namespace {

class FakeStoreImpl final : public FakeStore {
 public:
  // --- OrgStore. ---

  absl::Status CreateOrg(const RequestContext& ctx, const std::string& name) override {
    RETURN_IF_ERROR(Begin("CreateOrg", ctx));
    Lock lock(mu_);
    Org& org = orgs_[ctx.org_id];
    org.name = name;
    org.model.org_id = ctx.org_id;
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::Status CheckOrgExists(const RequestContext& ctx) override {
    RETURN_IF_ERROR(Begin("CheckOrgExists", ctx));
    Lock lock(mu_);
    if (!FindOrg(ctx)) {
      return absl::NotFoundError(absl::StrCat("organization '", ctx.org_id, "' does not exist"));
    }
    return absl::OkStatus();
  }

  absl::Status SeedDemo(const RequestContext& ctx) override {
    RETURN_IF_ERROR(Begin("SeedDemo", ctx));
    Lock lock(mu_);
    Org& org = orgs_["org_p72"];
    if (org.model.org_id.empty()) {
      org.name = "P72";
      org.model.org_id = "org_p72";
    }
    SeedDemoRows(org.model);
    Wrote(ctx, "org_p72");
    return absl::OkStatus();
  }

  // --- KeyStore. ---

  absl::Status InsertApiKey(const RequestContext& ctx, const ApiKeyRecord& key,
                            const std::string& name) override {
    RETURN_IF_ERROR(Begin("InsertApiKey", ctx));
    Lock lock(mu_);
    if (key.org_id != ctx.org_id) {
      return absl::InternalError("creating the API key: the key is of another organization");
    }
    const auto org = orgs_.find(key.org_id);
    if (org == orgs_.end()) {
      return absl::NotFoundError(absl::StrCat("organization '", key.org_id,
                                              "' does not exist; create it with create-org"));
    }
    if (!key.principal_user_id.empty() && !org->second.model.users.count(key.principal_user_id)) {
      return absl::NotFoundError(absl::StrCat(
          "user '", key.principal_user_id, "' does not exist in organization '", key.org_id, "'"));
    }
    if (keys_.count(key.key_id))
      return absl::AlreadyExistsError("creating the API key: already exists");
    StoredKey stored{key, name, NowMicros(), std::nullopt};
    if (key.revoked) stored.revoked_micros = stored.created_micros;
    keys_[key.key_id] = std::move(stored);
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::StatusOr<ApiKeyRecord> FindApiKey(const RequestContext& ctx,
                                          const std::string& key_id) override {
    RETURN_IF_ERROR(Begin("FindApiKey", ctx));
    Lock lock(mu_);
    const auto it = keys_.find(key_id);
    if (it == keys_.end()) return absl::NotFoundError("unknown API key");
    return it->second.record;
  }

  absl::Status RevokeApiKey(const RequestContext& ctx, const std::string& key_id) override {
    RETURN_IF_ERROR(Begin("RevokeApiKey", ctx));
    Lock lock(mu_);
    const auto it = keys_.find(key_id);
    if (it == keys_.end() || it->second.record.org_id != ctx.org_id) {
      return absl::NotFoundError(
          absl::StrCat("no API key '", Clip(key_id), "' in this organization"));
    }
    it->second.record.revoked = true;
    if (!it->second.revoked_micros) it->second.revoked_micros = NowMicros();
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::StatusOr<Page<v1::ApiKey, KeyIdCursor>> ListApiKeys(const RequestContext& ctx,
                                                            const std::optional<KeyIdCursor>& after,
                                                            int limit) override {
    RETURN_IF_ERROR(Begin("ListApiKeys", ctx));
    Lock lock(mu_);
    std::vector<std::pair<KeyIdCursor, v1::ApiKey>> rows;
    for (const auto& [id, k] : keys_) {
      if (k.record.org_id != ctx.org_id) continue;
      v1::ApiKey out;
      out.set_key_id(id);
      out.set_name(k.name);
      out.set_scope(std::string(ScopeName(k.record.scope)));
      out.set_principal_user_id(k.record.principal_user_id);
      SetMicros(out.mutable_created_at(), k.created_micros);
      if (k.revoked_micros) SetMicros(out.mutable_revoked_at(), *k.revoked_micros);
      rows.push_back({KeyIdCursor{id}, std::move(out)});
    }
    return PageOf(std::move(rows), after, limit);
  }

  absl::StatusOr<std::string> PageTokenKey(const RequestContext& ctx) override {
    RETURN_IF_ERROR(Begin("PageTokenKey", ctx));
    Lock lock(mu_);
    if (!token_key_) token_key_ = RandomToken(32);
    return *token_key_;
  }

  // --- UserStore. ---

  absl::StatusOr<std::vector<v1::AdminCreatedUser>> CreateUsers(
      const RequestContext& ctx, const std::vector<NewUserRow>& users) override {
    RETURN_IF_ERROR(Begin("CreateUsers", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    std::set<std::string> wanted;
    for (const auto& row : users) wanted.insert(Lower(row.user.email()));
    std::vector<std::pair<std::string, std::string>> taken;  // (email key, email)
    for (const auto& [id, u] : m->users)
      if (wanted.count(Lower(u.email))) taken.push_back({Lower(u.email), u.email});
    std::sort(taken.begin(), taken.end());
    if (!taken.empty()) {
      std::vector<std::string> emails;
      for (const auto& [key, email] : taken) emails.push_back(email);
      return absl::AlreadyExistsError(absl::StrCat(taken.size() == 1
                                                       ? "a user with this email already exists: "
                                                       : "users with these emails already exist: ",
                                                   ClipList(emails), "; no user was created"));
    }
    if (wanted.size() != users.size()) {  // two rows of the batch share an email
      return absl::AlreadyExistsError("creating users: already exists");
    }
    const int64_t now = NowMicros();
    std::vector<v1::AdminCreatedUser> out;
    for (const auto& row : users) {
      const v1::AdminCreateUser& u = row.user;
      Model::User& stored = m->users[row.user_id];
      stored = Model::User(u.email());
      stored.name = u.name();
      stored.sso = u.is_sso_user();
      stored.password_hash = row.password_hash;
      if (u.has_lastname()) stored.lastname = u.lastname();
      if (u.has_title()) stored.title = u.title();
      m->created_micros[row.user_id] = now;
      v1::AdminCreatedUser& c = out.emplace_back();
      c.set_user_id(row.user_id);
      c.set_name(u.name());
      c.set_email(u.email());
      c.set_is_sso_user(u.is_sso_user());
      if (u.has_lastname()) c.set_lastname(u.lastname());
      if (u.has_title()) c.set_title(u.title());
      SetMicros(c.mutable_created_at(), now);
    }
    Wrote(ctx, ctx.org_id);
    return out;
  }

  absl::StatusOr<Page<v1::User, EmailCursor>> ListUsers(const RequestContext& ctx,
                                                        const UserQuery& query,
                                                        const std::optional<EmailCursor>& after,
                                                        int limit) override {
    RETURN_IF_ERROR(Begin("ListUsers", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<std::pair<EmailCursor, v1::User>> rows;
    for (const auto& [id, u] : m.users) {
      if (!Contains(u.email, query.email_contains) || !Contains(u.name, query.name_contains) ||
          !Matches(u, query.accounts)) {
        continue;
      }
      rows.push_back({EmailCursor{Lower(u.email)}, UserOf(m, id)});
    }
    return PageOf(std::move(rows), after, limit);
  }

  absl::StatusOr<UserMatch> FindUser(const RequestContext& ctx, const UserKey& key,
                                     AccountFilter accounts) override {
    RETURN_IF_ERROR(Begin("FindUser", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<std::pair<std::string, std::string>> named;  // (email key, id)
    for (const auto& [id, u] : m.users) {
      const bool hit = key.by == UserKey::By::kId      ? id == key.value
                       : key.by == UserKey::By::kEmail ? Lower(u.email) == Lower(key.value)
                                                       : u.name == key.value;
      if (hit && Matches(u, accounts)) named.push_back({Lower(u.email), id});
    }
    std::sort(named.begin(), named.end());
    UserMatch match;
    match.match_count = static_cast<int64_t>(named.size());
    if (!named.empty()) match.user = UserOf(m, named.front().second);
    return match;
  }

  absl::StatusOr<v1::User> CreateServiceAccount(const RequestContext& ctx,
                                                const std::string& name) override {
    RETURN_IF_ERROR(Begin("CreateServiceAccount", ctx));
    Lock lock(mu_);
    const std::string slug = ServiceAccountSlug(name);
    if (slug.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("service account name '", Clip(name), "' has no letters or digits"));
    }
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    const std::string email = absl::StrCat(slug, "@org-", ctx.org_id, ".serviceaccount.com");
    if (EmailTaken(*m, email)) {
      return absl::AlreadyExistsError(
          absl::StrCat("a user with email '", Clip(email), "' already exists"));
    }
    const std::string id = NewId("usr_");
    Model::User u;
    u.email = email;
    u.name = name;
    u.service_account = true;
    m->users[id] = u;
    m->created_micros[id] = NowMicros();
    Wrote(ctx, ctx.org_id);
    return UserOf(*m, id);
  }

  absl::Status DeleteUser(const RequestContext& ctx, const std::string& user_id) override {
    RETURN_IF_ERROR(Begin("DeleteUser", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, Holding(WritableModel(ctx), &Model::users, "user", user_id));
    m->DeleteUser(user_id);
    std::erase_if(keys_, [&](const auto& entry) {
      return entry.second.record.org_id == ctx.org_id &&
             entry.second.record.principal_user_id == user_id;
    });
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  // --- DirectoryStore: clouds and projects. ---

  absl::StatusOr<v1::Cloud> CreateCloud(const RequestContext& ctx,
                                        const std::string& name) override {
    RETURN_IF_ERROR(Begin("CreateCloud", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    ASSIGN_OR_RETURN(const std::string id,
                     AddNamed(*m, &Model::clouds, kCloudPrefix, "a cloud", name));
    Wrote(ctx, ctx.org_id);
    return CloudOf(*m, id);
  }

  absl::StatusOr<v1::Cloud> GetCloud(const RequestContext& ctx, const std::string& key,
                                     bool by_name) override {
    RETURN_IF_ERROR(Begin("GetCloud", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    ASSIGN_OR_RETURN(const std::string id, FindNamed(m.clouds, "cloud", key, by_name));
    return CloudOf(m, id);
  }

  absl::StatusOr<Page<v1::Cloud, NameIdCursor>> ListClouds(const RequestContext& ctx,
                                                           const NameQuery& query,
                                                           const std::optional<NameIdCursor>& after,
                                                           int limit) override {
    RETURN_IF_ERROR(Begin("ListClouds", ctx));
    Lock lock(mu_);
    return NamedPage(ModelFor(ctx), &Model::clouds, CloudOf, query, after, limit);
  }

  absl::Status DeleteCloud(const RequestContext& ctx, const std::string& cloud_id) override {
    RETURN_IF_ERROR(Begin("DeleteCloud", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, Holding(WritableModel(ctx), &Model::clouds, "cloud", cloud_id));
    m->DeleteResource({1, cloud_id});
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::StatusOr<v1::Project> CreateProject(const RequestContext& ctx, const std::string& cloud_id,
                                            const std::string& name) override {
    RETURN_IF_ERROR(Begin("CreateProject", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * model, Holding(WritableModel(ctx), &Model::clouds, "cloud", cloud_id));
    Model& m = *model;
    for (const auto& [id, p] : m.projects) {
      if (p.first == cloud_id && p.second == name) {
        return absl::AlreadyExistsError(absl::StrCat(
            "cloud '", Clip(cloud_id), "' already has a project named '", Clip(name), "'"));
      }
    }
    const std::string id = NewId("prj_");
    m.projects[id] = {cloud_id, name};
    m.created_micros[id] = NowMicros();
    Wrote(ctx, ctx.org_id);
    return ProjectOf(m, id);
  }

  absl::StatusOr<v1::Project> GetProject(const RequestContext& ctx,
                                         const std::string& project_id) override {
    RETURN_IF_ERROR(Begin("GetProject", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    if (!m.projects.count(project_id)) return NotFound("project", project_id);
    return ProjectOf(m, project_id);
  }

  absl::StatusOr<Page<v1::Project, NameIdCursor>> ListProjects(
      const RequestContext& ctx, const ProjectQuery& query,
      const std::optional<NameIdCursor>& after, int limit) override {
    RETURN_IF_ERROR(Begin("ListProjects", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<std::pair<NameIdCursor, v1::Project>> rows;
    for (const auto& [id, p] : m.projects) {
      if ((query.cloud_id.empty() || p.first == query.cloud_id) &&
          Contains(p.second, query.name_contains)) {
        rows.push_back({{p.second, id}, ProjectOf(m, id)});
      }
    }
    return PageOf(std::move(rows), after, limit);
  }

  absl::Status DeleteProject(const RequestContext& ctx, const std::string& project_id) override {
    RETURN_IF_ERROR(Begin("DeleteProject", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m,
                     Holding(WritableModel(ctx), &Model::projects, "project", project_id));
    m->DeleteResource({2, project_id});
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  // --- DirectoryStore: user groups and memberships. ---

  absl::StatusOr<v1::UserGroup> CreateGroup(const RequestContext& ctx,
                                            const std::string& name) override {
    RETURN_IF_ERROR(Begin("CreateGroup", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    ASSIGN_OR_RETURN(const std::string id,
                     AddNamed(*m, &Model::group_names, kGroupPrefix, "a user group", name));
    m->members[id];
    m->updated_micros[id] = m->created_micros[id];
    Wrote(ctx, ctx.org_id);
    return GroupOf(*m, id);
  }

  absl::StatusOr<v1::UserGroup> GetGroup(const RequestContext& ctx, const std::string& key,
                                         bool by_name) override {
    RETURN_IF_ERROR(Begin("GetGroup", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    ASSIGN_OR_RETURN(const std::string id, FindNamed(m.group_names, "user group", key, by_name));
    return GroupOf(m, id);
  }

  absl::StatusOr<Page<v1::UserGroup, NameIdCursor>> ListGroups(
      const RequestContext& ctx, const NameQuery& query, const std::optional<NameIdCursor>& after,
      int limit) override {
    RETURN_IF_ERROR(Begin("ListGroups", ctx));
    Lock lock(mu_);
    return NamedPage(ModelFor(ctx), &Model::group_names, GroupOf, query, after, limit);
  }

  absl::Status DeleteGroup(const RequestContext& ctx, const std::string& group_id) override {
    RETURN_IF_ERROR(Begin("DeleteGroup", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m,
                     Holding(WritableModel(ctx), &Model::group_names, "user group", group_id));
    m->DeleteGroup(group_id);
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::StatusOr<int> AddMembers(const RequestContext& ctx, const std::string& group_id,
                                 const std::vector<std::string>& users) override {
    RETURN_IF_ERROR(Begin("AddMembers", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(const MemberChange change,
                     MemberChangeOf(WritableModel(ctx), group_id, users));
    int added = 0;
    for (const auto& id : change.ids)
      added += change.m->members[group_id].insert(id).second ? 1 : 0;
    if (added > 0) change.m->updated_micros[group_id] = NowMicros();
    Wrote(ctx, ctx.org_id);
    return added;
  }

  absl::StatusOr<int> RemoveMembers(const RequestContext& ctx, const std::string& group_id,
                                    const std::vector<std::string>& users) override {
    RETURN_IF_ERROR(Begin("RemoveMembers", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(const MemberChange change,
                     MemberChangeOf(WritableModel(ctx), group_id, users));
    const std::vector<std::string>& ids = change.ids;
    std::set<std::string>& members = change.m->members[group_id];
    std::vector<std::string> not_members;
    for (size_t i = 0; i < ids.size(); ++i)
      if (!members.count(ids[i])) not_members.push_back(users[i]);
    if (!not_members.empty()) {
      return absl::NotFoundError(absl::StrCat("not members of the group: ", ClipList(not_members),
                                              "; no member was removed"));
    }
    const std::set<std::string> gone(ids.begin(), ids.end());
    for (const auto& id : gone) members.erase(id);
    if (!gone.empty()) change.m->updated_micros[group_id] = NowMicros();
    Wrote(ctx, ctx.org_id);
    return static_cast<int>(gone.size());
  }

  absl::StatusOr<Page<v1::GroupMembership, NameIdCursor>> ListMemberships(
      const RequestContext& ctx, const MembershipQuery& query,
      const std::optional<NameIdCursor>& after, int limit) override {
    RETURN_IF_ERROR(Begin("ListMemberships", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<std::pair<NameIdCursor, v1::GroupMembership>> rows;
    for (const auto& [id, name] : m.group_names) {
      if (!query.group_id.empty() && query.group_id != id) continue;
      v1::GroupMembership g;
      g.set_group_id(id);
      g.set_group_name(name);
      std::vector<std::pair<std::string, std::string>> emails;  // (email key, email)
      if (m.members.count(id)) {
        for (const auto& user : m.members.at(id)) {
          const std::string& email = m.users.at(user).email;
          emails.push_back({Lower(email), email});
        }
      }
      std::sort(emails.begin(), emails.end());
      for (const auto& [key, email] : emails) g.add_member_emails(email);
      rows.push_back({{name, id}, std::move(g)});
    }
    return PageOf(std::move(rows), after, limit);
  }

  // --- DirectoryStore: grants. ---

  absl::StatusOr<v1::Grant> GrantRole(const RequestContext& ctx, const ResourceKey& resource,
                                      const PrincipalKey& principal, Role role) override {
    RETURN_IF_ERROR(Begin("GrantRole", ctx));
    Lock lock(mu_);
    if (role == Role::kNone) return absl::InvalidArgumentError("granting the role: no role");
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    ASSIGN_OR_RETURN(const GrantRow row, GrantRowOf(*m, resource, principal, role));
    if (row.grants->insert(row.key).second) m->grant_micros[row.key] = NowMicros();
    Wrote(ctx, ctx.org_id);
    return GrantOf(*m, resource, principal.group, row.who, static_cast<int>(role));
  }

  absl::Status RevokeRole(const RequestContext& ctx, const ResourceKey& resource,
                          const PrincipalKey& principal, Role role) override {
    RETURN_IF_ERROR(Begin("RevokeRole", ctx));
    Lock lock(mu_);
    ASSIGN_OR_RETURN(Model * m, WritableModel(ctx));
    ASSIGN_OR_RETURN(const GrantRow row, GrantRowOf(*m, resource, principal, role));
    if (row.grants->erase(row.key) == 0) {
      return absl::NotFoundError(
          absl::StrCat(principal.group ? "user group '" : "user '", Clip(principal.id_or_email),
                       "' does not hold ", RoleText(static_cast<int>(role)), " on ",
                       std::string(ResourceKindName(resource.kind)), " '", resource.id, "'"));
    }
    m->grant_micros.erase(row.key);
    Wrote(ctx, ctx.org_id);
    return absl::OkStatus();
  }

  absl::StatusOr<Page<v1::Grant, GrantCursor>> ListGrants(const RequestContext& ctx,
                                                          const ResourceKey& resource,
                                                          const std::optional<GrantCursor>& after,
                                                          int limit) override {
    RETURN_IF_ERROR(Begin("ListGrants", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    RETURN_IF_ERROR(CheckResource(m, resource));
    const Resource r = ResourceOf(resource);
    std::vector<std::pair<GrantCursor, v1::Grant>> rows;
    for (const auto& [group, grants] :
         {std::pair{true, &m.group_grants}, std::pair{false, &m.user_grants}}) {
      for (const auto& [who, res, role] : *grants) {
        if (!(res == r)) continue;
        const std::string label = group ? m.group_names.at(who) : m.users.at(who).email;
        rows.push_back(
            {GrantCursor{group, who, role}, GrantOf(m, resource, group, {who, label}, role)});
      }
    }
    return PageOf(std::move(rows), after, limit);
  }

  // --- PermissionStore. ---

  absl::StatusOr<std::vector<v1::OrgOwner>> OrgOwners(const RequestContext& ctx) override {
    RETURN_IF_ERROR(Begin("OrgOwners", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<std::pair<std::string, std::string>> owners;  // (email key, id)
    for (const auto& [id, u] : m.users)
      if (m.IsOwner(id)) owners.push_back({Lower(u.email), id});
    std::sort(owners.begin(), owners.end());
    std::vector<v1::OrgOwner> out;
    for (const auto& [key, id] : owners) {
      v1::OrgOwner& o = out.emplace_back();
      o.set_user_email(m.users.at(id).email);
      o.set_user_id(id);
    }
    return out;
  }

  absl::Status StreamUserPermissions(
      const RequestContext& ctx, const std::string& user_id,
      const std::optional<EmailCursor>& after,
      const std::function<v1::UserPermissions*(const EmailCursor& user)>& next_user) override {
    RETURN_IF_ERROR(Begin("StreamUserPermissions", ctx));
    // One snapshot taken under the lock; the caller's callback runs without it.
    std::vector<std::pair<EmailCursor, v1::UserPermissions>> snapshot;
    {
      Lock lock(mu_);
      const Model& m = ModelFor(ctx);
      std::vector<std::pair<std::string, std::string>> users;  // (email key, id)
      for (const auto& [id, u] : m.users) {
        if (!user_id.empty() && id != user_id) continue;
        if (after && Lower(u.email) <= after->email_key) continue;
        users.push_back({Lower(u.email), id});
      }
      std::sort(users.begin(), users.end());
      for (const auto& [key, id] : users) {
        v1::UserPermissions p = PermissionsOf(m, id);
        if (p.clouds_size() > 0) snapshot.push_back({EmailCursor{key}, std::move(p)});
      }
    }
    for (const auto& [cursor, permissions] : snapshot) {
      v1::UserPermissions* out = next_user(cursor);
      if (!out) break;
      out->MergeFrom(permissions);
    }
    return absl::OkStatus();
  }

  // Answers through `done` at once, on the calling thread.
  void CheckRole(const RequestContext& ctx, const RoleQuestion& question,
                 RoleCallback done) override {
    const absl::Status begun = Begin("CheckRole", ctx);
    if (!begun.ok()) return done(begun);
    Lock lock(mu_);
    done(RoleIn(ModelFor(ctx), question));
  }

  absl::StatusOr<std::vector<absl::StatusOr<Role>>> CheckRoles(
      const RequestContext& ctx, const std::vector<RoleQuestion>& questions) override {
    RETURN_IF_ERROR(Begin("CheckRoles", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    std::vector<absl::StatusOr<Role>> out;
    for (const RoleQuestion& q : questions) out.push_back(RoleIn(m, q));
    return out;
  }

  // The answer to `question` in `m`, as PostgreSQL's statement gives it.
  static absl::StatusOr<Role> RoleIn(const Model& m, const RoleQuestion& question) {
    const Resource r = ResourceOf(question.resource);
    if (!m.users.count(question.user_id)) return NotFound("user", question.user_id);
    if (!m.Exists(r)) {
      return NotFound(std::string(ResourceKindName(question.resource.kind)), r.id);
    }
    return static_cast<Role>(m.Effective(question.user_id, r));
  }

  // --- ChangeStore: one change per write, naming its operation and actor but no object. ---

  absl::StatusOr<Page<v1::Change, ChangeCursor>> ListChanges(
      const RequestContext& ctx, const ChangeQuery& query, const std::optional<ChangeCursor>& after,
      int limit) override {
    RETURN_IF_ERROR(Begin("ListChanges", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    const auto matches = [&](const v1::Change& c) {
      const int64_t at = absl::ToUnixMicros(absl::FromUnixSeconds(c.changed_at().seconds()) +
                                            absl::Nanoseconds(c.changed_at().nanos()));
      const auto user = m.users.find(c.actor_user_id());
      const bool actor = query.actor.empty() || c.actor_key_id() == query.actor ||
                         c.actor_user_id() == query.actor ||
                         (user != m.users.end() && Lower(user->second.email) == Lower(query.actor));
      return at >= query.since_micros && at < query.until_micros && actor &&
             (query.object_id.empty() || c.object_id() == query.object_id) &&
             (query.operation.empty() || c.operation() == query.operation) &&
             (query.object_type.empty() || c.object_type() == query.object_type);
    };
    std::vector<std::pair<ChangeCursor, v1::Change>> rows;
    if (const auto it = changes_.find(ctx.org_id); it != changes_.end()) {
      for (const v1::Change& c : it->second) {
        if (matches(c)) rows.push_back({ChangeCursor{c.revision(), 1}, c});
      }
    }
    return PageOf(std::move(rows), after, limit);
  }

  absl::StatusOr<ChangeBatch> ChangesAfter(const RequestContext& ctx,
                                           const std::optional<ChangeCursor>& after,
                                           const std::vector<std::string>& object_types,
                                           int limit) override {
    RETURN_IF_ERROR(Begin("ChangesAfter", ctx));
    Lock lock(mu_);
    ModelFor(ctx);  // reports the revision
    const auto revision = revisions_.find(ctx.org_id);
    ChangeBatch batch{
        {}, {revision == revisions_.end() ? 0 : revision->second, ChangeCursor::kWholeRevision}};
    if (!after) return batch;
    const auto log = changes_.find(ctx.org_id);
    if (log == changes_.end()) return batch;
    for (const v1::Change& c : log->second) {
      const bool later =
          std::make_pair(c.revision(), c.seq()) > std::make_pair(after->revision, after->seq);
      const bool wanted = object_types.empty() ||
                          std::find(object_types.begin(), object_types.end(), c.object_type()) !=
                              object_types.end();
      if (!later || !wanted) continue;
      if (static_cast<int>(batch.changes.size()) == limit) break;
      batch.changes.push_back(c);
    }
    if (limit > 0 && static_cast<int>(batch.changes.size()) == limit) {
      batch.through = {batch.changes.back().revision(), batch.changes.back().seq()};
    }
    return batch;
  }

  void AwaitChange(const RequestContext& ctx, int64_t revision,
                   std::chrono::steady_clock::time_point /*read_from*/,
                   std::chrono::steady_clock::time_point until,
                   const std::function<bool()>& stop) override {
    std::unique_lock<std::mutex> lock(mu_);
    while (std::chrono::steady_clock::now() < until && revisions_[ctx.org_id] <= revision) {
      lock.unlock();
      if (stop()) return;
      lock.lock();
      wrote_.wait_until(
          lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
    }
  }

  absl::StatusOr<std::vector<v1::Contribution>> Contributions(
      const RequestContext& ctx, const RoleQuestion& question) override {
    RETURN_IF_ERROR(Begin("Contributions", ctx));
    Lock lock(mu_);
    const Model& m = ModelFor(ctx);
    auto found = m.Contributions(question.user_id, ResourceOf(question.resource));
    // Most permissive first; then direct, group, ownership, membership; then by group name.
    const auto group_name = [&](const Model::Contribution& c) {
      return c.group_id.empty() ? std::string() : m.group_names.at(c.group_id);
    };
    std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
      return std::make_tuple(-a.role, a.source, group_name(a)) <
             std::make_tuple(-b.role, b.source, group_name(b));
    });
    std::vector<v1::Contribution> out;
    for (const auto& c : found) {
      v1::Contribution& o = out.emplace_back();
      o.set_source(static_cast<v1::Contribution::Source>(c.source));
      o.set_role(RoleText(c.role));
      o.set_group_id(c.group_id);
      if (!c.group_id.empty()) o.set_group_name(group_name(c));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<FakeStore> FakeStore::New() { return std::make_unique<FakeStoreImpl>(); }

}  // namespace rolecall::testing
