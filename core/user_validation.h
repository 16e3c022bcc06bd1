#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/status.h"
#include "rolecall/v1/users.pb.h"

namespace rolecall {

inline constexpr int kMaxBatchUsers = 1000;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxNameLength = 256;
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 1024;

// Number of Unicode code points in a UTF-8 string.
size_t CodePointCount(std::string_view s);

// Whether `s` holds a C0 or C1 control character or DEL.
bool HasControlCharacter(std::string_view s);

// Why `email` is not a usable address ("" when it is): one '@', a non-empty local part, a domain
// with a dot, no spaces or control characters, at most 254 characters.
std::string EmailProblem(std::string_view email);

// Why a display name, last name or title is not acceptable ("" when it is).
std::string NameProblem(std::string_view value, bool required);

// Every problem of a batch-create request, each naming its entry (`create_users[3].email`).
std::vector<FieldViolation> ValidateNewUsers(const v1::AdminCreateUsers& request);

}  // namespace rolecall
