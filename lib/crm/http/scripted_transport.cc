#include "crm/http/scripted_transport.h"

#include <algorithm>
#include <utility>

namespace crm::http {

ScriptedTransport::ScriptedTransport(Responder responder)
    : m_responder(std::move(responder)),
      m_origin(Clock::now()),
      m_now(m_origin) {}

void ScriptedTransport::start(std::uint64_t tag, const Request& request) {
  m_sent.push_back(Sent{tag, request, m_now});
  Answer answer = m_responder(tag, request);
  // A request cut by its own timeout ends then, as libcurl would end it.
  if (answer.latency > request.timeout) {
    answer.latency = request.timeout;
    answer.response = Response{};
    answer.response.transfer_error = "Operation timed out (scripted)";
    answer.response.timed_out = true;
  }
  answer.response.elapsed = answer.latency;
  m_in_flight.push_back(
      InFlight{tag, m_now + answer.latency, std::move(answer.response)});
}

std::size_t ScriptedTransport::active() const { return m_in_flight.size(); }

std::vector<Completion> ScriptedTransport::wait(
    std::chrono::milliseconds max_wait) {
  const auto earliest = std::min_element(
      m_in_flight.begin(), m_in_flight.end(),
      [](const InFlight& a, const InFlight& b) { return a.due < b.due; });
  if (earliest == m_in_flight.end() || earliest->due > m_now + max_wait) {
    m_now += max_wait;
    return {};
  }
  m_now = std::max(m_now, earliest->due);
  std::vector<Completion> done;
  // Completions in start order among those due, as stable as a test wants.
  std::erase_if(m_in_flight, [&](InFlight& transfer) {
    if (transfer.due > m_now) {
      return false;
    }
    done.push_back(Completion{transfer.tag, std::move(transfer.response)});
    return true;
  });
  return done;
}

void ScriptedTransport::idle(std::chrono::milliseconds duration) {
  m_now += duration;
}

}  // namespace crm::http
