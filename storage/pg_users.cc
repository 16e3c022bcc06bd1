// PgStore: users and service accounts.
#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/names.h"
#include "core/status.h"
#include "storage/pg_query.h"
#include "storage/pg_store.h"

namespace rolecall {
namespace {

// A users row of list_users, find_user or insert_service_account, of an owner or not.
v1::User UserFromRow(const pqxx::row& r, bool owner) {
  v1::User u = pg::Read<v1::User>(r);
  u.set_permission_level(std::string(RoleName(owner ? Role::kOwner : Role::kCollaborator)));
  return u;
}

// A row of list_users or find_user, which tell whether the user owns the organization.
v1::User ListedUser(const pqxx::row& r) { return UserFromRow(r, r["is_owner"].as<bool>()); }

// A row of insert_service_account: a new account holds no grant yet.
v1::User NewServiceAccount(const pqxx::row& r) { return UserFromRow(r, /*owner=*/false); }

// The account filter as the user queries take it: 0 all, 1 service accounts, 2 user accounts.
int AccountParam(AccountFilter f) { return static_cast<int>(f); }
static_assert(static_cast<int>(AccountFilter::kServiceAccounts) == 1 &&
              static_cast<int>(AccountFilter::kUserAccounts) == 2);

// What find_user looks the user up by ($2).
constexpr Named<UserKey::By> kUserKeyParams[] = {
    {UserKey::By::kId, "id"}, {UserKey::By::kEmail, "email"}, {UserKey::By::kName, "name"}};

// The JSON arrays insert_users and existing_emails take.
std::pair<std::string, std::string> UsersJson(const std::vector<NewUserRow>& users) {
  nlohmann::json emails = nlohmann::json::array();
  nlohmann::json rows = nlohmann::json::array();
  const auto optional = [](bool has, const std::string& v) {
    return has ? nlohmann::json(v) : nlohmann::json(nullptr);
  };
  for (const auto& row : users) {
    const auto& u = row.user;
    emails.push_back(u.email());
    rows.push_back({{"user_id", row.user_id},
                    {"email", u.email()},
                    {"name", u.name()},
                    {"lastname", optional(u.has_lastname(), u.lastname())},
                    {"title", optional(u.has_title(), u.title())},
                    {"is_sso_user", u.is_sso_user()},
                    {"password_hash", optional(!row.password_hash.empty(), row.password_hash)}});
  }
  return {emails.dump(), rows.dump()};
}

v1::AdminCreatedUser CreatedUser(const NewUserRow& row, int64_t created_micros) {
  v1::AdminCreatedUser c;
  c.set_user_id(row.user_id);
  c.set_name(row.user.name());
  c.set_email(row.user.email());
  c.set_is_sso_user(row.user.is_sso_user());
  if (row.user.has_lastname()) c.set_lastname(row.user.lastname());
  if (row.user.has_title()) c.set_title(row.user.title());
  pg::SetMicros(c.mutable_created_at(), created_micros);
  return c;
}

}  // namespace

absl::StatusOr<std::vector<v1::AdminCreatedUser>> PgStore::CreateUsers(
    const RequestContext& ctx, const std::vector<NewUserRow>& users) {
  const auto [emails_json, rows_json] = UsersJson(users);
  std::map<std::string, int64_t> created_at;
  const auto attempt = [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    const auto existing = tx.exec_prepared(queries::kExistingEmails, ctx.org_id, emails_json);
    if (!existing.empty()) {
      std::vector<std::string> taken;
      for (const auto& r : existing) taken.push_back(pg::Text(r, "email"));
      return absl::AlreadyExistsError(absl::StrCat(taken.size() == 1
                                                       ? "a user with this email already exists: "
                                                       : "users with these emails already exist: ",
                                                   ClipList(taken), "; no user was created"));
    }
    for (const auto& r : tx.exec_prepared(queries::kInsertUsers, ctx.org_id, rows_json)) {
      created_at[pg::Text(r, "user_id")] = r["created_micros"].as<int64_t>();
    }
    tx.commit();
    return absl::OkStatus();
  };
  absl::Status status = pool_.Run(ctx, "creating users", attempt);
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    // A concurrent batch took an email between our check and our insert: run again so the
    // check names the emails that are now taken.
    const absl::Status again = pool_.Run(ctx, "creating users", attempt);
    if (again.code() == absl::StatusCode::kAlreadyExists || again.ok()) status = again;
  }
  RETURN_IF_ERROR(status);
  std::vector<v1::AdminCreatedUser> out;
  out.reserve(users.size());
  for (const auto& row : users) out.push_back(CreatedUser(row, created_at[row.user_id]));
  return out;
}

absl::StatusOr<Page<v1::User, EmailCursor>> PgStore::ListUsers(
    const RequestContext& ctx, const UserQuery& query, const std::optional<EmailCursor>& after,
    int limit) {
  return pg::ListPage<v1::User, EmailCursor>(
      pool_, ctx, "listing users", queries::kListUsers, limit, ListedUser,
      [](const pqxx::row& r) { return EmailCursor{pg::Text(r, "email_key")}; }, ctx.org_id,
      after ? after->email_key : "", query.email_contains, query.name_contains,
      AccountParam(query.accounts), pg::Param(ResourceKind::kOrganization),
      pg::Param(Role::kOwner));
}

absl::StatusOr<UserMatch> PgStore::FindUser(const RequestContext& ctx, const UserKey& key,
                                            AccountFilter accounts) {
  UserMatch match;
  RETURN_IF_ERROR(pool_.Run(ctx, "finding the user", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(pg::BeginRead(tx, ctx));
    const auto rows = tx.exec_prepared(
        queries::kFindUser, ctx.org_id, std::string(NameIn(kUserKeyParams, key.by)), key.value,
        AccountParam(accounts), pg::Param(ResourceKind::kOrganization), pg::Param(Role::kOwner));
    if (!rows.empty()) {
      match.user = ListedUser(rows[0]);
      match.match_count = rows[0]["match_count"].as<int64_t>();
    }
    return absl::OkStatus();
  }));
  return match;
}

absl::StatusOr<v1::User> PgStore::CreateServiceAccount(const RequestContext& ctx,
                                                       const std::string& name) {
  const std::string slug = ServiceAccountSlug(name);
  if (slug.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("service account name '", Clip(name), "' has no letters or digits"));
  }
  const std::string email = absl::StrCat(slug, "@org-", ctx.org_id, ".serviceaccount.com");
  return pg::InsertOne<v1::User>(
      pool_, ctx, "creating the service account", queries::kInsertServiceAccount,
      absl::AlreadyExistsError(
          absl::StrCat("a user with email '", Clip(email), "' already exists")),
      absl::OkStatus(), NewServiceAccount, ctx.org_id, NewId("usr_"), email, name);
}

absl::Status PgStore::DeleteUser(const RequestContext& ctx, const std::string& user_id) {
  return pg::ChangeOne(pool_, ctx, "deleting the user", queries::kDeleteUser,
                       pg::NotFound("user", user_id), ctx.org_id, user_id);
}

}  // namespace rolecall
