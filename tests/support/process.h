#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace rolecall::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs a program to completion with `stdin_text` on its stdin and extra environment variables.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// Runs a program to completion on a new pseudo-terminal (stdin, stdout and stderr all on it, as
// in an interactive shell); `out` is everything the terminal showed (with the pty's "\r\n" line
// ends), `err` stays empty. For output that changes on a terminal (progress lines).
CommandResult RunInPty(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env = {},
                       std::chrono::seconds timeout = std::chrono::seconds(60));

// A child process in the background, its stdout and stderr going to `log_path`.
class ChildProcess final {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_path);
  ~ChildProcess();  // SIGKILLs the child when it is still running

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // The exit code once the child exits within `timeout`; -1 on a timeout or a signal death.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// The contents of a file ("" when it cannot be read).
std::string ReadAll(const std::string& path);

// Polls `predicate` every 50 ms until it holds or `timeout` passes.
template <typename F>
bool WaitFor(F predicate, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (predicate()) return true;
    struct timespec ts {
      0, 50 * 1000 * 1000
    };
    nanosleep(&ts, nullptr);
  }
  return predicate();
}

// An environment variable the test harness must set; aborts the test run when it is missing.
std::string RequiredEnv(const char* name);

}  // namespace rolecall::testing
