add_library(crm_warnings INTERFACE)
target_compile_options(crm_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wnull-dereference -Wcast-align -Wextra-semi
  $<$<CXX_COMPILER_ID:GNU>:-Wlogical-op>
  # GCC 12 at -O2 reports std::string inside std::variant (db::Value) as
  # "maybe uninitialized" and std::string concatenation as overlapping memcpy
  # (-Wrestrict, GCC bug 105329): known false positives of that release.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-maybe-uninitialized -Wno-restrict>)
if(CRM_WARNINGS_AS_ERRORS)
  target_compile_options(crm_warnings INTERFACE -Werror)
endif()
