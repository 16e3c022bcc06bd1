// Paging of the listing RPCs through the real services on a FakeStore: page_size bounds and
// messages, max_items, resuming from a token, and tokens refused when tampered with, reused with
// other filters, in another listing or in another organization.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/support/service_harness.h"

namespace rolecall::testing {
namespace {

using ::testing::ElementsAre;

constexpr char kOrg[] = "org_paging";

class PagingLogic : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.CreateOrg(kOrg);
    key_ = h_.Key(kOrg, Scope::kAdmin);
  }
  RequestContext Ctx() const { return RequestContext::Org(kOrg); }
  // Clouds c000 … c<n-1>.
  void MakeClouds(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(h_.store().CreateCloud(Ctx(), absl::StrFormat("c%03d", i)).ok());
    }
  }
  grpc::Status ListClouds(const v1::ListRequest& r, std::vector<v1::ListCloudsPage>* pages,
                          int max_pages = 1000) {
    return Stream(h_.directory(), &Directory::ListClouds, key_, r, pages, max_pages);
  }
  static std::vector<int> Sizes(const std::vector<v1::ListCloudsPage>& pages) {
    std::vector<int> out;
    for (const auto& p : pages) out.push_back(p.clouds_size());
    return out;
  }
  static std::vector<std::string> Names(const std::vector<v1::ListCloudsPage>& pages) {
    std::vector<std::string> out;
    for (const auto& p : pages)
      for (const auto& c : p.clouds()) out.push_back(c.name());
    return out;
  }
  // The first page's token of a ListClouds with `request`.
  std::string FirstToken(v1::ListRequest request) {
    request.set_page_size(1);
    std::vector<v1::ListCloudsPage> pages;
    ListClouds(request, &pages, 1);  // cancelled after one page (or already finished)
    EXPECT_FALSE(pages.empty());
    return pages.empty() ? "" : pages[0].next_page_token();
  }

  ServiceHarness h_;
  std::string key_;
};

TEST_F(PagingLogic, PageSizeZeroMeansFiftyAndOnlyTheLastTokenIsEmpty) {
  MakeClouds(120);
  std::vector<v1::ListCloudsPage> pages;
  const grpc::Status listed = ListClouds(v1::ListRequest(), &pages);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_THAT(Sizes(pages), ElementsAre(50, 50, 20));
  EXPECT_FALSE(pages[0].next_page_token().empty());
  EXPECT_FALSE(pages[1].next_page_token().empty());
  EXPECT_TRUE(pages[2].next_page_token().empty());
  const auto names = Names(pages);
  ASSERT_EQ(names.size(), 120u);
  EXPECT_EQ(names.front(), "c000");
  EXPECT_EQ(names.back(), "c119");
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(PagingLogic, ExactlyFullLastPageHasNoToken) {
  MakeClouds(6);
  v1::ListRequest r;
  r.set_page_size(3);
  std::vector<v1::ListCloudsPage> pages;
  ASSERT_TRUE(ListClouds(r, &pages).ok());
  EXPECT_THAT(Sizes(pages), ElementsAre(3, 3));
  EXPECT_TRUE(pages[1].next_page_token().empty());
}

TEST_F(PagingLogic, EmptyListingSendsOneEmptyPage) {
  std::vector<v1::ListCloudsPage> pages;
  ASSERT_TRUE(ListClouds(v1::ListRequest(), &pages).ok());
  EXPECT_THAT(Sizes(pages), ElementsAre(0));
  EXPECT_TRUE(pages[0].next_page_token().empty());
}

TEST_F(PagingLogic, PageSizeOutOfBoundsIsInvalidArgumentLikeTheSeed) {
  MakeClouds(2);
  for (const int size : {51, -1, 1000}) {
    v1::ListRequest r;
    r.set_page_size(size);
    const int64_t before = h_.store().calls("ListClouds");
    const grpc::Status s = ListClouds(r, nullptr);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << size;
    EXPECT_EQ(s.error_message(), "'page_size' must be between 1 and 50, inclusive.");
    EXPECT_EQ(h_.store().calls("ListClouds"), before);
  }
  v1::ListRequest fifty;
  fifty.set_page_size(50);
  EXPECT_TRUE(ListClouds(fifty, nullptr).ok());
  v1::ListRequest one;
  one.set_page_size(1);
  std::vector<v1::ListCloudsPage> pages;
  ASSERT_TRUE(ListClouds(one, &pages).ok());
  EXPECT_THAT(Sizes(pages), ElementsAre(1, 1));
}

TEST_F(PagingLogic, MaxItemsStopsEarlyWithAResumableToken) {
  MakeClouds(10);
  v1::ListRequest r;
  r.set_page_size(3);
  r.set_max_items(7);
  std::vector<v1::ListCloudsPage> pages;
  ASSERT_TRUE(ListClouds(r, &pages).ok());
  EXPECT_THAT(Sizes(pages), ElementsAre(3, 3, 1));
  ASSERT_FALSE(pages.back().next_page_token().empty());  // more follow
  v1::ListRequest rest;
  rest.set_page_token(pages.back().next_page_token());
  std::vector<v1::ListCloudsPage> more;
  ASSERT_TRUE(ListClouds(rest, &more).ok());
  EXPECT_THAT(Names(more), ElementsAre("c007", "c008", "c009"));
  v1::ListRequest all;
  all.set_max_items(10);
  std::vector<v1::ListCloudsPage> exact;
  ASSERT_TRUE(ListClouds(all, &exact).ok());
  EXPECT_THAT(Sizes(exact), ElementsAre(10));
  EXPECT_TRUE(exact.back().next_page_token().empty());
  v1::ListRequest negative;
  negative.set_max_items(-1);
  const grpc::Status s = ListClouds(negative, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "'max_items' must be greater than 0.");
}

TEST_F(PagingLogic, ResumingPageByPageSeesEveryRowOnce) {
  MakeClouds(7);
  std::vector<std::string> names;
  v1::ListRequest r;
  r.set_page_size(2);
  for (int calls = 0; calls < 10; ++calls) {
    std::vector<v1::ListCloudsPage> pages;
    const grpc::Status s = ListClouds(r, &pages, 1);  // stop after one page, resume later
    ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::CANCELLED) << s.error_message();
    ASSERT_EQ(pages.size(), 1u);
    for (const auto& c : pages[0].clouds()) names.push_back(c.name());
    if (pages[0].next_page_token().empty()) break;
    r.set_page_token(pages[0].next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("c000", "c001", "c002", "c003", "c004", "c005", "c006"));
}

TEST_F(PagingLogic, TamperedTokensAreInvalidArgument) {
  MakeClouds(3);
  const std::string token = FirstToken(v1::ListRequest());
  ASSERT_FALSE(token.empty());
  for (size_t i : {size_t{0}, token.size() / 2, token.size() - 1}) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    v1::ListRequest r;
    r.set_page_token(bad);
    EXPECT_EQ(ListClouds(r, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
  }
  v1::ListRequest garbage;
  garbage.set_page_token("not-a-token");
  EXPECT_EQ(ListClouds(garbage, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PagingLogic, TokensAreBoundToTheirFilters) {
  MakeClouds(3);
  v1::ListRequest filtered;
  filtered.set_name("c00");
  const std::string token = FirstToken(filtered);
  v1::ListRequest same = filtered;
  same.set_page_token(token);
  EXPECT_TRUE(ListClouds(same, nullptr).ok());
  v1::ListRequest other;
  other.set_name("c0");
  other.set_page_token(token);
  EXPECT_EQ(ListClouds(other, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListRequest unfiltered;
  unfiltered.set_page_token(token);
  EXPECT_EQ(ListClouds(unfiltered, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PagingLogic, TokensOfAnotherListingOrOrganizationAreInvalidArgument) {
  MakeClouds(3);
  for (const char* g : {"g1", "g2"}) ASSERT_TRUE(h_.store().CreateGroup(Ctx(), g).ok());
  const std::string token = FirstToken(v1::ListRequest());
  v1::ListRequest r;
  r.set_page_token(token);
  const int64_t before = h_.store().calls("ListGroups");
  EXPECT_EQ(Stream(h_.directory(), &Directory::ListUserGroups, key_, r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stream(h_.directory(), &Directory::ListProjects, key_, r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(h_.store().calls("ListGroups"), before);
  v1::ListUsersRequest users;
  users.set_page_token(token);
  EXPECT_EQ(Stream(h_.users(), &Users::ListUsers, key_, users).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListUserPermissionsRequest perms;
  perms.set_page_token(token);
  EXPECT_EQ(Stream(h_.permissions(), &Permissions::ListUserPermissions, key_, perms).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  h_.CreateOrg("org_paging2");
  ASSERT_TRUE(h_.store().CreateCloud(RequestContext::Org("org_paging2"), "x").ok());
  const std::string other_key = h_.Key("org_paging2", Scope::kAdmin);
  EXPECT_EQ(Stream(h_.directory(), &Directory::ListClouds, other_key, r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PagingLogic, UsersPageByLowerCaseEmailWithFiltersAndTokens) {
  for (const char* e : {"b@x.com", "A@x.com", "c@y.com", "D@x.com"}) h_.AddUser(kOrg, e, "N");
  v1::ListUsersRequest r;
  r.set_email("X.COM");
  r.set_page_size(2);
  std::vector<v1::ListUsersPage> pages;
  ASSERT_TRUE(Stream(h_.users(), &Users::ListUsers, key_, r, &pages).ok());
  std::vector<std::string> emails;
  for (const auto& p : pages)
    for (const auto& u : p.users()) emails.push_back(u.email());
  EXPECT_THAT(emails, ElementsAre("A@x.com", "b@x.com", "D@x.com"));
  ASSERT_EQ(pages.size(), 2u);
  v1::ListUsersRequest resumed = r;
  resumed.set_page_token(pages[0].next_page_token());
  std::vector<v1::ListUsersPage> rest;
  ASSERT_TRUE(Stream(h_.users(), &Users::ListUsers, key_, resumed, &rest).ok());
  ASSERT_EQ(rest.size(), 1u);
  ASSERT_EQ(rest[0].users_size(), 1);
  EXPECT_EQ(rest[0].users(0).email(), "D@x.com");
  resumed.set_collaborator_type("only_service_accounts");
  EXPECT_EQ(Stream(h_.users(), &Users::ListUsers, key_, resumed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PagingLogic, PermissionPagesCarryTheOrganizationAndOwnersFirst) {
  std::vector<std::string> users;
  for (const char* e : {"a@x.com", "b@x.com", "c@x.com"}) users.push_back(h_.AddUser(kOrg, e, "N"));
  const std::string cloud = h_.AddCloud(kOrg, "c");
  for (const auto& user : users) {
    ASSERT_TRUE(h_.store()
                    .GrantRole(Ctx(), {ResourceKind::kCloud, cloud}, {false, user}, Role::kReadonly)
                    .ok());
  }
  ASSERT_TRUE(
      h_.store()
          .GrantRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {false, users[1]}, Role::kOwner)
          .ok());
  v1::ListUserPermissionsRequest r;
  r.set_page_size(2);
  std::vector<v1::ListUserPermissionsPage> pages;
  ASSERT_TRUE(Stream(h_.permissions(), &Permissions::ListUserPermissions, key_, r, &pages).ok());
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].users_size(), 2);
  EXPECT_EQ(pages[1].users_size(), 1);
  for (const auto& p : pages) EXPECT_EQ(p.organization_id(), kOrg);
  ASSERT_EQ(pages[0].org_owners_size(), 1);
  EXPECT_EQ(pages[0].org_owners(0).user_id(), users[1]);
  EXPECT_EQ(pages[1].org_owners_size(), 0);
  EXPECT_FALSE(pages[0].next_page_token().empty());
  EXPECT_TRUE(pages[1].next_page_token().empty());
  v1::ListUserPermissionsRequest resumed = r;
  resumed.set_page_token(pages[0].next_page_token());
  std::vector<v1::ListUserPermissionsPage> rest;
  ASSERT_TRUE(
      Stream(h_.permissions(), &Permissions::ListUserPermissions, key_, resumed, &rest).ok());
  ASSERT_EQ(rest.size(), 1u);
  ASSERT_EQ(rest[0].users_size(), 1);
  EXPECT_EQ(rest[0].users(0).user_email(), "c@x.com");
  EXPECT_EQ(rest[0].org_owners_size(), 0);
}

TEST_F(PagingLogic, GrantsPageGroupsFirst) {
  const std::string cloud = h_.AddCloud(kOrg, "c");
  auto group = h_.store().CreateGroup(Ctx(), "g");
  ASSERT_TRUE(group.ok());
  const std::string user = h_.AddUser(kOrg, "u@x.com", "U");
  const ResourceKey res{ResourceKind::kCloud, cloud};
  ASSERT_TRUE(h_.store().GrantRole(Ctx(), res, {false, user}, Role::kOwner).ok());
  ASSERT_TRUE(h_.store().GrantRole(Ctx(), res, {false, user}, Role::kReadonly).ok());
  ASSERT_TRUE(h_.store().GrantRole(Ctx(), res, {true, group->id()}, Role::kReadonly).ok());
  v1::ListGrantsRequest r;
  r.mutable_resource()->set_cloud_id(cloud);
  r.set_page_size(1);
  std::vector<v1::ListGrantsPage> pages;
  ASSERT_TRUE(Stream(h_.directory(), &Directory::ListGrants, key_, r, &pages).ok());
  std::vector<std::string> got;
  for (const auto& p : pages)
    for (const auto& g : p.grants()) got.push_back(absl::StrCat(g.principal_name(), " ", g.role()));
  EXPECT_THAT(got, ElementsAre("g readonly", "u@x.com readonly", "u@x.com owner"));
  ASSERT_EQ(pages.size(), 3u);
  v1::ListGrantsRequest other = r;
  other.mutable_resource()->set_organization(true);
  other.set_page_token(pages[0].next_page_token());
  EXPECT_EQ(Stream(h_.directory(), &Directory::ListGrants, key_, other).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace rolecall::testing
