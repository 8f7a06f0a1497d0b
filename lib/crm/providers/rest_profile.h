// A REST CRM described as data: paths, envelopes, field mapping, lookups,
// pagination and error shape. The four named providers are profiles built in
// code; `generic` is one built from configuration; per-store configuration
// overrides any of them (profile_config.h). rest_provider.h runs a profile.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/core/entity.h"
#include "crm/json/json.h"
#include "crm/providers/sale_totals.h"

namespace crm::providers {

/// How a local text value becomes a JSON value (and back, when fetched).
enum class FieldType {
  string,       ///< as is
  number,       ///< a JSON number (decimal text)
  integer,      ///< a JSON integer
  boolean,      ///< 1/0/true/false -> true/false
  cents,        ///< decimal "12.34" -> integer 1234 (ActiveCampaign money)
  digits,       ///< only the digits, as a string (Bling numeroDocumento)
  date,         ///< "2026-11-23 10:00:00" -> "2026-11-23"
  datetime,     ///< "2026-11-23 10:00:00" -> "2026-11-23T10:00:00"
  time,         ///< "2026-11-23 10:00:00" -> "10:00:00"
  cpf,          ///< sent only for 11 digits, formatted 000.000.000-00
  cnpj,         ///< sent only for 14 digits, formatted 00.000.000/0000-00
  cpf_digits,   ///< sent only for 11 digits, as digits (Bling numeroDocumento)
  cnpj_digits,  ///< sent only for 14 digits, as digits
  person_type,  ///< 14 digits -> values[1] (company), else values[0] (person)
  first_name,   ///< the first word of a name
  last_name,    ///< the words after the first (left out when none)
};

struct FieldSpec {
  std::string label;  ///< the configuration key (usually == field)
  std::string field;  ///< logical field, "local_id", or empty for a constant
  std::string path;   ///< dotted path in the remote JSON ("emails.0.value")
  FieldType type = FieldType::string;
  std::optional<json::Value> constant;       ///< sent as is, never read back
  std::optional<std::string> text_template;  ///< "Venda {local_id}"
  std::optional<Entity>
      ref;  ///< the value is that entity's local id: send its external id
  std::string ref_field;  ///< with ref: send this field of the referenced
                          ///< record instead
  std::string with;       ///< sent only when the field labelled so was sent
  bool required = false;  ///< an item without a value fails (permanent) unsent
  /// The most characters the provider takes (its document's maxLength); a
  /// longer value fails the item, never cut; 0: no limit.
  std::size_t max_length = 0;
  /// Sent on create only ("on": "create"): a field the CRM owns once the
  /// record exists (a deal's pipeline stage, owner, title).
  bool create_only = false;
  /// Where an empty value is taken from instead: another field of the same
  /// record or row ("date"), or a field of the record a reference of this
  /// row names ("product_id.name": the line's product's name).
  std::string fallback;
  std::vector<std::string> values;  ///< person_type: {person, company}
  std::vector<std::pair<std::string, std::string>>
      value_map;  ///< local -> remote
};

/// A child list in the body: one element per child row ("lines" -> "itens").
struct ChildSpec {
  std::string name;               ///< the local child ("lines", "installments")
  std::string path;               ///< the remote array
  std::vector<FieldSpec> fields;  ///< paths relative to one element
};

/// A search before create: GET path?param=value (+ fixed params); a hit links.
struct Lookup {
  std::string path;   ///< empty: the entity's path
  std::string param;  ///< query parameter carrying the value
  std::string field;  ///< logical field searched
  FieldType type = FieldType::string;
  std::vector<std::pair<std::string, std::string>> fixed_params;
  std::string list_path = "data";  ///< the array of results
  std::string id_path = "id";      ///< the id inside one result
  /// Paths that prove a result is this record: each must hold what the
  /// create body sends there (a Bling order found by numeroLoja must have
  /// this sale's contato.id). A result that does not prove it is someone
  /// else's record sharing a number: never linked.
  std::vector<std::string> proof;
};

/// How the mirror asks the CRM what changed (issue #14).
struct ChangeFilter {
  /// The list's filter by update time ("updated_since"); empty: the API has
  /// none, and the mirror is refreshed by a scan of every page instead.
  std::string param;
  /// Sent with it (sort by update time, oldest first).
  std::vector<std::pair<std::string, std::string>> fixed_params;
  /// Where a record has its update time (the next filter's value is the
  /// latest one seen); empty: the rows carry none, and the CRM's clock (its
  /// Date header) is taken instead.
  std::string updated_path;
  /// How the CRM's clock is written as a filter value (strftime, at
  /// `clock_utc_offset_minutes`): for rows without update times, and for a
  /// pull that saw no record at all.
  std::string clock_format = "%Y-%m-%dT%H:%M:%SZ";
  int clock_utc_offset_minutes = 0;
};

struct Endpoint {
  /// Empty when supported; otherwise why the provider cannot sync it.
  std::string unsupported;
  std::string path;
  std::string create_path;  ///< empty: `path`
  std::string update_method = "PUT";
  std::string request_envelope;          ///< wraps request bodies ("contact")
  std::string record_envelope = "data";  ///< where a created/fetched record is
  std::string list_envelope = "data";    ///< where a list's array is
  std::string id_field = "id";
  std::vector<FieldSpec> fields;
  std::vector<ChildSpec> children;
  std::vector<Lookup> lookups;
  /// Paths of a record read before an update that the API computes and does
  /// not take on write (Bling produtos: id, imagemURL,
  /// estoque.saldoVirtualTotal): removed before the record goes back.
  std::vector<std::string> read_only;
  /// The list's rows carry only some fields (Bling: no e-mail, cost, lines):
  /// an import reads each record whole, one GET per row.
  bool partial_list_rows = false;
  /// Sales: how the provider checks the total (the order discount placed,
  /// installments settled before the body is built); nullopt: not checked.
  std::optional<SaleArithmetic> totals;
  /// The mirror's pull of this entity.
  ChangeFilter changes;
  /// on_delete "deactivate": the flag to set (sent with the full record).
  std::optional<std::pair<std::string, json::Value>> deactivate;
};

enum class OnDelete { ignore, deactivate, remove };
enum class Paging {
  page,  ///< ?page=N&size=M; next from next_path, else N+1 while pages are full
  cursor,  ///< ?size=M&cursor=C; next cursor at next_path, null at the end
  offset,  ///< ?size=M&offset=K; stop when K + count reaches total_path
};

struct Profile {
  std::string name;
  std::string base_url;
  std::vector<std::pair<std::string, std::string>> auth_headers;
  OnDelete on_delete = OnDelete::ignore;
  /// Leave out fields whose local value is NULL (a PUT of the full record
  /// then keeps the CRM's value) instead of sending null.
  bool omit_nulls = true;
  Paging paging = Paging::page;
  std::string page_param = "page";
  std::string page_size_param = "limit";
  int page_size = 100;
  std::string next_path;   ///< page: next page number; cursor: next cursor
  std::string total_path;  ///< offset: the total count
  std::string remaining_header = "x-ratelimit-remaining";
  std::string reset_header = "x-ratelimit-reset";
  /// How long to pause when remaining is 0 and no reset header came.
  std::chrono::seconds default_reset{60};
  /// Where the API puts its error text; the ones present are joined by "; ",
  /// or only the first one found with `first_error_only` (alternatives).
  std::vector<std::string> error_paths = {
      "message",        "error.message", "error", "errors.0.detail",
      "errors.0.title", "data.mensagem", "detail"};
  bool first_error_only = false;
  /// GestaoClick, Bling: an update replaces the record, so deactivating
  /// sends the whole record with the flag set (others send only the flag).
  bool full_record_updates = false;
  /// GestaoClick, Bling: an update first reads the CRM's record and writes
  /// the mapped fields over it, so a PUT that replaces the record keeps what
  /// the store does not map (addresses, contacts...). One more request.
  bool read_before_update = false;
  /// Bling: a 429 body's error.period ("second" | "day") sets the pause.
  bool period_in_body = false;
  /// GestaoClick: a 404 with a message is a validation error, not "absent".
  bool not_found_has_message = false;
  /// Bling: a 401 means the OAuth access token expired; pause, refresh next
  /// run. The run refreshes the access token before its first request
  /// (sync/credentials.h).
  bool oauth = false;
  /// The request budget per minute the API allows (CRM_APIS.md); nullopt:
  /// none known. configuracoes.requests_per_minute overrides it.
  std::optional<int> requests_per_minute;
  /// Request starts per second the API allows; nullopt when its limit is
  /// not per second (Pipedrive's 2-second windows are read from its
  /// x-ratelimit headers) or unknown. configuracoes.requests_per_second
  /// overrides it (0: unpaced).
  std::optional<int> requests_per_second;
  /// configuracoes.walk_in_customer: the CRM id of the customer that sales
  /// without a local customer ("consumidor final") are sent with; nullopt:
  /// such a sale fails where the CRM requires a customer.
  std::optional<std::string> walk_in_customer;
  /// configuracoes.defaults: a value per logical field for when the local
  /// one is empty ({"payment_method": "7"}: installments without a local
  /// payment method go with the store's usual one).
  std::map<std::string, std::string> defaults;
  std::map<Entity, Endpoint> endpoints;
};

}  // namespace crm::providers
