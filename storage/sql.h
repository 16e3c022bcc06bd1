#pragma once

#include <cstdint>
#include <pqxx/pqxx>

#include "google/protobuf/timestamp.pb.h"
#include "rolecall/v1/users.pb.h"
#include "storage/store.h"

// Pieces of SQL and row decoding shared by the PostgreSQL store's queries.
namespace rolecall::sql {

// A timestamptz column as integer microseconds since the epoch.
#define ROLECALL_SQL_MICROS(col) "(extract(epoch from " col ") * 1000000)::int8"

inline void SetMicros(google::protobuf::Timestamp* ts, int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest * 1000));
}

// The user columns that UserFromRow reads, for a `users u` row. `OFFSET 0` keeps each EXISTS a
// probe of the row's user (its grants, its 0–3 groups): without it the planner may compute the
// whole set of owners-via-groups for every page, which grows with the organization.
inline constexpr const char* kUserColumns =
    "u.user_id, u.email, u.name, u.lastname, u.title, u.is_sso_user, u.is_service_account, "
    ROLECALL_SQL_MICROS("u.created_at") ", "
    "CASE WHEN EXISTS (SELECT 1 FROM user_grants g WHERE g.org_id = u.org_id "
    "                  AND g.user_id = u.user_id AND g.resource_kind = 0 AND g.role = 3 OFFSET 0) "
    "       OR EXISTS (SELECT 1 FROM group_members m JOIN group_grants gg "
    "                  ON gg.org_id = m.org_id AND gg.group_id = m.group_id "
    "                  AND gg.resource_kind = 0 AND gg.role = 3 "
    "                  WHERE m.org_id = u.org_id AND m.user_id = u.user_id OFFSET 0) "
    "     THEN 'owner' ELSE 'collaborator' END, u.email_key";

inline v1::User UserFromRow(const pqxx::row& row) {
  v1::User u;
  u.set_user_id(row[0].as<std::string>());
  u.set_email(row[1].as<std::string>());
  u.set_name(row[2].as<std::string>());
  if (!row[3].is_null()) u.set_lastname(row[3].as<std::string>());
  if (!row[4].is_null()) u.set_title(row[4].as<std::string>());
  u.set_is_sso_user(row[5].as<bool>());
  u.set_is_service_account(row[6].as<bool>());
  SetMicros(u.mutable_created_at(), row[7].as<int64_t>());
  u.set_permission_level(row[8].as<std::string>());
  return u;
}

// A page from rows fetched with limit + 1 (the extra row only tells that more follow); `key_of`
// gives a row's keyset cursor.
template <typename T, typename Decode, typename Key>
Page<T> PageOf(const pqxx::result& rows, int limit, Decode decode, Key key_of) {
  Page<T> page;
  for (const auto& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.more = true;
      break;
    }
    page.items.push_back(decode(r));
    page.last_key = key_of(r);
  }
  return page;
}

}  // namespace rolecall::sql
