# Writes OUTPUT: a C++ source defining `const std::vector<SqlFile>& FUNCTION()` with the name and
# text of every .sql file in DIR, in file-name order. Used for migrations and queries alike.
file(GLOB files ${DIR}/*.sql)
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  file(READ ${f} sql)
  string(APPEND body "    {\"${name}\", R\"rolecall_sql(${sql})rolecall_sql\"},\n")
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
