#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "core/api_key.h"
#include "storage/store.h"

namespace rolecall {

// Who is calling: the organization every storage call is scoped to, and what the key allows.
struct Caller {
  std::string org_id;
  std::string key_id;
  Scope scope = Scope::kCheck;
  std::string principal_user_id;  // empty when the key acts for no particular user
};

// Checks `authorization: Bearer <API key>` metadata against the stored key hashes. Key records
// are cached for a few seconds so the hot path does not query the database on every call; a
// revocation takes effect within kCacheTtl.
class Authenticator final {
 public:
  static constexpr std::chrono::seconds kCacheTtl{5};

  explicit Authenticator(Store& store) : store_(store) {}

  // The caller of the key in the metadata. UNAUTHENTICATED for a missing, malformed, unknown or
  // revoked key; UNAVAILABLE when keys cannot be read.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx);

  // OK when the caller's key scope covers `needed`, or when the key acts for a user who is an
  // organization owner (owners may do anything in their organization); PERMISSION_DENIED
  // otherwise.
  absl::Status Authorize(const Caller& caller, Scope needed);

  // Drops a key from this replica's cache (after a revocation).
  void Forget(const std::string& key_id);

 private:
  absl::StatusOr<ApiKeyRecord> Lookup(const std::string& key_id);

  Store& store_;
  std::mutex mu_;
  struct Entry {
    ApiKeyRecord record;
    std::chrono::steady_clock::time_point fetched;
  };
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
};

// Creates a key for an existing organization (and principal, when given) and returns it, to be
// shown to its owner once (FormatApiKey); only its secret's hash is stored. Used by the API and by
// `rolecall-server create-api-key`.
absl::StatusOr<ApiKeyParts> IssueApiKey(Store& store, const std::string& org_id, Scope scope,
                                        const std::string& principal_user_id,
                                        const std::string& name);

}  // namespace rolecall
