// The key = value config file: any content either loads or fails with a
// FatalError, never a crash or another exception.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "crm/config/config_loader.h"
#include "crm/core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const std::string path =
      "/tmp/crm-fuzz-config-" + std::to_string(::getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
  }
  try {
    const crm::Config config = crm::config::load_config({}, path);
    (void)crm::config::describe_config(config);
  } catch (const crm::FatalError&) {
  }
  return 0;
}
