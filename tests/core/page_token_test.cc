#include "core/page_token.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

const PageTokenCodec kCodec("0123456789abcdef0123456789abcdef");

TEST(PageToken, RoundTripsTheCursor) {
  const std::string scope = PageScope("org_a", "ListUsers", {"x", "", "all_accounts"});
  const std::vector<std::string> cursor = {"alice@example.com", std::string("a\0b", 3), ""};
  auto decoded = kCodec.Decode(scope, kCodec.Encode(scope, cursor));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, cursor);
}

TEST(PageToken, IsUrlSafeText) {
  const std::string token = kCodec.Encode("s", {"some cursor value with / and +"});
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(PageToken, RejectsEveryChangedCharacter) {
  const std::string scope = PageScope("org_a", "ListUsers", {});
  const std::string token = kCodec.Encode(scope, {"bob@example.com"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(kCodec.Decode(scope, tampered).status().code(), absl::StatusCode::kInvalidArgument)
        << "position " << i;
  }
}

TEST(PageToken, RejectsOtherFilters) {
  const std::string token =
      kCodec.Encode(PageScope("org_a", "ListUsers", {"alice", ""}), {"alice@example.com"});
  EXPECT_FALSE(kCodec.Decode(PageScope("org_a", "ListUsers", {"bob", ""}), token).ok());
  EXPECT_FALSE(kCodec.Decode(PageScope("org_a", "ListUsers", {"", "alice"}), token).ok());
  EXPECT_FALSE(kCodec.Decode(PageScope("org_b", "ListUsers", {"alice", ""}), token).ok());
  EXPECT_FALSE(kCodec.Decode(PageScope("org_a", "ListClouds", {"alice", ""}), token).ok());
}

TEST(PageToken, RejectsAnotherKeysTokens) {
  const PageTokenCodec other("another key, also sixteen bytes+");
  EXPECT_FALSE(kCodec.Decode("s", other.Encode("s", {"x"})).ok());
}

TEST(PageToken, RejectsGarbageTruncationAndExtension) {
  const std::string token = kCodec.Encode("s", {"cursor"});
  for (const std::string& bad :
       {std::string(""), std::string("!!!"), std::string("AAAA"), token.substr(0, token.size() - 1),
        token + "A", std::string(5000, 'A')}) {
    EXPECT_FALSE(kCodec.Decode("s", bad).ok()) << bad;
  }
}

TEST(PageScope, IsUnambiguous) {
  EXPECT_NE(PageScope("o", "m", {"ab", "c"}), PageScope("o", "m", {"a", "bc"}));
  EXPECT_NE(PageScope("o", "m", {"a"}), PageScope("o", "m", {"a", ""}));
}

}  // namespace
}  // namespace rolecall
