// Retry-After values: seconds or HTTP dates; never crash, always in range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crm/http/retry_after.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto wait = crm::http::parse_retry_after(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (wait && (wait->count() < 0 || wait->count() > 86400)) std::abort();
  return 0;
}
