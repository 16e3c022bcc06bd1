#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/commands.h"
#include "cli/listing.h"
#include "google/protobuf/util/time_util.h"
#include "tests/support/reference_examples.h"

namespace rolecall::cli {
namespace {

using google::protobuf::util::TimeUtil;

v1::User Owner() {
  v1::User u;
  u.set_email("owner@anyscale.com");
  u.set_name("Owner Name");
  u.set_permission_level("owner");
  u.set_user_id("usr_owner");
  TimeUtil::FromString("2024-01-01T12:00:00Z", u.mutable_created_at());
  return u;
}

v1::User ServiceBot() {
  v1::User u;
  u.set_email("service@anyscale.com");
  u.set_name("Service Bot");
  u.set_permission_level("collaborator");
  u.set_is_service_account(true);
  TimeUtil::FromString("2024-02-01T08:30:00Z", u.mutable_created_at());
  return u;
}

// The reference's `user get --email owner@anyscale.com --json` output, verbatim.
TEST(Output, UserJsonMatchesTheReference) {
  EXPECT_EQ(Pretty(UserJson(Owner())), testing::kReferenceGetJson);
}

TEST(Output, UserJsonOmitsAnAbsentUserId) {
  EXPECT_FALSE(UserJson(ServiceBot()).contains("user_id"));
}

TEST(Output, UserYamlHasTheSameFields) {
  EXPECT_EQ(UserYaml(Owner()),
            "name: Owner Name\n"
            "email: owner@anyscale.com\n"
            "created_at: 2024-01-01T12:00:00+00:00\n"
            "permission_level: owner\n"
            "user_id: usr_owner\n");
}

// The reference's `user list` rows in its columns; the reference's own spacing is uneven, ours is
// two spaces after the widest cell of each column.
TEST(Output, UsersTableHasTheReferenceColumns) {
  EXPECT_EQ(UsersTable({Owner(), ServiceBot()}),
            "EMAIL                 ID         NAME         ROLE          CREATED AT\n"
            "owner@anyscale.com    usr_owner  Owner Name   owner         2024-01-01 12:00\n"
            "service@anyscale.com             Service Bot  collaborator  2024-02-01 08:30\n");
}

TEST(Output, TimesAreUtcInTheReferenceFormats) {
  google::protobuf::Timestamp ts;
  TimeUtil::FromString("2024-03-04T05:06:07.250Z", &ts);
  EXPECT_EQ(TableTime(ts), "2024-03-04 05:06");
  EXPECT_EQ(IsoTime(ts), "2024-03-04T05:06:07.250000+00:00");
}

TEST(Output, StatusLineShowsElapsedSeconds) {
  std::ostringstream out;
  StatusLine status(out);
  status.Print("Creating users...");
  EXPECT_EQ(out.str(), "(rolecall +0.0s) Creating users...\n");
}

// The reference's first list-permissions example, verbatim.
TEST(Output, PermissionsJsonMatchesTheReference) {
  v1::ListUserPermissionsPage first;
  first.set_organization_id("org_p72");
  auto* owner = first.add_org_owners();
  owner->set_user_email("admin1@p72.com");
  owner->set_user_id("usr_aaa");
  auto* alice = first.add_users();
  alice->set_user_email("alice@p72.com");
  alice->set_user_id("usr_abc");
  auto* cloud = alice->add_clouds();
  cloud->set_cloud_id("cld_111");
  cloud->set_cloud_name("prod-cloud");
  cloud->set_role("collaborator");
  auto* project = cloud->add_projects();
  project->set_project_id("prj_111");
  project->set_project_name("prod-project");
  project->set_role("readonly");
  v1::ListUserPermissionsPage last;  // a later page adds nothing
  last.set_organization_id("org_p72");
  EXPECT_EQ(Pretty(PermissionsJson({first, last})), testing::kReferenceListPermissionsJson);
}

TEST(Output, PermissionsJsonOmitsAnAbsentCloudRole) {
  v1::ListUserPermissionsPage page;
  auto* cloud = page.add_users()->add_clouds();
  cloud->set_cloud_id("cld_1");
  auto* project = cloud->add_projects();
  project->set_role("owner");
  const auto json = PermissionsJson({page});
  EXPECT_FALSE(json["users"][0]["clouds"][0].contains("role"));
  EXPECT_EQ(json["users"][0]["clouds"][0]["projects"][0]["role"], "owner");
}

std::vector<std::string> CloudRow(const v1::Cloud& c) { return {c.cloud_id(), c.name()}; }

// The printer every directory list uses: the header even for no items, `[]` for no JSON items.
TEST(Listing, TableOrJsonPrintsTheHeaderOrAJsonArray) {
  const auto print = TableOrJson<v1::Cloud>({"ID", "NAME"}, CloudRow);
  v1::Cloud cloud;
  cloud.set_cloud_id("cld_1");
  cloud.set_name("prod");
  EXPECT_EQ(print({cloud}, false), "ID     NAME\ncld_1  prod\n");
  EXPECT_EQ(print({}, false), "ID  NAME\n");
  EXPECT_EQ(print({cloud}, true),
            "[\n  {\n    \"cloud_id\": \"cld_1\",\n    \"name\": \"prod\"\n  }\n]\n");
  EXPECT_EQ(print({}, true), "[]\n");
}

TEST(Listing, JsonArrayUsesTheGivenForm) {
  EXPECT_EQ(JsonArray(std::vector<v1::User>{Owner()}, UserJson),
            Pretty(nlohmann::ordered_json::array({UserJson(Owner())})));
}

// Each command's flags bind into its own options, which the registry keeps; the handler of the
// command given runs once with them.
TEST(Registry, CommandsOwnTheirOptions) {
  struct Options {
    std::string name;
  };
  CommandEnv env;
  Registry registry(env);
  CLI::App app;
  CLI::App& group = *Registry::Group(app, "thing", "Things.");
  std::vector<std::string> ran;
  for (const char* command : {"create", "delete"}) {
    registry.Add(group,
                 Command<Options>{command, "",
                                  [](CLI::App& cmd, Options& o) { cmd.add_option("NAME", o.name); },
                                  [&ran, command](CommandEnv&, const Options& o) {
                                    ran.push_back(std::string(command) + " " + o.name);
                                  }});
  }
  app.parse(std::vector<std::string>{"x", "delete", "thing"});  // reversed, as CLI11 wants
  EXPECT_EQ(ran, std::vector<std::string>{"delete x"});
}

}  // namespace
}  // namespace rolecall::cli
