#include "crm/sync/recorders.h"

#include <fmt/format.h>

#include "crm/util/strings.h"

namespace crm::sync {

std::string without_secrets(const RunStore& store, std::string text) {
  for (const std::string& secret : store.integration.credentials.values()) {
    if (secret.size() >= 4) {
      text = util::redact(std::move(text), secret);
    }
  }
  return text;
}

std::string storable_message(const RunStore& store, std::string text) {
  return util::safe_text(without_secrets(store, std::move(text)),
                         k_max_message_bytes);
}

ItemOutcome DatabaseRecorder::record(const QueueRow& row, ItemOutcome outcome) {
  const RunStore& store = m_stores.at(row.store_id);
  outcome.message = storable_message(store, std::move(outcome.message));
  if (outcome.kind != OutcomeKind::success) {
    if (m_mirror != nullptr) m_mirror->add(row, outcome);  // a CRM id to forget
    return outcome;
  }
  try {
    const records::TableMapping& mapping = store.mappings.at(row.entity);
    if (outcome.external_id && (outcome.operation == Operation::create ||
                                outcome.operation == Operation::link)) {
      m_records.save_external_id(mapping, row.record_id, *outcome.external_id);
    }
    if (outcome.operation == Operation::fetch) {
      m_records.apply_remote(mapping, row.record_id, outcome.remote_fields);
    }
    if (m_mirror != nullptr) {
      m_mirror->add(row, outcome);
    }
  } catch (const db::DbError& error) {
    if (!error.is_data_error()) {
      throw;
    }
    return ItemOutcome::failed(
        OutcomeKind::permanent,
        storable_message(
            store, fmt::format("the local table refused the CRM's values: {}",
                               error.what())),
        outcome.http_status);
  }
  return outcome;
}

ItemOutcome DryRunRecorder::record(const QueueRow& row, ItemOutcome outcome) {
  outcome.message =
      storable_message(m_stores.at(row.store_id), std::move(outcome.message));
  return outcome;
}

}  // namespace crm::sync
