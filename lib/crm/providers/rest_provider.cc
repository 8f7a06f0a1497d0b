#include "crm/providers/rest_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

#include "crm/http/retry_after.h"
#include "crm/providers/paging.h"
#include "crm/providers/rest_exchange.h"
#include "crm/providers/rest_http.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

/// How much earlier than the CRM's clock a pull of rows without update
/// times asks from next time (a change being written as the pull ran).
constexpr std::chrono::seconds k_clock_margin{10};

/// An exchange decided before any request.
class FixedExchange final : public Exchange {
 public:
  explicit FixedExchange(ItemOutcome outcome) : m_outcome(std::move(outcome)) {}
  Step next(const http::Response*) override { return m_outcome; }

 private:
  ItemOutcome m_outcome;
};

class RestProvider final : public Provider {
 public:
  explicit RestProvider(Profile profile) : m_profile(std::move(profile)) {}

  std::string_view name() const override { return m_profile.name; }

  std::unique_ptr<Exchange> start(const WorkItem& item) const override {
    if (auto stop = unsupported(item.row.entity)) {
      return std::make_unique<FixedExchange>(std::move(*stop));
    }
    return make_rest_exchange(m_profile,
                              m_profile.endpoints.at(item.row.entity), item);
  }

  std::vector<Reference> references(Entity entity) const override {
    std::vector<Reference> out;
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) return out;
    for (const FieldSpec& spec : it->second.fields) {
      if (spec.ref) out.push_back({*spec.ref, "", spec.field});
    }
    for (const ChildSpec& child : it->second.children) {
      for (const FieldSpec& spec : child.fields) {
        if (spec.ref) out.push_back({*spec.ref, child.name, spec.field});
      }
    }
    return out;
  }

  std::vector<std::string> children(Entity entity) const override {
    std::vector<std::string> out;
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) return out;
    for (const ChildSpec& child : it->second.children)
      out.push_back(child.name);
    return out;
  }

  bool credentials_expired(const http::Response& response) const override {
    return m_profile.oauth && response.status == 401;
  }

  RateLimits rate_limits() const override {
    return RateLimits{m_profile.requests_per_minute,
                      m_profile.requests_per_second};
  }

  Step list_page(Entity entity,
                 const std::optional<std::string>& cursor) const override {
    if (auto stop = unsupported(entity)) return std::move(*stop);
    return list_page_request(m_profile, m_profile.endpoints.at(entity), cursor);
  }

  std::variant<Page, ItemOutcome> read_page(
      Entity entity, const std::optional<std::string>& cursor,
      const http::Response& response) const override {
    return read_list_page(m_profile, m_profile.endpoints.at(entity), cursor,
                          response);
  }

  bool has_change_filter(Entity entity) const override {
    const auto it = m_profile.endpoints.find(entity);
    return it != m_profile.endpoints.end() && it->second.unsupported.empty() &&
           !it->second.changes.param.empty();
  }

  bool rows_carry_update_time(Entity entity) const override {
    const auto it = m_profile.endpoints.find(entity);
    return it != m_profile.endpoints.end() &&
           !it->second.changes.updated_path.empty();
  }

  std::vector<std::string> lookup_fields(Entity entity) const override {
    std::vector<std::string> fields;
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) return fields;
    for (const Lookup& lookup : it->second.lookups) {
      if (std::find(fields.begin(), fields.end(), lookup.field) ==
          fields.end()) {
        fields.push_back(lookup.field);
      }
    }
    return fields;
  }

  Step changes_page(Entity entity, const std::optional<std::string>& since,
                    const std::optional<std::string>& cursor) const override {
    if (auto stop = unsupported(entity)) return std::move(*stop);
    return list_page_request(m_profile, m_profile.endpoints.at(entity), cursor,
                             since);
  }

  std::optional<std::string> clock_since(
      Entity entity, const http::Response& first_response) const override {
    const ChangeFilter& changes = m_profile.endpoints.at(entity).changes;
    // The CRM's clock when the pull began, a margin earlier, in its own
    // zone. What changed in the margin comes again and is found unchanged.
    const auto date = first_response.header("date");
    const auto at = date ? http::parse_http_date(*date) : std::nullopt;
    if (!at) {
      return std::nullopt;
    }
    const auto local = *at - k_clock_margin +
                       std::chrono::minutes(changes.clock_utc_offset_minutes);
    const std::time_t seconds = std::chrono::system_clock::to_time_t(local);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[64];
    std::strftime(text, sizeof text, changes.clock_format.c_str(), &parts);
    return std::string(text);
  }

  bool partial_list_rows(Entity entity) const override {
    const auto it = m_profile.endpoints.find(entity);
    return it != m_profile.endpoints.end() && it->second.partial_list_rows;
  }

  Step record_request(Entity entity, const std::string& id) const override {
    if (auto stop = unsupported(entity)) return std::move(*stop);
    const Endpoint& endpoint = m_profile.endpoints.at(entity);
    return make_request(
        m_profile, "GET",
        join_url(m_profile.base_url, endpoint.path + "/" + util::url_encode(id),
                 {}));
  }

  std::variant<RemoteRecord, ItemOutcome> read_record(
      Entity entity, const std::string& id,
      const http::Response& response) const override {
    return read_one_record(m_profile, m_profile.endpoints.at(entity), id,
                           response);
  }

  std::optional<std::chrono::seconds> rate_limited_for(
      const http::Response& response) const override {
    const auto wait = rate_limit_wait(m_profile, response);
    // A 429 that says nothing from an API limited per second (GestaoClick:
    // another process or host took the second) is waited out within the
    // run as that second; the item's own deferral stays the longer default,
    // for a daily limit.
    if (wait && !response.header("retry-after") && !m_profile.period_in_body &&
        m_profile.requests_per_second) {
      return std::chrono::seconds(1);
    }
    return wait;
  }

  std::optional<std::chrono::seconds> budget_exhausted(
      const http::Response& response) const override {
    const auto remaining = response.header(m_profile.remaining_header);
    if (!remaining || util::parse_int(util::trim(*remaining)) != 0) {
      return std::nullopt;
    }
    const auto reset = response.header(m_profile.reset_header);
    const auto seconds =
        reset ? util::parse_int(util::trim(*reset)) : std::nullopt;
    return seconds && *seconds > 0 && *seconds < 3600
               ? std::chrono::seconds(*seconds)
               : m_profile.default_reset;
  }

 private:
  std::optional<ItemOutcome> unsupported(Entity entity) const {
    const auto it = m_profile.endpoints.find(entity);
    if (it == m_profile.endpoints.end()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("entity '{}' is not configured for this store "
                      "(entities.{} is null)",
                      to_db(entity), to_db(entity)));
    }
    if (!it->second.unsupported.empty()) {
      return ItemOutcome::failed(
          OutcomeKind::permanent,
          fmt::format("not supported: {}", it->second.unsupported));
    }
    return std::nullopt;
  }

  Profile m_profile;
};

}  // namespace

std::unique_ptr<Provider> make_rest_provider(Profile profile) {
  return std::make_unique<RestProvider>(std::move(profile));
}

}  // namespace crm::providers
