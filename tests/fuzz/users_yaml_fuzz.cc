// Fuzzes rolecall::cli::ParseUsersYaml (cli/users_file.h): any text, as a users file.
// Properties: it returns a status for every input — an exception escaping it is a crash here
// (libFuzzer reports it; the replay driver dies in std::terminate) — an error is
// INVALID_ARGUMENT and names the file first, and a parsed request survives a protobuf round trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/users_file.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = rolecall::cli::ParseUsersYaml(text, "fuzz.yaml");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string message(parsed.status().message());  // absl's own string_view here
    FUZZ_CHECK(message.substr(0, 9) == "fuzz.yaml");
    FUZZ_CHECK(message.size() > 9 && (message[9] == ':'));
    return 0;
  }
  FUZZ_CHECK(parsed->create_users_size() >= 0);
  rolecall::v1::AdminCreateUsers copy;
  FUZZ_CHECK(copy.ParseFromString(parsed->SerializeAsString()));
  FUZZ_CHECK(copy.SerializeAsString() == parsed->SerializeAsString());
  return 0;
}
