#include "core/paging.h"

#include <gtest/gtest.h>

namespace rolecall {
namespace {

TEST(PageSize, ZeroMeansFifty) { EXPECT_EQ(*EffectivePageSize(0), 50); }

TEST(PageSize, AcceptsOneToFifty) {
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(50), 50);
}

TEST(PageSize, RejectsOutOfRangeWithTheReferenceMessage) {
  for (int bad : {51, -1, 1000}) {
    auto s = EffectivePageSize(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.status().message(), "'page_size' must be between 1 and 50, inclusive.");
  }
}

TEST(MaxItems, ZeroAndPositiveAreFineNegativeIsNot) {
  EXPECT_TRUE(CheckMaxItems(0).ok());
  EXPECT_TRUE(CheckMaxItems(7).ok());
  EXPECT_EQ(CheckMaxItems(-1).message(), "'max_items' must be greater than 0.");
}

TEST(CollaboratorType, ParsesCaseInsensitively) {
  EXPECT_EQ(*ParseCollaboratorType(""), AccountFilter::kAll);
  EXPECT_EQ(*ParseCollaboratorType("ALL_ACCOUNTS"), AccountFilter::kAll);
  EXPECT_EQ(*ParseCollaboratorType("Only_Service_Accounts"), AccountFilter::kServiceAccounts);
  EXPECT_EQ(*ParseCollaboratorType("only_user_accounts"), AccountFilter::kUserAccounts);
}

TEST(CollaboratorType, RejectsUnknownValues) {
  auto s = ParseCollaboratorType("robots");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.status().message()).find("only_user_accounts"), std::string::npos);
}

}  // namespace
}  // namespace rolecall
