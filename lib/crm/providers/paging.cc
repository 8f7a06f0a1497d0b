#include "crm/providers/paging.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "crm/providers/classify.h"
#include "crm/providers/field_conversion.h"
#include "crm/providers/rest_http.h"
#include "crm/util/strings.h"

namespace crm::providers {
namespace {

/// "GET <path>?<page_param>=<cursor>" for messages.
std::string describe_page(const Profile& profile, const Endpoint& endpoint,
                          const std::optional<std::string>& cursor) {
  std::string what = "GET " + endpoint.path;
  if (profile.paging == Paging::page || profile.paging == Paging::offset ||
      cursor) {
    what += fmt::format(
        "?{}={}", profile.page_param,
        cursor.value_or(profile.paging == Paging::page ? "1" : "0"));
  }
  return what;
}

/// A remote record with its update time and, where the profile's updates
/// replace the record and `item` is whole, its copy.
RemoteRecord remote_record(const Profile& profile, const Endpoint& endpoint,
                           std::string external_id, const json::Value& item,
                           bool whole) {
  RemoteRecord record;
  record.external_id = std::move(external_id);
  record.fields = read_fields(endpoint, item, nullptr, Refs::remote_ids);
  if (!endpoint.changes.updated_path.empty()) {
    const json::Value* updated = item.find_path(endpoint.changes.updated_path);
    record.updated_at = updated ? updated->scalar_text() : std::nullopt;
  }
  if (whole && profile.read_before_update) {
    record.copy = json::dump(item);
  }
  record.partial = !whole;
  return record;
}

std::vector<RemoteRecord> read_records(const Profile& profile,
                                       const Endpoint& endpoint,
                                       const json::Value& list) {
  std::vector<RemoteRecord> records;
  for (const json::Value& item : list.items()) {
    const json::Value* id = item.find_path(endpoint.id_field);
    const auto id_text = id ? id->scalar_text() : std::nullopt;
    if (!id_text || id_text->empty())
      continue;  // a record without an id cannot be linked
    records.push_back(remote_record(profile, endpoint, *id_text, item,
                                    !endpoint.partial_list_rows));
  }
  return records;
}

std::optional<std::string> next_page_number(
    const Profile& profile, const json::Value* next, long long count,
    const std::optional<std::string>& cursor) {
  if (!profile.next_path.empty()) {
    if (next && next->scalar_text() && !next->scalar_text()->empty() &&
        count > 0) {
      return *next->scalar_text();
    }
  } else if (count >= profile.page_size) {
    return std::to_string(util::parse_int(cursor.value_or("1")).value_or(1) +
                          1);
  }
  return std::nullopt;
}

std::optional<std::string> next_offset(
    const Profile& profile, const json::Value& root, long long count,
    const std::optional<std::string>& cursor) {
  const long long offset =
      util::parse_int(cursor.value_or("0")).value_or(0) + count;
  const json::Value* total = root.find_path(profile.total_path);
  const auto total_count = total && total->scalar_text()
                               ? util::parse_int(*total->scalar_text())
                               : std::nullopt;
  if (count > 0 && (!total_count || offset < *total_count)) {
    return std::to_string(offset);
  }
  return std::nullopt;
}

/// The cursor of the page after this one; nullopt on the last page.
std::optional<std::string> next_cursor(
    const Profile& profile, const json::Value& root, long long count,
    const std::optional<std::string>& cursor) {
  const json::Value* next =
      profile.next_path.empty() ? nullptr : root.find_path(profile.next_path);
  switch (profile.paging) {
    case Paging::page:
      return next_page_number(profile, next, count, cursor);
    case Paging::cursor:
      if (next && next->is_string() && !next->text().empty())
        return next->text();
      return std::nullopt;
    case Paging::offset:
      return next_offset(profile, root, count, cursor);
  }
  return std::nullopt;
}

}  // namespace

http::Request list_page_request(const Profile& profile,
                                const Endpoint& endpoint,
                                const std::optional<std::string>& cursor,
                                const std::optional<std::string>& since) {
  std::vector<std::pair<std::string, std::string>> query;
  if (since && !endpoint.changes.param.empty()) {
    query.emplace_back(endpoint.changes.param, *since);
    query.insert(query.end(), endpoint.changes.fixed_params.begin(),
                 endpoint.changes.fixed_params.end());
  }
  const std::string size = std::to_string(profile.page_size);
  switch (profile.paging) {
    case Paging::page:
      query.emplace_back(profile.page_param, cursor.value_or("1"));
      if (!profile.page_size_param.empty())
        query.emplace_back(profile.page_size_param, size);
      break;
    case Paging::cursor:
      query.emplace_back(profile.page_size_param, size);
      if (cursor) query.emplace_back(profile.page_param, *cursor);
      break;
    case Paging::offset:
      query.emplace_back(profile.page_size_param, size);
      query.emplace_back(profile.page_param, cursor.value_or("0"));
      break;
  }
  return make_request(profile, "GET",
                      join_url(profile.base_url, endpoint.path, query));
}

std::variant<Page, ItemOutcome> read_list_page(
    const Profile& profile, const Endpoint& endpoint,
    const std::optional<std::string>& cursor, const http::Response& response) {
  const std::string what = describe_page(profile, endpoint, cursor);
  if (classify(response) != OutcomeKind::success) {
    return failure(response, what, error_detail(profile, response));
  }
  std::string error;
  const auto root = json::parse(response.body, &error);
  const json::Value* list =
      root ? unwrap(*root, endpoint.list_envelope) : nullptr;
  if (list == nullptr || !list->is_array()) {
    return ItemOutcome::failed(
        OutcomeKind::permanent,
        fmt::format("{}: HTTP {}: no list at '{}' ({})", what, response.status,
                    endpoint.list_envelope, root ? "JSON" : error),
        response.status);
  }
  Page page;
  page.records = read_records(profile, endpoint, *list);
  const auto count = static_cast<long long>(list->items().size());
  page.next_cursor = next_cursor(profile, *root, count, cursor);
  return page;
}

std::variant<RemoteRecord, ItemOutcome> read_one_record(
    const Profile& profile, const Endpoint& endpoint,
    const std::string& external_id, const http::Response& response) {
  const std::string what = fmt::format("GET {}/{}", endpoint.path, external_id);
  if (classify(response) != OutcomeKind::success) {
    return failure(response, what, error_detail(profile, response));
  }
  const auto root = json::parse(response.body);
  const json::Value* record =
      root ? unwrap(*root, endpoint.record_envelope) : nullptr;
  if (record == nullptr || !record->is_object()) {
    return ItemOutcome::failed(
        OutcomeKind::permanent,
        fmt::format("{}: HTTP {}: no record at '{}'", what, response.status,
                    endpoint.record_envelope),
        response.status);
  }
  return remote_record(profile, endpoint, external_id, *record, true);
}

}  // namespace crm::providers
