#pragma once

#include "storage/change_store.h"
#include "storage/directory_store.h"
#include "storage/key_store.h"
#include "storage/org_store.h"
#include "storage/permission_store.h"
#include "storage/user_store.h"

namespace rolecall {

// A whole store of record: every narrow interface, as one object implements them (PgStore, and
// the tests' FakeStore). Code that uses storage takes the interface it needs, never this.
class Store : public OrgStore,
              public KeyStore,
              public UserStore,
              public DirectoryStore,
              public PermissionStore,
              public ChangeStore {};

}  // namespace rolecall
