// The batch-create users YAML file.
#include "cli/users_file.h"

#include <yaml-cpp/yaml.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/input.h"

namespace rolecall::cli {
namespace {

// "users.yaml:3" (YAML marks count lines from 0).
std::string Where(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file;
  return absl::StrCat(file, ":", mark.line + 1);
}

absl::Status Bad(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

absl::StatusOr<std::string> ScalarString(const std::string& file, const std::string& entry,
                                         const std::string& key, const YAML::Node& value) {
  if (!value.IsScalar()) {
    return Bad(Where(file, value), absl::StrCat(entry, ".", key, " must be a string"));
  }
  // yaml-cpp passes any bytes through; a proto3 string that is not UTF-8 cannot be sent.
  if (!IsValidUtf8(value.Scalar())) {
    return Bad(Where(file, value), absl::StrCat(entry, ".", key, " is not valid UTF-8"));
  }
  return value.Scalar();
}

// A mapping key as text (`~` reads as "null", as yaml-cpp's as<std::string> has it); a key that
// is a list or a mapping (`? [a, b]`, `{x: 1}: 2`) is an error, not a YAML::BadConversion.
absl::StatusOr<std::string> KeyString(const std::string& file, const YAML::Node& key,
                                      const std::string& where_in) {
  if (key.IsScalar() || key.IsNull()) return key.as<std::string>();
  return Bad(Where(file, key), absl::StrCat("a key", where_in, " must be a name, not a ",
                                            key.IsSequence() ? "list" : "mapping"));
}

// One `create_users` entry (already known to be a mapping) into `user`.
absl::Status ParseUser(const std::string& file, const std::string& entry, const YAML::Node& item,
                       v1::AdminCreateUser* user) {
  for (const auto& kv : item) {
    auto key_or = KeyString(file, kv.first, absl::StrCat(" in ", entry));
    if (!key_or.ok()) return key_or.status();
    const std::string& key = *key_or;
    const YAML::Node& value = kv.second;
    const bool is_null = value.IsNull();
    if (key == "is_sso_user") {
      bool flag = false;
      if (!is_null && !YAML::convert<bool>::decode(value, flag)) {
        return Bad(Where(file, value), absl::StrCat(entry, ".is_sso_user must be true or false"));
      }
      user->set_is_sso_user(flag);
      continue;
    }
    if (key != "name" && key != "email" && key != "password" && key != "lastname" &&
        key != "title") {
      return Bad(Where(file, kv.first),
                 absl::StrCat("unknown key '", key, "' in ", entry,
                              " (allowed: name, email, password, is_sso_user, lastname, title)"));
    }
    if (is_null) continue;  // absent and null mean the same
    auto text_value = ScalarString(file, entry, key, value);
    if (!text_value.ok()) return text_value.status();
    if (key == "name") user->set_name(*text_value);
    if (key == "email") user->set_email(*text_value);
    if (key == "password") user->set_password(*text_value);
    if (key == "lastname") user->set_lastname(*text_value);
    if (key == "title") user->set_title(*text_value);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AdminCreateUsers> ParseUsersYaml(const std::string& text,
                                                    const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return Bad(absl::StrCat(file, ":", e.mark.line + 1),
               absl::StrCat("YAML syntax error: ", e.msg));
  }
  if (!root.IsMap() || !root["create_users"]) {
    return Bad(file, "expected a top-level `create_users:` list");
  }
  for (const auto& kv : root) {
    auto key_or = KeyString(file, kv.first, "");
    if (!key_or.ok()) return key_or.status();
    const std::string& key = *key_or;
    if (key != "create_users") {
      return Bad(Where(file, kv.first),
                 absl::StrCat("unknown key '", key, "' (only create_users is allowed)"));
    }
  }
  const YAML::Node list = root["create_users"];
  if (!list.IsSequence()) return Bad(Where(file, list), "`create_users` must be a list");
  v1::AdminCreateUsers out;
  int index = 0;
  for (const auto& item : list) {
    const std::string entry = absl::StrCat("create_users[", index++, "]");
    if (!item.IsMap()) {
      return Bad(Where(file, item), absl::StrCat(entry, " must be a mapping of user fields"));
    }
    const absl::Status parsed = ParseUser(file, entry, item, out.add_create_users());
    if (!parsed.ok()) return parsed;
  }
  return out;
}

absl::StatusOr<v1::AdminCreateUsers> ReadUsersFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read users file '", path, "': ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseUsersYaml(ss.str(), path);
}

}  // namespace rolecall::cli
