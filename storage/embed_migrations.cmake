# Writes OUTPUT: a C++ source holding every migration file's name and text, in file-name order.
file(GLOB files ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  file(READ ${f} sql)
  string(APPEND body "    {\"${name}\", R\"rolecall_sql(${sql})rolecall_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from storage/migrations by embed_migrations.cmake.
#include \"storage/migrations.h\"

namespace rolecall {

const std::vector<Migration>& EmbeddedMigrations() {
  static const std::vector<Migration> kMigrations = {
${body}  };
  return kMigrations;
}

}  // namespace rolecall
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
