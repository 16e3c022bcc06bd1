#include "storage/copy_text.h"

#include <gtest/gtest.h>

namespace rolecall::sql {
namespace {

using Fields = std::vector<std::optional<std::string>>;

TEST(ParseCopyLine, SplitsOnTabsAndReadsNulls) {
  Fields f;
  ASSERT_TRUE(ParseCopyLine("a\t\\N\t\tlast", &f));
  EXPECT_EQ(f, (Fields{"a", std::nullopt, "", "last"}));
  ASSERT_TRUE(ParseCopyLine("", &f));
  EXPECT_EQ(f, (Fields{""}));
}

TEST(ParseCopyLine, UndoesEscapes) {
  Fields f;
  ASSERT_TRUE(ParseCopyLine("back\\\\slash\ttab\\there\tnl\\n\toct\\101\thex\\x41", &f));
  EXPECT_EQ(f, (Fields{"back\\slash", "tab\there", "nl\n", "octA", "hexA"}));
}

TEST(ParseCopyLine, RejectsMalformedLines) {
  Fields f;
  EXPECT_FALSE(ParseCopyLine("dangling\\", &f));
  EXPECT_FALSE(ParseCopyLine("x\\N", &f));
  EXPECT_FALSE(ParseCopyLine("\\xZZ", &f));
}

TEST(InlineParameters, ReplacesNumberedPlaceholders) {
  EXPECT_EQ(InlineParameters("SELECT $1, $2, $10, $3x", {"'a'", "'b'", "'c'"}),
            "SELECT 'a', 'b', $10, 'c'x");
  EXPECT_EQ(InlineParameters("price $ 5 and $0", {"'a'"}), "price $ 5 and $0");
}

}  // namespace
}  // namespace rolecall::sql
