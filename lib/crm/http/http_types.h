// Requests and responses as plain values; no libcurl types leak out.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crm::http {

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000};
};

struct Response {
  /// HTTP status; 0 when the transfer failed (see transfer_error).
  int status = 0;
  /// Header names in lower case; the last value wins.
  std::map<std::string, std::string> headers;
  std::string body;
  /// Set when no complete response arrived (timeout, refused, body too big).
  std::optional<std::string> transfer_error;
  /// The transfer ended on its own timeout (connect or total).
  bool timed_out = false;
  /// No connection could be made at all: the host name did not resolve, the
  /// connection was refused, or TLS failed. Nothing reached the CRM.
  bool unreachable = false;
  std::chrono::milliseconds elapsed{0};

  /// A header by lower-case name.
  [[nodiscard]] std::optional<std::string> header(
      const std::string& name) const {
    const auto it = headers.find(name);
    if (it == headers.end()) {
      return std::nullopt;
    }
    return it->second;
  }
};

}  // namespace crm::http
