#include "crm/util/strings.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <random>

namespace crm::util {

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

std::optional<long long> parse_int(std::string_view text) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end) {
    return std::nullopt;
  }
  return value;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to a sequence start.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut));
}

std::string collapse_whitespace(std::string_view text, std::size_t max_bytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
    if (out.size() > max_bytes) {
      return truncate_utf8(out, max_bytes) + "...";
    }
  }
  return out;
}

namespace {

/// The length of the valid UTF-8 sequence starting at `i`, or 0 when the
/// bytes there are not one (strict: no overlong forms, no surrogates).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if (byte < 0x80) {
    return 1;
  } else if ((byte & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code = byte & 0x1Fu;
  } else if ((byte & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code = byte & 0x0Fu;
  } else if ((byte & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code = byte & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (next & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string safe_text(std::string_view text, std::size_t max_bytes) {
  return truncate_utf8(valid_utf8(text), max_bytes);
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64 || (text[0] >= '0' && text[0] <= '9')) {
    return false;
  }
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(device()) & 0xFFu;
    out.push_back(k_digits[byte >> 4]);
    out.push_back(k_digits[byte & 0x0F]);
  }
  return out;
}

std::string replace_all(std::string text, std::string_view from,
                        std::string_view to) {
  if (from.empty()) {
    return text;
  }
  std::size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

std::string redact(std::string text, std::string_view secret) {
  return replace_all(std::move(text), secret, "***");
}

}  // namespace crm::util

namespace crm::util {
std::string url_encode(std::string_view text) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                            c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(k_digits[byte >> 4]);
      out.push_back(k_digits[byte & 0x0F]);
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    unsigned chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (left > 1) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (left > 2) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(k_alphabet[(chunk >> 18) & 63]);
    out.push_back(k_alphabet[(chunk >> 12) & 63]);
    out.push_back(left > 1 ? k_alphabet[(chunk >> 6) & 63] : '=');
    out.push_back(left > 2 ? k_alphabet[chunk & 63] : '=');
  }
  return out;
}

std::string digits_only(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

std::string format_document(std::string_view d) {
  if (d.size() == 11 && digits_only(d).size() == 11) {
    return fmt::format("{}.{}.{}-{}", d.substr(0, 3), d.substr(3, 3),
                       d.substr(6, 3), d.substr(9, 2));
  }
  if (d.size() == 14 && digits_only(d).size() == 14) {
    return fmt::format("{}.{}.{}/{}-{}", d.substr(0, 2), d.substr(2, 3),
                       d.substr(5, 3), d.substr(8, 4), d.substr(12, 2));
  }
  return {};
}

std::string agree(std::string_view stem, std::int64_t count, Gender gender) {
  std::string word(stem);
  word += gender == Gender::feminine ? 'a' : 'o';
  if (count != 1) word += 's';
  return word;
}

std::string counted(std::int64_t count, std::string_view singular,
                    std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}
}  // namespace crm::util
