#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Limits and format checks for every value a client sends, applied at the edge before any query.
namespace rolecall {

// The longest value accepted in any string field, by kind (in bytes of UTF-8).
inline constexpr size_t kMaxIdBytes = 64;       // prefix + id body
inline constexpr size_t kMaxIdBodyChars = 32;   // after the prefix
inline constexpr size_t kMaxEmailBytes = 320;   // RFC 5321 path limit
inline constexpr size_t kMaxNameBytes = 1024;   // 256 code points of up to 4 bytes
inline constexpr size_t kMaxNameChars = 256;    // names, filters, labels (code points)
inline constexpr size_t kMaxTokenBytes = 4096;  // page tokens, API keys
inline constexpr size_t kMaxClippedChars = 64;  // of a client's value in a message or log line

// The id prefixes rolecall issues ("usr_" + body); the body is what NewId makes (16 characters
// of a-z2-7) or, for ids made outside rolecall (the reference's `usr_owner`, `cld_111`), up to 32
// lowercase letters and digits.
inline constexpr std::string_view kOrgPrefix = "org_";
inline constexpr std::string_view kUserPrefix = "usr_";
inline constexpr std::string_view kGroupPrefix = "ug_";
inline constexpr std::string_view kCloudPrefix = "cld_";
inline constexpr std::string_view kProjectPrefix = "prj_";

// Whether `body` is 1..32 characters of [a-z0-9]: an id after its prefix, or an API key id.
bool IsIdBody(std::string_view body);

// Whether `value` is `prefix` followed by an id body.
bool IsWellFormedId(std::string_view value, std::string_view prefix);

// Why `value` is not an id of that kind ("'x' is not an id of the form usr_… (…)", the value
// clipped); empty when it is one.
std::string IdProblem(std::string_view value, std::string_view prefix);

// Whether `s` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Why `value` is not acceptable text ("is longer than 256 characters" — more than `max_chars`
// code points or `max_chars * 4` bytes —, "is not valid UTF-8", "contains a control
// character"); empty when it is.
std::string TextProblem(std::string_view value, size_t max_chars);

// A client's value as it may appear in an error message or a log line: at most 64 code points
// (cut with "…"), control characters and invalid UTF-8 shown as '?'.
std::string Clip(std::string_view value);

// Client values listed in a message: the first five, each clipped, then "and N more".
std::string ClipList(const std::vector<std::string>& values);

}  // namespace rolecall
