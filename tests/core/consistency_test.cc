#include "core/consistency.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rolecall {
namespace {

using ::testing::HasSubstr;

const PageTokenCodec kCodec("0123456789abcdef0123456789abcdef");

TEST(ConsistencyToken, RoundTripsTheRevision) {
  for (int64_t revision : {int64_t{0}, int64_t{1}, int64_t{4711}, int64_t{1} << 60}) {
    const auto decoded = DecodeConsistencyToken(
        kCodec, "org_a", EncodeConsistencyToken(kCodec, "org_a", revision), "at_least_as_fresh");
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, revision);
  }
}

TEST(ConsistencyToken, AnotherOrganizationsTokenIsRefused) {
  const std::string token = EncodeConsistencyToken(kCodec, "org_a", 7);
  const auto decoded = DecodeConsistencyToken(kCodec, "org_b", token, "at_least_as_fresh");
  ASSERT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoded.status().message(), HasSubstr("at_least_as_fresh"));
}

TEST(ConsistencyToken, EveryChangedCharacterAndOtherTokensAreRefused) {
  const std::string token = EncodeConsistencyToken(kCodec, "org_a", 12);
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodeConsistencyToken(kCodec, "org_a", tampered, "t").ok()) << i;
  }
  // A page token of the same key is not a consistency token, nor is another key's token.
  EXPECT_FALSE(DecodeConsistencyToken(
                   kCodec, "org_a", kCodec.Encode(PageScope("org_a", "ListUsers", {}), {"12"}), "t")
                   .ok());
  const PageTokenCodec other("fedcba9876543210fedcba9876543210");
  EXPECT_FALSE(
      DecodeConsistencyToken(kCodec, "org_a", EncodeConsistencyToken(other, "org_a", 12), "t")
          .ok());
  EXPECT_FALSE(DecodeConsistencyToken(kCodec, "org_a", "", "t").ok());
  EXPECT_FALSE(DecodeConsistencyToken(kCodec, "org_a", std::string(10000, 'A'), "t").ok());
}

}  // namespace
}  // namespace rolecall
