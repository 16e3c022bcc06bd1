#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace rolecall {

// What every storage call is told about the request it serves. The store sees only the rows of
// `org_id` (row-level security enforces it), and its statements time out when `deadline`
// passes. What later capabilities need of a request (the consistency it asks for, the actor an
// audit log names) joins this struct, so no interface has to change to carry it.
struct RequestContext {
  using Deadline = std::optional<std::chrono::system_clock::time_point>;

  std::string org_id;  // empty: no organization's rows (bootstrap, API key lookup)
  Deadline deadline;   // none: the pool's default statement timeout bounds the work

  static RequestContext Org(std::string org_id, Deadline deadline = {}) {
    return RequestContext{std::move(org_id), deadline};
  }
};

}  // namespace rolecall
