#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rolecall {

// Argon2id hash of `password` in libsodium's self-describing string format (19 MiB, 2 passes).
// CPU- and memory-heavy (tens of ms): run it off latency-sensitive threads.
absl::StatusOr<std::string> HashPassword(std::string_view password);

// Whether `password` matches a hash made by HashPassword.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace rolecall
