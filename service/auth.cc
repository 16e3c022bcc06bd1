#include "service/auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/input.h"
#include "service/metrics.h"

namespace rolecall {
namespace {
// Bounds on what the caches hold; when full, they start over (a flood of distinct ids costs
// queries, which the per-peer failure limit bounds).
constexpr size_t kMaxCachedKeys = 10000;
constexpr size_t kMaxTrackedPeers = 10000;
constexpr std::chrono::minutes kFailureWindow{1};
}  // namespace

std::string PeerAddress(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  const size_t first = peer.find(':');
  if (colon == std::string::npos || colon == first) return peer;
  return peer.substr(0, colon);
}

Authenticator::Authenticator(KeyStore& keys, Metrics& metrics, int failures_per_minute)
    : keys_(keys), metrics_(metrics), failures_per_minute_(failures_per_minute) {}

RequestContext::Deadline DeadlineOf(const grpc::ServerContextBase& ctx) {
  const auto deadline = ctx.deadline();
  if (deadline > std::chrono::system_clock::now() + std::chrono::hours(24 * 365)) return {};
  return deadline;
}

absl::StatusOr<std::optional<ApiKeyRecord>> Authenticator::Lookup(const RequestContext& ctx,
                                                                  const std::string& key_id,
                                                                  bool may_query) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.fetched < kCacheTtl) return it->second.record;
  }
  if (!may_query) {
    return absl::ResourceExhaustedError(
        "too many failed authentications from this address; retry in a minute");
  }
  std::optional<ApiKeyRecord> found;
  auto record = keys_.FindApiKey(ctx, key_id);
  if (record.ok()) {
    found = *std::move(record);
  } else if (record.status().code() != absl::StatusCode::kNotFound) {
    return record.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[key_id] = Entry{found, now};
  return found;
}

bool Authenticator::OverLimit(const std::string& peer) {
  if (failures_per_minute_ == 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(peer);
  if (it == failures_.end()) return false;
  if (std::chrono::steady_clock::now() - it->second.window_start >= kFailureWindow) {
    failures_.erase(it);
    return false;
  }
  return it->second.count >= failures_per_minute_;
}

absl::Status Authenticator::Fail(const std::string& peer, const char* reason, absl::Status status) {
  metrics_.RecordAuthFailure(reason);
  if (failures_per_minute_ == 0) return status;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (failures_.size() >= kMaxTrackedPeers && failures_.find(peer) == failures_.end()) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      it = now - it->second.window_start >= kFailureWindow ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= kMaxTrackedPeers) failures_.clear();
  }
  Failures& f = failures_[peer];
  if (f.count == 0 || now - f.window_start >= kFailureWindow) f = Failures{now, 0};
  ++f.count;
  return status;
}

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::ServerContextBase& ctx) {
  const std::string peer = PeerAddress(ctx.peer());
  const bool over_limit = OverLimit(peer);
  // A peer over its limit gets RESOURCE_EXHAUSTED for whatever fails, and no query is made.
  const auto fail = [&](const char* reason, absl::Status status) {
    if (over_limit) {
      return Fail(peer, "rate_limited",
                  absl::ResourceExhaustedError(
                      "too many failed authentications from this address; retry in a minute"));
    }
    return Fail(peer, reason, std::move(status));
  };
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return fail("missing", absl::UnauthenticatedError(
                               "missing credentials: send the metadata `authorization: Bearer "
                               "<API key>`"));
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return fail("malformed", absl::UnauthenticatedError(
                                 "the authorization metadata must be `Bearer <API key>`"));
  }
  const absl::string_view key = absl::StripAsciiWhitespace(value.substr(7));
  auto parts = ParseApiKey(std::string_view(key.data(), key.size()));
  if (!parts.ok()) return fail("malformed", absl::UnauthenticatedError("invalid API key"));
  // Before the caller is known: no organization's rows, under the call's deadline.
  auto record = Lookup(RequestContext::Org("", DeadlineOf(ctx)), parts->key_id,
                       /*may_query=*/!over_limit);
  if (!record.ok()) {
    if (record.status().code() == absl::StatusCode::kResourceExhausted) {
      return fail("rate_limited", record.status());
    }
    return record.status();
  }
  if (!record->has_value()) return fail("unknown", absl::UnauthenticatedError("invalid API key"));
  const ApiKeyRecord& r = **record;
  if (!HashesEqual(r.secret_hash, HashSecret(parts->secret))) {
    return fail("wrong_secret", absl::UnauthenticatedError("invalid API key"));
  }
  if (r.revoked) {
    return fail("revoked", absl::UnauthenticatedError("this API key has been revoked"));
  }
  return Caller{r.org_id, r.key_id, r.scope, r.principal_user_id};
}

void Authenticator::Forget(const std::string& key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(key_id);
}

void Authenticator::ForgetPrincipal(const std::string& org_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    const auto& r = it->second.record;
    it = r && r->org_id == org_id && r->principal_user_id == user_id ? cache_.erase(it)
                                                                     : std::next(it);
  }
}

absl::StatusOr<ApiKeyParts> IssueApiKey(KeyStore& keys, const RequestContext& ctx, Scope scope,
                                        const std::string& principal_user_id,
                                        const std::string& name) {
  const ApiKeyParts key = NewApiKey();
  const ApiKeyRecord record{ctx.org_id, key.key_id,        HashSecret(key.secret),
                            scope,      principal_user_id, false};
  const absl::Status stored = keys.InsertApiKey(ctx, record, name);
  if (!stored.ok()) return stored;
  return key;
}

absl::Status Authenticator::Authorize(const Caller& caller, Scope needed) {
  if (ScopeCovers(caller.scope, needed)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("this call needs an API key with scope ", std::string(ScopeName(needed)),
                   "; this key has scope ", std::string(ScopeName(caller.scope)),
                   " (a key's principal never widens its scope)"));
}

}  // namespace rolecall
