#include "storage/copy_text.h"

#include <cctype>

namespace rolecall::sql {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool ParseCopyLine(std::string_view line, std::vector<std::optional<std::string>>* fields) {
  fields->clear();
  std::string field;
  size_t i = 0;
  bool is_null = false;
  while (true) {
    if (i == line.size() || line[i] == '\t') {
      if (is_null) {
        fields->emplace_back(std::nullopt);
      } else {
        fields->emplace_back(std::move(field));
      }
      field.clear();
      is_null = false;
      if (i == line.size()) return true;
      ++i;
      continue;
    }
    const char c = line[i++];
    if (c != '\\') {
      field.push_back(c);
      continue;
    }
    if (i == line.size()) return false;
    const char e = line[i++];
    switch (e) {
      case 'N':
        if (!field.empty()) return false;
        is_null = true;
        break;
      case 'b': field.push_back('\b'); break;
      case 'f': field.push_back('\f'); break;
      case 'n': field.push_back('\n'); break;
      case 'r': field.push_back('\r'); break;
      case 't': field.push_back('\t'); break;
      case 'v': field.push_back('\v'); break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i < line.size() && HexValue(line[i]) >= 0) {
          value = value * 16 + HexValue(line[i++]);
          ++digits;
        }
        if (digits == 0) return false;
        field.push_back(static_cast<char>(value));
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0', digits = 1;
          while (digits < 3 && i < line.size() && line[i] >= '0' && line[i] <= '7') {
            value = value * 8 + (line[i++] - '0');
            ++digits;
          }
          field.push_back(static_cast<char>(value));
        } else {
          field.push_back(e);  // \\ and any other escaped character stand for themselves
        }
    }
  }
}

std::string InlineParameters(std::string_view sql, const std::vector<std::string>& literals) {
  std::string out;
  out.reserve(sql.size() + 64);
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t j = i + 1;
      size_t n = 0;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) {
        n = n * 10 + static_cast<size_t>(sql[j] - '0');
        ++j;
      }
      if (n >= 1 && n <= literals.size()) {
        out += literals[n - 1];
        i = j - 1;
        continue;
      }
    }
    out.push_back(sql[i]);
  }
  return out;
}

}  // namespace rolecall::sql
