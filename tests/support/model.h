#pragma once

// The obviously-correct model of one organization: plain maps and sets, and the contract's
// permission rules written out directly. The differential test (tests/e2e) checks the real
// resolver against it; FakeStore (tests/support/fake_store.h) keeps one per organization, so
// the fake's answers follow the very same rules.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rolecall::testing {

// kind: 0 organization, 1 cloud, 2 project (as ResourceKind).
struct Resource {
  int kind;
  std::string id;
  bool operator<(const Resource& o) const { return std::tie(kind, id) < std::tie(o.kind, o.id); }
  bool operator==(const Resource& o) const { return kind == o.kind && id == o.id; }
};

// Roles as in the API: 1 readonly, 2 collaborator, 3 owner; 0 none (as Role).
struct Model {
  struct User {
    // Not explicit: `users[id] = {email, is_service_account}` reads as the rules' fields.
    User(std::string address = "", bool is_service_account = false)
        : email(std::move(address)), service_account(is_service_account) {}
    std::string email;
    bool service_account = false;
    // What a store returns of a user besides the rules' fields.
    std::string name;
    std::optional<std::string> lastname;
    std::optional<std::string> title;
    bool sso = false;
    std::string password_hash;  // empty: no password
  };
  // A grant: (principal id, resource, role).
  using GrantKey = std::tuple<std::string, Resource, int>;

  std::string org_id;
  std::map<std::string, User> users;                                    // id → user
  std::map<std::string, std::string> group_names;                       // id → name
  std::map<std::string, std::set<std::string>> members;                 // group id → user ids
  std::map<std::string, std::string> clouds;                            // id → name
  std::map<std::string, std::pair<std::string, std::string>> projects;  // id → (cloud, name)
  std::set<GrantKey> user_grants;                                       // (user, resource, role)
  std::set<GrantKey> group_grants;                                      // (group, resource, role)
  // When rows were made, in microseconds since the epoch (a store reports them; the rules do
  // not use them): user, group, cloud and project ids → creation; group ids → last membership
  // change; grants (user's or group's: their ids differ by prefix) → creation.
  std::map<std::string, int64_t> created_micros;
  std::map<std::string, int64_t> updated_micros;
  std::map<GrantKey, int64_t> grant_micros;

  std::set<std::string> GroupsOf(const std::string& user) const {
    std::set<std::string> out;
    for (const auto& [g, m] : members)
      if (m.count(user)) out.insert(g);
    return out;
  }

  // The most permissive role granted to the user on `r`, directly or through a group.
  int Granted(const std::string& user, const Resource& r) const {
    int role = 0;
    for (const auto& [u, res, ro] : user_grants)
      if (u == user && res == r) role = std::max(role, ro);
    const auto groups = GroupsOf(user);
    for (const auto& [g, res, ro] : group_grants)
      if (groups.count(g) && res == r) role = std::max(role, ro);
    return role;
  }

  bool IsOwner(const std::string& user) const { return Granted(user, {0, org_id}) == 3; }

  // The contract: most permissive grant; org owners own everything; members collaborate on
  // the organization.
  int Effective(const std::string& user, const Resource& r) const {
    int role = Granted(user, r);
    if (IsOwner(user)) role = 3;
    if (r.kind == 0) role = std::max(role, 2);
    return role;
  }

  bool Exists(const Resource& r) const {
    if (r.kind == 0) return r.id == org_id;
    if (r.kind == 1) return clouds.count(r.id) > 0;
    return projects.count(r.id) > 0;
  }

  std::vector<Resource> Resources() const {
    std::vector<Resource> out = {{0, org_id}};
    for (const auto& [id, name] : clouds) out.push_back({1, id});
    for (const auto& [id, p] : projects) out.push_back({2, id});
    return out;
  }

  // One grant contributing to a role. source: 1 direct, 2 group, 3 org ownership, 4 org
  // membership (as v1::Contribution::Source); group_id empty unless through a group.
  struct Contribution {
    int source;
    int role;
    std::string group_id;
  };
  // Every contribution to the user's role on `r`, unordered.
  std::vector<Contribution> Contributions(const std::string& user, const Resource& r) const {
    std::vector<Contribution> out;
    const auto groups = GroupsOf(user);
    for (const auto& [u, res, role] : user_grants)
      if (u == user && res == r) out.push_back({1, role, ""});
    for (const auto& [g, res, role] : group_grants)
      if (groups.count(g) && res == r) out.push_back({2, role, g});
    if (r.kind != 0) {
      for (const auto& [u, res, role] : user_grants)
        if (u == user && res.kind == 0 && role == 3) out.push_back({3, 3, ""});
      for (const auto& [g, res, role] : group_grants)
        if (groups.count(g) && res.kind == 0 && role == 3) out.push_back({3, 3, g});
    } else {
      out.push_back({4, 2, ""});
    }
    return out;
  }

  void DeleteUser(const std::string& id) {
    users.erase(id);
    created_micros.erase(id);
    for (auto& [g, m] : members) m.erase(id);
    EraseGrants(user_grants, [&](const GrantKey& t) { return std::get<0>(t) == id; });
  }
  void DeleteGroup(const std::string& id) {
    group_names.erase(id);
    members.erase(id);
    created_micros.erase(id);
    updated_micros.erase(id);
    EraseGrants(group_grants, [&](const GrantKey& t) { return std::get<0>(t) == id; });
  }
  void DeleteResource(const Resource& r) {
    const auto on = [&](const GrantKey& t) { return std::get<1>(t) == r; };
    EraseGrants(user_grants, on);
    EraseGrants(group_grants, on);
    created_micros.erase(r.id);
    if (r.kind == 2) projects.erase(r.id);
    if (r.kind == 1) {
      clouds.erase(r.id);
      std::vector<std::string> gone;
      for (const auto& [id, p] : projects)
        if (p.first == r.id) gone.push_back(id);
      for (const auto& id : gone) DeleteResource({2, id});
    }
  }

 private:
  template <typename Pred>
  void EraseGrants(std::set<GrantKey>& grants, Pred pred) {
    std::erase_if(grant_micros, [&](const auto& entry) {
      return grants.count(entry.first) && pred(entry.first);
    });
    std::erase_if(grants, pred);
  }
};

}  // namespace rolecall::testing
