#pragma once

#include <string>
#include <vector>

namespace rolecall {

// Everything `rolecall-server serve` is configured by. Each field is a flag with an environment
// variable twin (see service/main.cc).
struct ServerOptions {
  std::string database_url;                // ROLECALL_DATABASE_URL (libpq URL or key=value)
  std::string listen = "127.0.0.1:50051";  // ROLECALL_LISTEN, host:port (port 0 = any free port)
  std::string metrics_listen = "127.0.0.1:9464";  // ROLECALL_METRICS_LISTEN; empty disables
  int pool_size = 16;                             // ROLECALL_POOL_SIZE
  int pool_timeout_ms = 5000;                     // ROLECALL_POOL_TIMEOUT_MS
  int health_interval_ms = 1000;                  // ROLECALL_HEALTH_INTERVAL_MS
  int shutdown_grace_seconds = 20;                // ROLECALL_SHUTDOWN_GRACE_SECONDS
  int hash_threads = 0;                           // ROLECALL_HASH_THREADS; 0 = one per core
  int check_statements = 0;  // ROLECALL_CHECK_STATEMENTS; 0 = one per two cores, at least 1
  int max_message_bytes = 4 * 1024 * 1024;  // ROLECALL_MAX_MESSAGE_BYTES
  int stream_idle_timeout_seconds = 30;     // ROLECALL_STREAM_IDLE_TIMEOUT_SECONDS
  int keepalive_seconds = 60;               // ROLECALL_KEEPALIVE_SECONDS
  int max_connection_age_seconds = 300;     // ROLECALL_MAX_CONNECTION_AGE_SECONDS; 0 = unlimited
  std::string tls_cert;                     // ROLECALL_TLS_CERT (PEM file)
  std::string tls_key;                      // ROLECALL_TLS_KEY (PEM file)
  std::string tls_client_ca;                // ROLECALL_TLS_CLIENT_CA: require client certs
  std::string log_level = "info";           // ROLECALL_LOG_LEVEL: debug, info, warn, error
  bool migrate = false;                     // ROLECALL_MIGRATE: apply migrations before serving
  bool plaintext = false;                   // ROLECALL_PLAINTEXT: serve without TLS (asked for)
  // ROLECALL_STATEMENT_TIMEOUT_SECONDS: bounds database work of calls that carry no deadline.
  int statement_timeout_seconds = 30;
  // ROLECALL_STREAM_CONNECTIONS: pooled connections streams may hold at once; 0 = half the pool.
  int stream_connections = 0;
  // ROLECALL_AUTH_FAILURES_PER_MINUTE: failed authentications one peer (IP address) may make in
  // a minute before its calls are refused with RESOURCE_EXHAUSTED; 0 = no limit.
  int auth_failures_per_minute = 60;
  // ROLECALL_HEALTH_LISTEN, host:port of a second, always plaintext gRPC listener that serves
  // grpc.health.v1.Health only (the main listener's status; no rolecall service, no
  // reflection), for probes that cannot speak TLS (the kubelet's); empty = none.
  std::string health_listen;
};

// One line per problem, each naming the flag; empty when the options are usable.
std::vector<std::string> ValidateOptions(const ServerOptions& options);

// Whether `address` is host:port (IPv6 hosts in brackets) with a port in 0..65535.
bool IsHostPort(const std::string& address);

}  // namespace rolecall
