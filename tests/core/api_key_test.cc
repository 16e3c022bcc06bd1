#include "core/api_key.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(ApiKey, FormatsAndParsesBack) {
  const ApiKeyParts key = NewApiKey();
  const std::string text = FormatApiKey(key);
  EXPECT_EQ(text.rfind("rck_", 0), 0u);
  auto parsed = ParseApiKey(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->key_id, key.key_id);
  EXPECT_EQ(parsed->secret, key.secret);
}

TEST(ApiKey, SecretHasAtLeast128Bits) {
  // 32 random bytes in unpadded base64 are 43 characters.
  EXPECT_GE(NewApiKey().secret.size(), 43u);
  EXPECT_NE(NewApiKey().secret, NewApiKey().secret);
}

TEST(ApiKey, RejectsMalformedKeys) {
  for (const char* bad : {"", "rck_", "rck__secret", "rck_id_", "abc_id_secret", "rck_idonly"}) {
    EXPECT_FALSE(ParseApiKey(bad).ok()) << bad;
  }
}

TEST(ApiKey, HashIsSha256HexAndComparesExactly) {
  const std::string h = HashSecret("secret");
  EXPECT_EQ(h, "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
  EXPECT_TRUE(HashesEqual(h, HashSecret("secret")));
  EXPECT_FALSE(HashesEqual(h, HashSecret("secreT")));
  EXPECT_FALSE(HashesEqual(h, h.substr(1)));
}

TEST(Scope, WiderScopesCoverNarrowerOnes) {
  // check ⊂ read ⊂ admin: a scope covers itself and the narrower ones, every pair.
  const Scope kNarrowToWide[] = {Scope::kCheck, Scope::kRead, Scope::kAdmin};
  for (int held = 0; held < 3; ++held) {
    for (int needed = 0; needed < 3; ++needed) {
      EXPECT_EQ(ScopeCovers(kNarrowToWide[held], kNarrowToWide[needed]), held >= needed)
          << ScopeName(kNarrowToWide[held]) << " covering " << ScopeName(kNarrowToWide[needed]);
    }
  }
}

TEST(Scope, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(*ParseScope("ADMIN"), Scope::kAdmin);
  EXPECT_EQ(*ParseScope("read"), Scope::kRead);
  EXPECT_EQ(*ParseScope("check"), Scope::kCheck);
  EXPECT_FALSE(ParseScope("root").ok());
}

}  // namespace
}  // namespace rolecall
