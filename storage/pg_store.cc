#include "storage/pg_store.h"

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/status.h"
#include "storage/sql.h"

namespace rolecall {
namespace {

// Statement names; the SQL is in Statements().
constexpr const char* kInsertOrg = "insert_org";
constexpr const char* kOrgExists = "org_exists";
constexpr const char* kUserExists = "user_exists";
constexpr const char* kInsertApiKey = "insert_api_key";
constexpr const char* kFindApiKey = "find_api_key";
constexpr const char* kRevokeApiKey = "revoke_api_key";
constexpr const char* kListApiKeys = "list_api_keys";
constexpr const char* kExistingEmails = "existing_emails";
constexpr const char* kInsertUsers = "insert_users";
constexpr const char* kListUsers = "list_users";
constexpr const char* kFindUserById = "find_user_by_id";
constexpr const char* kFindUserByEmail = "find_user_by_email";
constexpr const char* kFindUserByName = "find_user_by_name";

// The most checks one CheckPermission statement answers.
constexpr int kMaxChecksPerStatement = 100;

// What ListApiKeys reads of a key (never its hash).
constexpr char kApiKeyColumns[] =
    "key_id, name, scope, coalesce(principal_user_id, ''), " ROLECALL_SQL_MICROS(
        "created_at") ", " ROLECALL_SQL_MICROS("revoked_at");

// The account filter as the SQL parameter the user queries take: 0 all, 1 service, 2 users.
int AccountParam(AccountFilter f) {
  switch (f) {
    case AccountFilter::kServiceAccounts:
      return 1;
    case AccountFilter::kUserAccounts:
      return 2;
    case AccountFilter::kAll:
      break;
  }
  return 0;
}

constexpr const char* kAccountClause = "($ACC = 0 OR u.is_service_account = ($ACC = 1))";

std::string WithAccountParam(std::string sql, const std::string& param) {
  for (size_t at = sql.find("$ACC"); at != std::string::npos; at = sql.find("$ACC")) {
    sql.replace(at, 4, param);
  }
  return sql;
}

std::string FindUserSql(const char* key_clause) {
  return WithAccountParam(absl::StrCat("SELECT ", sql::kUserColumns, ", count(*) OVER () ",
                                       "FROM users u WHERE u.org_id = $1 AND ", key_clause, " AND ",
                                       kAccountClause, " ORDER BY u.email_key LIMIT 1"),
                          "$3");
}

constexpr const char* kDemoSeed = R"sql(
INSERT INTO organizations (org_id, name) VALUES ('org_p72', 'P72') ON CONFLICT DO NOTHING;
INSERT INTO users (org_id, user_id, email, name, is_service_account, created_at) VALUES
  ('org_p72', 'usr_aaa', 'admin1@p72.com', 'Admin One', false, '2024-01-01 09:00+00'),
  ('org_p72', 'usr_owner', 'owner@anyscale.com', 'Owner Name', false, '2024-01-01 12:00+00'),
  ('org_p72', 'usr_abc', 'alice@p72.com', 'Alice', false, '2024-01-15 10:00+00'),
  ('org_p72', 'usr_svcbot', 'service-bot@org-org_p72.serviceaccount.com', 'Service Bot', true,
   '2024-02-01 08:30+00')
  ON CONFLICT DO NOTHING;
INSERT INTO clouds (org_id, cloud_id, name, created_at) VALUES
  ('org_p72', 'cld_111', 'prod-cloud', '2024-01-01 12:00+00') ON CONFLICT DO NOTHING;
INSERT INTO projects (org_id, project_id, cloud_id, name, created_at) VALUES
  ('org_p72', 'prj_111', 'cld_111', 'prod-project', '2024-01-01 12:00+00') ON CONFLICT DO NOTHING;
INSERT INTO user_groups (org_id, group_id, name, created_at, updated_at) VALUES
  ('org_p72', 'ug_readers', 'prod-readers', '2024-01-02 00:00+00', '2024-01-02 00:00+00')
  ON CONFLICT DO NOTHING;
INSERT INTO group_members (org_id, group_id, user_id) VALUES ('org_p72', 'ug_readers', 'usr_abc')
  ON CONFLICT DO NOTHING;
-- Owners directly; alice: cloud collaborator directly, project readonly through prod-readers.
INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role) VALUES
  ('org_p72', 'usr_aaa', 0, 'org_p72', 3),
  ('org_p72', 'usr_owner', 0, 'org_p72', 3),
  ('org_p72', 'usr_abc', 1, 'cld_111', 2)
  ON CONFLICT DO NOTHING;
INSERT INTO group_grants (org_id, group_id, resource_kind, resource_id, role) VALUES
  ('org_p72', 'ug_readers', 2, 'prj_111', 1) ON CONFLICT DO NOTHING;
)sql";

}  // namespace

std::vector<PreparedStatement> PgStore::Statements() {
  std::vector<PreparedStatement> all = {
      {kInsertOrg,
       "INSERT INTO organizations (org_id, name) VALUES ($1, $2) "
       "ON CONFLICT (org_id) DO UPDATE SET name = EXCLUDED.name"},
      {kOrgExists, "SELECT 1 FROM organizations WHERE org_id = $1"},
      {kUserExists, "SELECT 1 FROM users WHERE org_id = $1 AND user_id = $2"},
      {kInsertApiKey,
       "INSERT INTO api_keys (org_id, key_id, secret_hash, scope, principal_user_id, name) "
       "VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6)"},
      // Before the caller's organization is known: a function that may read every
      // organization's keys (row-level security lets this session see none).
      {kFindApiKey,
       "SELECT org_id, key_id, secret_hash, scope, principal_user_id, revoked "
       "FROM rolecall_find_api_key($1)"},
      {kRevokeApiKey,
       "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
       "WHERE org_id = $1 AND key_id = $2"},
      {kListApiKeys, absl::StrCat("SELECT ", kApiKeyColumns,
                                  " FROM api_keys WHERE org_id = $1 AND key_id > $2 "
                                  "ORDER BY key_id LIMIT $3")},
      {kExistingEmails,
       "SELECT email FROM users WHERE org_id = $1 AND email_key IN "
       "(SELECT lower(e) FROM json_array_elements_text($2::json) AS e) ORDER BY email_key"},
      {kInsertUsers,
       "INSERT INTO users (org_id, user_id, email, name, lastname, title, is_sso_user, "
       "password_hash) "
       "SELECT $1, r.user_id, r.email, r.name, r.lastname, r.title, r.is_sso_user, "
       "r.password_hash FROM json_to_recordset($2::json) AS r(user_id text, email text, "
       "name text, lastname text, title text, is_sso_user boolean, password_hash text) "
       "RETURNING user_id, " ROLECALL_SQL_MICROS("created_at")},
      {kListUsers,
       WithAccountParam(absl::StrCat("SELECT ", sql::kUserColumns,
                                     " FROM users u WHERE u.org_id = $1 AND u.email_key > $2 "
                                     "AND ($3 = '' OR strpos(u.email_key, lower($3)) > 0) "
                                     "AND ($4 = '' OR strpos(lower(u.name), lower($4)) > 0) "
                                     "AND ",
                                     kAccountClause, " ORDER BY u.email_key LIMIT $6"),
                        "$5")},
      {kFindUserById, FindUserSql("u.user_id = $2")},
      {kFindUserByEmail, FindUserSql("u.email_key = lower($2)")},
      {kFindUserByName, FindUserSql("u.name = $2")},
  };
  for (auto& more : {DirectoryStatements(), PermissionStatements()}) {
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

PgStore::PgStore(PoolOptions options, PoolObserver* observer, int check_statements)
    : pool_(std::move(options), Statements(), observer),
      checks_(
          check_statements, kMaxChecksPerStatement,
          [this](const std::vector<RoleCheck>& checks) { return EffectiveRoles(checks); },
          [observer](int size) {
            if (observer) observer->OnCheckBatch(size);
          }) {}

absl::Status PgStore::CreateOrg(const std::string& org_id, const std::string& name) {
  return pool_.Run(org_id, "creating the organization", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared(kInsertOrg, org_id, name);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgStore::CheckOrgExists(const std::string& org_id) {
  return pool_.Run(org_id, "finding the organization", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    if (tx.exec_prepared(kOrgExists, org_id).empty()) {
      return absl::NotFoundError(absl::StrCat("organization '", org_id, "' does not exist"));
    }
    return absl::OkStatus();
  });
}

absl::Status PgStore::InsertApiKey(const ApiKeyRecord& key, const std::string& name) {
  return pool_.Run(key.org_id, "creating the API key", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kOrgExists, key.org_id).empty()) {
      return absl::NotFoundError(absl::StrCat("organization '", key.org_id,
                                              "' does not exist; create it with create-org"));
    }
    if (!key.principal_user_id.empty() &&
        tx.exec_prepared(kUserExists, key.org_id, key.principal_user_id).empty()) {
      return absl::NotFoundError(absl::StrCat(
          "user '", key.principal_user_id, "' does not exist in organization '", key.org_id, "'"));
    }
    tx.exec_prepared(kInsertApiKey, key.org_id, key.key_id, key.secret_hash,
                     std::string(ScopeName(key.scope)), key.principal_user_id, name);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<ApiKeyRecord> PgStore::FindApiKey(const std::string& key_id) {
  ApiKeyRecord out;
  RETURN_IF_ERROR(pool_.Run(/*org_id=*/"", "looking up the API key", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared(kFindApiKey, key_id);
    if (rows.empty()) return absl::NotFoundError("unknown API key");
    const auto& r = rows[0];
    out.org_id = r[0].as<std::string>();
    out.key_id = r[1].as<std::string>();
    out.secret_hash = r[2].as<std::string>();
    auto scope = ParseScope(r[3].as<std::string>());
    if (!scope.ok()) return scope.status();
    out.scope = *scope;
    out.principal_user_id = r[4].as<std::string>();
    out.revoked = r[5].as<bool>();
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgStore::RevokeApiKey(const std::string& org_id, const std::string& key_id) {
  return pool_.Run(org_id, "revoking the API key", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (tx.exec_prepared(kRevokeApiKey, org_id, key_id).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("no API key '", key_id, "' in this organization"));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::ApiKey>> PgStore::ListApiKeys(const std::string& org_id,
                                                      const std::vector<std::string>& after,
                                                      int limit) {
  Page<v1::ApiKey> page;
  RETURN_IF_ERROR(pool_.Run(org_id, "listing API keys", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::ApiKey>(
        tx.exec_prepared(kListApiKeys, org_id, after.empty() ? "" : after[0], limit + 1), limit,
        [](const pqxx::row& r) {
          v1::ApiKey k;
          k.set_key_id(r[0].as<std::string>());
          k.set_name(r[1].as<std::string>());
          k.set_scope(r[2].as<std::string>());
          k.set_principal_user_id(r[3].as<std::string>());
          sql::SetMicros(k.mutable_created_at(), r[4].as<int64_t>());
          if (!r[5].is_null()) sql::SetMicros(k.mutable_revoked_at(), r[5].as<int64_t>());
          return k;
        },
        [](const pqxx::row& r) { return std::vector<std::string>{r[0].as<std::string>()}; });
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::string> PgStore::PageTokenKey() {
  std::string key;
  RETURN_IF_ERROR(pool_.Run(/*org_id=*/"", "reading the page-token key", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO server_settings (name, value) VALUES ('page_token_key', $1) "
        "ON CONFLICT DO NOTHING",
        RandomToken(32));
    key = tx.exec("SELECT value FROM server_settings WHERE name = 'page_token_key'")[0][0]
              .as<std::string>();
    tx.commit();
    return absl::OkStatus();
  }));
  return key;
}

absl::StatusOr<std::vector<v1::AdminCreatedUser>> PgStore::CreateUsers(
    const std::string& org_id, const std::vector<NewUserRow>& users) {
  nlohmann::json emails = nlohmann::json::array();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : users) {
    const auto& u = row.user;
    emails.push_back(u.email());
    rows.push_back(
        {{"user_id", row.user_id},
         {"email", u.email()},
         {"name", u.name()},
         {"lastname", u.has_lastname() ? nlohmann::json(u.lastname()) : nullptr},
         {"title", u.has_title() ? nlohmann::json(u.title()) : nullptr},
         {"is_sso_user", u.is_sso_user()},
         {"password_hash", row.password_hash.empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json(row.password_hash)}});
  }
  const std::string emails_json = emails.dump();
  const std::string rows_json = rows.dump();
  std::map<std::string, int64_t> created_at;
  const auto attempt = [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    const auto existing = tx.exec_prepared(kExistingEmails, org_id, emails_json);
    if (!existing.empty()) {
      std::vector<std::string> taken;
      for (const auto& r : existing) taken.push_back(r[0].as<std::string>());
      return absl::AlreadyExistsError(
          absl::StrCat(taken.size() == 1 ? "a user with this email already exists: "
                                         : "users with these emails already exist: ",
                       ClipList(taken), "; no user was created"));
    }
    for (const auto& r : tx.exec_prepared(kInsertUsers, org_id, rows_json)) {
      created_at[r[0].as<std::string>()] = r[1].as<int64_t>();
    }
    tx.commit();
    return absl::OkStatus();
  };
  absl::Status status = pool_.Run(org_id, "creating users", attempt);
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    // A concurrent batch took an email between our check and our insert: run again so the
    // check names the emails that are now taken.
    const absl::Status again = pool_.Run(org_id, "creating users", attempt);
    if (again.code() == absl::StatusCode::kAlreadyExists || again.ok()) status = again;
  }
  RETURN_IF_ERROR(status);
  std::vector<v1::AdminCreatedUser> out;
  out.reserve(users.size());
  for (const auto& row : users) {
    v1::AdminCreatedUser c;
    c.set_user_id(row.user_id);
    c.set_name(row.user.name());
    c.set_email(row.user.email());
    c.set_is_sso_user(row.user.is_sso_user());
    if (row.user.has_lastname()) c.set_lastname(row.user.lastname());
    if (row.user.has_title()) c.set_title(row.user.title());
    sql::SetMicros(c.mutable_created_at(), created_at[row.user_id]);
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<Page<v1::User>> PgStore::ListUsers(const std::string& org_id, const UserQuery& query,
                                                  const std::vector<std::string>& after,
                                                  int limit) {
  Page<v1::User> page;
  const std::string after_key = after.empty() ? "" : after[0];
  RETURN_IF_ERROR(pool_.Run(org_id, "listing users", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    page = sql::PageOf<v1::User>(
        tx.exec_prepared(kListUsers, org_id, after_key, query.email_contains, query.name_contains,
                         AccountParam(query.accounts), limit + 1),
        limit, sql::UserFromRow,
        [](const pqxx::row& r) { return std::vector<std::string>{r[9].as<std::string>()}; });
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<UserMatch> PgStore::FindUser(const std::string& org_id,
                                            const v1::GetUserRequest& key, AccountFilter accounts) {
  const char* statement = nullptr;
  std::string value;
  switch (key.key_case()) {
    case v1::GetUserRequest::kUserId:
      statement = kFindUserById;
      value = key.user_id();
      break;
    case v1::GetUserRequest::kEmail:
      statement = kFindUserByEmail;
      value = key.email();
      break;
    case v1::GetUserRequest::kName:
      statement = kFindUserByName;
      value = key.name();
      break;
    case v1::GetUserRequest::KEY_NOT_SET:
      return absl::InvalidArgumentError("one of user_id, email or name is required");
  }
  UserMatch match;
  RETURN_IF_ERROR(pool_.Run(org_id, "finding the user", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_prepared(statement, org_id, value, AccountParam(accounts));
    if (!rows.empty()) {
      match.user = sql::UserFromRow(rows[0]);
      match.match_count = rows[0][10].as<int64_t>();
    }
    return absl::OkStatus();
  }));
  return match;
}

absl::StatusOr<DatabaseRole> PgStore::ConnectedRole() {
  DatabaseRole role;
  RETURN_IF_ERROR(pool_.Run(/*org_id=*/"", "reading the database role", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    const auto r = tx.exec1(
        "SELECT current_user::text, NOT (r.rolsuper OR r.rolbypassrls OR "
        "  pg_has_role(current_user, (SELECT relowner FROM pg_class "
        "                             WHERE oid = to_regclass('users')), 'MEMBER')) "
        "FROM pg_roles r WHERE r.rolname = current_user");
    role.name = r[0].as<std::string>();
    role.row_security_applies = r[1].as<bool>();
    return absl::OkStatus();
  }));
  return role;
}

absl::Status PgStore::SeedDemo() {
  return pool_.Run("org_p72", "loading the demo organization", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec(kDemoSeed);
    tx.commit();
    return absl::OkStatus();
  });
}

}  // namespace rolecall
