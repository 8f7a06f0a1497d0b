# Connector/C++ 1.1 ships neither a CMake config nor a pkg-config file on
# Debian 12: find the header and the library and wrap them in a target.
find_path(MySQLConnectorCpp_INCLUDE_DIR NAMES cppconn/driver.h mysql_driver.h)
find_library(MySQLConnectorCpp_LIBRARY NAMES mysqlcppconn)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MySQLConnectorCpp
  REQUIRED_VARS MySQLConnectorCpp_LIBRARY MySQLConnectorCpp_INCLUDE_DIR)
if(MySQLConnectorCpp_FOUND AND NOT TARGET mysqlcppconn::mysqlcppconn)
  add_library(mysqlcppconn::mysqlcppconn UNKNOWN IMPORTED)
  set_target_properties(mysqlcppconn::mysqlcppconn PROPERTIES
    IMPORTED_LOCATION "${MySQLConnectorCpp_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MySQLConnectorCpp_INCLUDE_DIR}")
endif()
