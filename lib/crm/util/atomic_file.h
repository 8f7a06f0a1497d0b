// Whole-file writes that readers never see half done.
#pragma once

#include <string>
#include <string_view>

namespace crm::util {

/// Writes `content` to a temporary file beside `path`, then renames it over
/// `path`. Throws FatalError with the path and errno text on failure.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace crm::util
