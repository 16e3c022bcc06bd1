#include "core/paging.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/input.h"

namespace rolecall {

absl::StatusOr<int> EffectivePageSize(int32_t page_size) {
  if (page_size == 0) return kMaxPageSize;
  if (page_size < 1 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError("'page_size' must be between 1 and 50, inclusive.");
  }
  return page_size;
}

absl::Status CheckMaxItems(int32_t max_items) {
  if (max_items < 0) return absl::InvalidArgumentError("'max_items' must be greater than 0.");
  return absl::OkStatus();
}

absl::StatusOr<AccountFilter> ParseCollaboratorType(std::string_view value) {
  const std::string lower = absl::AsciiStrToLower(std::string(value));
  if (lower.empty() || lower == "all_accounts") return AccountFilter::kAll;
  if (lower == "only_service_accounts") return AccountFilter::kServiceAccounts;
  if (lower == "only_user_accounts") return AccountFilter::kUserAccounts;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown collaborator_type '", Clip(value),
                   "'; expected all_accounts, only_service_accounts or only_user_accounts"));
}

std::string_view CollaboratorTypeName(AccountFilter filter) {
  switch (filter) {
    case AccountFilter::kServiceAccounts:
      return "only_service_accounts";
    case AccountFilter::kUserAccounts:
      return "only_user_accounts";
    case AccountFilter::kAll:
      break;
  }
  return "all_accounts";
}

}  // namespace rolecall
