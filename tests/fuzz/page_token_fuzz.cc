// Fuzzes rolecall::PageTokenCodec (core/page_token.h).
// Input: byte 0 = scope length L (cut to what is there), then L bytes of scope, then the rest.
// The rest is (1) decoded as a token for that scope and (2) read as a cursor (fields of
// <length byte><bytes>) that is encoded and decoded back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Fixed so that seeds made with it (corpus/page_token, see make_corpus.py) carry valid MACs.
constexpr char kKey[] = "rolecall-fuzz-page-token-key-32b";
static_assert(sizeof kKey - 1 == 32);

const rolecall::PageTokenCodec& Codec() {
  static const auto* codec = new rolecall::PageTokenCodec(std::string(kKey, 32));
  return *codec;
}

bool IsUrlSafeBase64(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// The limit Decode puts on a token's length (a client's token is never read past it). Encode
// itself has no limit: a cursor of more than ~3 KB makes a token Decode refuses.
constexpr size_t kMaxTokenChars = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t scope_len = std::min<size_t>(data[0], input.size());
  const std::string scope(input.substr(0, scope_len));
  const std::string_view rest = input.substr(scope_len);
  const auto& codec = Codec();

  // 1. Any token: no crash; one that decodes is exactly what Encode makes of its cursor (only
  // the codec can make a valid MAC, and there is one encoding of each token), and it does not
  // decode under any other scope.
  auto decoded = codec.Decode(scope, rest);
  if (decoded.ok()) {
    FUZZ_CHECK(codec.Encode(scope, *decoded) == rest);
    FUZZ_CHECK(!codec.Decode(scope + "x", rest).ok());
  } else {
    FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
  }

  // 2. Round trip of a cursor built from the same bytes.
  std::vector<std::string> cursor;
  for (size_t i = 0; i < rest.size() && cursor.size() < 16;) {
    const size_t want = static_cast<unsigned char>(rest[i++]);
    const size_t n = std::min(want, rest.size() - i);
    cursor.emplace_back(rest.substr(i, n));
    i += n;
  }
  const std::string token = codec.Encode(scope, cursor);
  FUZZ_CHECK(!token.empty());
  FUZZ_CHECK(IsUrlSafeBase64(token));
  FUZZ_CHECK(codec.Encode(scope, cursor) == token);  // deterministic
  auto back = codec.Decode(scope, token);
  if (token.size() > kMaxTokenChars) {
    FUZZ_CHECK(!back.ok());
    return 0;
  }
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == cursor);
  // Bound to its scope: another scope (here one byte longer, or one byte shorter) is refused.
  FUZZ_CHECK(!codec.Decode(scope + '\0', token).ok());
  if (!scope.empty()) FUZZ_CHECK(!codec.Decode(std::string_view(scope).substr(1), token).ok());
  // Tamper-evident: any one character changed (to another base64 character) is refused.
  std::string altered = token;
  const size_t pos = (scope.size() * 131 + rest.size()) % altered.size();
  altered[pos] = altered[pos] == 'A' ? 'B' : 'A';
  FUZZ_CHECK(!codec.Decode(scope, altered).ok());
  // A prefix of the token (a truncated copy-paste) is refused.
  FUZZ_CHECK(!codec.Decode(scope, std::string_view(token).substr(0, token.size() - 1)).ok());
  return 0;
}
