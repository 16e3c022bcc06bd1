#include "core/user_validation.h"

#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/input.h"

namespace rolecall {

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControlCharacter(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    // U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < s.size()) {
      const unsigned char next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string EmailProblem(std::string_view email) {
  if (email.empty()) return "email is required";
  if (CodePointCount(email) > kMaxEmailLength) {
    return absl::StrCat("email is longer than ", kMaxEmailLength, " characters");
  }
  if (HasControlCharacter(email)) return "email contains a control character";
  if (email.find(' ') != std::string_view::npos) return "email contains a space";
  const size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return "email must contain exactly one '@'";
  }
  if (at == 0) return "email has nothing before the '@'";
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return "email domain must contain a dot between two labels";
  }
  return "";
}

std::string NameProblem(std::string_view value, bool required) {
  if (required && value.empty()) return "is required";
  if (CodePointCount(value) > kMaxNameLength) {
    return absl::StrCat("is longer than ", kMaxNameLength, " characters");
  }
  if (HasControlCharacter(value)) return "contains a control character";
  return "";
}

std::vector<FieldViolation> ValidateNewUsers(const v1::AdminCreateUsers& request) {
  std::vector<FieldViolation> out;
  const int n = request.create_users_size();
  if (n == 0) {
    out.push_back({"create_users", "at least one user is required"});
    return out;
  }
  if (n > kMaxBatchUsers) {
    out.push_back({"create_users", absl::StrCat("at most ", kMaxBatchUsers,
                                                " users can be created at once; got ", n)});
    return out;
  }
  std::unordered_map<std::string, int> first_index_of_email;
  for (int i = 0; i < n; ++i) {
    const auto& u = request.create_users(i);
    const std::string entry = absl::StrCat("create_users[", i, "]");
    if (std::string p = EmailProblem(u.email()); !p.empty()) {
      out.push_back({entry + ".email", p});
    } else {
      auto [it, inserted] = first_index_of_email.emplace(absl::AsciiStrToLower(u.email()), i);
      if (!inserted) {
        out.push_back({entry + ".email", absl::StrCat("email '", Clip(u.email()),
                                                      "' appears twice in the batch (also in "
                                                      "create_users[",
                                                      it->second, "])")});
      }
    }
    if (std::string p = NameProblem(u.name(), true); !p.empty()) {
      out.push_back({entry + ".name", "name " + p});
    }
    if (std::string p = NameProblem(u.lastname(), false); !p.empty()) {
      out.push_back({entry + ".lastname", "lastname " + p});
    }
    if (std::string p = NameProblem(u.title(), false); !p.empty()) {
      out.push_back({entry + ".title", "title " + p});
    }
    const std::string& password = u.password();
    if (!password.empty()) {
      const size_t len = CodePointCount(password);
      if (u.is_sso_user()) {
        out.push_back({entry + ".password", "SSO users cannot have a password"});
      } else if (len < kMinPasswordLength) {
        out.push_back({entry + ".password", absl::StrCat("password is shorter than ",
                                                         kMinPasswordLength, " characters")});
      } else if (len > kMaxPasswordLength) {
        out.push_back({entry + ".password", absl::StrCat("password is longer than ",
                                                         kMaxPasswordLength, " characters")});
      }
    }
  }
  return out;
}

}  // namespace rolecall
