#include "service/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rolecall {
namespace {

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

}  // namespace
}  // namespace rolecall
