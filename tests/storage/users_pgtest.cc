#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/api_key.h"
#include "core/ids.h"
#include "storage/pg_store.h"
#include "tests/support/test_database.h"

namespace rolecall {
namespace {

using ::testing::HasSubstr;
using testing::NewOrgId;
using testing::TestDatabase;

class UsersPg : public ::testing::Test {
 protected:
  UsersPg() : store_(PoolOptions{db_.serving_url(), 8}) {}

  std::string NewOrg() {
    const std::string org = NewOrgId();
    EXPECT_TRUE(store_.CreateOrg(RequestContext::Org(org), org).ok());
    return org;
  }

  static NewUserRow Row(const std::string& email, const std::string& name = "Name") {
    NewUserRow row;
    row.user_id = NewId("usr_");
    row.user.set_email(email);
    row.user.set_name(name);
    return row;
  }

  int64_t CountUsers(const std::string& org) {
    return std::stoll(db_.Scalar("SELECT count(*) FROM users WHERE org_id = '" + org + "'"));
  }

  // Walks a whole listing page by page; the emails in the order returned.
  std::vector<std::string> Walk(const std::string& org, const UserQuery& q, int page_size) {
    std::vector<std::string> emails;
    std::optional<EmailCursor> after;
    while (true) {
      auto page = store_.ListUsers(RequestContext::Org(org), q, after, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return emails;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      for (const auto& u : page->items) emails.push_back(u.email());
      if (!page->next) return emails;
      after = page->next;
    }
  }

  TestDatabase db_;
  PgStore store_;
};

TEST_F(UsersPg, CreatedUsersGetDatabaseTimestampsAndAreCollaborators) {
  const std::string org = NewOrg();
  auto created = store_.CreateUsers(RequestContext::Org(org), {Row("a@x.io"), Row("b@x.io")});
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->size(), 2u);
  EXPECT_GT((*created)[0].created_at().seconds(), 1700000000);
  auto page = store_.ListUsers(RequestContext::Org(org), {}, {}, 10);
  ASSERT_TRUE(page.ok());
  for (const auto& u : page->items) EXPECT_EQ(u.permission_level(), "collaborator");
}

// Rows come back into messages by column name (pg::Read): every column of every kind of row
// reaches its field, times included, and a NULL column leaves its field unset.
TEST_F(UsersPg, RowsComeBackWithEveryColumnInItsField) {
  const std::string org = NewOrg();
  const RequestContext ctx = RequestContext::Org(org);
  constexpr int64_t kRecent = 1700000000;

  NewUserRow row = Row("full@x.io", "Full");
  row.user.set_lastname("Name");
  auto created = store_.CreateUsers(ctx, {row, Row("bare@x.io", "Bare")});
  ASSERT_TRUE(created.ok()) << created.status();
  auto full = store_.FindUser(ctx, UserKey{UserKey::By::kEmail, "full@x.io"}, AccountFilter::kAll);
  ASSERT_TRUE(full.ok() && full->user) << full.status();
  EXPECT_EQ(full->user->user_id(), row.user_id);
  EXPECT_EQ(full->user->name(), "Full");
  EXPECT_EQ(full->user->lastname(), "Name");
  EXPECT_FALSE(full->user->has_title());  // NULL
  EXPECT_GT(full->user->created_at().seconds(), kRecent);
  auto bare = store_.FindUser(ctx, UserKey{UserKey::By::kEmail, "bare@x.io"}, AccountFilter::kAll);
  ASSERT_TRUE(bare.ok() && bare->user);
  EXPECT_FALSE(bare->user->has_lastname());
  auto bot = store_.CreateServiceAccount(ctx, "Deploy Bot");
  ASSERT_TRUE(bot.ok()) << bot.status();
  EXPECT_TRUE(bot->is_service_account());
  EXPECT_EQ(bot->name(), "Deploy Bot");
  EXPECT_TRUE(absl::StartsWith(bot->email(), "deploy-bot")) << bot->email();
  EXPECT_GT(bot->created_at().seconds(), kRecent);

  auto cloud = store_.CreateCloud(ctx, "c1");
  ASSERT_TRUE(cloud.ok()) << cloud.status();
  auto read_cloud = store_.GetCloud(ctx, "c1", /*by_name=*/true);
  ASSERT_TRUE(read_cloud.ok()) << read_cloud.status();
  EXPECT_EQ(read_cloud->cloud_id(), cloud->cloud_id());
  EXPECT_EQ(read_cloud->name(), "c1");
  EXPECT_GT(read_cloud->created_at().seconds(), kRecent);
  auto project = store_.CreateProject(ctx, cloud->cloud_id(), "p1");
  ASSERT_TRUE(project.ok()) << project.status();
  auto read_project = store_.GetProject(ctx, project->project_id());
  ASSERT_TRUE(read_project.ok());
  EXPECT_EQ(read_project->cloud_id(), cloud->cloud_id());
  EXPECT_EQ(read_project->name(), "p1");
  EXPECT_GT(read_project->created_at().seconds(), kRecent);

  auto group = store_.CreateGroup(ctx, "g1");
  ASSERT_TRUE(group.ok()) << group.status();
  auto groups = store_.ListGroups(ctx, NameQuery{}, std::nullopt, 10);
  ASSERT_TRUE(groups.ok() && groups->items.size() == 1);
  const v1::UserGroup& listed = groups->items[0];
  EXPECT_TRUE(absl::StartsWith(listed.id(), "ug_")) << listed.id();
  EXPECT_EQ(listed.id(), group->id());
  EXPECT_EQ(listed.name(), "g1");
  EXPECT_EQ(listed.org_id(), org);
  EXPECT_GT(listed.created_at().seconds(), kRecent);
  EXPECT_GT(listed.updated_at().seconds(), kRecent);

  const ApiKeyRecord key{org, NewApiKey().key_id, "hash", Scope::kRead, row.user_id, false};
  ASSERT_TRUE(store_.InsertApiKey(ctx, key, "ci").ok());
  ASSERT_TRUE(store_.RevokeApiKey(ctx, key.key_id).ok());
  const ApiKeyRecord live{org, NewApiKey().key_id, "hash", Scope::kCheck, "", false};
  ASSERT_TRUE(store_.InsertApiKey(ctx, live, "live").ok());
  auto keys = store_.ListApiKeys(ctx, std::nullopt, 10);
  ASSERT_TRUE(keys.ok() && keys->items.size() == 2) << keys.status();
  for (const v1::ApiKey& listed_key : keys->items) {
    EXPECT_GT(listed_key.created_at().seconds(), kRecent);
    if (listed_key.key_id() == key.key_id) {
      EXPECT_EQ(listed_key.name(), "ci");
      EXPECT_EQ(listed_key.scope(), "read");
      EXPECT_EQ(listed_key.principal_user_id(), row.user_id);
      EXPECT_GT(listed_key.revoked_at().seconds(), kRecent);
    } else {
      EXPECT_EQ(listed_key.key_id(), live.key_id);
      EXPECT_EQ(listed_key.scope(), "check");
      EXPECT_FALSE(listed_key.has_revoked_at());  // NULL
    }
  }
}

// Replicas starting together on a fresh database all read the one key the first of them stored
// (a second one waits for the first to commit and must still get a row back).
TEST(PageTokenKeyPg, ReplicasStartingTogetherShareOneKey) {
  for (int round = 0; round < 5; ++round) {
    TestDatabase db;
    db.Exec("DELETE FROM server_settings WHERE name = 'page_token_key'");
    constexpr int kReplicas = 6;
    std::vector<std::unique_ptr<PgStore>> stores;
    for (int i = 0; i < kReplicas; ++i) {
      stores.push_back(std::make_unique<PgStore>(PoolOptions{db.serving_url(), 1}));
    }
    std::vector<absl::StatusOr<std::string>> keys(kReplicas, absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    for (int i = 0; i < kReplicas; ++i) {
      threads.emplace_back([&, i] { keys[i] = stores[i]->PageTokenKey(RequestContext{}); });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kReplicas; ++i) {
      ASSERT_TRUE(keys[i].ok()) << "replica " << i << ": " << keys[i].status();
      EXPECT_EQ(*keys[i], *keys[0]);
    }
    EXPECT_EQ(db.Scalar("SELECT value FROM server_settings WHERE name = 'page_token_key'"),
              *keys[0]);
  }
}

TEST_F(UsersPg, MidBatchConflictCreatesNothingAndNamesEveryTakenEmail) {
  const std::string org = NewOrg();
  ASSERT_TRUE(
      store_.CreateUsers(RequestContext::Org(org), {Row("taken@x.io"), Row("also@x.io")}).ok());
  auto result = store_.CreateUsers(RequestContext::Org(org), {Row("new1@x.io"), Row("TAKEN@x.io"),
                                                              Row("new2@x.io"), Row("also@x.io")});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("taken@x.io"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("also@x.io"));
  EXPECT_EQ(CountUsers(org), 2);
}

TEST_F(UsersPg, ConcurrentOverlappingBatchesCreateTheSharedUserOnce) {
  for (int round = 0; round < 40; ++round) {
    const std::string org = NewOrg();
    std::vector<NewUserRow> a, b;
    for (int i = 0; i < 20; ++i) {
      a.push_back(Row("a" + std::to_string(i) + "@x.io"));
      b.push_back(Row("b" + std::to_string(i) + "@x.io"));
    }
    a.push_back(Row("shared@x.io"));
    b.insert(b.begin(), Row("Shared@X.io"));
    absl::Status sa, sb;
    std::thread ta([&] { sa = store_.CreateUsers(RequestContext::Org(org), a).status(); });
    std::thread tb([&] { sb = store_.CreateUsers(RequestContext::Org(org), b).status(); });
    ta.join();
    tb.join();
    ASSERT_NE(sa.ok(), sb.ok()) << "round " << round << ": " << sa << " / " << sb;
    const absl::Status& failed = sa.ok() ? sb : sa;
    EXPECT_EQ(failed.code(), absl::StatusCode::kAlreadyExists) << failed;
    EXPECT_THAT(absl::AsciiStrToLower(failed.message()), HasSubstr("shared@x.io"));
    EXPECT_EQ(CountUsers(org), 21);
    EXPECT_EQ(db_.Scalar("SELECT count(*) FROM users WHERE org_id = '" + org +
                         "' AND email_key = 'shared@x.io'"),
              "1");
  }
}

TEST_F(UsersPg, PagingReturnsEveryUserOnceInOrderWithEveryFilter) {
  const std::string org = NewOrg();
  std::vector<NewUserRow> rows;
  for (int i = 0; i < 1000; ++i) {
    // Mixed case and a name pattern so both filters select subsets.
    const std::string email = (i % 3 ? "User" : "member") + std::to_string(i) + "@Example.com";
    rows.push_back(Row(email, i % 2 ? "Odd Person" : "Even Person"));
  }
  ASSERT_TRUE(store_.CreateUsers(RequestContext::Org(org), rows).ok());
  db_.Exec("UPDATE users SET is_service_account = true WHERE org_id = '" + org +
           "' AND email LIKE '%5@%'");

  struct Case {
    UserQuery query;
    std::function<bool(const NewUserRow&)> expected;
  };
  const auto ends_in_5 = [](const NewUserRow& r) {
    return r.user.email().find("5@") != std::string::npos;
  };
  const std::vector<Case> cases = {
      {{}, [](const NewUserRow&) { return true; }},
      {{"MEMBER", "", AccountFilter::kAll},
       [](const NewUserRow& r) { return r.user.email().rfind("member", 0) == 0; }},
      {{"", "odd", AccountFilter::kAll},
       [](const NewUserRow& r) { return r.user.name() == "Odd Person"; }},
      {{"", "", AccountFilter::kServiceAccounts}, ends_in_5},
      {{"user", "even", AccountFilter::kUserAccounts},
       [&](const NewUserRow& r) {
         return r.user.email().rfind("User", 0) == 0 && r.user.name() == "Even Person" &&
                !ends_in_5(r);
       }},
  };
  for (const auto& c : cases) {
    std::vector<std::string> expected;
    for (const auto& r : rows) {
      if (c.expected(r)) expected.push_back(r.user.email());
    }
    std::sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
      return absl::AsciiStrToLower(a) < absl::AsciiStrToLower(b);
    });
    ASSERT_FALSE(expected.empty());
    for (int page_size : {1, 7, 50}) {
      EXPECT_EQ(Walk(org, c.query, page_size), expected)
          << "page size " << page_size << ", email filter '" << c.query.email_contains
          << "', name filter '" << c.query.name_contains << "'";
    }
  }
}

TEST_F(UsersPg, OrganizationsAreIsolated) {
  const std::string a = NewOrg(), b = NewOrg();
  ASSERT_TRUE(store_.CreateUsers(RequestContext::Org(a), {Row("same@x.io", "In A")}).ok());
  ASSERT_TRUE(store_.CreateUsers(RequestContext::Org(b), {Row("same@x.io", "In B")}).ok());
  auto page = store_.ListUsers(RequestContext::Org(b), {}, {}, 50);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name(), "In B");
  const UserKey by_id{UserKey::By::kId, page->items[0].user_id()};
  EXPECT_EQ(store_.FindUser(RequestContext::Org(a), by_id, AccountFilter::kAll)->match_count, 0);
}

TEST_F(UsersPg, FindUserByEmailIsCaseInsensitiveAndCountsNameMatches) {
  const std::string org = NewOrg();
  ASSERT_TRUE(
      store_
          .CreateUsers(RequestContext::Org(org),
                       {Row("ann@x.io", "Sam"), Row("bob@x.io", "Sam"), Row("cy@x.io", "Cy")})
          .ok());
  const UserKey by_email{UserKey::By::kEmail, "ANN@X.IO"};
  auto match = store_.FindUser(RequestContext::Org(org), by_email, AccountFilter::kAll);
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->match_count, 1);
  EXPECT_EQ(match->user->email(), "ann@x.io");
  UserKey by_name{UserKey::By::kName, "Sam"};
  EXPECT_EQ(store_.FindUser(RequestContext::Org(org), by_name, AccountFilter::kAll)->match_count,
            2);
  by_name.value = "sam";  // names match exactly
  EXPECT_EQ(store_.FindUser(RequestContext::Org(org), by_name, AccountFilter::kAll)->match_count,
            0);
  by_name.value = "Cy";
  EXPECT_EQ(store_.FindUser(RequestContext::Org(org), by_name, AccountFilter::kServiceAccounts)
                ->match_count,
            0);
}

}  // namespace
}  // namespace rolecall
