#include "storage/copy_text.h"

#include <gtest/gtest.h>

namespace rolecall::sql {
namespace {

using Fields = std::vector<std::optional<std::string_view>>;

// Parses a copy of `text` (the parser rewrites its input); the fields as owned strings.
std::vector<std::optional<std::string>> Parse(const std::string& text, bool* ok) {
  std::string line = text;
  Fields views;
  *ok = ParseCopyLine(line, &views);
  std::vector<std::optional<std::string>> out;
  for (const auto& v : views) out.push_back(v ? std::optional<std::string>(*v) : std::nullopt);
  return out;
}
using Owned = std::vector<std::optional<std::string>>;

TEST(ParseCopyLine, SplitsOnTabsAndReadsNulls) {
  bool ok = false;
  EXPECT_EQ(Parse("a\t\\N\t\tlast", &ok), (Owned{"a", std::nullopt, "", "last"}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Parse("", &ok), (Owned{""}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Parse("x\t3\n", &ok), (Owned{"x", "3"}));  // as libpq delivers a line
  EXPECT_TRUE(ok);
}

TEST(ParseCopyLine, UndoesEscapes) {
  bool ok = false;
  EXPECT_EQ(Parse("back\\\\slash\ttab\\there\tnl\\n\toct\\101\thex\\x41", &ok),
            (Owned{"back\\slash", "tab\there", "nl\n", "octA", "hexA"}));
  EXPECT_TRUE(ok);
}

TEST(ParseCopyLine, RejectsMalformedLines) {
  bool ok = true;
  for (const char* bad : {"dangling\\", "x\\N", "\\xZZ"}) {
    Parse(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
}


}  // namespace
}  // namespace rolecall::sql
