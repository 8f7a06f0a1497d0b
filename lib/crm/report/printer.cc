#include "crm/report/printer.h"

#include <fmt/format.h>

#include "crm/util/time.h"

namespace crm::report {

std::string Printer::timestamp_prefix() const {
  return util::timestamp_prefix();
}

void Printer::result_line(std::string_view line) const {
  if (m_mode == OutputMode::human && m_verbosity != Verbosity::quiet) {
    fmt::print(m_out, "{}\n", line);
    std::fflush(m_out);
  }
}

void Printer::result_json(std::string_view object) const {
  if (m_mode == OutputMode::json) {
    fmt::print(m_out, "{}\n", object);
    std::fflush(m_out);
  }
}

void Printer::item_line(std::string_view text) const {
  if (m_verbosity == Verbosity::verbose) {
    // With --json, stdout carries one JSON document and nothing else.
    std::FILE* stream = m_mode == OutputMode::json ? m_err : m_out;
    fmt::print(stream, "{} {}\n", util::timestamp_prefix(), text);
    std::fflush(stream);
  }
}

void Printer::error(std::string_view message) const {
  fmt::print(m_err, "{} ERRO: {}\n", util::timestamp_prefix(), message);
  std::fflush(m_err);
}

void Printer::warning(std::string_view message) const {
  fmt::print(m_err, "{} AVISO: {}\n", util::timestamp_prefix(), message);
  std::fflush(m_err);
}

}  // namespace crm::report
