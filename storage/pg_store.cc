// PgStore: construction, organizations, API keys and the page-token key.
#include "storage/pg_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/status.h"
#include "storage/pg_query.h"

namespace rolecall {
namespace {

// The most checks one CheckPermission statement answers.
constexpr int kMaxChecksPerStatement = 100;

std::vector<PreparedStatement> Statements() {
  std::vector<PreparedStatement> out;
  for (const QueryFile& q : PreparedQueries()) out.push_back({q.name, q.sql});
  return out;
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

namespace pg {

absl::Status BeginRead(pqxx::transaction_base& tx, const RequestContext& ctx) {
  const int64_t revision =
      tx.exec_prepared1(queries::kOrgRevision, ctx.org_id)["revision"].as<int64_t>();
  if (revision < ctx.freshness.Floor()) return NotReached(revision, ctx.freshness.Floor());
  ctx.Report(revision);
  return absl::OkStatus();
}

absl::Status NotReached(int64_t revision, int64_t min_revision) {
  return absl::UnavailableError(
      absl::StrCat("this store has not reached the state of the consistency token yet (revision ",
                   revision, " < ", min_revision, "); retry"));
}

absl::Status NotFound(const std::string& what, const std::string& id) {
  return absl::NotFoundError(absl::StrCat(what, " '", Clip(id), "' not found"));
}

void SetMicros(google::protobuf::Timestamp* ts, int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest * 1000));
}

void RowInto(const pqxx::row& row, google::protobuf::Message* message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor& descriptor = *message->GetDescriptor();
  const google::protobuf::Reflection& reflection = *message->GetReflection();
  for (const pqxx::field& column : row) {
    if (column.is_null()) continue;
    absl::string_view name = column.name();
    if (absl::ConsumeSuffix(&name, "_micros")) {
      const FieldDescriptor* field = descriptor.FindFieldByName(absl::StrCat(name, "_at"));
      if (field && field->message_type() == google::protobuf::Timestamp::descriptor()) {
        SetMicros(
            static_cast<google::protobuf::Timestamp*>(reflection.MutableMessage(message, field)),
            column.as<int64_t>());
      }
      continue;
    }
    const FieldDescriptor* field = descriptor.FindFieldByName(std::string(name));
    if (!field || field->is_repeated()) continue;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection.SetString(message, field, column.as<std::string>());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        reflection.SetBool(message, field, column.as<bool>());
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        reflection.SetInt32(message, field, column.as<int32_t>());
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        reflection.SetInt64(message, field, column.as<int64_t>());
        break;
      default:
        break;
    }
  }
}

}  // namespace pg

PgStore::PgStore(PoolOptions options, PoolObserver* observer, int check_statements)
    : pool_(options, Statements(), observer),
      checks_(
          check_statements, kMaxChecksPerStatement,
          [this](const RequestContext::Deadline& deadline, const std::vector<RoleCheck>& checks) {
            return EffectiveRoles(deadline, checks);
          },
          [observer](int size) {
            if (observer) observer->OnCheckBatch(size);
          }),
      feed_(options.dsn) {}

absl::Status PgStore::CreateOrg(const RequestContext& ctx, const std::string& name) {
  return pool_.Run(ctx, "creating the organization", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    tx.exec_prepared(queries::kInsertOrg, ctx.org_id, name);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgStore::CheckOrgExists(const RequestContext& ctx) {
  return pg::ReadOne<bool>(
             pool_, ctx, "finding the organization", queries::kOrgExists,
             absl::NotFoundError(absl::StrCat("organization '", ctx.org_id, "' does not exist")),
             [](const pqxx::row&) { return true; }, ctx.org_id)
      .status();
}

absl::Status PgStore::SeedDemo(const RequestContext& ctx) {
  RequestContext demo = ctx;
  demo.org_id = "org_p72";
  // The demo's fixed rows are this literal's own; nothing in it comes from outside.
  return pool_.Run(demo, "loading the demo organization", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, demo);
    tx.exec(kDemoSeed);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgStore::InsertApiKey(const RequestContext& ctx, const ApiKeyRecord& key,
                                   const std::string& name) {
  return pool_.Run(ctx, "creating the API key", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pg::BeginWrite(tx, ctx);
    if (tx.exec_prepared(queries::kOrgExists, key.org_id).empty()) {
      return absl::NotFoundError(absl::StrCat("organization '", key.org_id,
                                              "' does not exist; create it with create-org"));
    }
    if (!key.principal_user_id.empty() &&
        tx.exec_prepared(queries::kUserExists, key.org_id, key.principal_user_id).empty()) {
      return absl::NotFoundError(absl::StrCat(
          "user '", key.principal_user_id, "' does not exist in organization '", key.org_id, "'"));
    }
    tx.exec_prepared(queries::kInsertApiKey, key.org_id, key.key_id, key.secret_hash,
                     std::string(ScopeName(key.scope)), key.principal_user_id, name);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<ApiKeyRecord> PgStore::FindApiKey(const RequestContext& ctx,
                                                 const std::string& key_id) {
  ApiKeyRecord k;
  RETURN_IF_ERROR(pool_.Run(ctx, "looking up the API key", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const pqxx::result rows = tx.exec_prepared(queries::kFindApiKey, key_id);
    if (rows.empty()) return absl::NotFoundError("unknown API key");
    const pqxx::row& r = rows[0];
    ASSIGN_OR_RETURN(k.scope, ParseScope(pg::Text(r, "scope")));
    k.org_id = pg::Text(r, "org_id");
    k.key_id = pg::Text(r, "key_id");
    k.secret_hash = pg::Text(r, "secret_hash");
    k.principal_user_id = pg::Text(r, "principal_user_id");
    k.revoked = r["revoked"].as<bool>();
    return absl::OkStatus();
  }));
  return k;
}

absl::Status PgStore::RevokeApiKey(const RequestContext& ctx, const std::string& key_id) {
  return pg::ChangeOne(
      pool_, ctx, "revoking the API key", queries::kRevokeApiKey,
      absl::NotFoundError(absl::StrCat("no API key '", Clip(key_id), "' in this organization")),
      ctx.org_id, key_id);
}

absl::StatusOr<Page<v1::ApiKey, KeyIdCursor>> PgStore::ListApiKeys(
    const RequestContext& ctx, const std::optional<KeyIdCursor>& after, int limit) {
  return pg::ListPage<v1::ApiKey, KeyIdCursor>(
      pool_, ctx, "listing API keys", queries::kListApiKeys, limit, pg::Read<v1::ApiKey>,
      [](const pqxx::row& r) { return KeyIdCursor{pg::Text(r, "key_id")}; }, ctx.org_id,
      after ? after->key_id : "");
}

absl::StatusOr<std::string> PgStore::PageTokenKey(const RequestContext& ctx) {
  std::string key;
  RETURN_IF_ERROR(pool_.Run(ctx, "reading the page-token key", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    key = pg::Text(tx.exec_prepared1(queries::kPageTokenKey, RandomToken(32)), "value");
    tx.commit();
    return absl::OkStatus();
  }));
  return key;
}

absl::StatusOr<DatabaseRole> PgStore::ConnectedRole(const RequestContext& ctx) {
  return pg::ReadOne<DatabaseRole>(
      pool_, ctx, "reading the database role", queries::kConnectedRole,
      absl::InternalError("reading the database role: no such role"), [](const pqxx::row& r) {
        return DatabaseRole{pg::Text(r, "role_name"), r["row_security_applies"].as<bool>()};
      });
}

}  // namespace rolecall
