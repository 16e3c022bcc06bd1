#include "core/password.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(Password, HashesWithArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery!"));
}

TEST(Password, SaltsEveryHash) {
  EXPECT_NE(*HashPassword("same password"), *HashPassword("same password"));
}

}  // namespace
}  // namespace rolecall
