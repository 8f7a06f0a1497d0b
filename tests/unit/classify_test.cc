#include "crm/providers/classify.h"

#include <catch2/catch.hpp>

using crm::OutcomeKind;
using crm::http::Response;
using crm::providers::classify;

namespace {
Response with_status(int status, std::string body = {}) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}
}  // namespace

TEST_CASE("classification follows SPEC section 4", "[unit]") {
  struct Case {
    int status;
    OutcomeKind kind;
  };
  const Case cases[] = {
      {200, OutcomeKind::success},   {201, OutcomeKind::success},
      {204, OutcomeKind::success},   {301, OutcomeKind::permanent},
      {400, OutcomeKind::permanent}, {401, OutcomeKind::permanent},
      {404, OutcomeKind::permanent}, {408, OutcomeKind::transient},
      {422, OutcomeKind::permanent}, {429, OutcomeKind::rate_limited},
      {500, OutcomeKind::transient}, {502, OutcomeKind::transient},
      {503, OutcomeKind::transient}, {504, OutcomeKind::transient}};
  for (const Case& c : cases) {
    INFO("HTTP " << c.status);
    CHECK(classify(with_status(c.status)) == c.kind);
  }
  Response refused;
  refused.transfer_error = "Couldn't connect to server";
  CHECK(classify(refused) == OutcomeKind::transient);
}

TEST_CASE("failure messages carry the request, status and a short detail",
          "[unit]") {
  auto outcome =
      crm::providers::failure(with_status(422, R"({"message":"bad"})"),
                              "POST /clientes", "e-mail invalid");
  CHECK(outcome.kind == OutcomeKind::permanent);
  CHECK(outcome.message == "POST /clientes: HTTP 422: e-mail invalid");
  CHECK(outcome.http_status == 422);

  auto html = crm::providers::failure(
      with_status(502,
                  "<html><head><title>502 Bad "
                  "Gateway</title></head><body>x</body></html>"),
      "GET /x");
  CHECK(html.kind == OutcomeKind::transient);
  CHECK(html.message == "GET /x: HTTP 502: HTML page '502 Bad Gateway'");

  Response limited = with_status(429);
  limited.headers["retry-after"] = "7";
  auto rate = crm::providers::failure(limited, "POST /clientes");
  CHECK(rate.kind == OutcomeKind::rate_limited);
  CHECK(rate.retry_after == std::chrono::seconds(7));
  CHECK(crm::providers::failure(with_status(429), "x").retry_after ==
        std::chrono::seconds(60));
}

TEST_CASE("body excerpts are one short line", "[unit]") {
  CHECK(crm::providers::body_excerpt("") == "empty body");
  CHECK(crm::providers::body_excerpt("a\n  b\tc") == "a b c");
  const std::string longer(1000, 'x');
  CHECK(crm::providers::body_excerpt(longer).size() == 203);
}
