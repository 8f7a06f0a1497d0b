// The engine's only contact with the network and with the passing of time:
// start requests, wait for their completions. Three implementations: libcurl
// multi (curl_transport.h), a dry run that answers from the exchanges' own
// documented success shapes, and a scripted one for unit tests
// (scripted_transport.h). Both in-process ones run on virtual time, so a
// scheduler under test never sleeps.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crm/http/http_types.h"

namespace crm::http {

/// One finished transfer, with the tag it was started with.
struct Completion {
  std::uint64_t tag = 0;
  Response response;
};

class Transport {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~Transport() = default;

  /// Starts a transfer; its completion carries `tag`.
  virtual void start(std::uint64_t tag, const Request& request) = 0;

  /// Transfers started and not yet returned by wait().
  [[nodiscard]] virtual std::size_t active() const = 0;

  /// Drives the transfers for at most `max_wait` and returns those that
  /// finished (possibly none).
  virtual std::vector<Completion> wait(std::chrono::milliseconds max_wait) = 0;

  /// With nothing in flight: lets `duration` (at most 1 s) pass, for a store
  /// whose next request slot is not due yet.
  virtual void idle(std::chrono::milliseconds duration) = 0;

  /// The transport's clock: the steady clock for real transfers, virtual
  /// time for the in-process ones (it moves only in wait() and idle()).
  [[nodiscard]] virtual Clock::time_point now() const { return Clock::now(); }
};

}  // namespace crm::http
