#include "core/api_key.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/digest.h"
#include "core/ids.h"

namespace rolecall {
namespace {
constexpr std::string_view kPrefix = "rck_";
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kAdmin:
      return "admin";
    case Scope::kRead:
      return "read";
    case Scope::kCheck:
      return "check";
  }
  return "";
}

absl::StatusOr<Scope> ParseScope(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(std::string(name));
  if (lower == "admin") return Scope::kAdmin;
  if (lower == "read") return Scope::kRead;
  if (lower == "check") return Scope::kCheck;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown scope '", std::string(name), "'; expected admin, read or check"));
}

ApiKeyParts NewApiKey() {
  // The key id uses NewId's alphabet (no '_'), so the first '_' after the prefix splits.
  return {NewId(""), RandomToken(32)};
}

std::string FormatApiKey(const ApiKeyParts& key) {
  return absl::StrCat(std::string(kPrefix), key.key_id, "_", key.secret);
}

absl::StatusOr<ApiKeyParts> ParseApiKey(std::string_view key) {
  if (key.substr(0, kPrefix.size()) != kPrefix) {
    return absl::InvalidArgumentError("API key must start with rck_");
  }
  key.remove_prefix(kPrefix.size());
  const size_t sep = key.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= key.size() || sep > 64 ||
      key.size() > 256) {
    return absl::InvalidArgumentError("malformed API key");
  }
  return ApiKeyParts{std::string(key.substr(0, sep)), std::string(key.substr(sep + 1))};
}

std::string HashSecret(std::string_view secret) { return Sha256Hex(secret); }

bool HashesEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rolecall
