add_library(crm_warnings INTERFACE)
target_compile_options(crm_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wnull-dereference -Wcast-align -Wextra-semi -Wlogical-op
  # GCC 12 reports std::string inside std::variant (db::Value) as "maybe
  # uninitialized" at -O2: a known false positive of that release.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-maybe-uninitialized>)
if(CRM_WARNINGS_AS_ERRORS)
  target_compile_options(crm_warnings INTERFACE -Werror)
endif()
