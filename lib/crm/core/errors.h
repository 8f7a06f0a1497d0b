// The two exceptions that end a run; everything else is a value.
#pragma once

#include <stdexcept>
#include <string>

namespace crm {

/// A condition that ends the run with exit code 1: database unreachable, bad
/// configuration, missing integration. The message is one line, has context
/// first, and never contains a secret.
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A bad command line: exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace crm
