// The migration splitter: never crash, never return an empty statement.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crm/db/migrator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  for (const auto& statement : crm::db::split_sql_script(
           std::string_view(reinterpret_cast<const char*>(data), size))) {
    if (statement.empty()) std::abort();
  }
  return 0;
}
