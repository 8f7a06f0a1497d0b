// Helpers the provider unit tests share: canned responses and step checks.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "crm/providers/provider.h"

namespace test {

inline crm::http::Response response(
    int status, std::string body,
    std::map<std::string, std::string> headers = {}) {
  crm::http::Response out;
  out.status = status;
  out.body = std::move(body);
  out.headers = std::move(headers);
  return out;
}

inline crm::http::Request request_of(const crm::providers::Step& step) {
  REQUIRE(std::holds_alternative<crm::http::Request>(step));
  return std::get<crm::http::Request>(step);
}

inline crm::ItemOutcome outcome_of(const crm::providers::Step& step) {
  REQUIRE(std::holds_alternative<crm::ItemOutcome>(step));
  return std::get<crm::ItemOutcome>(step);
}

}  // namespace test
