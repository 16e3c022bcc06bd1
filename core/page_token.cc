#include "core/page_token.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace rolecall {
namespace {

constexpr size_t kMacBytes = 16;
constexpr char kVersion = 1;

void AppendField(std::string* out, std::string_view field) {
  uint32_t n = static_cast<uint32_t>(field.size());
  do {  // varint length
    unsigned char b = n & 0x7f;
    n >>= 7;
    out->push_back(static_cast<char>(n ? (b | 0x80) : b));
  } while (n);
  out->append(field);
}

absl::Status Invalid() {
  return absl::InvalidArgumentError(
      "page_token is invalid: it was altered, or was issued for other filters");
}

}  // namespace

PageTokenCodec::PageTokenCodec(std::string key) : key_(std::move(key)) {}

std::string PageTokenCodec::Mac(std::string_view scope, std::string_view payload) const {
  std::string message;
  AppendField(&message, scope);
  message.append(payload);
  unsigned char mac[kMacBytes];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), reinterpret_cast<const unsigned char*>(key_.data()),
                     std::min<size_t>(key_.size(), crypto_generichash_KEYBYTES_MAX));
  return std::string(reinterpret_cast<char*>(mac), sizeof mac);
}

std::string PageTokenCodec::Encode(std::string_view scope,
                                   const std::vector<std::string>& cursor) const {
  std::string payload(1, kVersion);
  for (const auto& field : cursor) AppendField(&payload, field);
  std::string raw = payload + Mac(scope, payload);
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

absl::StatusOr<std::vector<std::string>> PageTokenCodec::Decode(std::string_view scope,
                                                                std::string_view token) const {
  if (token.size() > 4096) return Invalid();
  // Only Encode's alphabet: libsodium 1.0.18 decodes every byte >= 0x80 as if it were '_', so
  // without this, other strings would be accepted as the same token.
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Invalid();
    }
  }
  std::string raw(token.size(), '\0');
  size_t raw_len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), token.data(),
                        token.size(), nullptr, &raw_len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      raw_len < kMacBytes + 1) {
    return Invalid();
  }
  raw.resize(raw_len);
  const std::string_view payload = std::string_view(raw).substr(0, raw_len - kMacBytes);
  const std::string expected = Mac(scope, payload);
  if (sodium_memcmp(expected.data(), raw.data() + payload.size(), kMacBytes) != 0 ||
      payload[0] != kVersion) {
    return Invalid();
  }
  std::vector<std::string> cursor;
  size_t i = 1;
  while (i < payload.size()) {
    uint32_t n = 0;
    int shift = 0;
    while (true) {
      if (i >= payload.size() || shift > 28) return Invalid();
      const unsigned char b = static_cast<unsigned char>(payload[i++]);
      n |= static_cast<uint32_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (n > payload.size() - i) return Invalid();
    cursor.emplace_back(payload.substr(i, n));
    i += n;
  }
  return cursor;
}

std::string PageScope(std::string_view org_id, std::string_view method,
                      const std::vector<std::string>& filters) {
  std::string scope;
  AppendField(&scope, org_id);
  AppendField(&scope, method);
  for (const auto& f : filters) AppendField(&scope, f);
  return scope;
}

}  // namespace rolecall
