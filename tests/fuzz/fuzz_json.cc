// json::parse must never crash, and what it accepts must dump to text that
// parses back to the same dump.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crm/json/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto value = crm::json::parse(text);
  if (value) {
    const std::string dumped = crm::json::dump(*value);
    const auto again = crm::json::parse(dumped);
    if (!again || crm::json::dump(*again) != dumped) std::abort();
    (void)value->find_path("data.0.id");
  }
  return 0;
}
