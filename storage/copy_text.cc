#include "storage/copy_text.h"

#include <cctype>
#include <string_view>

namespace rolecall::sql {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a one-letter escape stands for: b f n r t v their control characters; a backslash
// and any other escaped character stand for themselves.
char Unescaped(char e) {
  static constexpr std::string_view kLetters = "bfnrtv";
  static constexpr std::string_view kBytes = "\b\f\n\r\t\v";
  const size_t i = kLetters.find(e);
  return i == std::string_view::npos ? e : kBytes[i];
}

}  // namespace

bool ParseCopyLine(std::string& line, std::vector<std::optional<std::string_view>>* fields) {
  fields->clear();
  char* const data = line.data();
  // libpq hands COPY lines over with their newline.
  const size_t n = !line.empty() && line.back() == '\n' ? line.size() - 1 : line.size();
  size_t r = 0;      // read position
  size_t w = 0;      // write position (w <= r)
  size_t start = 0;  // where the current field's unescaped text begins
  bool is_null = false;
  while (true) {
    if (r == n || data[r] == '\t') {
      if (is_null) {
        fields->emplace_back(std::nullopt);
      } else {
        fields->emplace_back(std::string_view(data + start, w - start));
      }
      if (r == n) return true;
      ++r;
      start = w;
      is_null = false;
      continue;
    }
    if (is_null) return false;  // `\N` is a whole field: "\Nx" and "\N\N" are malformed
    const char c = data[r++];
    if (c != '\\') {
      data[w++] = c;
      continue;
    }
    if (r == n) return false;
    const char e = data[r++];
    switch (e) {
      case 'N':
        if (w != start) return false;
        is_null = true;
        break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && r < n && HexValue(data[r]) >= 0) {
          value = value * 16 + HexValue(data[r++]);
          ++digits;
        }
        if (digits == 0) return false;
        data[w++] = static_cast<char>(value);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0', digits = 1;
          while (digits < 3 && r < n && data[r] >= '0' && data[r] <= '7') {
            value = value * 8 + (data[r++] - '0');
            ++digits;
          }
          data[w++] = static_cast<char>(value);
        } else {
          data[w++] = Unescaped(e);
        }
    }
  }
}

}  // namespace rolecall::sql
