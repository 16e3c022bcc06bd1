#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Small helpers around absl::Status that Debian's abseil lacks.

#define ROLECALL_CONCAT_INNER(a, b) a##b
#define ROLECALL_CONCAT(a, b) ROLECALL_CONCAT_INNER(a, b)

// Returns from the current function when `expr` is not OK.
#define RETURN_IF_ERROR(expr) \
  RETURN_IF_ERROR_IMPL(ROLECALL_CONCAT(rolecall_status_, __COUNTER__), expr)
#define RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                  \
    absl::Status tmp = (expr);          \
    if (!tmp.ok()) return tmp;          \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(ROLECALL_CONCAT(rolecall_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

namespace rolecall {

// One invalid field of a request, as in google.rpc.BadRequest.FieldViolation.
struct FieldViolation {
  std::string field;        // e.g. "create_users[3].email"
  std::string description;  // what is wrong, for a person
};

// The absl::Status payload URL under which field violations travel to the gRPC edge.
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

// INVALID_ARGUMENT carrying every violation (as a serialized google.rpc.BadRequest payload). The
// message names the first violation and how many there are.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// The violations carried by a status made by InvalidFields; empty for any other status.
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// `status` carrying what a dependency (the database) said about the failure, cut to a few hundred
// characters, for the server's log only.
absl::Status WithDetail(absl::Status status, const std::string& detail);
// That detail; empty when the status carries none. Never sent to clients.
std::string ErrorDetail(const absl::Status& status);

}  // namespace rolecall
