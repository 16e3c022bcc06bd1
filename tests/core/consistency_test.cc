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

TEST(ChangeToken, APlaceInTheLogRoundTripsAndReadsAsItsRevision) {
  const std::string token = EncodeChangeToken(kCodec, "org_a", ChangeCursor{41, 3});
  const auto at = DecodeChangeToken(kCodec, "org_a", token, "after_token");
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->revision, 41);
  EXPECT_EQ(at->seq, 3);
  // As a read's requirement: at least the state of its revision.
  EXPECT_EQ(*DecodeConsistencyToken(kCodec, "org_a", token, "t"), 41);
  EXPECT_FALSE(DecodeChangeToken(kCodec, "org_b", token, "after_token").ok());
}

TEST(ChangeToken, AWholeRevisionIsItsConsistencyToken) {
  const std::string whole =
      EncodeChangeToken(kCodec, "org_a", ChangeCursor{41, ChangeCursor::kWholeRevision});
  EXPECT_EQ(whole, EncodeConsistencyToken(kCodec, "org_a", 41));
  const auto at =
      DecodeChangeToken(kCodec, "org_a", EncodeConsistencyToken(kCodec, "org_a", 9), "t");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->revision, 9);
  EXPECT_EQ(at->seq, ChangeCursor::kWholeRevision);
}

TEST(ChangeToken, MalformedPlacesAreRefusedNamingTheField) {
  const std::string scope = PageScope("org_a", "consistency", {});
  for (const std::vector<std::string>& fields : std::vector<std::vector<std::string>>{
           {"-1"}, {"x"}, {"4", "0"}, {"4", "x"}, {"4", "1", "2"}, {}}) {
    const auto at = DecodeChangeToken(kCodec, "org_a", kCodec.Encode(scope, fields), "after_token");
    ASSERT_EQ(at.status().code(), absl::StatusCode::kInvalidArgument) << fields.size();
    EXPECT_THAT(at.status().message(), HasSubstr("after_token"));
  }
}

}  // namespace
}  // namespace rolecall
