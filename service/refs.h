#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "rolecall/v1/common.pb.h"
#include "storage/records.h"

namespace rolecall {

// The resource a request names; the organization resource is the caller's own organization.
// INVALID_ARGUMENT (naming `field`) when none is set or an id is empty.
absl::StatusOr<ResourceKey> ResourceFrom(const v1::ResourceRef& ref, const std::string& org_id,
                                         const std::string& field);

// The principal a request names; INVALID_ARGUMENT (naming `field`) when none is set.
absl::StatusOr<PrincipalKey> PrincipalFrom(const v1::PrincipalRef& ref, const std::string& field);

// A required id field: INVALID_ARGUMENT "<field> is required" when empty.
absl::Status RequireId(const std::string& value, const std::string& field);

}  // namespace rolecall
