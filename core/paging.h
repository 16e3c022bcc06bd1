#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace rolecall {

inline constexpr int kMaxPageSize = 50;

// The page size to use for a request's `page_size` (0 → 50), or INVALID_ARGUMENT with the
// reference's message "'page_size' must be between 1 and 50, inclusive.".
absl::StatusOr<int> EffectivePageSize(int32_t page_size);

// OK for max_items ≥ 0 (0 = no limit); INVALID_ARGUMENT "'max_items' must be greater than 0."
absl::Status CheckMaxItems(int32_t max_items);

// Which accounts a user listing returns.
enum class AccountFilter { kAll, kServiceAccounts, kUserAccounts };

// Parses `all_accounts` | `only_service_accounts` | `only_user_accounts` (case-insensitive;
// empty = all).
absl::StatusOr<AccountFilter> ParseCollaboratorType(std::string_view value);
std::string_view CollaboratorTypeName(AccountFilter filter);

}  // namespace rolecall
