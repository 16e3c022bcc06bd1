// Fuzzes rolecall::ParseApiKey (core/api_key.h) against the shape NewApiKey makes:
//   rck_<key id: 1..32 of [a-z0-9]>_<secret: 32..128 of [A-Za-z0-9_-]>
// Properties: it accepts exactly the strings of that shape (a reference matcher here), the parts
// it returns have that shape, and FormatApiKey gives back the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/api_key.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsSecretChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// The reference: the regular expression above, written out.
bool MatchesKeyShape(std::string_view key) {
  if (key.substr(0, 4) != "rck_") return false;
  key.remove_prefix(4);
  size_t id_len = 0;
  while (id_len < key.size() && IsIdChar(key[id_len])) ++id_len;
  if (id_len == 0 || id_len > 32 || id_len == key.size() || key[id_len] != '_') return false;
  const std::string_view secret = key.substr(id_len + 1);
  return secret.size() >= 32 && secret.size() <= 128 && AllOf(secret, IsSecretChar);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = rolecall::ParseApiKey(input);
  FUZZ_CHECK(parsed.ok() == MatchesKeyShape(input));
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const auto& key_id = parsed->key_id;
  const auto& secret = parsed->secret;
  FUZZ_CHECK(!key_id.empty());
  FUZZ_CHECK(key_id.size() <= 32);
  FUZZ_CHECK(AllOf(key_id, IsIdChar));
  FUZZ_CHECK(secret.size() >= 32 && secret.size() <= 128);
  FUZZ_CHECK(AllOf(secret, IsSecretChar));
  FUZZ_CHECK(rolecall::FormatApiKey(*parsed) == input);
  // The parts are stable: parsing the formatted key gives the same parts.
  auto again = rolecall::ParseApiKey(rolecall::FormatApiKey(*parsed));
  FUZZ_CHECK(again.ok() && again->key_id == key_id && again->secret == secret);
  return 0;
}
