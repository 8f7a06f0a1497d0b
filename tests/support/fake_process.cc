#include "support/fake_process.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace crm::testing {

FakeCrmProcess::FakeCrmProcess(int latency_ms) {
  m_port_file =
      fmt::format("/tmp/crm-fake-{}-{}.port", ::getpid(),
                  std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string latency = std::to_string(latency_ms);
  m_pid = ::fork();
  if (m_pid == 0) {
    ::execl(CRM_FAKE_CRM, CRM_FAKE_CRM, "--port-file", m_port_file.c_str(),
            "--latency-ms", latency.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Test code may poll: the fake writes its port file when it listens.
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(m_port_file);
    if (in >> m_port && m_port > 0) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("fake_crm did not start");
}

FakeCrmProcess::~FakeCrmProcess() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  ::unlink(m_port_file.c_str());
}

std::string FakeCrmProcess::base_url() const {
  return fmt::format("http://127.0.0.1:{}", m_port);
}

}  // namespace crm::testing
