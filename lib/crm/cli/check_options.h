// crm_status --check's threshold options, declared and read in one place.
#pragma once

#include <cxxopts.hpp>

#include "crm/report/status_report.h"

namespace crm::cli {

/// Adds --check and its --warn-*/--crit-* thresholds to the "Status" group.
void add_check_options(cxxopts::Options& options);

/// The thresholds given, over the defaults of report::CheckThresholds.
/// Throws UsageError for a value that is not an integer from 0 to 10^8.
[[nodiscard]] report::CheckThresholds check_thresholds(
    const cxxopts::ParseResult& parsed);

}  // namespace crm::cli
