// String helpers that know nothing about CRMs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm::util {

std::string_view trim(std::string_view text);
/// ASCII letters in lower case; other bytes (UTF-8 included) unchanged.
std::string to_lower(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
/// Whole-string integer parse; nullopt on any junk or overflow.
std::optional<long long> parse_int(std::string_view text);
/// Whole-string decimal parse; nullopt on junk.
std::optional<double> parse_double(std::string_view text);
/// Cuts to at most `max_bytes` without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);
/// Runs of blanks (space, tab, CR, LF) folded to one space, trimmed, and cut
/// after `max_bytes` (UTF-8 safe) with "..." appended when cut.
std::string collapse_whitespace(std::string_view text, std::size_t max_bytes);
/// Strict UTF-8: no overlong forms, no surrogates (U+D800..DFFF), at most
/// U+10FFFF.
bool is_valid_utf8(std::string_view text);
/// `text` with every byte that is not part of valid UTF-8 written as the
/// four characters \xHH: safe for a utf8mb4 column and for JSON.
std::string valid_utf8(std::string_view text);
/// Text fit for a utf8mb4 column, a JSON string or a terminal, whatever its
/// bytes: valid_utf8(text) cut at `max_bytes` without splitting a character.
std::string safe_text(std::string_view text, std::size_t max_bytes);
/// A safe SQL identifier ([A-Za-z0-9_], not starting with a digit, <= 64).
bool is_identifier(std::string_view text);
/// Random lowercase hex, `bytes` * 2 characters (claim tokens).
std::string random_hex(std::size_t bytes);
/// Every occurrence of `from` replaced by `to` (left to right, no rescans).
std::string replace_all(std::string text, std::string_view from,
                        std::string_view to);
/// Replaces a secret's every occurrence in `text` by "***".
std::string redact(std::string text, std::string_view secret);

}  // namespace crm::util

namespace crm::util {
/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);
/// Only the ASCII digits of `text` ("123.456.789-01" -> "12345678901").
std::string digits_only(std::string_view text);
/// A CPF (11 digits) as 000.000.000-00 or a CNPJ (14) as 00.000.000/0000-00;
/// empty for any other length.
std::string format_document(std::string_view digits);

/// Standard base64 with padding (HTTP Basic credentials).
std::string base64_encode(std::string_view bytes);

enum class Gender { masculine, feminine };

/// A Portuguese word that agrees with a count: `stem` plus o/a and an s
/// unless the count is exactly 1 ("enfileirad", 1, masculine ->
/// "enfileirado"; "enfileirad", 190, feminine -> "enfileiradas").
std::string agree(std::string_view stem, std::int64_t count, Gender gender);

/// The count and `singular` when it is exactly 1, else `plural`:
/// "1 cliente", "0 clientes", "45 clientes".
std::string counted(std::int64_t count, std::string_view singular,
                    std::string_view plural);
}  // namespace crm::util
