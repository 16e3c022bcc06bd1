#include "core/api_key.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/digest.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/names.h"

namespace rolecall {
namespace {
constexpr std::string_view kPrefix = "rck_";
// RandomToken(32) is 43 characters; a little room either way for keys made elsewhere.
constexpr size_t kMinSecretChars = 32;
constexpr size_t kMaxSecretChars = 128;

constexpr Named<Scope> kScopeNames[] = {
    {Scope::kAdmin, "admin"}, {Scope::kRead, "read"}, {Scope::kCheck, "check"}};

}  // namespace

std::string_view ScopeName(Scope scope) { return NameIn(kScopeNames, scope); }

absl::StatusOr<Scope> ParseScope(std::string_view name) {
  if (const auto scope = ValueIn(kScopeNames, name)) return *scope;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown scope '", Clip(name), "'; expected admin, read or check"));
}

ApiKeyParts NewApiKey() {
  // The key id uses NewId's alphabet (no '_'), so the first '_' after the prefix splits.
  return {NewId(""), RandomToken(32)};
}

std::string FormatApiKey(const ApiKeyParts& key) {
  return absl::StrCat(std::string(kPrefix), key.key_id, "_", key.secret);
}

absl::StatusOr<ApiKeyParts> ParseApiKey(std::string_view key) {
  // The shape NewApiKey makes: a key id of NewId's alphabet, then 43 characters of URL-safe
  // base64; anything else is refused before any lookup.
  if (key.size() > kMaxTokenBytes || key.substr(0, kPrefix.size()) != kPrefix) {
    return absl::InvalidArgumentError("API key must start with rck_");
  }
  key.remove_prefix(kPrefix.size());
  const size_t sep = key.find('_');
  if (sep == std::string_view::npos) return absl::InvalidArgumentError("malformed API key");
  const std::string_view id = key.substr(0, sep);
  const std::string_view secret = key.substr(sep + 1);
  if (!IsIdBody(id) || secret.size() < kMinSecretChars || secret.size() > kMaxSecretChars) {
    return absl::InvalidArgumentError("malformed API key");
  }
  for (char c : secret) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return absl::InvalidArgumentError("malformed API key");
    }
  }
  return ApiKeyParts{std::string(id), std::string(secret)};
}

std::string HashSecret(std::string_view secret) { return Sha256Hex(secret); }

bool HashesEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rolecall
