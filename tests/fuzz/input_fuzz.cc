// Fuzzes the edge validators of core/input.h: IsWellFormedId, IdProblem, IsValidUtf8, TextProblem,
// Clip. Input: byte 0 picks the id prefix (usr_ ug_ cld_ prj_ org_), byte 1 is TextProblem's
// max_chars, the rest is the value.
// Properties: IsValidUtf8 agrees with a reference validator written from Unicode's table of
// well-formed byte sequences; IsWellFormedId (and IdProblem) accept exactly prefix + 1..32 of
// [a-z0-9]; TextProblem is empty exactly for valid UTF-8 with no control character and at most
// max_chars code points; Clip's output is valid UTF-8 with no control character, at most 64 code
// points plus an optional trailing "…", leaves short clean values alone and is idempotent; a
// problem quoting the value (IdProblem) is clean UTF-8 too.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/input.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr std::string_view kEllipsis = "\u2026";

// The code points of `s`, or nullopt when it is not well-formed UTF-8 (Unicode 15, table 3-7).
// Written here from the table, not with core/user_validation's helpers: TextProblem and Clip are
// built from those, so a property using them could not catch a fault in them.
std::optional<std::u32string> Decode(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = byte(i);
    auto in = [&](size_t k, unsigned char lo, unsigned char hi) {
      return i + k < s.size() && byte(i + k) >= lo && byte(i + k) <= hi;
    };
    size_t n = 0;
    if (c <= 0x7F) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = in(1, 0x80, 0xBF) ? 2 : 0;
    } else if (c == 0xE0) {
      n = in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (c == 0xED) {
      n = in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (c == 0xF0) {
      n = in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (c == 0xF4) {
      n = in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    }
    if (n == 0) return std::nullopt;
    // The lead byte's payload bits, then six from each continuation byte.
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool ReferenceUtf8(std::string_view s) { return Decode(s).has_value(); }

// Text that passes: well-formed, no C0 control, DEL or C1 control, at most `max_chars` code
// points.
bool ReferenceText(std::string_view s, size_t max_chars) {
  const auto cps = Decode(s);
  if (!cps || cps->size() > max_chars) return false;
  for (char32_t cp : *cps) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
  }
  return true;
}

// Code points of well-formed `s`.
size_t CodePoints(std::string_view s) { return Decode(s).value_or(std::u32string()).size(); }

bool IsClean(std::string_view s) { return ReferenceText(s, s.size()); }

bool ReferenceId(std::string_view value, std::string_view prefix) {
  if (value.substr(0, prefix.size()) != prefix) return false;
  const std::string_view body = value.substr(prefix.size());
  if (body.empty() || body.size() > 32) return false;
  for (char c : body) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kPrefixes[] = {rolecall::kUserPrefix, rolecall::kGroupPrefix,
                                                   rolecall::kCloudPrefix, rolecall::kProjectPrefix,
                                                   rolecall::kOrgPrefix};
  const std::string_view prefix = kPrefixes[size > 0 ? data[0] % 5 : 0];
  const size_t max_chars = size > 1 ? data[1] : 64;
  const std::string_view value(reinterpret_cast<const char*>(data) + std::min<size_t>(size, 2),
                               size - std::min<size_t>(size, 2));

  // UTF-8.
  const bool valid = rolecall::IsValidUtf8(value);
  FUZZ_CHECK(valid == ReferenceUtf8(value));

  // Ids.
  const bool id = rolecall::IsWellFormedId(value, prefix);
  FUZZ_CHECK(id == ReferenceId(value, prefix));
  const std::string id_problem = rolecall::IdProblem(value, prefix);
  FUZZ_CHECK(id_problem.empty() == id);
  FUZZ_CHECK(IsClean(id_problem));  // the value is quoted only through Clip

  // Text.
  const bool text_ok = rolecall::TextProblem(value, max_chars).empty();
  FUZZ_CHECK(text_ok == ReferenceText(value, max_chars));

  // Clip.
  const std::string clipped = rolecall::Clip(value);
  FUZZ_CHECK(rolecall::IsValidUtf8(clipped));
  for (unsigned char c : clipped) FUZZ_CHECK(c >= 0x20 && c != 0x7F);
  FUZZ_CHECK(IsClean(clipped));
  const size_t clipped_chars = CodePoints(clipped);
  const bool cut = clipped.size() >= kEllipsis.size() &&
                   std::string_view(clipped).substr(clipped.size() - kEllipsis.size()) == kEllipsis;
  FUZZ_CHECK(clipped_chars <= 64 || (clipped_chars == 65 && cut));
  if (ReferenceText(value, 64)) FUZZ_CHECK(clipped == value);
  FUZZ_CHECK(rolecall::Clip(clipped) == clipped);
  return 0;
}
