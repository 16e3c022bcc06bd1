#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rolecall {

// A query kept in its own file (storage/queries/*.sql), so the benchmarks run the exact SQL the
// service runs.
struct QueryFile {
  std::string name;  // file name, e.g. "effective_role.sql"
  std::string sql;
};

// The files of storage/queries, compiled in.
const std::vector<QueryFile>& EmbeddedQueries();

// The SQL of one of them; aborts on an unknown name (a build mistake, not a runtime condition).
const std::string& Query(std::string_view name);

}  // namespace rolecall
