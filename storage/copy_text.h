#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Helpers for streaming query results with COPY ... TO STDOUT (text format), which PostgreSQL
// sends far more cheaply than rows fetched from a cursor.
namespace rolecall::sql {

// Splits one line of COPY text output into fields, undoing its escapes (\\, \t, \n, \r, \b,
// \f, \v, octal \NNN, hex \xHH) in place: the fields are views into `line`, which is
// rewritten (an unescaped field is never longer than its escaped form); `\N` is NULL (nullopt).
// A trailing newline (as libpq delivers lines) is not part of the last field. False on a malformed
// line. No allocation per field: this runs once per streamed row.
bool ParseCopyLine(std::string& line, std::vector<std::optional<std::string_view>>* fields);

}  // namespace rolecall::sql
