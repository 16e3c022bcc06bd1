#pragma once

#include <vector>

#include "core/status.h"
#include "google/protobuf/message.h"

namespace rolecall {

// Checks every string field of a request, nested and repeated ones included, before any handler
// or query sees it, so that no RPC (and no field added later) escapes the limits of core/input.h.
// A field's rule follows from its name:
//   user_id, principal_user_id  a user id (usr_…)       cloud_id  a cloud id (cld_…)
//   project_id                  a project id (prj_…)    group_id, and `id` of a user group
//                                                       request, a user group id (ug_…)
//   key_id                      an API key id           email, user_email  at most 320 bytes
//   users (group members)       a user id or an email   page_token  at most 4 KiB
//   password                    at most 1,024 bytes     parent_id  a cloud or group id
//   object_id                   any object's id         actor  a key id, user id or email
//   anything else               at most 256 characters (names, filters, roles, scopes)
// and every value (but a password) must be UTF-8 without control characters. Empty values pass:
// handlers say which fields are required. Returns one violation per bad field, named by its
// path (`resource.cloud_id`, `users[3]`, `create_users[2].email`).
std::vector<FieldViolation> ValidateRequestStrings(const google::protobuf::Message& request);

}  // namespace rolecall
