#include "service/refs.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace rolecall {

absl::Status RequireId(const std::string& value, const std::string& field) {
  if (!value.empty()) return absl::OkStatus();
  return InvalidFields({{field, field + " is required"}});
}

absl::StatusOr<ResourceKey> ResourceFrom(const v1::ResourceRef& ref, const std::string& org_id,
                                         const std::string& field) {
  switch (ref.kind_case()) {
    case v1::ResourceRef::kOrganization:
      return ResourceKey{ResourceKind::kOrganization, org_id};
    case v1::ResourceRef::kCloudId:
      RETURN_IF_ERROR(RequireId(ref.cloud_id(), field + ".cloud_id"));
      return ResourceKey{ResourceKind::kCloud, ref.cloud_id()};
    case v1::ResourceRef::kProjectId:
      RETURN_IF_ERROR(RequireId(ref.project_id(), field + ".project_id"));
      return ResourceKey{ResourceKind::kProject, ref.project_id()};
    case v1::ResourceRef::KIND_NOT_SET:
      break;
  }
  return InvalidFields({{field, "set one of organization, cloud_id or project_id"}});
}

absl::StatusOr<PrincipalKey> PrincipalFrom(const v1::PrincipalRef& ref, const std::string& field) {
  switch (ref.kind_case()) {
    case v1::PrincipalRef::kUserId:
      RETURN_IF_ERROR(RequireId(ref.user_id(), field + ".user_id"));
      return PrincipalKey{false, ref.user_id()};
    case v1::PrincipalRef::kUserEmail:
      RETURN_IF_ERROR(RequireId(ref.user_email(), field + ".user_email"));
      return PrincipalKey{false, ref.user_email()};
    case v1::PrincipalRef::kGroupId:
      RETURN_IF_ERROR(RequireId(ref.group_id(), field + ".group_id"));
      return PrincipalKey{true, ref.group_id()};
    case v1::PrincipalRef::KIND_NOT_SET:
      break;
  }
  return InvalidFields({{field, "set one of user_id, user_email or group_id"}});
}

}  // namespace rolecall
