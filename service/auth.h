#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "core/api_key.h"
#include "storage/key_store.h"

namespace rolecall {

class Metrics;

// Who is calling: the organization every storage call is scoped to, and what the key allows.
struct Caller {
  std::string org_id;
  std::string key_id;
  Scope scope = Scope::kCheck;
  std::string principal_user_id;  // empty when the key acts for no particular user
};

// Checks `authorization: Bearer <API key>` metadata against the stored key hashes. Key records
// are cached for a few seconds so the hot path does not query the database on every call; a
// revocation, or the deletion of a key's user, takes effect on every replica within kCacheTtl.
// Unknown key ids are remembered as unknown for kCacheTtl too, so a flood with one bad key costs
// one query per TTL. Failed authentications are counted per peer address: past
// `failures_per_minute` in a minute, a peer's calls that are not already known good are refused
// with RESOURCE_EXHAUSTED, without a query, until the minute is over.
class Authenticator final {
 public:
  static constexpr std::chrono::seconds kCacheTtl{5};

  // `failures_per_minute` 0: no limit.
  Authenticator(KeyStore& keys, Metrics& metrics, int failures_per_minute);

  // The caller of the key in the metadata; the call's deadline bounds the key's lookup.
  // UNAUTHENTICATED for a missing, malformed, unknown or revoked key; RESOURCE_EXHAUSTED for a peer
  // over its failure limit; UNAVAILABLE when keys cannot be read.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx);

  // OK when the key's scope covers `needed`; PERMISSION_DENIED otherwise. A key's scope is an
  // upper bound: its principal, even an organization owner, never widens it.
  static absl::Status Authorize(const Caller& caller, Scope needed);

  // Drops a key from this replica's cache (after a revocation).
  void Forget(const std::string& key_id);
  // Drops the keys acting for a user from this replica's cache (after the user's deletion, which
  // deletes the keys in the database).
  void ForgetPrincipal(const std::string& org_id, const std::string& user_id);

 private:
  // The key's record, nullopt when no key has this id; from the cache, or (`may_query`) the
  // database.
  absl::StatusOr<std::optional<ApiKeyRecord>> Lookup(const RequestContext& ctx,
                                                     const std::string& key_id, bool may_query);
  absl::Status Fail(const std::string& peer, const char* reason, absl::Status status);
  // Whether `peer` has failed too often this minute.
  bool OverLimit(const std::string& peer);

  KeyStore& keys_;
  Metrics& metrics_;
  const int failures_per_minute_;
  std::mutex mu_;
  struct Entry {
    std::optional<ApiKeyRecord> record;  // nullopt: no such key
    std::chrono::steady_clock::time_point fetched;
  };
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_; by key id
  struct Failures {
    std::chrono::steady_clock::time_point window_start;
    int count = 0;
  };
  std::unordered_map<std::string, Failures> failures_;  // guarded by mu_; by peer address
};

// Creates a key for the existing organization `ctx.org_id` (and principal, when given) and returns
// it, to be shown to its owner once (FormatApiKey); only its secret's hash is stored. Used by the
// API and by `rolecall-server create-api-key`.
absl::StatusOr<ApiKeyParts> IssueApiKey(KeyStore& keys, const RequestContext& ctx, Scope scope,
                                        const std::string& principal_user_id,
                                        const std::string& name);

// The deadline a call's client set; none when it is infinite.
RequestContext::Deadline DeadlineOf(const grpc::ServerContextBase& ctx);

// The address part of a gRPC peer ("ipv4:10.0.0.1:5000" → "ipv4:10.0.0.1").
std::string PeerAddress(const std::string& peer);

}  // namespace rolecall
