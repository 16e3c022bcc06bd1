#include "core/ids.h"

#include <sodium.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"

namespace rolecall {

std::string NewId(std::string_view prefix) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  std::string id(prefix);
  for (unsigned char b : bytes) id.push_back(kAlphabet[b & 31]);
  return id;
}

std::string RandomToken(size_t n) {
  std::vector<unsigned char> bytes(n);
  randombytes_buf(bytes.data(), n);
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), n,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string ServiceAccountSlug(std::string_view name) {
  std::string slug;
  for (char c : name) {
    c = absl::ascii_tolower(c);
    if (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-') {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace rolecall
