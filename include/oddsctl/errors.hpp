// Error kinds and the documented exit codes they map to. Every failure that reaches the
// command line is an oddsctl::Error; its message is one line and never contains an API key.
#pragma once

#include <stdexcept>
#include <string>

namespace oddsctl {

// Values are the process exit codes of the contract.
enum class ExitCode : int {
  ok = 0,
  runtime = 1,    // network, store, upstream: nothing useful done
  usage = 2,      // bad flag or value: nothing done
  partial = 3,    // some regions or items failed, the rest were done and stored
  not_fresh = 4,  // cache get: stale or missing
  budget = 5,     // stopped by a budget guard
  busy = 75,      // another run holds the lease (--wait-lock timed out)
};

class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

// Bad input from the user (flag, value, config file): exit 2.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(ExitCode::usage, message) {}
};

// The store could not be opened, read or written: exit 1.
class StoreError : public Error {
public:
  explicit StoreError(const std::string& message) : Error(ExitCode::runtime, message) {}
};

// A budget guard refused a call: exit 5.
class BudgetError : public Error {
public:
  explicit BudgetError(const std::string& message) : Error(ExitCode::budget, message) {}
};

}  // namespace oddsctl
