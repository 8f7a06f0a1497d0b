// A transport that answers in-process, on virtual time: the unit tests'
// scripted CRM and the dry run's pretend one. Nothing is sent anywhere and
// nothing sleeps; time moves only when the engine waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "crm/http/transport.h"

namespace crm::http {

class ScriptedTransport final : public Transport {
 public:
  /// The response to one request and how long it takes to arrive.
  struct Answer {
    Response response;
    std::chrono::milliseconds latency{0};
  };
  /// Decides the answer when a request starts.
  using Responder = std::function<Answer(std::uint64_t tag, const Request&)>;

  /// A request as it was started, and when (virtual time).
  struct Sent {
    std::uint64_t tag = 0;
    Request request;
    Clock::time_point at;
  };

  explicit ScriptedTransport(Responder responder);

  void start(std::uint64_t tag, const Request& request) override;
  [[nodiscard]] std::size_t active() const override;
  /// Moves virtual time to the earliest completion if it is due within
  /// `max_wait` and returns every completion due by then; otherwise lets
  /// `max_wait` pass and returns none.
  std::vector<Completion> wait(std::chrono::milliseconds max_wait) override;
  void idle(std::chrono::milliseconds duration) override;
  [[nodiscard]] Clock::time_point now() const override { return m_now; }

  /// Every request started so far, in start order.
  [[nodiscard]] const std::vector<Sent>& sent() const { return m_sent; }
  /// The virtual time the transport started at.
  [[nodiscard]] Clock::time_point origin() const { return m_origin; }

 private:
  struct InFlight {
    std::uint64_t tag = 0;
    Clock::time_point due;
    Response response;
  };
  Responder m_responder;
  Clock::time_point m_origin;
  Clock::time_point m_now;
  std::vector<InFlight> m_in_flight;
  std::vector<Sent> m_sent;
};

}  // namespace crm::http
