#include "storage/queries.h"

#include <cstdio>
#include <cstdlib>

namespace rolecall {

const std::string& Query(std::string_view name) {
  for (const auto& q : EmbeddedQueries()) {
    if (q.name == name) return q.sql;
  }
  std::fprintf(stderr, "rolecall: no embedded query %.*s\n", static_cast<int>(name.size()),
               name.data());
  std::abort();
}

}  // namespace rolecall
