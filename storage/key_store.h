#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "rolecall/v1/directory.pb.h"
#include "storage/context.h"
#include "storage/records.h"

namespace rolecall {

// API keys (only their secrets' hashes) and the server-wide page-token key.
class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Stores a new key of `key.org_id`, which `ctx.org_id` must be. NOT_FOUND for an unknown
  // organization or principal.
  virtual absl::Status InsertApiKey(const RequestContext& ctx, const ApiKeyRecord& key,
                                    const std::string& name) = 0;
  // The key with this id, in whatever organization (the caller is not known yet: `ctx.org_id`
  // is empty); NOT_FOUND when there is none.
  virtual absl::StatusOr<ApiKeyRecord> FindApiKey(const RequestContext& ctx,
                                                  const std::string& key_id) = 0;
  // Revokes a key of the organization; NOT_FOUND when it has no such key.
  virtual absl::Status RevokeApiKey(const RequestContext& ctx, const std::string& key_id) = 0;
  // Up to `limit` of the organization's keys after `after`, by key id.
  virtual absl::StatusOr<Page<v1::ApiKey, KeyIdCursor>> ListApiKeys(
      const RequestContext& ctx, const std::optional<KeyIdCursor>& after, int limit) = 0;
  // The MAC key of page tokens, made on first use and shared by every replica.
  virtual absl::StatusOr<std::string> PageTokenKey(const RequestContext& ctx) = 0;
};

}  // namespace rolecall
