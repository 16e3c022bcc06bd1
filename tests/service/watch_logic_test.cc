// WatchChanges' logic on the fake store: a watch from now announces where now is, follows writes
// as they happen (woken, not polled), resumes after a token, refuses bad requests before
// storage, and ends resumably when the server drains.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/consistency.h"
#include "rolecall/v1/changes.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace rolecall::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kOrg[] = "org_watch";

class WatchLogic : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.CreateOrg(kOrg);
    key_ = h_.Key(kOrg, Scope::kRead);
    changes_ = v1::ChangeService::NewStub(h_.channel());
  }
  int64_t RevisionOf(const std::string& token) {
    return DecodeConsistencyToken(h_.tokens(), kOrg, token, "t").value_or(-1);
  }

  ServiceHarness h_;
  std::string key_;
  std::unique_ptr<v1::ChangeService::Stub> changes_;
};

TEST_F(WatchLogic, FromNowItAnnouncesNowThenFollowsWritesAndResumesAfterATokenExactlyOnce) {
  const int64_t now = h_.store().Revision(kOrg);
  auto ctx = ServiceHarness::Context(key_);
  const auto asked = std::chrono::steady_clock::now();
  auto reader = changes_->WatchChanges(ctx.get(), v1::WatchChangesRequest());
  v1::WatchChangesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(1));  // not idle's 5 s
  EXPECT_TRUE(message.checkpoint());
  EXPECT_EQ(RevisionOf(message.consistency_token()), now);
  const std::string start = message.consistency_token();

  h_.AddCloud(kOrg, "a");
  h_.AddCloud(kOrg, "b");
  std::vector<int64_t> seen;
  while (seen.size() < 2 && reader->Read(&message)) {
    EXPECT_FALSE(message.checkpoint());
    for (const auto& c : message.changes()) seen.push_back(c.revision());
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{now + 1, now + 2}));
  ctx->TryCancel();
  reader->Finish();

  // Resuming after the first change gets the second only.
  v1::WatchChangesRequest resume;
  resume.set_after_token(EncodeConsistencyToken(h_.tokens(), kOrg, now + 1));
  auto again = ServiceHarness::Context(key_);
  auto resumed = changes_->WatchChanges(again.get(), resume);
  ASSERT_TRUE(resumed->Read(&message));
  ASSERT_EQ(message.changes_size(), 1);
  EXPECT_EQ(message.changes(0).revision(), now + 2);
  EXPECT_EQ(RevisionOf(message.consistency_token()), now + 2);
  again->TryCancel();
  resumed->Finish();
  EXPECT_NE(start, message.consistency_token());
}

TEST_F(WatchLogic, BadRequestsAreRefusedBeforeStorage) {
  v1::WatchChangesRequest bad_type, bad_token, other_org;
  bad_type.add_object_types("clouds");
  bad_token.set_after_token("AAAA");
  h_.CreateOrg("org_other");
  other_org.set_after_token(EncodeConsistencyToken(h_.tokens(), "org_other", 1));
  for (const auto* request : {&bad_type, &bad_token, &other_org}) {
    const int64_t before = h_.HandlerCalls();
    auto ctx = ServiceHarness::Context(key_);
    auto reader = changes_->WatchChanges(ctx.get(), *request);
    v1::WatchChangesResponse message;
    EXPECT_FALSE(reader->Read(&message));
    const grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(h_.HandlerCalls(), before);
  }
  // A check key does not read the change log.
  auto ctx = ServiceHarness::Context(h_.Key(kOrg, Scope::kCheck));
  auto reader = changes_->WatchChanges(ctx.get(), v1::WatchChangesRequest());
  v1::WatchChangesResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(WatchLogic, ADrainEndsAWatchAtOnceWithUnavailableAndHowToResume) {
  auto ctx = ServiceHarness::Context(key_);
  auto reader = changes_->WatchChanges(ctx.get(), v1::WatchChangesRequest());
  v1::WatchChangesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  const auto began = std::chrono::steady_clock::now();
  h_.drain().Refuse();
  EXPECT_FALSE(reader->Read(&message));
  const grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("resume"));
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(1));
}

}  // namespace
}  // namespace rolecall::testing
