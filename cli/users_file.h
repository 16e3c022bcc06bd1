// The batch-create users YAML file.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "rolecall/v1/users.pb.h"

namespace rolecall::cli {

// Parses a batch-create YAML document:
//   create_users:
//     - {name: …, email: …, password: '' | null, is_sso_user: false, lastname: …, title: …}
// Errors are one line for a person: the file (and line) and what is wrong — an unknown key, a
// missing `create_users` list, a value of the wrong type, a YAML syntax error.
absl::StatusOr<v1::AdminCreateUsers> ParseUsersYaml(const std::string& text,
                                                    const std::string& file_name);

// Reads and parses the file; NOT_FOUND when it cannot be read.
absl::StatusOr<v1::AdminCreateUsers> ReadUsersFile(const std::string& path);

}  // namespace rolecall::cli
