#pragma once

#include <string>

#include "absl/status/status.h"
#include "storage/context.h"

namespace rolecall {

// Organizations: what the operator's bootstrap commands create. Errors are absl statuses with
// gRPC-compatible codes (UNAVAILABLE when the database cannot be reached) in every store.
class OrgStore {
 public:
  virtual ~OrgStore() = default;

  // Creates the organization `ctx.org_id`, or renames it when it exists (idempotent).
  virtual absl::Status CreateOrg(const RequestContext& ctx, const std::string& name) = 0;
  // NOT_FOUND when the organization `ctx.org_id` does not exist.
  virtual absl::Status CheckOrgExists(const RequestContext& ctx) = 0;
  // Creates the reference's example organization `org_p72` (idempotent); `ctx.org_id` is ignored.
  virtual absl::Status SeedDemo(const RequestContext& ctx) = 0;
};

}  // namespace rolecall
