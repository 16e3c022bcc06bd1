#include "core/request_validation.h"

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "core/input.h"
#include "google/protobuf/descriptor.h"

namespace rolecall {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMaxViolations = 20;

// The problem with `value` of field `name` in message `message_name`; empty when it is fine.
std::string Problem(std::string_view message_name, std::string_view name, std::string_view value) {
  const auto id = [&](std::string_view prefix) { return IdProblem(value, prefix); };
  const auto text = [&](size_t max_chars) { return TextProblem(value, max_chars); };
  if (name == "user_id" || name == "principal_user_id") return id(kUserPrefix);
  if (name == "cloud_id") return id(kCloudPrefix);
  if (name == "project_id") return id(kProjectPrefix);
  if (name == "group_id") return id(kGroupPrefix);
  if (name == "id" && message_name.find("UserGroup") != std::string_view::npos) {
    return id(kGroupPrefix);
  }
  if (name == "parent_id") {
    if (IsWellFormedId(value, kCloudPrefix) || IsWellFormedId(value, kGroupPrefix)) return "";
    return absl::StrCat("'", Clip(value), "' is not a cloud id (cld_…) or a user group id (ug_…)");
  }
  if (name == "key_id") {
    return IsIdBody(value) ? "" : absl::StrCat("'", Clip(value), "' is not an API key id");
  }
  if (name == "object_id") {  // the change log's filter: any object's id
    for (std::string_view prefix :
         {kOrgPrefix, kUserPrefix, kGroupPrefix, kCloudPrefix, kProjectPrefix}) {
      if (IsWellFormedId(value, prefix)) return "";
    }
    if (IsIdBody(value)) return "";  // an API key's
    return absl::StrCat("'", Clip(value), "' is not the id of an object");
  }
  if (name == "actor") {  // the change log's filter: a key id, a user id or an email
    if (value.find('@') != std::string_view::npos) {
      return value.size() > kMaxEmailBytes
                 ? absl::StrCat("is longer than ", kMaxEmailBytes, " bytes")
                 : text(kMaxEmailBytes);
    }
    if (IsWellFormedId(value, kUserPrefix) || IsIdBody(value)) return "";
    return absl::StrCat("'", Clip(value), "' is not an API key id, a user id or an email");
  }
  if (name == "users") {
    if (value.find('@') == std::string_view::npos) return id(kUserPrefix);
    if (value.size() > kMaxEmailBytes) {
      return absl::StrCat("is longer than ", kMaxEmailBytes, " bytes");
    }
    return text(kMaxEmailBytes);
  }
  if (name == "email" || name == "user_email") {
    if (value.size() > kMaxEmailBytes) {
      return absl::StrCat("is longer than ", kMaxEmailBytes, " bytes");
    }
    return text(kMaxEmailBytes);
  }
  if (name == "page_token" || name == "after_token" || name == "at_least_as_fresh") {
    if (value.size() > kMaxTokenBytes) {
      return absl::StrCat("is longer than ", kMaxTokenBytes, " bytes");
    }
    return text(kMaxTokenBytes);
  }
  if (name == "password") {
    return value.size() > kMaxPasswordBytes
               ? absl::StrCat("is longer than ", kMaxPasswordBytes, " bytes")
               : "";
  }
  return text(kMaxNameChars);
}

void Walk(const Message& message, const std::string& path, std::vector<FieldViolation>* out) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // only the fields that are set
  for (const FieldDescriptor* field : fields) {
    if (out->size() >= kMaxViolations) return;
    const std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const auto check = [&](const std::string& value, const std::string& at) {
        if (value.empty()) return;
        std::string problem = Problem(descriptor->name(), field->name(), value);
        if (!problem.empty()) out->push_back({at, absl::StrCat(at, " ", problem)});
      };
      if (field->is_repeated()) {
        const int n = reflection->FieldSize(message, field);
        for (int i = 0; i < n && out->size() < kMaxViolations; ++i) {
          check(reflection->GetRepeatedString(message, field, i), absl::StrCat(name, "[", i, "]"));
        }
      } else {
        check(reflection->GetString(message, field), name);
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        const int n = reflection->FieldSize(message, field);
        for (int i = 0; i < n && out->size() < kMaxViolations; ++i) {
          Walk(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(name, "[", i, "]"),
               out);
        }
      } else {
        Walk(reflection->GetMessage(message, field), name, out);
      }
    }
  }
}

}  // namespace

std::vector<FieldViolation> ValidateRequestStrings(const Message& request) {
  std::vector<FieldViolation> out;
  Walk(request, "", &out);
  return out;
}

}  // namespace rolecall
