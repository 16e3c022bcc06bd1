#include "core/paging.h"

#include "absl/strings/str_cat.h"
#include "core/input.h"
#include "core/names.h"

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

namespace {

constexpr Named<AccountFilter> kCollaboratorTypes[] = {
    {AccountFilter::kAll, "all_accounts"},
    {AccountFilter::kServiceAccounts, "only_service_accounts"},
    {AccountFilter::kUserAccounts, "only_user_accounts"}};

}  // namespace

absl::StatusOr<AccountFilter> ParseCollaboratorType(std::string_view value) {
  if (value.empty()) return AccountFilter::kAll;
  if (const auto filter = ValueIn(kCollaboratorTypes, value)) return *filter;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown collaborator_type '", Clip(value),
                   "'; expected all_accounts, only_service_accounts or only_user_accounts"));
}

std::string_view CollaboratorTypeName(AccountFilter filter) {
  return NameIn(kCollaboratorTypes, filter);
}

}  // namespace rolecall
