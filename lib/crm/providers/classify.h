// The one place that turns a transfer result into an outcome kind (SPEC 4).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crm/core/outcome.h"
#include "crm/http/http_types.h"

namespace crm::providers {

/// success for 2xx; transient for transfer errors, timeouts, 408 and 5xx;
/// rate_limited for 429; permanent for every other status.
OutcomeKind classify(const http::Response& response);

/// A failed outcome for `response` (not 2xx): kind from classify(), message
/// "<what>: HTTP <status>: <detail>" where detail is the provider's error
/// text if given, else a short excerpt of the body (an HTML page is named as
/// such). 429 carries Retry-After (default 60 s).
ItemOutcome failure(const http::Response& response, std::string_view what,
                    std::string_view provider_detail = {});

/// Why a response means the whole store cannot work right now, or nullopt
/// when it concerns only its item: the CRM is unreachable (DNS, refused,
/// TLS), or it refused the credentials (401, 403). The run then pauses the
/// store instead of charging its items an attempt.
std::optional<std::string> store_failure(const http::Response& response);

/// A one-line excerpt of a body for messages: HTML reduced to its <title>,
/// whitespace collapsed, at most 200 bytes.
std::string body_excerpt(std::string_view body);

}  // namespace crm::providers
