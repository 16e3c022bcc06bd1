#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rolecall {

// What an API key allows. Each scope includes the ones below it:
// admin (writes, org-wide listings) ⊃ read (reads, explain) ⊃ check (CheckPermission).
enum class Scope : int { kCheck = 0, kRead = 1, kAdmin = 2 };

std::string_view ScopeName(Scope scope);
absl::StatusOr<Scope> ParseScope(std::string_view name);
inline bool ScopeCovers(Scope held, Scope needed) {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

// An API key as shown once to its owner: "rck_<key id>_<secret>". The key id is stored in clear
// to find the key; the 256-bit secret is stored only as its SHA-256 hash.
struct ApiKeyParts {
  std::string key_id;
  std::string secret;
};

// A new random key.
ApiKeyParts NewApiKey();
std::string FormatApiKey(const ApiKeyParts& key);
// Splits a presented key; INVALID_ARGUMENT (callers report UNAUTHENTICATED) when malformed.
absl::StatusOr<ApiKeyParts> ParseApiKey(std::string_view key);
// Hex SHA-256 of the secret: what the database stores.
std::string HashSecret(std::string_view secret);
// Constant-time comparison of two hex hashes.
bool HashesEqual(std::string_view a, std::string_view b);

}  // namespace rolecall
