// Owns stdout and stderr: results to stdout, diagnostics to stderr.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace crm::report {

enum class OutputMode { human, json };
enum class Verbosity { quiet, normal, verbose };

class Printer {
 public:
  Printer(OutputMode mode, Verbosity verbosity, std::FILE* out = stdout,
          std::FILE* err = stderr)
      : m_mode(mode), m_verbosity(verbosity), m_out(out), m_err(err) {}

  [[nodiscard]] OutputMode mode() const { return m_mode; }
  [[nodiscard]] Verbosity verbosity() const { return m_verbosity; }

  /// "[YYYY-MM-DD HH:MM:SS]" for now, local time: the prefix of human lines
  /// and of every line this printer writes.
  [[nodiscard]] std::string timestamp_prefix() const;
  /// The run's human result line (already formatted with its timestamp);
  /// printed in human mode unless --quiet.
  void result_line(std::string_view line) const;
  /// The run's JSON object; printed in JSON mode (even with --quiet).
  void result_json(std::string_view object) const;
  /// One line per item, "[ts] " prefixed; only with --verbose. On stdout,
  /// or on stderr in JSON mode, so that stdout stays one JSON document.
  void item_line(std::string_view text) const;
  /// "[ts] ERRO: message" on stderr, always.
  void error(std::string_view message) const;
  /// "[ts] AVISO: message" on stderr, always (a run that warns is not healthy).
  void warning(std::string_view message) const;

 private:
  OutputMode m_mode;
  Verbosity m_verbosity;
  std::FILE* m_out;
  std::FILE* m_err;
};

}  // namespace crm::report
