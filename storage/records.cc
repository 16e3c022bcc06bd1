#include "storage/records.h"

namespace rolecall {

void SetResourceRef(const ResourceKey& key, v1::ResourceRef* ref) {
  switch (key.kind) {
    case ResourceKind::kOrganization:
      ref->set_organization(true);
      break;
    case ResourceKind::kCloud:
      ref->set_cloud_id(key.id);
      break;
    case ResourceKind::kProject:
      ref->set_project_id(key.id);
      break;
  }
}

}  // namespace rolecall
