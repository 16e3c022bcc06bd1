// The CLI's output formats.
#pragma once

#include <chrono>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "rolecall/v1/directory.pb.h"
#include "rolecall/v1/permissions.pb.h"
#include "rolecall/v1/users.pb.h"

// How the rolecall CLI prints: status lines on stderr, data on stdout, in the reference's formats.
namespace rolecall::cli {

// Writes `(rolecall +0.5s) <text>` lines: seconds since the command started.
class StatusLine final {
 public:
  explicit StatusLine(std::ostream& out);
  void Print(const std::string& text);
  // The line Print writes, without the newline.
  std::string Format(const std::string& text) const;

 private:
  std::ostream& out_;
  const std::chrono::steady_clock::time_point start_;
};

// "2024-01-01 12:00" (UTC), the table's CREATED AT.
std::string TableTime(const google::protobuf::Timestamp& ts);
// "2024-01-01T12:00:00+00:00" (with ".ffffff" when there are microseconds), as Python's isoformat.
std::string IsoTime(const google::protobuf::Timestamp& ts);

// Left-aligned columns separated by two spaces, each as wide as its widest cell.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// The users table: columns EMAIL ID NAME ROLE CREATED AT (no "USERS:" title).
std::string UsersTable(const std::vector<v1::User>& users);

// A user as the reference's JSON object: name, email, created_at, permission_level, user_id.
nlohmann::ordered_json UserJson(const v1::User& user);
// The same fields as YAML (`user get` without --json).
std::string UserYaml(const v1::User& user);

// Merges ListUserPermissions pages into the reference's document: organization_id, org_owners,
// users (each: clouds [cloud_id, cloud_name, role, projects], user_email, user_id).
nlohmann::ordered_json PermissionsJson(const std::vector<v1::ListUserPermissionsPage>& pages);

// Any API message as JSON with the proto field names (e.g. `cloud_id`).
nlohmann::ordered_json ProtoJson(const google::protobuf::Message& message);

// `{group_name: [sorted member emails]}`, as the reference's `user-group membership list`.
nlohmann::ordered_json MembershipsJson(const std::vector<v1::GroupMembership>& memberships);

// JSON text with a 2-space indent, as the reference prints it.
std::string Pretty(const nlohmann::ordered_json& json);

}  // namespace rolecall::cli
