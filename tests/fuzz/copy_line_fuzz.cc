// Fuzzes rolecall::sql::ParseCopyLine (storage/copy_text.h): one line of COPY ... TO STDOUT text.
// Properties: no crash or out-of-bounds access; the line keeps its size; the fields are views
// into the line buffer, in order and not overlapping; there is one field per unescaped tab plus
// one; a field is NULL exactly when its raw text is `\N`; and escaping the fields again the way
// PostgreSQL does and parsing that gives the same fields.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/copy_text.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using Views = std::vector<std::optional<std::string_view>>;
using Owned = std::vector<std::optional<std::string>>;

Owned Own(const Views& views) {
  Owned out;
  for (const auto& v : views) out.push_back(v ? std::optional<std::string>(*v) : std::nullopt);
  return out;
}

// The raw text of each field: split on tabs that are not escaped (a backslash escapes the next
// byte, whatever it is). Empty when a backslash is the last byte.
std::optional<std::vector<std::string_view>> RawFields(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    } else if (line[i] == '\\') {
      if (++i == line.size()) return std::nullopt;
    }
  }
  return out;
}

// What COPY TO writes for these fields (text format, default delimiter and NULL).
std::string Escape(const Owned& fields) {
  std::string out;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out.push_back('\t');
    if (!fields[k]) {
      out += "\\N";
      continue;
    }
    for (char c : *fields[k]) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default: out.push_back(c);
      }
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string original(reinterpret_cast<const char*>(data), size);
  std::string line = original;
  Views fields{std::string_view("stale")};  // cleared by the parser
  const bool ok = rolecall::sql::ParseCopyLine(line, &fields);
  FUZZ_CHECK(line.size() == original.size());
  const auto raw = RawFields(original);
  if (!raw) FUZZ_CHECK(!ok);  // a dangling backslash is malformed
  if (!ok) return 0;

  FUZZ_CHECK(fields.size() == raw->size());
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  const char* previous_end = begin;
  for (size_t k = 0; k < fields.size(); ++k) {
    const bool raw_null = (*raw)[k] == "\\N";
    FUZZ_CHECK(fields[k].has_value() == !raw_null);
    if (!fields[k]) continue;
    const std::string_view f = *fields[k];
    FUZZ_CHECK(f.data() >= previous_end && f.data() <= end);
    FUZZ_CHECK(f.size() <= static_cast<size_t>(end - f.data()));
    FUZZ_CHECK(f.size() <= (*raw)[k].size());  // unescaping never lengthens a field
    previous_end = f.data() + f.size();
  }

  const Owned owned = Own(fields);
  std::string again = Escape(owned);
  if (!original.empty() && original.back() == '\n') again.push_back('\n');
  Views reparsed;
  FUZZ_CHECK(rolecall::sql::ParseCopyLine(again, &reparsed));
  FUZZ_CHECK(Own(reparsed) == owned);
  return 0;
}
