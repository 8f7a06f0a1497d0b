// Runs tests/fakes/fake_crm as a child process on a free loopback port.
#pragma once

#include <sys/types.h>

#include <string>

namespace crm::testing {

class FakeCrmProcess {
 public:
  /// Starts the fake and waits until it listens. Throws std::runtime_error.
  explicit FakeCrmProcess(int latency_ms = 0);
  ~FakeCrmProcess();
  FakeCrmProcess(const FakeCrmProcess&) = delete;
  FakeCrmProcess& operator=(const FakeCrmProcess&) = delete;

  [[nodiscard]] int port() const { return m_port; }
  /// "http://127.0.0.1:PORT"
  [[nodiscard]] std::string base_url() const;

 private:
  pid_t m_pid = -1;
  int m_port = 0;
  std::string m_port_file;
};

}  // namespace crm::testing
