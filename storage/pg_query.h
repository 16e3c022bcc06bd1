#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "core/status.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/pg_pool.h"
#include "storage/queries.h"
#include "storage/records.h"

// The shapes of work the PostgreSQL store does with its named queries (storage/queries.h), each
// written once: read one row, list a page, insert returning a row, change exactly one row.
// Rows are read by column name: into a message whose fields the columns name (Read), or through
// a decoder of the query's own.
namespace rolecall::pg {

// Roles and resource kinds as the queries take them (the values the schema stores).
inline int Param(Role role) { return static_cast<int>(role); }
inline int Param(ResourceKind kind) { return static_cast<int>(kind); }

// UNAVAILABLE: the database answered at `revision`, older than the consistency token's
// `min_revision` (a replica behind; the caller may retry).
absl::Status NotReached(int64_t revision, int64_t min_revision);

// NOT_FOUND "<what> '<id>' not found", the id clipped.
absl::Status NotFound(const std::string& what, const std::string& id);

// Integer microseconds since the epoch (as the queries return times) into `ts`.
void SetMicros(google::protobuf::Timestamp* ts, int64_t micros);

// Column `column` of `row` as text / as a timestamp (left unset when NULL).
inline std::string Text(const pqxx::row& row, const char* column) {
  return row[column].as<std::string>();
}
inline void SetTime(google::protobuf::Timestamp* ts, const pqxx::row& row, const char* column) {
  if (!row[column].is_null()) SetMicros(ts, row[column].as<int64_t>());
}

// Begins a logged write in `tx` (storage/queries/begin_write.sql): the first statement of every
// write transaction. Advances the organization's revision, which stays locked until `tx` ends,
// and reports it to the context.
inline int64_t BeginWrite(pqxx::transaction_base& tx, const RequestContext& ctx) {
  const int64_t revision =
      tx.exec_prepared1(queries::kBeginWrite, ctx.org_id, ctx.actor.key_id, ctx.actor.user_id,
                        ctx.request_id, ctx.operation)["revision"]
          .as<int64_t>();
  ctx.Report(revision);
  return revision;
}

// Begins a read in `tx`: reads the organization's revision (which the answer then reflects at
// least) and reports it to the context; UNAVAILABLE when it is older than the context asks.
absl::Status BeginRead(pqxx::transaction_base& tx, const RequestContext& ctx);

// Fills `message` from `row` by column name: a column named as a string, bool or integer field
// sets it; a column `<x>_micros` sets the Timestamp field `<x>_at`. NULL leaves a field unset;
// a column that names no field (a cursor's, a flag) is the caller's to read.
void RowInto(const pqxx::row& row, google::protobuf::Message* message);

// The row as a `Message` (RowInto): the decoder of queries whose columns are the message's fields.
template <typename Message>
Message Read(const pqxx::row& row) {
  Message message;
  RowInto(row, &message);
  return message;
}

// The row `query` returns in a read-only transaction, decoded; `not_found` when there is none.
template <typename Item, typename Decode, typename... Params>
absl::StatusOr<Item> ReadOne(PgPool& pool, const RequestContext& ctx, const char* what,
                             const char* query, const absl::Status& not_found, Decode decode,
                             const Params&... params) {
  Item out;
  RETURN_IF_ERROR(pool.Run(ctx, what, [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(BeginRead(tx, ctx));
    const pqxx::result rows = tx.exec_prepared(query, params...);
    if (rows.empty()) return not_found;
    out = decode(rows[0]);
    return absl::OkStatus();
  }));
  return out;
}

// The page that `rows`, fetched with a limit of `limit` + 1, make: the extra row only tells that
// more follow.
template <typename Item, typename Cursor, typename Decode, typename CursorOf>
Page<Item, Cursor> PageOfRows(const pqxx::result& rows, int limit, Decode decode,
                              CursorOf cursor_of) {
  Page<Item, Cursor> page;
  for (pqxx::result::size_type i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(i) == limit) {
      page.next = cursor_of(rows[i - 1]);
      break;
    }
    page.items.push_back(decode(rows[i]));
  }
  return page;
}

// One page of a listing: `query` takes `params` and then the limit, and returns rows in cursor
// order.
template <typename Item, typename Cursor, typename Decode, typename CursorOf, typename... Params>
absl::StatusOr<Page<Item, Cursor>> ListPage(PgPool& pool, const RequestContext& ctx,
                                            const char* what, const char* query, int limit,
                                            Decode decode, CursorOf cursor_of,
                                            const Params&... params) {
  Page<Item, Cursor> page;
  RETURN_IF_ERROR(pool.Run(ctx, what, [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    RETURN_IF_ERROR(BeginRead(tx, ctx));
    page = PageOfRows<Item, Cursor>(tx.exec_prepared(query, params..., limit + 1), limit, decode,
                                    cursor_of);
    return absl::OkStatus();
  }));
  return page;
}

// Runs an INSERT … RETURNING of one row and decodes it. A unique violation comes back as
// `taken` and a foreign-key violation as `missing`, when those are not OK.
template <typename Item, typename Decode, typename... Params>
absl::StatusOr<Item> InsertOne(PgPool& pool, const RequestContext& ctx, const char* what,
                               const char* query, const absl::Status& taken,
                               const absl::Status& missing, Decode decode,
                               const Params&... params) {
  Item out;
  const absl::Status s = pool.Run(ctx, what, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    BeginWrite(tx, ctx);
    out = decode(tx.exec_prepared1(query, params...));
    tx.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists && !taken.ok()) return taken;
  if (s.code() == absl::StatusCode::kNotFound && !missing.ok()) return missing;
  RETURN_IF_ERROR(s);
  return out;
}

// Runs an UPDATE or DELETE that must change a row; `not_found` (and nothing changed) otherwise.
template <typename... Params>
absl::Status ChangeOne(PgPool& pool, const RequestContext& ctx, const char* what, const char* query,
                       const absl::Status& not_found, const Params&... params) {
  return pool.Run(ctx, what, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    BeginWrite(tx, ctx);
    if (tx.exec_prepared(query, params...).affected_rows() == 0) return not_found;
    tx.commit();
    return absl::OkStatus();
  });
}

}  // namespace rolecall::pg
