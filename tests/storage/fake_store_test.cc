// FakeStore against the storage contracts and the model's rules: paging edges, ordering,
// cascades, NOT_FOUND and ALREADY_EXISTS with the PostgreSQL store's wording, effective roles,
// the permission stream, and the test controls (faults, counters, the observed context).
#include "tests/support/fake_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/ids.h"

namespace rolecall::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kOrg[] = "org_fake";
constexpr char kOther[] = "org_other";

RequestContext Ctx(const std::string& org = kOrg) { return RequestContext::Org(org); }

class FakeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_->CreateOrg(Ctx(), "Fake").ok());
    ASSERT_TRUE(store_->CreateOrg(Ctx(kOther), "Other").ok());
  }

  std::string AddUser(const std::string& email, const std::string& name = "Someone",
                      const std::string& org = kOrg) {
    NewUserRow row;
    row.user_id = NewId("usr_");
    row.user.set_email(email);
    row.user.set_name(name);
    auto created = store_->CreateUsers(Ctx(org), {row});
    EXPECT_TRUE(created.ok()) << created.status();
    return row.user_id;
  }
  std::string AddCloud(const std::string& name, const std::string& org = kOrg) {
    auto c = store_->CreateCloud(Ctx(org), name);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->cloud_id() : "";
  }
  std::string AddProject(const std::string& cloud, const std::string& name) {
    auto p = store_->CreateProject(Ctx(), cloud, name);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? p->project_id() : "";
  }
  std::string AddGroup(const std::string& name) {
    auto g = store_->CreateGroup(Ctx(), name);
    EXPECT_TRUE(g.ok()) << g.status();
    return g.ok() ? g->id() : "";
  }
  void Grant(ResourceKind kind, const std::string& id, bool group, const std::string& who,
             Role role) {
    auto g = store_->GrantRole(Ctx(), {kind, id}, {group, who}, role);
    EXPECT_TRUE(g.ok()) << g.status();
  }
  absl::StatusOr<Role> Check(const std::string& user, ResourceKind kind, const std::string& id) {
    return store_->EffectiveRole(Ctx(), {user, {kind, id}});
  }
  // Every cloud name, walking ListClouds `limit` at a time; also counts the pages.
  std::vector<std::string> WalkClouds(int limit, int* pages) {
    std::vector<std::string> names;
    std::optional<NameIdCursor> after;
    *pages = 0;
    do {
      auto page = store_->ListClouds(Ctx(), {}, after, limit);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || ++*pages > 100) break;
      EXPECT_LE(static_cast<int>(page->items.size()), limit);
      for (const auto& c : page->items) names.push_back(c.name());
      after = page->next;
    } while (after);
    return names;
  }

  std::unique_ptr<FakeStore> store_ = FakeStore::New();
};

// --- Paging. ---

TEST_F(FakeStoreTest, PagesHoldLimitItemsAndNextOnlyWhenMoreFollow) {
  for (const char* n : {"d", "b", "e", "a", "c"}) AddCloud(n);
  int pages = 0;
  EXPECT_THAT(WalkClouds(2, &pages), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(WalkClouds(5, &pages), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 1);  // exactly `limit` items: no next page
  EXPECT_THAT(WalkClouds(1, &pages), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 5);
  auto full = store_->ListClouds(Ctx(), {}, std::nullopt, 5);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->next.has_value());
  auto first = store_->ListClouds(Ctx(), {}, std::nullopt, 4);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next.has_value());
  EXPECT_EQ(first->next->name, "d");  // the cursor of the last item returned
  EXPECT_EQ(first->next->id, first->items.back().cloud_id());
}

TEST_F(FakeStoreTest, EmptyListingAndNonPositiveLimit) {
  auto empty = store_->ListClouds(Ctx(), {}, std::nullopt, 3);
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(empty->items, IsEmpty());
  EXPECT_FALSE(empty->next.has_value());
  EXPECT_EQ(store_->ListClouds(Ctx(), {}, std::nullopt, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FakeStoreTest, ResumesStrictlyAfterTheCursorEvenWhenItsRowIsGone) {
  const std::string b = AddCloud("b");
  AddCloud("a");
  AddCloud("c");
  auto page = store_->ListClouds(Ctx(), {}, NameIdCursor{"b", b}, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name(), "c");
  ASSERT_TRUE(store_->DeleteCloud(Ctx(), b).ok());
  page = store_->ListClouds(Ctx(), {}, NameIdCursor{"b", b}, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name(), "c");
}

TEST_F(FakeStoreTest, UsersAreOrderedByLowerCaseEmailAndFiltered) {
  AddUser("Bob@x.com", "Bob");
  AddUser("alice@x.com", "Alice");
  AddUser("CAROL@y.com", "Carol");
  ASSERT_TRUE(store_->CreateServiceAccount(Ctx(), "Bot").ok());
  std::vector<std::string> emails;
  std::optional<EmailCursor> after;
  int pages = 0;
  do {
    ASSERT_LT(++pages, 100) << "the listing does not end";
    auto page = store_->ListUsers(Ctx(), {}, after, 1);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& u : page->items) emails.push_back(u.email());
    after = page->next;
  } while (after);
  EXPECT_THAT(emails, ElementsAre("alice@x.com", "Bob@x.com", "bot@org-org_fake.serviceaccount.com",
                                  "CAROL@y.com"));
  auto x = store_->ListUsers(Ctx(), UserQuery{"X.COM", "", AccountFilter::kAll}, std::nullopt, 10);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->items.size(), 2u);
  auto named =
      store_->ListUsers(Ctx(), UserQuery{"", "caR", AccountFilter::kAll}, std::nullopt, 10);
  ASSERT_TRUE(named.ok());
  ASSERT_EQ(named->items.size(), 1u);
  EXPECT_EQ(named->items[0].email(), "CAROL@y.com");
  auto bots = store_->ListUsers(Ctx(), UserQuery{"", "", AccountFilter::kServiceAccounts},
                                std::nullopt, 10);
  ASSERT_TRUE(bots.ok());
  ASSERT_EQ(bots->items.size(), 1u);
  EXPECT_TRUE(bots->items[0].is_service_account());
  auto people =
      store_->ListUsers(Ctx(), UserQuery{"", "", AccountFilter::kUserAccounts}, std::nullopt, 10);
  ASSERT_TRUE(people.ok());
  EXPECT_EQ(people->items.size(), 3u);
}

TEST_F(FakeStoreTest, ProjectsWithTheSameNameAreOrderedById) {
  const std::string c1 = AddCloud("one"), c2 = AddCloud("two");
  const std::string p1 = AddProject(c1, "web"), p2 = AddProject(c2, "web");
  AddProject(c2, "api");
  auto page = store_->ListProjects(Ctx(), {}, std::nullopt, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].name(), "api");
  EXPECT_EQ(page->items[1].project_id(), std::min(p1, p2));
  EXPECT_EQ(page->items[2].project_id(), std::max(p1, p2));
  auto resumed = store_->ListProjects(Ctx(), {}, NameIdCursor{"web", std::min(p1, p2)}, 10);
  ASSERT_TRUE(resumed.ok());
  ASSERT_EQ(resumed->items.size(), 1u);
  EXPECT_EQ(resumed->items[0].project_id(), std::max(p1, p2));
  auto of_c1 = store_->ListProjects(Ctx(), ProjectQuery{c1, ""}, std::nullopt, 10);
  ASSERT_TRUE(of_c1.ok());
  ASSERT_EQ(of_c1->items.size(), 1u);
  EXPECT_EQ(of_c1->items[0].project_id(), p1);
}

TEST_F(FakeStoreTest, GrantsListGroupsFirstThenByPrincipalIdAndRole) {
  const std::string cloud = AddCloud("c");
  const std::string u1 = AddUser("u1@x.com"), u2 = AddUser("u2@x.com");
  const std::string g = AddGroup("devs");
  Grant(ResourceKind::kCloud, cloud, false, u1, Role::kOwner);
  Grant(ResourceKind::kCloud, cloud, false, u1, Role::kReadonly);
  Grant(ResourceKind::kCloud, cloud, false, u2, Role::kCollaborator);
  Grant(ResourceKind::kCloud, cloud, true, g, Role::kReadonly);
  std::vector<std::string> seen;
  std::optional<GrantCursor> after;
  int pages = 0;
  do {
    ASSERT_LT(++pages, 100) << "the listing does not end";
    auto page = store_->ListGrants(Ctx(), {ResourceKind::kCloud, cloud}, after, 3);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& gr : page->items) {
      const std::string who =
          gr.principal().has_group_id() ? gr.principal().group_id() : gr.principal().user_id();
      seen.push_back(absl::StrCat(who, " ", gr.role(), " ", gr.principal_name()));
    }
    after = page->next;
  } while (after);
  const auto [lo, hi] = std::minmax(u1, u2);
  std::vector<std::string> users = {absl::StrCat(u1, " readonly u1@x.com"),
                                    absl::StrCat(u1, " owner u1@x.com"),
                                    absl::StrCat(u2, " collaborator u2@x.com")};
  if (lo != u1) std::rotate(users.begin(), users.begin() + 2, users.end());
  EXPECT_THAT(seen, ElementsAre(absl::StrCat(g, " readonly devs"), users[0], users[1], users[2]));
}

TEST_F(FakeStoreTest, ApiKeysListByKeyIdWithinTheOrganization) {
  for (const char* id : {"kc", "ka", "kb"}) {
    ApiKeyRecord k{kOrg, id, "hash", Scope::kRead, "", false};
    ASSERT_TRUE(store_->InsertApiKey(Ctx(), k, std::string("name-") + id).ok());
  }
  ASSERT_TRUE(
      store_->InsertApiKey(Ctx(kOther), {kOther, "k0", "hash", Scope::kAdmin, "", false}, "").ok());
  ASSERT_TRUE(store_->RevokeApiKey(Ctx(), "kb").ok());
  auto first = store_->ListApiKeys(Ctx(), std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].key_id(), "ka");
  EXPECT_EQ(first->items[1].key_id(), "kb");
  EXPECT_TRUE(first->items[1].has_revoked_at());
  EXPECT_FALSE(first->items[0].has_revoked_at());
  ASSERT_TRUE(first->next.has_value());
  auto second = store_->ListApiKeys(Ctx(), first->next, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].key_id(), "kc");
  EXPECT_EQ(second->items[0].name(), "name-kc");
  EXPECT_EQ(second->items[0].scope(), "read");
  EXPECT_FALSE(second->next.has_value());
}

TEST_F(FakeStoreTest, MembershipsListEmailsByLowerCaseEmail) {
  const std::string g = AddGroup("g"), h = AddGroup("h");
  AddUser("Zed@x.com");
  AddUser("amy@x.com");
  ASSERT_TRUE(store_->AddMembers(Ctx(), g, {"zed@X.com", "AMY@x.com"}).ok());
  auto page = store_->ListMemberships(Ctx(), {}, std::nullopt, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].group_id(), g);
  EXPECT_THAT(page->items[0].member_emails(), ElementsAre("amy@x.com", "Zed@x.com"));
  ASSERT_TRUE(page->next.has_value());
  auto next = store_->ListMemberships(Ctx(), {}, page->next, 1);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].group_id(), h);
  EXPECT_THAT(next->items[0].member_emails(), IsEmpty());
  EXPECT_FALSE(next->next.has_value());
  auto only_h = store_->ListMemberships(Ctx(), MembershipQuery{h}, std::nullopt, 5);
  ASSERT_TRUE(only_h.ok());
  ASSERT_EQ(only_h->items.size(), 1u);
}

// --- Duplicates. ---

TEST_F(FakeStoreTest, NamesAreUniquePerOrganization) {
  const std::string cloud = AddCloud("prod");
  EXPECT_EQ(store_->CreateCloud(Ctx(), "prod").status(),
            absl::AlreadyExistsError("a cloud named 'prod' already exists"));
  EXPECT_TRUE(store_->CreateCloud(Ctx(), "Prod").ok());  // names are case-sensitive
  EXPECT_TRUE(store_->CreateCloud(Ctx(kOther), "prod").ok());
  AddGroup("devs");
  EXPECT_EQ(store_->CreateGroup(Ctx(), "devs").status(),
            absl::AlreadyExistsError("a user group named 'devs' already exists"));
  AddProject(cloud, "web");
  EXPECT_EQ(store_->CreateProject(Ctx(), cloud, "web").status(),
            absl::AlreadyExistsError(
                absl::StrCat("cloud '", cloud, "' already has a project named 'web'")));
  EXPECT_TRUE(store_->CreateProject(Ctx(), AddCloud("other"), "web").ok());
}

TEST_F(FakeStoreTest, CreateUsersIsAllOrNothingNamingEveryTakenEmail) {
  AddUser("a@x.com");
  AddUser("b@x.com");
  std::vector<NewUserRow> rows(3);
  const char* emails[] = {"new@x.com", "B@X.com", "A@x.com"};
  for (int i = 0; i < 3; ++i) {
    rows[i].user_id = NewId("usr_");
    rows[i].user.set_email(emails[i]);
    rows[i].user.set_name("N");
  }
  EXPECT_EQ(store_->CreateUsers(Ctx(), rows).status(),
            absl::AlreadyExistsError(
                "users with these emails already exist: a@x.com, b@x.com; no user was created"));
  EXPECT_EQ(store_->ModelOf(kOrg).users.size(), 2u);
  rows.resize(2);
  rows[1].user.set_email("NEW@x.com");  // twice in one batch
  EXPECT_EQ(store_->CreateUsers(Ctx(), rows).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->ModelOf(kOrg).users.size(), 2u);
  rows.resize(1);
  rows[0].user.set_lastname("L");
  auto created = store_->CreateUsers(Ctx(), rows);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->size(), 1u);
  EXPECT_EQ((*created)[0].user_id(), rows[0].user_id);
  EXPECT_EQ((*created)[0].lastname(), "L");
  EXPECT_TRUE((*created)[0].has_created_at());
}

TEST_F(FakeStoreTest, ServiceAccountsGetTheirEmailOnce) {
  auto sa = store_->CreateServiceAccount(Ctx(), "Service Bot!");
  ASSERT_TRUE(sa.ok()) << sa.status();
  EXPECT_EQ(sa->email(), "service-bot@org-org_fake.serviceaccount.com");
  EXPECT_TRUE(sa->is_service_account());
  EXPECT_EQ(sa->permission_level(), "collaborator");
  EXPECT_EQ(store_->CreateServiceAccount(Ctx(), "service bot").status(),
            absl::AlreadyExistsError("a user with email "
                                     "'service-bot@org-org_fake.serviceaccount.com' already "
                                     "exists"));
  EXPECT_EQ(store_->CreateServiceAccount(Ctx(), "!!").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- Not found. ---

TEST_F(FakeStoreTest, UnknownAndOtherOrganizationsIdsAreNotFound) {
  const std::string theirs = AddCloud("theirs", kOther);
  EXPECT_EQ(store_->GetCloud(Ctx(), theirs, false).status(),
            absl::NotFoundError(absl::StrCat("cloud '", theirs, "' not found")));
  EXPECT_EQ(store_->DeleteCloud(Ctx(), theirs),
            absl::NotFoundError(absl::StrCat("cloud '", theirs, "' not found")));
  EXPECT_TRUE(store_->GetCloud(Ctx(kOther), theirs, false).ok());
  EXPECT_EQ(store_->GetCloud(Ctx(), "theirs", true).status(),
            absl::NotFoundError("cloud 'theirs' not found"));
  EXPECT_EQ(store_->GetProject(Ctx(), "prj_x").status(),
            absl::NotFoundError("project 'prj_x' not found"));
  EXPECT_EQ(store_->CreateProject(Ctx(), theirs, "p").status(),
            absl::NotFoundError(absl::StrCat("cloud '", theirs, "' not found")));
  EXPECT_EQ(store_->GetGroup(Ctx(), "ug_x", false).status(),
            absl::NotFoundError("user group 'ug_x' not found"));
  EXPECT_EQ(store_->DeleteGroup(Ctx(), "ug_x"), absl::NotFoundError("user group 'ug_x' not found"));
  EXPECT_EQ(store_->DeleteUser(Ctx(), "usr_x"), absl::NotFoundError("user 'usr_x' not found"));
  EXPECT_EQ(store_->DeleteProject(Ctx(), "prj_x"),
            absl::NotFoundError("project 'prj_x' not found"));
  EXPECT_EQ(store_->CheckOrgExists(Ctx("org_nope")),
            absl::NotFoundError("organization 'org_nope' does not exist"));
  EXPECT_TRUE(store_->CheckOrgExists(Ctx()).ok());
  EXPECT_EQ(store_->CreateCloud(Ctx("org_nope"), "c").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->FindApiKey(Ctx(""), "nokey").status(), absl::NotFoundError("unknown API key"));
  EXPECT_EQ(store_->RevokeApiKey(Ctx(), "nokey"),
            absl::NotFoundError("no API key 'nokey' in this organization"));
}

TEST_F(FakeStoreTest, MembershipChangesNameEveryUnknownUserAndChangeNothing) {
  const std::string g = AddGroup("g");
  const std::string a = AddUser("a@x.com");
  EXPECT_EQ(store_->AddMembers(Ctx(), g, {a, "ghost@x.com", "usr_ghost"}).status(),
            absl::NotFoundError("no such users: ghost@x.com, usr_ghost"));
  EXPECT_THAT(store_->ModelOf(kOrg).members[g], IsEmpty());
  EXPECT_EQ(store_->AddMembers(Ctx(), "ug_none", {a}).status(),
            absl::NotFoundError("user group 'ug_none' not found"));
  auto added = store_->AddMembers(Ctx(), g, {a, "A@X.COM"});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 1);
  added = store_->AddMembers(Ctx(), g, {a});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);  // members already are skipped
  const std::string b = AddUser("b@x.com");
  EXPECT_EQ(store_->RemoveMembers(Ctx(), g, {a, "b@x.com"}).status(),
            absl::NotFoundError("not members of the group: b@x.com; no member was removed"));
  EXPECT_EQ(store_->ModelOf(kOrg).members[g].count(a), 1u);
  EXPECT_EQ(store_->RemoveMembers(Ctx(), g, {"nobody@x.com"}).status(),
            absl::NotFoundError("no such user: nobody@x.com"));
  auto removed = store_->RemoveMembers(Ctx(), g, {"a@x.com"});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_THAT(store_->ModelOf(kOrg).members[g], IsEmpty());
  (void)b;
}

TEST_F(FakeStoreTest, GrantsNeedAnExistingResourceAndPrincipal) {
  const std::string u = AddUser("u@x.com");
  EXPECT_EQ(
      store_->GrantRole(Ctx(), {ResourceKind::kCloud, "cld_x"}, {false, u}, Role::kOwner).status(),
      absl::NotFoundError("cloud 'cld_x' not found"));
  EXPECT_EQ(
      store_->GrantRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {true, "ug_x"}, Role::kOwner)
          .status(),
      absl::NotFoundError("user group 'ug_x' not found"));
  EXPECT_EQ(
      store_->GrantRole(Ctx(), {ResourceKind::kOrganization, kOther}, {false, u}, Role::kOwner)
          .status(),
      absl::NotFoundError("organization 'org_other' not found"));
  auto g = store_->GrantRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {false, "U@x.com"},
                             Role::kOwner);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->principal().user_id(), u);
  EXPECT_EQ(g->principal_name(), "u@x.com");
  EXPECT_TRUE(g->resource().organization());
  auto again =
      store_->GrantRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {false, u}, Role::kOwner);
  ASSERT_TRUE(again.ok());  // holding it already is not an error, and keeps its time
  EXPECT_EQ(again->created_at().seconds(), g->created_at().seconds());
  EXPECT_EQ(again->created_at().nanos(), g->created_at().nanos());
  EXPECT_EQ(store_->RevokeRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {false, "u@x.com"},
                               Role::kCollaborator),
            absl::NotFoundError("user 'u@x.com' does not hold collaborator on organization "
                                "'org_fake'"));
  EXPECT_TRUE(
      store_->RevokeRole(Ctx(), {ResourceKind::kOrganization, kOrg}, {false, u}, Role::kOwner)
          .ok());
  EXPECT_THAT(store_->ModelOf(kOrg).user_grants, IsEmpty());
  EXPECT_EQ(store_->ListGrants(Ctx(), {ResourceKind::kProject, "prj_x"}, std::nullopt, 5).status(),
            absl::NotFoundError("project 'prj_x' not found"));
}

// --- Cascades. ---

TEST_F(FakeStoreTest, DeletingACloudDeletesItsProjectsAndTheirGrants) {
  const std::string u = AddUser("u@x.com");
  const std::string cloud = AddCloud("c"), keep = AddCloud("keep");
  const std::string p = AddProject(cloud, "p"), kept = AddProject(keep, "p");
  Grant(ResourceKind::kCloud, cloud, false, u, Role::kOwner);
  Grant(ResourceKind::kProject, p, false, u, Role::kReadonly);
  Grant(ResourceKind::kProject, kept, false, u, Role::kReadonly);
  ASSERT_TRUE(store_->DeleteCloud(Ctx(), cloud).ok());
  EXPECT_EQ(store_->GetProject(Ctx(), p).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetProject(Ctx(), kept).ok());
  const Model m = store_->ModelOf(kOrg);
  ASSERT_EQ(m.user_grants.size(), 1u);
  EXPECT_EQ(std::get<1>(*m.user_grants.begin()).id, kept);
  EXPECT_EQ(m.grant_micros.size(), 1u);
  EXPECT_EQ(Check(u, ResourceKind::kProject, p).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FakeStoreTest, DeletingAUserDeletesItsMembershipsGrantsAndKeys) {
  const std::string u = AddUser("u@x.com"), other = AddUser("o@x.com");
  const std::string g = AddGroup("g");
  ASSERT_TRUE(store_->AddMembers(Ctx(), g, {u, other}).ok());
  Grant(ResourceKind::kOrganization, kOrg, false, u, Role::kOwner);
  ASSERT_TRUE(store_->InsertApiKey(Ctx(), {kOrg, "kuser", "h", Scope::kAdmin, u, false}, "").ok());
  ASSERT_TRUE(store_->InsertApiKey(Ctx(), {kOrg, "korg", "h", Scope::kAdmin, "", false}, "").ok());
  ASSERT_TRUE(store_->DeleteUser(Ctx(), u).ok());
  EXPECT_EQ(store_->FindApiKey(Ctx(""), "kuser").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->FindApiKey(Ctx(""), "korg").ok());
  const Model m = store_->ModelOf(kOrg);
  EXPECT_THAT(m.members.at(g), ElementsAre(other));
  EXPECT_THAT(m.user_grants, IsEmpty());
  auto owners = store_->OrgOwners(Ctx());
  ASSERT_TRUE(owners.ok());
  EXPECT_THAT(*owners, IsEmpty());
}

TEST_F(FakeStoreTest, DeletingAGroupDeletesItsMembershipsAndGrants) {
  const std::string u = AddUser("u@x.com");
  const std::string g = AddGroup("g");
  ASSERT_TRUE(store_->AddMembers(Ctx(), g, {u}).ok());
  Grant(ResourceKind::kOrganization, kOrg, true, g, Role::kOwner);
  ASSERT_EQ(*Check(u, ResourceKind::kOrganization, kOrg), Role::kOwner);
  ASSERT_TRUE(store_->DeleteGroup(Ctx(), g).ok());
  EXPECT_EQ(*Check(u, ResourceKind::kOrganization, kOrg), Role::kCollaborator);
  const Model m = store_->ModelOf(kOrg);
  EXPECT_THAT(m.group_grants, IsEmpty());
  EXPECT_EQ(m.members.count(g), 0u);
}

// --- Effective roles. ---

TEST_F(FakeStoreTest, EffectiveRolesFollowTheContract) {
  const std::string u = AddUser("u@x.com"), boss = AddUser("boss@x.com");
  const std::string cloud = AddCloud("c");
  const std::string p = AddProject(cloud, "p");
  const std::string g = AddGroup("owners");
  Grant(ResourceKind::kCloud, cloud, false, u, Role::kOwner);
  EXPECT_EQ(*Check(u, ResourceKind::kCloud, cloud), Role::kOwner);
  EXPECT_EQ(*Check(u, ResourceKind::kProject, p), Role::kNone);  // no cloud → project inheritance
  EXPECT_EQ(*Check(u, ResourceKind::kOrganization, kOrg), Role::kCollaborator);
  ASSERT_TRUE(store_->AddMembers(Ctx(), g, {boss}).ok());
  Grant(ResourceKind::kOrganization, kOrg, true, g, Role::kOwner);
  EXPECT_EQ(*Check(boss, ResourceKind::kProject, p), Role::kOwner);
  auto user = store_->FindUser(Ctx(), {UserKey::By::kId, boss}, AccountFilter::kAll);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->user->permission_level(), "owner");
  EXPECT_EQ(Check("usr_none", ResourceKind::kCloud, cloud).status(),
            absl::NotFoundError("user 'usr_none' not found"));
  EXPECT_EQ(Check(u, ResourceKind::kProject, "prj_none").status(),
            absl::NotFoundError("project 'prj_none' not found"));
  EXPECT_EQ(Check(u, ResourceKind::kOrganization, kOther).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(FakeStoreTest, CheckRoleAnswersOnTheCallingThreadBeforeReturning) {
  const std::string u = AddUser("u@x.com");
  bool answered = false;
  std::thread::id on;
  store_->CheckRole(Ctx(), {u, {ResourceKind::kOrganization, kOrg}},
                    [&](absl::StatusOr<Role> role) {
                      answered = true;
                      on = std::this_thread::get_id();
                      EXPECT_EQ(*role, Role::kCollaborator);
                    });
  EXPECT_TRUE(answered);
  EXPECT_EQ(on, std::this_thread::get_id());
}

TEST_F(FakeStoreTest, ContributionsMostPermissiveFirst) {
  const std::string u = AddUser("u@x.com");
  const std::string cloud = AddCloud("c");
  const std::string a = AddGroup("a-group"), b = AddGroup("b-group");
  ASSERT_TRUE(store_->AddMembers(Ctx(), a, {u}).ok());
  ASSERT_TRUE(store_->AddMembers(Ctx(), b, {u}).ok());
  Grant(ResourceKind::kCloud, cloud, false, u, Role::kReadonly);
  Grant(ResourceKind::kCloud, cloud, true, b, Role::kCollaborator);
  Grant(ResourceKind::kCloud, cloud, true, a, Role::kCollaborator);
  Grant(ResourceKind::kOrganization, kOrg, true, b, Role::kOwner);
  auto got = store_->Contributions(Ctx(), {u, {ResourceKind::kCloud, cloud}});
  ASSERT_TRUE(got.ok());
  std::vector<std::string> lines;
  for (const auto& c : *got) {
    lines.push_back(absl::StrCat(v1::Contribution::Source_Name(c.source()), " ", c.role(), " ",
                                 c.group_name()));
  }
  EXPECT_THAT(lines, ElementsAre("ORG_OWNERSHIP owner b-group", "GROUP collaborator a-group",
                                 "GROUP collaborator b-group", "DIRECT readonly "));
  auto org = store_->Contributions(Ctx(), {u, {ResourceKind::kOrganization, kOrg}});
  ASSERT_TRUE(org.ok());
  ASSERT_EQ(org->size(), 2u);
  EXPECT_EQ((*org)[0].source(), v1::Contribution::GROUP);
  EXPECT_EQ((*org)[1].source(), v1::Contribution::ORG_MEMBERSHIP);
}

// --- The permission stream. ---

class FakeStreamTest : public FakeStoreTest {
 protected:
  // "email: cloud=role[project=role,…];…" per streamed user.
  std::vector<std::string> Stream(const std::string& user_id,
                                  const std::optional<EmailCursor>& after, int stop_after = 100) {
    std::vector<v1::UserPermissions> got;
    got.reserve(100);
    bool stopped = false;
    const absl::Status s =
        store_->StreamUserPermissions(Ctx(), user_id, after, [&](const EmailCursor& c) {
          EXPECT_FALSE(stopped) << "called again after it was told to stop";
          if (static_cast<int>(got.size()) == stop_after) {
            stopped = true;
            return static_cast<v1::UserPermissions*>(nullptr);
          }
          EXPECT_EQ(c.email_key, absl::AsciiStrToLower(c.email_key));
          return &got.emplace_back();
        });
    EXPECT_TRUE(s.ok()) << s;
    std::vector<std::string> out;
    for (const auto& u : got) {
      std::string line = absl::StrCat(u.user_email(), ":");
      for (const auto& c : u.clouds()) {
        absl::StrAppend(&line, " ", c.cloud_name(), "=", c.has_role() ? c.role() : "-", "[");
        for (const auto& p : c.projects())
          absl::StrAppend(&line, p.project_name(), "=", p.role(), ",");
        absl::StrAppend(&line, "]");
      }
      out.push_back(line);
    }
    return out;
  }
};

TEST_F(FakeStreamTest, UsersByEmailCloudsAndProjectsByName) {
  const std::string b = AddUser("B@x.com"), a = AddUser("a@x.com");
  AddUser("nothing@x.com");  // holds no cloud or project role: not streamed
  const std::string zc = AddCloud("zeta"), ac = AddCloud("alpha");
  const std::string p2 = AddProject(ac, "web"), p1 = AddProject(ac, "api");
  const std::string g = AddGroup("g");
  ASSERT_TRUE(store_->AddMembers(Ctx(), g, {a}).ok());
  Grant(ResourceKind::kCloud, zc, false, a, Role::kReadonly);
  Grant(ResourceKind::kProject, p2, true, g, Role::kOwner);
  Grant(ResourceKind::kProject, p2, false, a, Role::kReadonly);
  Grant(ResourceKind::kProject, p1, false, a, Role::kCollaborator);
  Grant(ResourceKind::kCloud, ac, false, b, Role::kOwner);
  Grant(ResourceKind::kOrganization, kOrg, false, b, Role::kOwner);  // not listed per cloud
  Grant(ResourceKind::kCloud, zc, false, AddUser("c@x.com"), Role::kCollaborator);
  EXPECT_THAT(Stream("", std::nullopt),
              ElementsAre("a@x.com: alpha=-[api=collaborator,web=owner,] zeta=readonly[]",
                          "B@x.com: alpha=owner[]", "c@x.com: zeta=collaborator[]"));
  EXPECT_THAT(Stream("", EmailCursor{"a@x.com"}),
              ElementsAre("B@x.com: alpha=owner[]", "c@x.com: zeta=collaborator[]"));
  EXPECT_THAT(Stream(b, std::nullopt), ElementsAre("B@x.com: alpha=owner[]"));
  EXPECT_THAT(Stream("", std::nullopt, 1), ElementsAre(::testing::StartsWith("a@x.com")));
  auto owners = store_->OrgOwners(Ctx());
  ASSERT_TRUE(owners.ok());
  ASSERT_EQ(owners->size(), 1u);
  EXPECT_EQ((*owners)[0].user_id(), b);
}

// --- Test controls, isolation, concurrency. ---

TEST_F(FakeStoreTest, FailNextFailsOneCallEachInOrderAndChangesNothing) {
  store_->FailNext(absl::UnavailableError("down"));
  store_->FailNext(absl::InternalError("broken"));
  EXPECT_EQ(store_->CreateCloud(Ctx(), "c").status(), absl::UnavailableError("down"));
  absl::StatusOr<Role> answer;
  store_->CheckRole(Ctx(), {"usr_x", {ResourceKind::kOrganization, kOrg}},
                    [&](absl::StatusOr<Role> r) { answer = std::move(r); });
  EXPECT_EQ(answer.status(), absl::InternalError("broken"));
  EXPECT_THAT(store_->ModelOf(kOrg).clouds, IsEmpty());
  EXPECT_TRUE(store_->CreateCloud(Ctx(), "c").ok());
  EXPECT_EQ(store_->calls("CreateCloud"), 2);
  store_->FailNext(absl::NotFoundError("targeted"), "DeleteCloud");  // only that method's call
  EXPECT_TRUE(store_->CreateCloud(Ctx(), "d").ok());
  EXPECT_EQ(store_->DeleteCloud(Ctx(), "cld_any"), absl::NotFoundError("targeted"));
  EXPECT_EQ(store_->calls("CheckRole"), 1);
  EXPECT_EQ(store_->calls(), 7);  // with SetUp's two CreateOrg
}

TEST_F(FakeStoreTest, ObserverSeesEveryCallsContextAndExpiredDeadlinesFail) {
  std::vector<std::string> seen;
  store_->SetObserver([&](std::string_view method, const RequestContext& ctx) {
    seen.push_back(
        absl::StrCat(std::string(method), "@", ctx.org_id, ctx.deadline ? "+deadline" : ""));
  });
  const auto deadline = std::chrono::system_clock::now() + std::chrono::hours(1);
  ASSERT_TRUE(store_->ListClouds(RequestContext::Org(kOrg, deadline), {}, std::nullopt, 1).ok());
  ASSERT_TRUE(store_->GetCloud(Ctx(kOther), "c", true).status().code() ==
              absl::StatusCode::kNotFound);
  EXPECT_THAT(seen, ElementsAre("ListClouds@org_fake+deadline", "GetCloud@org_other"));
  ASSERT_TRUE(store_->last_context().has_value());
  EXPECT_EQ(store_->last_context()->org_id, kOther);
  EXPECT_EQ(store_->last_method(), "GetCloud");
  const auto past = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(store_->CreateCloud(RequestContext::Org(kOrg, past), "late").status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(store_->ModelOf(kOrg).clouds, IsEmpty());
}

TEST_F(FakeStoreTest, OrganizationsSeeOnlyTheirOwnRows) {
  AddUser("same@x.com");
  AddUser("same@x.com", "Other", kOther);  // the same email in another organization is fine
  AddCloud("mine");
  auto users = store_->ListUsers(Ctx(kOther), {}, std::nullopt, 10);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->items.size(), 1u);
  EXPECT_EQ(users->items[0].name(), "Other");
  auto clouds = store_->ListClouds(Ctx(kOther), {}, std::nullopt, 10);
  ASSERT_TRUE(clouds.ok());
  EXPECT_THAT(clouds->items, IsEmpty());
  auto unknown = store_->ListClouds(Ctx("org_unknown"), {}, std::nullopt, 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_THAT(unknown->items, IsEmpty());
}

TEST_F(FakeStoreTest, FindUserByIdEmailOrNameCountsMatches) {
  const std::string a = AddUser("a@x.com", "Sam"), b = AddUser("B@x.com", "Sam");
  auto by_name = store_->FindUser(Ctx(), {UserKey::By::kName, "Sam"}, AccountFilter::kAll);
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->match_count, 2);
  EXPECT_EQ(by_name->user->user_id(), a);  // the first by email
  auto by_email = store_->FindUser(Ctx(), {UserKey::By::kEmail, "b@X.com"}, AccountFilter::kAll);
  ASSERT_TRUE(by_email.ok());
  EXPECT_EQ(by_email->match_count, 1);
  EXPECT_EQ(by_email->user->user_id(), b);
  auto none = store_->FindUser(Ctx(), {UserKey::By::kId, a}, AccountFilter::kServiceAccounts);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->match_count, 0);
  EXPECT_FALSE(none->user.has_value());
}

TEST_F(FakeStoreTest, PageTokenKeyIsStableAndDemoSeedIsIdempotent) {
  auto k1 = store_->PageTokenKey(Ctx(""));
  auto k2 = store_->PageTokenKey(Ctx(""));
  ASSERT_TRUE(k1.ok() && k2.ok());
  EXPECT_EQ(*k1, *k2);
  EXPECT_GE(k1->size(), 32u);
  ASSERT_TRUE(store_->SeedDemo(Ctx("")).ok());
  ASSERT_TRUE(store_->SeedDemo(Ctx("")).ok());
  const Model m = store_->ModelOf("org_p72");
  EXPECT_EQ(m.users.size(), 4u);
  EXPECT_EQ(m.Effective("usr_abc", {2, "prj_111"}), 1);
  EXPECT_EQ(m.Effective("usr_abc", {1, "cld_111"}), 2);
  auto owners = store_->OrgOwners(Ctx("org_p72"));
  ASSERT_TRUE(owners.ok());
  ASSERT_EQ(owners->size(), 2u);
  EXPECT_EQ((*owners)[0].user_email(), "admin1@p72.com");
}

TEST_F(FakeStoreTest, ConcurrentWritersKeepNamesUnique) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        if (store_->CreateCloud(Ctx(), absl::StrCat("c", i)).ok()) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 50);
  EXPECT_EQ(store_->ModelOf(kOrg).clouds.size(), 50u);
}

}  // namespace
}  // namespace rolecall::testing
