#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/query_names.h"  // generated: rolecall::queries::k<Name> for each file

namespace rolecall {

// The named queries: one statement per file in storage/queries/*.sql, compiled in, each
// documenting its parameters and result columns. Every pooled connection prepares all of them
// by name when it opens, so a query that does not parse fails the server's start, not a request;
// code names them by the generated constants, so a query that does not exist fails the build.
// The benchmarks run the same files.
struct QueryFile {
  std::string name;  // the file name without .sql, e.g. "list_clouds"
  std::string sql;
};

// Every file of storage/queries, compiled in.
const std::vector<QueryFile>& EmbeddedQueries();

// The SQL of one of them by its generated name constant.
const std::string& Query(std::string_view name);

// The queries every connection prepares: all but the permission stream, which runs under COPY
// (COPY takes no prepared statement).
std::vector<QueryFile> PreparedQueries();

// The permission stream (user_permissions.sql) for one user or, without the lines of its
// one-user filter (those ending in "-- one user"), for the whole organization; parenthesized
// for COPY (...) TO STDOUT. Derived once from the compiled-in file: no part comes from a request.
const std::string& PermissionStreamQuery(bool one_user);

}  // namespace rolecall
