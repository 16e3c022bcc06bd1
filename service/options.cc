#include "service/options.h"

#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rolecall {

bool IsHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string host = address.substr(0, colon);
  if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']')) {
    return false;
  }
  int port = 0;
  return absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 && port <= 65535;
}

std::vector<std::string> ValidateOptions(const ServerOptions& o) {
  std::vector<std::string> problems;
  const auto range = [&](const char* flag, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      problems.push_back(
          absl::StrCat("--", flag, ": ", value, " is out of range (", lo, "..", hi, ")"));
    }
  };
  const auto readable = [&](const char* flag, const std::string& path) {
    if (!path.empty() && access(path.c_str(), R_OK) != 0) {
      problems.push_back(absl::StrCat("--", flag, ": cannot read '", path, "'"));
    }
  };
  if (o.database_url.empty()) {
    problems.push_back(
        "--database-url (ROLECALL_DATABASE_URL) is required, e.g. "
        "postgresql://rolecall@localhost:5432/rolecall");
  }
  if (!IsHostPort(o.listen)) {
    problems.push_back(absl::StrCat("--listen: '", o.listen, "' is not host:port"));
  }
  if (!o.metrics_listen.empty() && !IsHostPort(o.metrics_listen)) {
    problems.push_back(absl::StrCat("--metrics-listen: '", o.metrics_listen,
                                    "' is not host:port (empty disables metrics)"));
  }
  if (!o.health_listen.empty() && !IsHostPort(o.health_listen)) {
    problems.push_back(absl::StrCat("--health-listen: '", o.health_listen,
                                    "' is not host:port (empty: no health-only listener)"));
  }
  range("pool-size", o.pool_size, 1, 1000);
  range("pool-timeout-ms", o.pool_timeout_ms, 1, 600000);
  range("health-interval-ms", o.health_interval_ms, 100, 60000);
  range("shutdown-grace-seconds", o.shutdown_grace_seconds, 0, 3600);
  range("hash-threads", o.hash_threads, 0, 256);
  range("check-statements", o.check_statements, 0, 1000);
  range("max-message-bytes", o.max_message_bytes, 1024, 64 * 1024 * 1024);
  range("stream-idle-timeout-seconds", o.stream_idle_timeout_seconds, 1, 3600);
  range("keepalive-seconds", o.keepalive_seconds, 1, 7200);
  range("max-connection-age-seconds", o.max_connection_age_seconds, 0, 30 * 24 * 3600);
  range("statement-timeout-seconds", o.statement_timeout_seconds, 1, 24 * 3600);
  range("stream-connections", o.stream_connections, 0, o.pool_size);
  range("auth-failures-per-minute", o.auth_failures_per_minute, 0, 1000000);
  if (o.tls_cert.empty() && !o.plaintext) {
    problems.push_back(
        "no TLS: give --tls-cert and --tls-key, or pass --plaintext (ROLECALL_PLAINTEXT=true) to "
        "serve unencrypted");
  }
  if (!o.tls_cert.empty() && o.plaintext) {
    problems.push_back("--plaintext contradicts --tls-cert; choose one");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    problems.push_back("--tls-cert and --tls-key must be given together");
  }
  if (!o.tls_client_ca.empty() && o.tls_cert.empty()) {
    problems.push_back("--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS)");
  }
  readable("tls-cert", o.tls_cert);
  readable("tls-key", o.tls_key);
  readable("tls-client-ca", o.tls_client_ca);
  if (o.log_level != "debug" && o.log_level != "info" && o.log_level != "warn" &&
      o.log_level != "error") {
    problems.push_back(
        absl::StrCat("--log-level: '", o.log_level, "' is not one of debug, info, warn, error"));
  }
  return problems;
}

}  // namespace rolecall
