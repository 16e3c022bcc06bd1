#include "core/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace rolecall {
namespace {
constexpr char kDetail[] = "rolecall/error-detail";
constexpr size_t kMaxDetail = 300;
}  // namespace

absl::Status WithDetail(absl::Status status, const std::string& detail) {
  status.SetPayload(kDetail, absl::Cord(detail.substr(0, kMaxDetail)));
  return status;
}

std::string ErrorDetail(const absl::Status& status) {
  const auto detail = status.GetPayload(kDetail);
  return detail ? std::string(*detail) : std::string();
}

absl::Status InvalidFields(const std::vector<FieldViolation>& violations) {
  if (violations.empty()) return absl::OkStatus();
  google::rpc::BadRequest details;
  for (const auto& v : violations) {
    auto* fv = details.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  std::string message = absl::StrCat(violations[0].field, ": ", violations[0].description);
  if (violations.size() > 1) {
    absl::StrAppend(&message, " (and ", violations.size() - 1, " more problem",
                    violations.size() > 2 ? "s" : "", ")");
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return out;
  google::rpc::BadRequest details;
  if (!details.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : details.field_violations()) out.push_back({fv.field(), fv.description()});
  return out;
}

}  // namespace rolecall
