// Concurrent HTTP over one libcurl multi handle: start transfers, then wait
// for completions. Nothing here sleeps; waiting happens in curl_multi_poll.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "crm/http/http_types.h"
#include "crm/http/transport.h"

namespace crm::http {

struct TransportOptions {
  /// Bodies above this are cut off and the transfer fails.
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  /// Connections per host kept open and reused (0 = no limit).
  long max_host_connections = 0;
  std::string user_agent = "crm-sync";
};

/// The real transport: every transfer on one libcurl multi handle.
class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TransportOptions options = {});
  ~CurlTransport();
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  /// Starts a transfer; its completion carries `tag`. Throws FatalError only
  /// if libcurl cannot add a handle (out of memory).
  void start(std::uint64_t tag, const Request& request) override;

  /// Transfers started and not yet returned by wait().
  [[nodiscard]] std::size_t active() const override;

  /// Drives the transfers for at most `max_wait` and returns those that
  /// finished (possibly none).
  std::vector<Completion> wait(std::chrono::milliseconds max_wait) override;
  /// With nothing in flight: waits `duration` (at most 1 s) in
  /// curl_multi_poll, for a store whose next request slot is not due yet.
  void idle(std::chrono::milliseconds duration) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// One request, sent and waited for (steps before or outside a run's
/// concurrent transfers: an OAuth refresh, an import page).
Response perform(const Request& request);

}  // namespace crm::http
