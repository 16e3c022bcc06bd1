#pragma once

#include <exception>
#include <string>

#include "absl/status/status.h"

namespace rolecall {

// Maps an exception thrown by libpqxx (or the standard library) while running `what` to a status:
// broken connection → UNAVAILABLE, unique violation → ALREADY_EXISTS, foreign-key violation →
// NOT_FOUND, statement timeout / cancel → DEADLINE_EXCEEDED, serialization failure → ABORTED,
// anything else → INTERNAL. Messages never contain SQL text, SQLSTATEs or parameters (they may
// hold user data); what the database said goes into a payload for the server's log only
// (ErrorDetail in core/status.h).
absl::Status StatusFromException(std::exception_ptr error, const std::string& what);

// Whether a status came from a broken connection (the pool drops such connections).
bool IsConnectionFailure(const absl::Status& status);

}  // namespace rolecall
