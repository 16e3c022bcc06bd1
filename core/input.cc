#include "core/input.h"

#include "absl/strings/str_cat.h"
#include "core/user_validation.h"

namespace rolecall {
namespace {

// The length in bytes of the UTF-8 sequence starting at s[i], or 0 when it is not valid there.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool IsIdBody(std::string_view body) {
  if (body.empty() || body.size() > kMaxIdBodyChars) return false;
  for (char c : body) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool IsWellFormedId(std::string_view value, std::string_view prefix) {
  return value.substr(0, prefix.size()) == prefix && IsIdBody(value.substr(prefix.size()));
}

std::string IdProblem(std::string_view value, std::string_view prefix) {
  if (IsWellFormedId(value, prefix)) return "";
  return absl::StrCat("'", Clip(value), "' is not an id of the form ", std::string(prefix),
                      "… (up to ", kMaxIdBodyChars, " lowercase letters and digits)");
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string TextProblem(std::string_view value, size_t max_chars) {
  if (value.size() > max_chars * 4 || CodePointCount(value) > max_chars) {
    return absl::StrCat("is longer than ", max_chars, " characters");
  }
  if (!IsValidUtf8(value)) return "is not valid UTF-8";
  if (HasControlCharacter(value)) return "contains a control character";
  return "";
}

std::string Clip(std::string_view value) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < value.size();) {
    if (chars == kMaxClippedChars) {
      out += "…";
      break;
    }
    const size_t n = Utf8SequenceLength(value, i);
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f)) || c1_control) {
      out.push_back('?');
      i += n == 0 ? 1 : n;
    } else {
      out.append(value.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

std::string ClipList(const std::vector<std::string>& values) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < values.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += Clip(values[i]);
  }
  if (values.size() > kShown) absl::StrAppend(&out, " and ", values.size() - kShown, " more");
  return out;
}

}  // namespace rolecall
