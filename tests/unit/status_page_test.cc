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

TEST_CASE("the status page has a mirror table only when a store has a mirror",
          "[unit]") {
  crm::report::StatusData data;
  crm::report::StoreReport store;
  store.store_id = 4;
  data.stores.push_back(store);
  crm::report::StatusHistory history;
  history.hours.resize(24);
  CHECK(format_status_page(data, history, "[now]").find("id=\"mirror\"") ==
        std::string::npos);
  crm::report::MirrorReport mirror;
  mirror.entity = "cliente";
  mirror.records = 12;
  mirror.pull_age_seconds = 30;
  mirror.conflicts_1h = 1;
  mirror.last_conflict = "local '<b>' vs CRM \"x\"";
  mirror.error = "HTTP 503 <html>";
  data.stores[0].mirror.push_back(mirror);
  const std::string page = format_status_page(data, history, "[now]");
  CHECK(page.find("<h2>Espelho do CRM</h2>\n<table id=\"mirror\">") !=
        std::string::npos);
  CHECK(page.find("<tr data-store=\"4\" data-entity=\"cliente\"><td "
                  "class=\"n\">4</td><td>cliente</td><td class=\"n\">12</td>"
                  "<td>nunca</td><td>há 30 s</td><td>-</td><td>não</td>"
                  "<td class=\"n\">0</td><td class=\"n\">1</td>"
                  "<td class=\"bad\">HTTP 503 &lt;html&gt;</td>"
                  "<td>local &#39;&lt;b&gt;&#39; vs CRM &quot;x&quot;</td>"
                  "</tr>") != std::string::npos);
  CHECK(page.find("<html>") == std::string::npos);
}
