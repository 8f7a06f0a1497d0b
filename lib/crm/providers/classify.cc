#include "crm/providers/classify.h"

#include <fmt/format.h>

#include "crm/http/retry_after.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

constexpr std::chrono::seconds k_default_retry_after{60};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

OutcomeKind classify(const http::Response& response) {
  if (response.transfer_error || response.status == 0) {
    return OutcomeKind::transient;
  }
  const int status = response.status;
  if (status >= 200 && status < 300) {
    return OutcomeKind::success;
  }
  if (status == 429) {
    return OutcomeKind::rate_limited;
  }
  if (status == 408 || status >= 500) {
    return OutcomeKind::transient;
  }
  return OutcomeKind::permanent;
}

std::string body_excerpt(std::string_view body) {
  const std::string head = lower(body.substr(0, 512));
  const auto trimmed = util::trim(head);
  if (trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") ||
      head.find("<body") != std::string::npos) {
    const auto open = head.find("<title>");
    const auto close = head.find("</title>");
    if (open != std::string::npos && close != std::string::npos &&
        close > open) {
      const auto title = util::trim(body.substr(open + 7, close - open - 7));
      return fmt::format("HTML page '{}'", util::truncate_utf8(title, 120));
    }
    return "HTML page";
  }
  const std::string out = util::collapse_whitespace(body, 200);
  return out.empty() ? "empty body" : out;
}

ItemOutcome failure(const http::Response& response, std::string_view what,
                    std::string_view provider_detail) {
  const OutcomeKind kind = classify(response);
  ItemOutcome outcome;
  outcome.kind = kind;
  if (response.transfer_error || response.status == 0) {
    outcome.message = fmt::format(
        "{}: {}", what, response.transfer_error.value_or("no response"));
    return outcome;
  }
  outcome.http_status = response.status;
  const std::string detail = provider_detail.empty()
                                 ? body_excerpt(response.body)
                                 : std::string(provider_detail);
  outcome.message =
      fmt::format("{}: HTTP {}: {}", what, response.status, detail);
  if (kind == OutcomeKind::rate_limited) {
    const auto header = response.header("retry-after");
    outcome.retry_after =
        header ? http::parse_retry_after(*header) : std::nullopt;
    if (!outcome.retry_after) {
      outcome.retry_after = k_default_retry_after;
    }
  }
  if (kind == OutcomeKind::success) {
    // A 2xx the adapter could not use: it cannot be mapped, so permanent.
    outcome.kind = OutcomeKind::permanent;
  }
  return outcome;
}

std::optional<std::string> store_failure(const http::Response& response) {
  if (response.unreachable) {
    return "the CRM is unreachable: " +
           response.transfer_error.value_or("no connection");
  }
  if (response.status == 401 || response.status == 403) {
    return fmt::format(
        "the CRM refused the credentials (HTTP {}): check credenciais",
        response.status);
  }
  return std::nullopt;
}

}  // namespace crm::providers
