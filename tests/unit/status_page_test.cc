#include "crm/report/status_page.h"

#include <catch2/catch.hpp>

using crm::report::format_status_page;
using crm::report::html_escape;

TEST_CASE("html_escape writes markup characters as references", "[unit]") {
  CHECK(html_escape(R"(<b a='1'>"x" & y</b>)") ==
        "&lt;b a=&#39;1&#39;&gt;&quot;x&quot; &amp; y&lt;/b&gt;");
  CHECK(html_escape("João — ações") == "João — ações");
}

TEST_CASE("html_escape writes bytes that are not UTF-8 as \\xHH", "[unit]") {
  CHECK(html_escape(std::string("a\xff<b")) == "a\\xFF&lt;b");
}

TEST_CASE("the status page escapes every database text", "[unit]") {
  crm::report::StatusData data;
  crm::report::FailureReason reason;
  reason.reason = "HTTP 422: <script>alert(1)</script>";
  reason.total = 1;
  reason.groups.push_back({});
  data.failures.push_back(reason);
  crm::report::RunRecord run;
  run.program = "crm_sync";
  run.status = "error";
  run.message = "</td><img src=x onerror=alert(1)>";
  data.runs.push_back(run);
  crm::report::StatusHistory history;
  history.hours.resize(24);
  history.failed_runs.push_back({7, "crm_sync", "error", "", 60, run.message});
  const std::string page = format_status_page(data, history, "[now]");
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") !=
        std::string::npos);
}
