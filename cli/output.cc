// How the CLI prints: status lines, table and JSON formats, the reference's user documents.
#include "cli/output.h"

#include <google/protobuf/util/json_util.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "absl/time/time.h"

namespace rolecall::cli {

StatusLine::StatusLine(std::ostream& out) : out_(out), start_(std::chrono::steady_clock::now()) {}

std::string StatusLine::Format(const std::string& text) const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
  return "(rolecall +" + std::string(elapsed) + "s) " + text;
}

void StatusLine::Print(const std::string& text) { out_ << Format(text) << std::endl; }

namespace {
absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}
}  // namespace

std::string TableTime(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%d %H:%M", ToTime(ts), absl::UTCTimeZone());
}

std::string IsoTime(const google::protobuf::Timestamp& ts) {
  std::string out = absl::FormatTime("%Y-%m-%dT%H:%M:%S", ToTime(ts), absl::UTCTimeZone());
  if (const int micros = ts.nanos() / 1000; micros != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06d", micros);
    out += frac;
  }
  return out + "+00:00";
}

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text.append(width[c] - cells[c].size() + 2, ' ');
    }
    out += text + "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

std::string UsersTable(const std::vector<v1::User>& users) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(users.size());
  for (const auto& u : users) {
    rows.push_back(
        {u.email(), u.user_id(), u.name(), u.permission_level(), TableTime(u.created_at())});
  }
  return FormatTable({"EMAIL", "ID", "NAME", "ROLE", "CREATED AT"}, rows);
}

nlohmann::ordered_json UserJson(const v1::User& user) {
  nlohmann::ordered_json j;
  j["name"] = user.name();
  j["email"] = user.email();
  j["created_at"] = IsoTime(user.created_at());
  j["permission_level"] = user.permission_level();
  if (user.has_user_id()) j["user_id"] = user.user_id();
  return j;
}

std::string UserYaml(const v1::User& user) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << user.name();
  out << YAML::Key << "email" << YAML::Value << user.email();
  out << YAML::Key << "created_at" << YAML::Value << IsoTime(user.created_at());
  out << YAML::Key << "permission_level" << YAML::Value << user.permission_level();
  if (user.has_user_id()) out << YAML::Key << "user_id" << YAML::Value << user.user_id();
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

nlohmann::ordered_json PermissionsJson(const std::vector<v1::ListUserPermissionsPage>& pages) {
  nlohmann::ordered_json doc;
  doc["organization_id"] = pages.empty() ? "" : pages.front().organization_id();
  doc["org_owners"] = nlohmann::ordered_json::array();
  doc["users"] = nlohmann::ordered_json::array();
  for (const auto& page : pages) {
    for (const auto& owner : page.org_owners()) {
      doc["org_owners"].push_back(
          {{"user_email", owner.user_email()}, {"user_id", owner.user_id()}});
    }
    for (const auto& user : page.users()) {
      nlohmann::ordered_json u;
      u["clouds"] = nlohmann::ordered_json::array();
      for (const auto& cloud : user.clouds()) {
        nlohmann::ordered_json c;
        c["cloud_id"] = cloud.cloud_id();
        c["cloud_name"] = cloud.cloud_name();
        if (cloud.has_role()) c["role"] = cloud.role();
        if (cloud.projects_size() > 0) {
          c["projects"] = nlohmann::ordered_json::array();
          for (const auto& p : cloud.projects()) {
            c["projects"].push_back({{"project_id", p.project_id()},
                                     {"project_name", p.project_name()},
                                     {"role", p.role()}});
          }
        }
        u["clouds"].push_back(std::move(c));
      }
      u["user_email"] = user.user_email();
      u["user_id"] = user.user_id();
      doc["users"].push_back(std::move(u));
    }
  }
  return doc;
}

nlohmann::ordered_json ProtoJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  (void)google::protobuf::util::MessageToJsonString(message, &text, options);
  return nlohmann::ordered_json::parse(text);
}

nlohmann::ordered_json MembershipsJson(const std::vector<v1::GroupMembership>& memberships) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& m : memberships) {
    doc[m.group_name()] = nlohmann::ordered_json(
        std::vector<std::string>(m.member_emails().begin(), m.member_emails().end()));
  }
  return doc;
}

std::string Pretty(const nlohmann::ordered_json& json) { return json.dump(2) + "\n"; }

}  // namespace rolecall::cli
