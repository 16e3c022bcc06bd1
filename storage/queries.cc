#include "storage/queries.h"

#include <cstdio>
#include <cstdlib>

namespace rolecall {
namespace {

std::string PermissionListing(bool one_user) {
  static const std::string kOneUserMark = "-- one user";
  const std::string& file = Query(queries::kUserPermissions);
  std::string out;
  for (size_t at = 0; at < file.size();) {
    size_t end = file.find('\n', at);
    if (end == std::string::npos) end = file.size();
    const std::string_view line(file.data() + at, end - at);
    const bool filter = line.size() >= kOneUserMark.size() &&
                        line.substr(line.size() - kOneUserMark.size()) == kOneUserMark;
    if (one_user || !filter) out.append(line).push_back('\n');
    at = end + 1;
  }
  // The newline ends any comment on the last line.
  return "(" + out + ")";
}

}  // namespace

const std::string& Query(std::string_view name) {
  for (const auto& q : EmbeddedQueries()) {
    if (q.name == name) return q.sql;
  }
  std::fprintf(stderr, "rolecall: no embedded query %.*s\n", static_cast<int>(name.size()),
               name.data());
  std::abort();
}

std::vector<QueryFile> PreparedQueries() {
  std::vector<QueryFile> out;
  for (const auto& q : EmbeddedQueries()) {
    if (q.name != queries::kUserPermissions) out.push_back(q);
  }
  return out;
}

const std::string& PermissionStreamQuery(bool one_user) {
  static const std::string kOrg = PermissionListing(false);
  static const std::string kUser = PermissionListing(true);
  return one_user ? kUser : kOrg;
}

}  // namespace rolecall
