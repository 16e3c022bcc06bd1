#pragma once

#include <span>
#include <string>
#include <variant>
#include <vector>

namespace rolecall {

// Everything `rolecall-server serve` is configured by. Each field is an option of
// ServerOptionSpecs() below, where its flag, environment variable, default, help and validation
// are written (service/options.cc); the constructor gives every field its default from there
// (the `{}` only keeps a number without an option from being indeterminate).
struct ServerOptions {
  ServerOptions();

  std::string database_url;
  std::string listen;
  std::string metrics_listen;
  std::string health_listen;
  int pool_size{};
  int pool_timeout_ms{};
  int health_interval_ms{};
  int shutdown_grace_seconds{};
  int hash_threads{};
  int check_statements{};
  int max_message_bytes{};
  int stream_idle_timeout_seconds{};
  int watch_checkpoint_seconds{};
  int max_watch_streams{};
  int change_retention_days{};
  int keepalive_seconds{};
  int max_connection_age_seconds{};
  int statement_timeout_seconds{};
  int stream_connections{};
  int auth_failures_per_minute{};
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string log_level;
  bool plaintext{};
  bool migrate{};
};

// Which field of ServerOptions an option sets, and its default.
struct StringField {
  std::string ServerOptions::*field;
  const char* default_value;
};
struct IntField {
  int ServerOptions::*field;
  int default_value;
};
struct BoolField {  // a flag without a value (`--plaintext`); its variable takes true/false
  bool ServerOptions::*field;
  bool default_value;
};
using OptionField = std::variant<StringField, IntField, BoolField>;

// What ValidateOptions requires of an option's value.
enum class OptionRule {
  kNone,
  kRequired,         // a non-empty string
  kHostPort,         // IsHostPort
  kHostPortOrEmpty,  // IsHostPort, or empty (off)
  kRange,            // an int in min..max
  kReadableFile,     // empty, or a file this process can read
  kOneOf,            // one of `choices`
};

struct OptionCheck {
  OptionRule rule = OptionRule::kNone;
  int min = 0;
  int max = 0;
  int ServerOptions::*max_field = nullptr;  // kRange: the maximum is this option's value
  std::span<const char* const> choices = {};
  // Appended to the problem: kRequired ", <hint>", the host:port rules " (<hint>)".
  const char* hint = nullptr;
  // Checks involving other options too, reported just before this option's own problem.
  void (*relations)(const ServerOptions&, std::vector<std::string>& problems) = nullptr;
};

// One option of `rolecall-server serve`: `--<flag>`, with the environment variable `env`.
struct OptionSpec {
  const char* flag;  // without the leading "--"
  const char* env;
  OptionField field;
  const char* help;  // `--help`
  const char* doc;   // README.md's configuration table ("meaning")
  // README's default column: after the default (`0` and "(one per core)" show as
  // "0 (one per core)"), or alone when the default is empty.
  const char* default_note = nullptr;
  OptionCheck check = {};
  bool global = false;  // an option of rolecall-server itself (every subcommand), not of serve
};

// Every option, in `--help` order (global ones first).
std::span<const OptionSpec> ServerOptionSpecs();

// One line per problem, each naming the flag; empty when the options are usable.
std::vector<std::string> ValidateOptions(const ServerOptions& options);

// README.md's table of the options ("| flag | environment | default | meaning |"), one line each,
// from ServerOptionSpecs().
std::string OptionsMarkdownTable();

// Whether `address` is host:port (IPv6 hosts in brackets) with a port in 0..65535.
bool IsHostPort(const std::string& address);

}  // namespace rolecall
