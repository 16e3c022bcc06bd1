#include "service/auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rolecall {
namespace {
constexpr size_t kMaxCachedKeys = 10000;
}

absl::StatusOr<ApiKeyRecord> Authenticator::Lookup(const std::string& key_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.fetched < kCacheTtl) return it->second.record;
  }
  auto record = store_.FindApiKey(key_id);
  if (!record.ok()) return record.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[key_id] = Entry{*record, now};
  return record;
}

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::ServerContextBase& ctx) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing credentials: send the metadata `authorization: Bearer <API key>`");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return absl::UnauthenticatedError("the authorization metadata must be `Bearer <API key>`");
  }
  const absl::string_view key = absl::StripAsciiWhitespace(value.substr(7));
  auto parts = ParseApiKey(std::string_view(key.data(), key.size()));
  if (!parts.ok()) return absl::UnauthenticatedError("invalid API key");
  auto record = Lookup(parts->key_id);
  if (!record.ok()) {
    if (record.status().code() == absl::StatusCode::kNotFound) {
      return absl::UnauthenticatedError("invalid API key");
    }
    return record.status();
  }
  if (!HashesEqual(record->secret_hash, HashSecret(parts->secret))) {
    return absl::UnauthenticatedError("invalid API key");
  }
  if (record->revoked) return absl::UnauthenticatedError("this API key has been revoked");
  return Caller{record->org_id, record->key_id, record->scope, record->principal_user_id};
}

void Authenticator::Forget(const std::string& key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(key_id);
}

absl::StatusOr<ApiKeyParts> IssueApiKey(Store& store, const std::string& org_id, Scope scope,
                                        const std::string& principal_user_id,
                                        const std::string& name) {
  const ApiKeyParts key = NewApiKey();
  const ApiKeyRecord record{org_id, key.key_id,        HashSecret(key.secret),
                            scope,  principal_user_id, false};
  const absl::Status stored = store.InsertApiKey(record, name);
  if (!stored.ok()) return stored;
  return key;
}

absl::Status Authenticator::Authorize(const Caller& caller, Scope needed) {
  if (ScopeCovers(caller.scope, needed)) return absl::OkStatus();
  if (!caller.principal_user_id.empty()) {
    auto role = store_.EffectiveRole(caller.org_id, caller.principal_user_id,
                                     {ResourceKind::kOrganization, caller.org_id});
    if (role.ok() && *role == Role::kOwner) return absl::OkStatus();
    if (!role.ok() && role.status().code() != absl::StatusCode::kNotFound) return role.status();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("this call needs an API key with scope ", std::string(ScopeName(needed)),
                   " (or one acting for an organization owner); this key has scope ",
                   std::string(ScopeName(caller.scope))));
}

}  // namespace rolecall
