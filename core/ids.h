#pragma once

#include <string>
#include <string_view>

namespace rolecall {

// A new random id: `prefix` + 16 lowercase base32 characters (80 bits), e.g. "usr_k3j…".
std::string NewId(std::string_view prefix);

// `n` random bytes encoded as unpadded URL-safe base64.
std::string RandomToken(size_t n);

// The local part of a service account's email, made from its name: "Service Bot" → "service-bot"
// (lowercase ASCII letters, digits, '.', '_', '-'; each other run becomes one '-', none at the
// ends).
std::string ServiceAccountSlug(std::string_view name);

}  // namespace rolecall
