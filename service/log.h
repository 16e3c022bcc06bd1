#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rolecall {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Structured logs: one JSON object per line on stderr, with "time", "level" and "msg".
// Callers must never put an API key, a password or a hash in a field.
class Logger final {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo) : min_level_(min_level) {}
  static LogLevel ParseLevel(std::string_view name);

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  void Log(LogLevel level, std::string_view msg, nlohmann::json fields = nlohmann::json::object());

 private:
  const LogLevel min_level_;
  std::mutex mu_;
};

}  // namespace rolecall
