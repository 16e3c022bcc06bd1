#pragma once

#include <optional>
#include <string_view>

#include "absl/strings/match.h"

// Enum values and their names in one table, read both ways: every enum the API names (roles,
// resource kinds, key scopes, account filters) is written once, as a table of this shape.
namespace rolecall {

template <typename Enum>
struct Named {
  Enum value;
  std::string_view name;
};

// The name of `value`: its first entry in `table`; "" when it has none.
template <typename Enum, size_t N>
constexpr std::string_view NameIn(const Named<Enum> (&table)[N], Enum value) {
  for (const Named<Enum>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "";
}

// The value named `name` in `table`, compared case-insensitively; nullopt when none is.
template <typename Enum, size_t N>
std::optional<Enum> ValueIn(const Named<Enum> (&table)[N], std::string_view name) {
  for (const Named<Enum>& entry : table) {
    if (absl::EqualsIgnoreCase(absl::string_view(entry.name.data(), entry.name.size()),
                               absl::string_view(name.data(), name.size()))) {
      return entry.value;
    }
  }
  return std::nullopt;
}

}  // namespace rolecall
