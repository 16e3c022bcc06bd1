#include "service/options.h"

#include <unistd.h>

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rolecall {
namespace {

using enum OptionRule;

constexpr const char* kLogLevels[] = {"debug", "info", "warn", "error"};

// How TLS is asked for: the relations of --tls-cert to --plaintext, --tls-key and
// --tls-client-ca.
void CheckTlsChoice(const ServerOptions& o, std::vector<std::string>& problems) {
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
}

constexpr OptionCheck Range(int min, int max) { return {.rule = kRange, .min = min, .max = max}; }

constexpr OptionCheck kReadable = {.rule = kReadableFile};

// The options of `rolecall-server serve`, in `--help` order; README.md's configuration table is
// OptionsMarkdownTable() of this (tests/service/options_test.cc holds them equal).
constexpr OptionSpec kServerOptions[] = {
    {.flag = "database-url",
     .env = "ROLECALL_DATABASE_URL",
     .field = StringField{&ServerOptions::database_url, ""},
     .help = "PostgreSQL URL",
     .doc = "PostgreSQL URL",
     .check = {.rule = kRequired, .hint = "e.g. postgresql://rolecall@localhost:5432/rolecall"},
     .global = true},
    {.flag = "listen",
     .env = "ROLECALL_LISTEN",
     .field = StringField{&ServerOptions::listen, "127.0.0.1:50051"},
     .help = "gRPC address host:port",
     .doc = "gRPC address (`host:port`; port 0 = any)",
     .check = {.rule = kHostPort}},
    {.flag = "metrics-listen",
     .env = "ROLECALL_METRICS_LISTEN",
     .field = StringField{&ServerOptions::metrics_listen, "127.0.0.1:9464"},
     .help = "Prometheus /metrics host:port; empty disables",
     .doc = "Prometheus `/metrics`; empty disables",
     .check = {.rule = kHostPortOrEmpty, .hint = "empty disables metrics"}},
    {.flag = "health-listen",
     .env = "ROLECALL_HEALTH_LISTEN",
     .field = StringField{&ServerOptions::health_listen, ""},
     .help = "Plaintext host:port serving only grpc.health.v1.Health (for probes that cannot "
             "speak TLS); empty = none",
     .doc = "a second, always plaintext listener serving only `grpc.health.v1.Health` (the main "
            "port's status), for probes that cannot speak TLS",
     .default_note = "(empty: off)",
     .check = {.rule = kHostPortOrEmpty, .hint = "empty: no health-only listener"}},
    {.flag = "pool-size",
     .env = "ROLECALL_POOL_SIZE",
     .field = IntField{&ServerOptions::pool_size, 16},
     .help = "PostgreSQL connections at most",
     .doc = "PostgreSQL connections at most",
     .check = Range(1, 1000)},
    {.flag = "pool-timeout-ms",
     .env = "ROLECALL_POOL_TIMEOUT_MS",
     .field = IntField{&ServerOptions::pool_timeout_ms, 5000},
     .help = "Wait for a free connection at most",
     .doc = "wait for a free connection at most",
     .check = Range(1, 600000)},
    {.flag = "health-interval-ms",
     .env = "ROLECALL_HEALTH_INTERVAL_MS",
     .field = IntField{&ServerOptions::health_interval_ms, 1000},
     .help = "Database probe interval",
     .doc = "database probe interval (health)",
     .check = Range(100, 60000)},
    {.flag = "shutdown-grace-seconds",
     .env = "ROLECALL_SHUTDOWN_GRACE_SECONDS",
     .field = IntField{&ServerOptions::shutdown_grace_seconds, 20},
     .help = "On SIGTERM, let in-flight calls finish this long",
     .doc = "drain time on SIGTERM/SIGINT",
     .check = Range(0, 3600)},
    {.flag = "hash-threads",
     .env = "ROLECALL_HASH_THREADS",
     .field = IntField{&ServerOptions::hash_threads, 0},
     .help = "Password hashing threads; 0 = one per core",
     .doc = "Argon2id password hashing threads",
     .default_note = "(one per core)",
     .check = Range(0, 256)},
    {.flag = "check-statements",
     .env = "ROLECALL_CHECK_STATEMENTS",
     .field = IntField{&ServerOptions::check_statements, 0},
     .help = "CheckPermission statements running at once; checks arriving meanwhile are answered "
             "together by the next one. 0 = one per two cores, at least 1",
     .doc = "CheckPermission statements running at once; checks arriving meanwhile are answered "
            "together by the next statement (fewer statements make larger batches: on 2 cores "
            "shared with PostgreSQL, 1 statement gave 1.4× the checks/s of 2)",
     .default_note = "(one per two cores, at least 1)",
     .check = Range(0, 1000)},
    {.flag = "max-message-bytes",
     .env = "ROLECALL_MAX_MESSAGE_BYTES",
     .field = IntField{&ServerOptions::max_message_bytes, 4 * 1024 * 1024},
     .help = "Largest gRPC message",
     .doc = "largest gRPC message",
     .default_note = "(4 MiB)",
     .check = Range(1024, 64 * 1024 * 1024)},
    {.flag = "stream-idle-timeout-seconds",
     .env = "ROLECALL_STREAM_IDLE_TIMEOUT_SECONDS",
     .field = IntField{&ServerOptions::stream_idle_timeout_seconds, 30},
     .help = "End a stream whose client has not read for this long",
     .doc = "end a stream whose writes have waited on its client this long in total (frees its "
            "connection)",
     .check = Range(1, 3600)},
    {.flag = "watch-checkpoint-seconds",
     .env = "ROLECALL_WATCH_CHECKPOINT_SECONDS",
     .field = IntField{&ServerOptions::watch_checkpoint_seconds, 5},
     .help = "Send an idle WatchChanges stream a checkpoint this often",
     .doc = "an idle `WatchChanges` stream gets a checkpoint (the current revision's token) this "
            "often",
     .check = Range(1, 3600)},
    {.flag = "max-watch-streams",
     .env = "ROLECALL_MAX_WATCH_STREAMS",
     .field = IntField{&ServerOptions::max_watch_streams, 64},
     .help = "WatchChanges streams open at once at most; more are refused (RESOURCE_EXHAUSTED)",
     .doc = "`WatchChanges` streams open at once (each holds a server thread, not a database "
            "connection); more are refused with RESOURCE_EXHAUSTED",
     .check = Range(1, 10000)},
    {.flag = "change-retention-days",
     .env = "ROLECALL_CHANGE_RETENTION_DAYS",
     .field = IntField{&ServerOptions::change_retention_days, 90},
     .help = "Keep the change log this long; older changes are pruned hourly",
     .doc = "the change log keeps changes this long; one server at a time prunes older ones, at "
            "start and hourly",
     .check = Range(1, 36500)},
    {.flag = "keepalive-seconds",
     .env = "ROLECALL_KEEPALIVE_SECONDS",
     .field = IntField{&ServerOptions::keepalive_seconds, 60},
     .help = "gRPC keepalive ping interval",
     .doc = "gRPC keepalive ping interval",
     .check = Range(1, 7200)},
    {.flag = "max-connection-age-seconds",
     .env = "ROLECALL_MAX_CONNECTION_AGE_SECONDS",
     .field = IntField{&ServerOptions::max_connection_age_seconds, 300},
     .help = "Close client connections after this long (rebalancing); 0 = never",
     .doc = "close client connections after this long so they rebalance across replicas; 0 = "
            "never",
     .check = Range(0, 30 * 24 * 3600)},
    {.flag = "statement-timeout-seconds",
     .env = "ROLECALL_STATEMENT_TIMEOUT_SECONDS",
     .field = IntField{&ServerOptions::statement_timeout_seconds, 30},
     .help = "Bound on the database work of a call that sends no deadline",
     .doc = "statement timeout of calls that send no deadline",
     .check = Range(1, 24 * 3600)},
    {.flag = "stream-connections",
     .env = "ROLECALL_STREAM_CONNECTIONS",
     .field = IntField{&ServerOptions::stream_connections, 0},
     .help = "Pooled connections streams may hold at once (the rest serve checks and writes); 0 = "
             "half the pool",
     .doc = "pooled connections streams may hold at once; the rest always serve checks and writes",
     .default_note = "(half the pool)",
     .check = {.rule = kRange, .min = 0, .max_field = &ServerOptions::pool_size}},
    {.flag = "auth-failures-per-minute",
     .env = "ROLECALL_AUTH_FAILURES_PER_MINUTE",
     .field = IntField{&ServerOptions::auth_failures_per_minute, 60},
     .help = "Failed authentications one peer may make in a minute before its calls are refused "
             "(RESOURCE_EXHAUSTED); 0 = no limit",
     .doc = "failed authentications one address may make per minute; past it, its calls with keys "
            "not already known good get RESOURCE_EXHAUSTED and cost no query; 0 = no limit",
     .check = Range(0, 1000000)},
    {.flag = "tls-cert",
     .env = "ROLECALL_TLS_CERT",
     .field = StringField{&ServerOptions::tls_cert, ""},
     .help = "Server certificate (PEM)",
     .doc = "serve TLS: the server certificate (PEM), with `--tls-key`",
     .check = {.rule = kReadableFile, .relations = CheckTlsChoice}},
    {.flag = "tls-key",
     .env = "ROLECALL_TLS_KEY",
     .field = StringField{&ServerOptions::tls_key, ""},
     .help = "Server private key (PEM)",
     .doc = "serve TLS: the server's private key (PEM), with `--tls-cert`",
     .check = kReadable},
    {.flag = "tls-client-ca",
     .env = "ROLECALL_TLS_CLIENT_CA",
     .field = StringField{&ServerOptions::tls_client_ca, ""},
     .help = "Require client certificates signed by this CA",
     .doc = "require client certificates signed by this CA (PEM): mutual TLS",
     .check = kReadable},
    {.flag = "log-level",
     .env = "ROLECALL_LOG_LEVEL",
     .field = StringField{&ServerOptions::log_level, "info"},
     .help = "debug, info, warn or error",
     .doc = "`debug`, `info`, `warn`, `error`",
     .check = {.rule = kOneOf, .choices = kLogLevels}},
    {.flag = "plaintext",
     .env = "ROLECALL_PLAINTEXT",
     .field = BoolField{&ServerOptions::plaintext, false},
     .help = "Serve without TLS",
     .doc = "serve without TLS (must be asked for)"},
    {.flag = "migrate",
     .env = "ROLECALL_MIGRATE",
     .field = BoolField{&ServerOptions::migrate, false},
     .help = "Apply pending migrations before serving",
     .doc = "apply pending migrations before serving (needs the owner's URL: development only)"},
};

// Every rule reads the kind of value it is written for.
constexpr bool RulesFitFields() {
  for (const OptionSpec& spec : kServerOptions) {
    const OptionRule rule = spec.check.rule;
    const bool wants_int = rule == kRange;
    const bool wants_string = rule != kNone && !wants_int;
    if (wants_int && !std::holds_alternative<IntField>(spec.field)) return false;
    if (wants_string && !std::holds_alternative<StringField>(spec.field)) return false;
  }
  return true;
}
static_assert(RulesFitFields(), "an option's check does not fit its field's type");

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};

std::optional<std::string> CheckString(const OptionSpec& spec, const std::string& value) {
  const OptionCheck& c = spec.check;
  const std::string flag = absl::StrCat("--", spec.flag);
  const std::string hint = c.hint == nullptr ? "" : absl::StrCat(" (", c.hint, ")");
  switch (c.rule) {
    case kRequired:
      if (!value.empty()) return std::nullopt;
      return absl::StrCat(flag, " (", spec.env, ") is required",
                          c.hint == nullptr ? "" : absl::StrCat(", ", c.hint));
    case kHostPortOrEmpty:
      if (value.empty()) return std::nullopt;
      [[fallthrough]];
    case kHostPort:
      if (IsHostPort(value)) return std::nullopt;
      return absl::StrCat(flag, ": '", value, "' is not host:port", hint);
    case kReadableFile:
      if (value.empty() || access(value.c_str(), R_OK) == 0) return std::nullopt;
      return absl::StrCat(flag, ": cannot read '", value, "'");
    case kOneOf:
      for (const char* choice : c.choices) {
        if (value == choice) return std::nullopt;
      }
      return absl::StrCat(flag, ": '", value, "' is not one of ", absl::StrJoin(c.choices, ", "));
    default:
      return std::nullopt;
  }
}

std::optional<std::string> CheckInt(const OptionSpec& spec, const ServerOptions& o, int value) {
  const OptionCheck& c = spec.check;
  if (c.rule != kRange) return std::nullopt;
  const int max = c.max_field != nullptr ? o.*c.max_field : c.max;
  if (value >= c.min && value <= max) return std::nullopt;
  return absl::StrCat("--", spec.flag, ": ", value, " is out of range (", c.min, "..", max, ")");
}

std::optional<std::string> CheckOption(const OptionSpec& spec, const ServerOptions& o) {
  return std::visit(Overloaded{[&](const StringField& f) { return CheckString(spec, o.*f.field); },
                               [&](const IntField& f) { return CheckInt(spec, o, o.*f.field); },
                               [](const BoolField&) { return std::optional<std::string>(); }},
                    spec.field);
}

// The README's default column: the default as written on the command line (strings in
// backquotes), then the note; "(required)" for a required option.
std::string DefaultCell(const OptionSpec& spec) {
  if (spec.check.rule == kRequired) return "(required)";
  const std::string value = std::visit(
      Overloaded{
          [](const StringField& f) {
            return *f.default_value ? absl::StrCat("`", f.default_value, "`") : "";
          },
          [](const IntField& f) { return absl::StrCat(f.default_value); },
          [](const BoolField& f) { return std::string(f.default_value ? "true" : "false"); }},
      spec.field);
  if (spec.default_note == nullptr) return value;
  return value.empty() ? spec.default_note : absl::StrCat(value, " ", spec.default_note);
}

}  // namespace

ServerOptions::ServerOptions() {
  for (const OptionSpec& spec : kServerOptions) {
    std::visit([this](const auto& f) { this->*f.field = f.default_value; }, spec.field);
  }
}

std::span<const OptionSpec> ServerOptionSpecs() { return kServerOptions; }

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
  for (const OptionSpec& spec : kServerOptions) {
    if (spec.check.relations != nullptr) spec.check.relations(o, problems);
    if (auto problem = CheckOption(spec, o)) problems.push_back(*std::move(problem));
  }
  return problems;
}

std::string OptionsMarkdownTable() {
  std::string table = "| flag | environment | default | meaning |\n|---|---|---|---|\n";
  for (const OptionSpec& spec : kServerOptions) {
    absl::StrAppend(&table, "| `--", spec.flag, "` | `", spec.env, "` | ", DefaultCell(spec), " | ",
                    spec.doc, " |\n");
  }
  return table;
}

}  // namespace rolecall
