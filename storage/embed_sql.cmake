# Writes OUTPUT: a C++ source defining `const std::vector<TYPE>& FUNCTION()` with the name and
# text of every .sql file in DIR, in file-name order. Used for migrations (named by file name)
# and queries. With NAMES (queries), a query is named by its file name without .sql, and that
# header gets a constant per file (list_clouds.sql → rolecall::queries::kListClouds =
# "list_clouds"), so code names a query that exists or does not compile.
file(GLOB files ${DIR}/*.sql)
list(SORT files)
set(body "")
set(names "")
foreach(f ${files})
  if(NAMES)
    get_filename_component(name ${f} NAME_WE)
  else()
    get_filename_component(name ${f} NAME)
  endif()
  file(READ ${f} sql)
  string(APPEND body "    {\"${name}\", R\"rolecall_sql(${sql})rolecall_sql\"},\n")
  string(REPLACE "_" ";" words ${name})
  set(constant "k")
  foreach(word ${words})
    string(SUBSTRING ${word} 0 1 first)
    string(TOUPPER ${first} first)
    string(SUBSTRING ${word} 1 -1 rest)
    string(APPEND constant ${first}${rest})
  endforeach()
  string(APPEND names "inline constexpr char ${constant}[] = \"${name}\";\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from ${DIR} by storage/embed_sql.cmake.
#include \"storage/${HEADER}\"

namespace rolecall {

const std::vector<${TYPE}>& ${FUNCTION}() {
  static const std::vector<${TYPE}> kFiles = {
${body}  };
  return kFiles;
}

}  // namespace rolecall
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
if(NAMES)
  file(WRITE ${NAMES}.tmp "// Generated from ${DIR} by storage/embed_sql.cmake: one constant per query file.
#pragma once

namespace rolecall::queries {

${names}
}  // namespace rolecall::queries
")
  file(COPY_FILE ${NAMES}.tmp ${NAMES} ONLY_IF_DIFFERENT)
endif()
