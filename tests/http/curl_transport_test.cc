#include "crm/http/curl_transport.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "support/fake_process.h"

using crm::http::Completion;
using crm::http::CurlTransport;
using crm::http::Request;

namespace {

std::vector<Completion> run_all(CurlTransport& transport) {
  std::vector<Completion> done;
  while (transport.active() > 0) {
    for (auto& completion : transport.wait(std::chrono::milliseconds(1000))) {
      done.push_back(std::move(completion));
    }
  }
  return done;
}

Request get(const std::string& url) {
  Request request;
  request.url = url;
  request.headers = {{"Authorization", "Bearer test-token"}};
  return request;
}

}  // namespace

TEST_CASE("the transport runs requests concurrently on one multi handle",
          "[db][http]") {
  crm::testing::FakeCrmProcess fake(200);
  CurlTransport transport;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < 20; ++i) {
    transport.start(i, get(fake.base_url() + "/api/clientes"));
  }
  const auto done = run_all(transport);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(done.size() == 20);
  for (const auto& completion : done) {
    CHECK(completion.response.status == 200);
    CHECK(completion.response.header("content-type") == "application/json");
  }
  // 20 x 200 ms sequentially would be 4 s; concurrently about one delay.
  CHECK(elapsed < std::chrono::milliseconds(2000));
}

TEST_CASE("transfer failures are reported, not thrown", "[db][http]") {
  crm::testing::FakeCrmProcess fake(1500);
  CurlTransport transport(crm::http::TransportOptions{.max_body_bytes = 10});
  Request slow = get(fake.base_url() + "/api/clientes");
  slow.timeout = std::chrono::milliseconds(200);
  transport.start(1, slow);
  transport.start(2, get("http://127.0.0.1:1/refused"));
  const auto done = run_all(transport);
  REQUIRE(done.size() == 2);
  for (const auto& completion : done) {
    CHECK(completion.response.status == 0);
    REQUIRE(completion.response.transfer_error.has_value());
    if (completion.tag == 1) CHECK(completion.response.timed_out);
  }
}

TEST_CASE("bodies above the cap fail the transfer", "[db][http]") {
  crm::testing::FakeCrmProcess fake(0);
  CurlTransport transport(crm::http::TransportOptions{.max_body_bytes = 5});
  transport.start(1, get(fake.base_url() + "/_stats"));
  const auto done = run_all(transport);
  REQUIRE(done.size() == 1);
  CHECK(done[0].response.transfer_error == "response body larger than 5 bytes");
  // Refused at the headers by its Content-Length; a chunked body of unknown
  // length is cut while it is read.
  transport.start(2, get(fake.base_url() + "/_chunked?bytes=100000"));
  const auto chunked = run_all(transport);
  REQUIRE(chunked.size() == 1);
  CHECK(chunked[0].response.transfer_error ==
        "response body larger than 5 bytes");
  CurlTransport roomy(crm::http::TransportOptions{.max_body_bytes = 200000});
  roomy.start(3, get(fake.base_url() + "/_chunked?bytes=100000"));
  const auto whole = run_all(roomy);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].response.body.size() == 100000);
}
