// Differential test of the resolver: random organizations are built through the real API of the
// real server, a small in-memory model computes who should hold what, and ListUserPermissions,
// CheckPermission and ExplainPermission must agree with the model for every user and resource —
// as must the statement that answers concurrent checks in one batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"
#include "storage/pg_store.h"
#include "tests/support/model.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace rolecall {
namespace {

using testing::AuthedContext;

// Roles as in the API: 1 readonly, 2 collaborator, 3 owner; 0 none.
const char* const kRoleNames[] = {"", "readonly", "collaborator", "owner"};

// The model (kinds and roles as numbers, the rules written out) is shared with FakeStore.
using testing::Model;
using testing::Resource;

class Differential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new testing::TestDatabase();
    server_ = new testing::TestServer(db_->url());
    store_ = new PgStore(PoolOptions{db_->serving_url(), 1});
  }
  static void TearDownTestSuite() {
    delete store_;
    delete server_;
    delete db_;
  }
  static testing::TestDatabase* db_;
  static testing::TestServer* server_;
  static PgStore* store_;  // for the batch statement, which the server runs only under load
};
testing::TestDatabase* Differential::db_ = nullptr;
testing::TestServer* Differential::server_ = nullptr;
PgStore* Differential::store_ = nullptr;

v1::ResourceRef Ref(const Resource& r) {
  v1::ResourceRef ref;
  if (r.kind == 0) ref.set_organization(true);
  if (r.kind == 1) ref.set_cloud_id(r.id);
  if (r.kind == 2) ref.set_project_id(r.id);
  return ref;
}

// Builds one random organization through the API, mirroring every write in the model.
class OrgBuilder {
  using Directory = v1::DirectoryService::Stub;

 public:
  OrgBuilder(testing::TestServer& server, uint32_t seed)
      : rng_(seed),
        directory_(v1::DirectoryService::NewStub(server.Channel())),
        users_(v1::UserService::NewStub(server.Channel())) {
    model_.org_id = testing::NewOrgId();
    key_ = server.CreateKey(model_.org_id, "admin");
  }

  const std::string& key() const { return key_; }
  const Model& model() const { return model_; }

  void Build() {
    const int n_users = Uniform(2, 9);
    v1::AdminCreateUsers batch;
    for (int i = 0; i < n_users; ++i) {
      auto* u = batch.add_create_users();
      u->set_name("User " + std::to_string(i));
      // Mixed case, so ordering by lower-case email is exercised.
      u->set_email(absl::StrCat(Pick<std::string>({"a", "B", "c", "D", "e"}), Uniform(0, 999), "x",
                                i, "@Example.com"));
    }
    v1::AdminBatchCreateUsersResponse created;
    Expect(users_->AdminBatchCreateUsers(Ctx().get(), batch, &created));
    for (const auto& u : created.created_users()) model_.users[u.user_id()] = {u.email(), false};
    for (int i = Uniform(0, 2); i > 0; --i) {
      v1::CreateServiceAccountRequest r;
      r.set_name(absl::StrCat("Bot ", i, " ", Uniform(0, 9999)));
      v1::User sa;
      Expect(directory_->CreateServiceAccount(Ctx().get(), r, &sa));
      model_.users[sa.user_id()] = {sa.email(), true};
    }
    for (int i = Uniform(1, 4); i > 0; --i) {
      v1::CreateUserGroupRequest r;
      r.set_name(absl::StrCat("group-", i));
      v1::UserGroup g;
      Expect(directory_->CreateUserGroup(Ctx().get(), r, &g));
      model_.group_names[g.id()] = g.name();
      model_.members[g.id()];
      std::vector<std::string> add;
      for (const auto& [id, u] : model_.users)
        if (Chance(0.45)) add.push_back(id);
      if (!add.empty()) AddMembers(g.id(), add);
    }
    for (int i = Uniform(1, 3); i > 0; --i) {
      v1::CreateCloudRequest r;
      r.set_name(absl::StrCat(Pick<std::string>({"prod", "Dev", "stage", "alpha"}), "-", i));
      v1::Cloud c;
      Expect(directory_->CreateCloud(Ctx().get(), r, &c));
      model_.clouds[c.cloud_id()] = c.name();
      for (int j = Uniform(0, 3); j > 0; --j) {
        v1::CreateProjectRequest pr;
        pr.set_cloud_id(c.cloud_id());
        pr.set_name(absl::StrCat(Pick<std::string>({"web", "Api", "ml", "batch"}), j));
        v1::Project p;
        Expect(directory_->CreateProject(Ctx().get(), pr, &p));
        model_.projects[p.project_id()] = {c.cloud_id(), p.name()};
      }
    }
    // Grants at every level, to users and to groups; some twice, some several roles.
    for (int i = Uniform(3, 25); i > 0; --i) Grant();
    // Deletions of every kind.
    for (int i = Uniform(0, 4); i > 0; --i) {
      switch (Uniform(0, 6)) {
        case 0:
          RevokeOne();
          break;
        case 1:
          RemoveOneMember();
          break;
        case 2:
          DeleteAny(
              model_.group_names, 0, &Directory::DeleteUserGroup,
              [](v1::DeleteUserGroupRequest& r, const std::string& id) { r.set_id(id); },
              [&](const std::string& id) { model_.DeleteGroup(id); });
          break;
        case 3:
          DeleteAny(
              model_.projects, 0, &Directory::DeleteProject,
              [](v1::DeleteProjectRequest& r, const std::string& id) { r.set_project_id(id); },
              [&](const std::string& id) {
                model_.DeleteResource({2, id});
              });
          break;
        case 4:
          DeleteAny(
              model_.clouds, 1, &Directory::DeleteCloud,
              [](v1::DeleteCloudRequest& r, const std::string& id) { r.set_cloud_id(id); },
              [&](const std::string& id) {
                model_.DeleteResource({1, id});
              });
          break;
        case 5:
          DeleteAny(
              model_.users, 1, &Directory::DeleteUser,
              [](v1::DeleteUserRequest& r, const std::string& id) { r.set_user_id(id); },
              [&](const std::string& id) { model_.DeleteUser(id); });
          break;
        default:
          Grant();
      }
    }
  }

 private:
  std::unique_ptr<grpc::ClientContext> Ctx() { return AuthedContext(key_); }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  T Pick(const std::vector<T>& v) {
    return v[Uniform(0, static_cast<int>(v.size()) - 1)];
  }
  template <typename M>
  std::string AnyKey(const M& m) {
    auto it = m.begin();
    std::advance(it, Uniform(0, static_cast<int>(m.size()) - 1));
    return it->first;
  }
  static void Expect(const grpc::Status& s) {
    ASSERT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  }

  // Deletes one of `rows` (a model's map by id), unless no more than `keep` are left: through
  // `method` with the request `set_id` fills in, then from the model with `forget`.
  template <typename Rows, typename Request, typename SetId, typename Forget>
  void DeleteAny(const Rows& rows, size_t keep,
                 grpc::Status (Directory::*method)(grpc::ClientContext*, const Request&,
                                                   v1::DeleteResponse*),
                 SetId set_id, Forget forget) {
    if (rows.size() <= keep) return;
    const std::string id = AnyKey(rows);
    Request r;
    set_id(r, id);
    v1::DeleteResponse out;
    Expect(((*directory_).*method)(Ctx().get(), r, &out));
    forget(id);
  }

  void AddMembers(const std::string& group, const std::vector<std::string>& ids) {
    v1::GroupMembersRequest r;
    r.set_group_id(group);
    for (const auto& id : ids) {
      // By id or by email, as callers do.
      r.add_users(Chance(0.5) ? id : absl::AsciiStrToUpper(model_.users[id].email));
      model_.members[group].insert(id);
    }
    v1::GroupMembersResponse out;
    Expect(directory_->AddGroupMembers(Ctx().get(), r, &out));
  }

  void Grant() {
    const auto resources = model_.Resources();
    const Resource res = Pick(resources);
    const int role = res.kind == 0 ? Uniform(2, 3) : Uniform(1, 3);
    v1::GrantRoleRequest r;
    *r.mutable_resource() = Ref(res);
    // "write" is an alias of collaborator on input.
    r.set_role(role == 2 && res.kind != 0 && Chance(0.3) ? "write" : kRoleNames[role]);
    const bool to_group = !model_.group_names.empty() && Chance(0.4);
    std::string who;
    if (to_group) {
      who = AnyKey(model_.group_names);
      r.mutable_principal()->set_group_id(who);
      model_.group_grants.insert({who, res, role});
    } else {
      who = AnyKey(model_.users);
      r.mutable_principal()->set_user_id(who);
      model_.user_grants.insert({who, res, role});
    }
    v1::Grant out;
    Expect(directory_->GrantRole(Ctx().get(), r, &out));
  }

  void RevokeOne() {
    const bool group = !model_.group_grants.empty() && Chance(0.5);
    auto& grants = group ? model_.group_grants : model_.user_grants;
    if (grants.empty()) return;
    auto it = grants.begin();
    std::advance(it, Uniform(0, static_cast<int>(grants.size()) - 1));
    const auto [who, res, role] = *it;
    v1::RevokeRoleRequest r;
    *r.mutable_resource() = Ref(res);
    if (group) {
      r.mutable_principal()->set_group_id(who);
    } else {
      r.mutable_principal()->set_user_id(who);
    }
    r.set_role(kRoleNames[role]);
    v1::DeleteResponse out;
    Expect(directory_->RevokeRole(Ctx().get(), r, &out));
    grants.erase(it);
  }

  void RemoveOneMember() {
    for (auto& [g, m] : model_.members) {
      if (m.empty()) continue;
      const std::string user = *m.begin();
      v1::GroupMembersRequest r;
      r.set_group_id(g);
      r.add_users(user);
      v1::GroupMembersResponse out;
      Expect(directory_->RemoveGroupMembers(Ctx().get(), r, &out));
      m.erase(user);
      return;
    }
  }

  std::mt19937 rng_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<v1::UserService::Stub> users_;
  Model model_;
  std::string key_;
};

// What ListUserPermissions must return for the model, in the API's order, as text lines.
std::vector<std::string> ExpectedListing(const Model& m) {
  std::vector<std::pair<std::string, std::string>> users;  // (email key, id)
  for (const auto& [id, u] : m.users) users.push_back({absl::AsciiStrToLower(u.email), id});
  std::sort(users.begin(), users.end());
  std::vector<std::string> lines;
  for (const auto& [key, id] : users) {
    std::vector<std::string> user_lines;
    std::vector<std::pair<std::string, std::string>> clouds;  // (name, id)
    for (const auto& [cid, name] : m.clouds) clouds.push_back({name, cid});
    std::sort(clouds.begin(), clouds.end());
    for (const auto& [cname, cid] : clouds) {
      const int cloud_role = m.Granted(id, {1, cid});
      std::vector<std::pair<std::string, std::string>> projects;
      for (const auto& [pid, p] : m.projects)
        if (p.first == cid && m.Granted(id, {2, pid}) > 0) projects.push_back({p.second, pid});
      if (cloud_role == 0 && projects.empty()) continue;
      user_lines.push_back(absl::StrCat("  cloud ", cid, " ", cname, " ", kRoleNames[cloud_role]));
      std::sort(projects.begin(), projects.end());
      for (const auto& [pname, pid] : projects) {
        user_lines.push_back(absl::StrCat("    project ", pid, " ", pname, " ",
                                          kRoleNames[m.Granted(id, {2, pid})]));
      }
    }
    if (user_lines.empty()) continue;
    lines.push_back(absl::StrCat("user ", id, " ", m.users.at(id).email));
    lines.insert(lines.end(), user_lines.begin(), user_lines.end());
  }
  return lines;
}

std::vector<std::string> ActualListing(const std::vector<v1::ListUserPermissionsPage>& pages) {
  std::vector<std::string> lines;
  for (const auto& page : pages) {
    for (const auto& u : page.users()) {
      lines.push_back(absl::StrCat("user ", u.user_id(), " ", u.user_email()));
      for (const auto& c : u.clouds()) {
        lines.push_back(absl::StrCat("  cloud ", c.cloud_id(), " ", c.cloud_name(), " ", c.role()));
        for (const auto& p : c.projects()) {
          lines.push_back(
              absl::StrCat("    project ", p.project_id(), " ", p.project_name(), " ", p.role()));
        }
      }
    }
  }
  return lines;
}

// Every contribution the model sees, as sortable text: "source role group".
std::multiset<std::string> ExpectedContributions(const Model& m, const std::string& user,
                                                 const Resource& r) {
  std::multiset<std::string> out;
  const auto groups = m.GroupsOf(user);
  for (const auto& [u, res, role] : m.user_grants)
    if (u == user && !(res < r) && !(r < res))
      out.insert(absl::StrCat("DIRECT ", kRoleNames[role], " "));
  for (const auto& [g, res, role] : m.group_grants)
    if (groups.count(g) && !(res < r) && !(r < res))
      out.insert(absl::StrCat("GROUP ", kRoleNames[role], " ", g));
  if (r.kind != 0) {
    for (const auto& [u, res, role] : m.user_grants)
      if (u == user && res.kind == 0 && role == 3) out.insert("ORG_OWNERSHIP owner ");
    for (const auto& [g, res, role] : m.group_grants)
      if (groups.count(g) && res.kind == 0 && role == 3)
        out.insert(absl::StrCat("ORG_OWNERSHIP owner ", g));
  } else {
    out.insert("ORG_MEMBERSHIP collaborator ");
  }
  return out;
}

// Every (user, resource) of the organization, plus unknown ones, answered by one batch statement.
void CompareBatch(PgStore& store, const Model& m) {
  std::vector<RoleCheck> checks;
  std::vector<int> expected;  // -1: NOT_FOUND
  const ResourceKind kinds[] = {ResourceKind::kOrganization, ResourceKind::kCloud,
                                ResourceKind::kProject};
  for (const auto& [user, info] : m.users) {
    for (const Resource& r : m.Resources()) {
      checks.push_back({m.org_id, user, {kinds[r.kind], r.id}});
      expected.push_back(m.Effective(user, r));
    }
    checks.push_back({m.org_id, user, {ResourceKind::kProject, "prj_missing"}});
    expected.push_back(-1);
    checks.push_back({"org_other", user, {ResourceKind::kOrganization, "org_other"}});
    expected.push_back(-1);
  }
  checks.push_back({m.org_id, "usr_missing", {ResourceKind::kOrganization, m.org_id}});
  expected.push_back(-1);
  auto answers = store.EffectiveRoles({}, checks);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->size(), checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& got = (*answers)[i];
    const std::string what =
        absl::StrCat(checks[i].org_id, "/", checks[i].user_id, " on ", checks[i].resource.id);
    if (expected[i] < 0) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << what;
    } else {
      ASSERT_TRUE(got.ok()) << what << ": " << got.status();
      EXPECT_EQ(static_cast<int>(*got), expected[i]) << what;
    }
  }
}

void Compare(testing::TestServer& server, const OrgBuilder& org, uint32_t seed) {
  const Model& m = org.model();
  SCOPED_TRACE(absl::StrCat("seed ", seed, ", org ", m.org_id));
  auto permissions = v1::PermissionService::NewStub(server.Channel());

  // The whole listing, in random page sizes.
  v1::ListUserPermissionsRequest list;
  list.set_page_size(1 + seed % 7);
  grpc::Status status;
  const std::vector<v1::ListUserPermissionsPage> pages = testing::ReadStream(
      *permissions, &v1::PermissionService::Stub::ListUserPermissions, org.key(), list, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(pages.empty());
  EXPECT_EQ(ActualListing(pages), ExpectedListing(m));
  std::vector<std::string> owners, expected_owners;
  for (const auto& o : pages[0].org_owners()) owners.push_back(o.user_id());
  std::vector<std::pair<std::string, std::string>> by_email;
  for (const auto& [id, u] : m.users)
    if (m.IsOwner(id)) by_email.push_back({absl::AsciiStrToLower(u.email), id});
  std::sort(by_email.begin(), by_email.end());
  for (const auto& [e, id] : by_email) expected_owners.push_back(id);
  EXPECT_EQ(owners, expected_owners);
  for (size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].organization_id(), m.org_id);
    EXPECT_EQ(pages[i].next_page_token().empty(), i + 1 == pages.size());
    if (i > 0) {
      EXPECT_EQ(pages[i].org_owners_size(), 0);
    }
  }

  for (const auto& [user, info] : m.users) {
    for (const Resource& r : m.Resources()) {
      const int expected = m.Effective(user, r);
      for (int min_role = r.kind == 0 ? 2 : 1; min_role <= 3; ++min_role) {
        v1::CheckPermissionRequest check;
        check.set_user_id(user);
        *check.mutable_resource() = Ref(r);
        check.set_min_role(kRoleNames[min_role]);
        v1::CheckPermissionResponse got;
        const grpc::Status s =
            permissions->CheckPermission(AuthedContext(org.key()).get(), check, &got);
        ASSERT_TRUE(s.ok()) << s.error_message();
        EXPECT_EQ(got.allowed(), expected >= min_role)
            << user << " on " << r.kind << ":" << r.id << " needs " << kRoleNames[min_role];
        EXPECT_EQ(got.effective_role(), kRoleNames[expected]);
      }
      v1::ExplainPermissionRequest explain;
      explain.set_user_id(user);
      *explain.mutable_resource() = Ref(r);
      v1::ExplainPermissionResponse why;
      const grpc::Status s =
          permissions->ExplainPermission(AuthedContext(org.key()).get(), explain, &why);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(why.effective_role(), kRoleNames[expected]);
      std::multiset<std::string> got;
      for (const auto& c : why.contributions()) {
        got.insert(absl::StrCat(v1::Contribution::Source_Name(c.source()), " ", c.role(), " ",
                                c.group_id()));
        if (c.source() == v1::Contribution::GROUP) {
          EXPECT_EQ(c.group_name(), m.group_names.at(c.group_id()));
        }
      }
      EXPECT_EQ(got, ExpectedContributions(m, user, r)) << user << " on " << r.id;
    }
  }
}

TEST_F(Differential, ResolverAgreesWithTheModelOnRandomOrganizations) {
  const char* env = std::getenv("ROLECALL_DIFF_ORGS");
  const int orgs = env ? std::atoi(env) : 200;
  for (int i = 0; i < orgs; ++i) {
    const uint32_t seed = 1000 + i;
    OrgBuilder org(*server_, seed);
    org.Build();
    if (HasFatalFailure()) return;
    Compare(*server_, org, seed);
    CompareBatch(*store_, org.model());
    if (HasFailure()) return;  // the first failing seed is the one to debug
  }
}

}  // namespace
}  // namespace rolecall
