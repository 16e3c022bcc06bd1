#include "storage/permission_store.h"

#include <future>

namespace rolecall {

absl::StatusOr<Role> PermissionStore::EffectiveRole(const RequestContext& ctx,
                                                    const RoleQuestion& question) {
  std::promise<absl::StatusOr<Role>> answer;
  std::future<absl::StatusOr<Role>> got = answer.get_future();
  CheckRole(ctx, question,
            [&answer](absl::StatusOr<Role> role) { answer.set_value(std::move(role)); });
  return got.get();
}

}  // namespace rolecall
