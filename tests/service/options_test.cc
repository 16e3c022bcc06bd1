#include "service/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"

namespace rolecall {
namespace {

using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

ServerOptions Valid() {
  ServerOptions o;
  o.database_url = "postgresql://localhost/rolecall";
  o.plaintext = true;
  return o;
}

TEST(ServerOptions, DefaultsWithADatabaseAndPlaintextAreValid) {
  EXPECT_THAT(ValidateOptions(Valid()), IsEmpty());
}

TEST(ServerOptions, DatabaseUrlIsRequired) {
  auto o = Valid();
  o.database_url.clear();
  const auto problems = ValidateOptions(o);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("ROLECALL_DATABASE_URL"));
}

TEST(ServerOptions, ListenAddressesMustBeHostPort) {
  auto o = Valid();
  o.listen = "50051";
  o.metrics_listen = "localhost:99999";
  const auto problems = ValidateOptions(o);
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0], HasSubstr("--listen"));
  EXPECT_THAT(problems[1], HasSubstr("--metrics-listen"));
}

TEST(ServerOptions, MetricsCanBeDisabled) {
  auto o = Valid();
  o.metrics_listen.clear();
  EXPECT_THAT(ValidateOptions(o), IsEmpty());
}

TEST(ServerOptions, HealthListenerIsOffByDefaultAndMustBeHostPort) {
  auto o = Valid();
  EXPECT_EQ(o.health_listen, "");
  o.health_listen = "0.0.0.0:8081";
  EXPECT_THAT(ValidateOptions(o), IsEmpty());
  o.health_listen = "8081";
  const auto problems = ValidateOptions(o);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("--health-listen: '8081' is not host:port"));
}

TEST(ServerOptions, HostPortForms) {
  EXPECT_TRUE(IsHostPort("0.0.0.0:50051"));
  EXPECT_TRUE(IsHostPort("[::]:0"));
  EXPECT_TRUE(IsHostPort("localhost:9464"));
  EXPECT_FALSE(IsHostPort(":50051"));
  EXPECT_FALSE(IsHostPort("::1:50051"));
  EXPECT_FALSE(IsHostPort("host:port"));
  EXPECT_FALSE(IsHostPort("host:-1"));
}

TEST(ServerOptions, ReportsEveryProblemOnItsOwnLine) {
  auto o = Valid();
  o.pool_size = 0;
  o.health_interval_ms = 1;
  o.log_level = "loud";
  const auto problems = ValidateOptions(o);
  ASSERT_THAT(problems, SizeIs(3));
  EXPECT_THAT(problems[0], HasSubstr("--pool-size"));
  EXPECT_THAT(problems[1], HasSubstr("--health-interval-ms"));
  EXPECT_THAT(problems[2], HasSubstr("--log-level"));
}

TEST(ServerOptions, PlaintextMustBeAskedFor) {
  auto o = Valid();
  o.plaintext = false;
  ASSERT_THAT(ValidateOptions(o), SizeIs(1));
  EXPECT_THAT(ValidateOptions(o)[0], HasSubstr("--plaintext"));
}

TEST(ServerOptions, TlsNeedsBothFilesReadable) {
  auto o = Valid();
  o.plaintext = false;
  o.tls_cert = "/nonexistent/cert.pem";
  const auto problems = ValidateOptions(o);
  EXPECT_THAT(problems, SizeIs(2));  // key missing, cert unreadable
  o.tls_key = "/nonexistent/key.pem";
  o.tls_client_ca = "/nonexistent/ca.pem";
  EXPECT_THAT(ValidateOptions(o), SizeIs(3));  // three unreadable files
}

TEST(ServerOptions, ClientCaNeedsServerCertificate) {
  auto o = Valid();
  o.tls_client_ca = "/etc/hostname";
  const auto problems = ValidateOptions(o);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("--tls-client-ca"));
}

TEST(ServerOptions, StreamConnectionsAreBoundedByThePool) {
  auto o = Valid();
  o.pool_size = 4;
  o.stream_connections = 4;
  EXPECT_THAT(ValidateOptions(o), IsEmpty());
  o.stream_connections = 5;
  EXPECT_THAT(ValidateOptions(o), ElementsAre("--stream-connections: 5 is out of range (0..4)"));
}

TEST(ServerOptions, ProblemsNameTheFlagTheirWayAsBefore) {
  auto o = Valid();
  o.database_url.clear();
  o.metrics_listen = "nowhere";
  o.log_level = "loud";
  EXPECT_THAT(ValidateOptions(o),
              ElementsAre("--database-url (ROLECALL_DATABASE_URL) is required, e.g. "
                          "postgresql://rolecall@localhost:5432/rolecall",
                          "--metrics-listen: 'nowhere' is not host:port (empty disables metrics)",
                          "--log-level: 'loud' is not one of debug, info, warn, error"));
}

// The defaults users have been given; the table must keep them.
TEST(ServerOptions, DefaultsComeFromTheTable) {
  const ServerOptions o;
  EXPECT_EQ(o.database_url, "");
  EXPECT_EQ(o.listen, "127.0.0.1:50051");
  EXPECT_EQ(o.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(o.health_listen, "");
  EXPECT_EQ(o.pool_size, 16);
  EXPECT_EQ(o.pool_timeout_ms, 5000);
  EXPECT_EQ(o.health_interval_ms, 1000);
  EXPECT_EQ(o.shutdown_grace_seconds, 20);
  EXPECT_EQ(o.hash_threads, 0);
  EXPECT_EQ(o.check_statements, 0);
  EXPECT_EQ(o.max_message_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(o.stream_idle_timeout_seconds, 30);
  EXPECT_EQ(o.keepalive_seconds, 60);
  EXPECT_EQ(o.max_connection_age_seconds, 300);
  EXPECT_EQ(o.statement_timeout_seconds, 30);
  EXPECT_EQ(o.stream_connections, 0);
  EXPECT_EQ(o.auth_failures_per_minute, 60);
  EXPECT_EQ(o.tls_cert, "");
  EXPECT_EQ(o.tls_key, "");
  EXPECT_EQ(o.tls_client_ca, "");
  EXPECT_EQ(o.log_level, "info");
  EXPECT_FALSE(o.plaintext);
  EXPECT_FALSE(o.migrate);
}

// Each option sets a field of its own, and its variable is ROLECALL_ and the flag in capitals.
TEST(ServerOptions, EveryOptionHasItsOwnFieldAndTheEnvironmentVariableOfItsFlag) {
  std::set<std::string> flags;
  std::set<const void*> fields;
  ServerOptions o;
  for (const OptionSpec& spec : ServerOptionSpecs()) {
    EXPECT_TRUE(flags.insert(spec.flag).second) << spec.flag;
    EXPECT_THAT(spec.env, Eq("ROLECALL_" +
                             absl::AsciiStrToUpper(absl::StrReplaceAll(spec.flag, {{"-", "_"}}))));
    const void* field =
        std::visit([&](const auto& f) -> const void* { return &(o.*f.field); }, spec.field);
    EXPECT_TRUE(fields.insert(field).second) << spec.flag;
  }
  EXPECT_EQ(flags.size(), 26u);
}

std::string ReadmeOptionsTable() {
  std::ifstream in(ROLECALL_SOURCE_DIR "/README.md");
  std::string line, table;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line == "| flag | environment | default | meaning |") in_table = true;
    if (in_table && line.rfind("|", 0) != 0) break;
    if (in_table) table += line + "\n";
  }
  return table;
}

TEST(ServerOptions, ReadmeTableIsTheOptionsTable) {
  EXPECT_EQ(ReadmeOptionsTable(), OptionsMarkdownTable())
      << "README.md's configuration table differs from ServerOptionSpecs() "
         "(service/options.cc); the table it should be:\n"
      << OptionsMarkdownTable();
}

}  // namespace
}  // namespace rolecall
