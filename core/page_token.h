#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/status.h"

namespace rolecall {

// Opaque, tamper-evident page tokens. A token carries the keyset cursor (the sort key of the last
// row returned) and a MAC over the cursor and the request's scope (method and filters), so a token
// that was altered, or is reused with other filters, is refused. Tokens never grant access: the
// caller's organization is checked on every request and is part of the scope.
class PageTokenCodec final {
 public:
  // `key`: at least 16 secret bytes shared by every replica.
  explicit PageTokenCodec(std::string key);

  std::string Encode(std::string_view scope, const std::vector<std::string>& cursor) const;

  // The cursor of a token made by Encode with the same scope; INVALID_ARGUMENT otherwise.
  absl::StatusOr<std::vector<std::string>> Decode(std::string_view scope,
                                                  std::string_view token) const;

  // The same for a typed cursor (core/cursors.h): none for an empty token, INVALID_ARGUMENT for
  // a token that is not this scope's or carries another kind of cursor.
  template <typename Cursor>
  std::string EncodeCursor(std::string_view scope, const Cursor& cursor) const {
    return Encode(scope, cursor.Fields());
  }
  template <typename Cursor>
  absl::StatusOr<std::optional<Cursor>> DecodeCursor(std::string_view scope,
                                                     std::string_view token) const {
    if (token.empty()) return std::optional<Cursor>();
    ASSIGN_OR_RETURN(const std::vector<std::string> fields, Decode(scope, token));
    ASSIGN_OR_RETURN(Cursor cursor, Cursor::Decode(fields));
    return std::optional<Cursor>(std::move(cursor));
  }

 private:
  std::string Mac(std::string_view scope, std::string_view payload) const;
  std::string key_;
};

// Builds the scope string of a request from its method and filter values, unambiguously.
std::string PageScope(std::string_view org_id, std::string_view method,
                      const std::vector<std::string>& filters);

}  // namespace rolecall
