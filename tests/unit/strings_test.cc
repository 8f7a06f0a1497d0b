#include "crm/util/strings.h"

#include <catch2/catch.hpp>

using namespace crm::util;

TEST_CASE("integers parse only when the whole text is a number", "[unit]") {
  CHECK(parse_int("42") == 42);
  CHECK(parse_int("-7") == -7);
  CHECK_FALSE(parse_int("").has_value());
  CHECK_FALSE(parse_int("4x").has_value());
  CHECK_FALSE(parse_int("99999999999999999999").has_value());
}

TEST_CASE("UTF-8 truncation never splits a character", "[unit]") {
  CHECK(truncate_utf8("ação", 2) == "a");
  CHECK(truncate_utf8("ação", 3) == "aç");
  CHECK(truncate_utf8("😀x", 3) == "");
  CHECK(truncate_utf8("abc", 10) == "abc");
}

TEST_CASE("identifiers are plain names only", "[unit]") {
  CHECK(is_identifier("clientes"));
  CHECK(is_identifier("id_loja2"));
  CHECK_FALSE(is_identifier("2x"));
  CHECK_FALSE(is_identifier("a b"));
  CHECK_FALSE(is_identifier("a`; DROP TABLE x"));
  CHECK_FALSE(is_identifier(""));
}

TEST_CASE("secrets are redacted and URLs encoded", "[unit]") {
  CHECK(redact("token=abc&x=abc", "abc") == "token=***&x=***");
  CHECK(redact("nothing", "") == "nothing");
  CHECK(url_encode("a b&c=ç") == "a%20b%26c%3D%C3%A7");
  CHECK(random_hex(16).size() == 32);
  CHECK(random_hex(16) != random_hex(16));
}

TEST_CASE("UTF-8 validation is strict", "[unit]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("João 😀"));
  CHECK_FALSE(is_valid_utf8("\xed\xb8\xa8"));      // U+DE28, a lone surrogate
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
}

TEST_CASE("documents: digits and the CPF/CNPJ formats", "[unit]") {
  CHECK(crm::util::digits_only("123.456.789-01") == "12345678901");
  CHECK(crm::util::digits_only("") == "");
  CHECK(crm::util::format_document("12345678901") == "123.456.789-01");
  CHECK(crm::util::format_document("12345678000195") == "12.345.678/0001-95");
  CHECK(crm::util::format_document("123") == "");
  CHECK(crm::util::format_document("1234567890a") == "");
}

TEST_CASE("counted words agree with their count and gender", "[unit]") {
  using crm::util::agree;
  using crm::util::Gender;
  CHECK(crm::util::counted(1, "cliente", "clientes") == "1 cliente");
  CHECK(crm::util::counted(0, "cliente", "clientes") == "0 clientes");
  CHECK(crm::util::counted(190, "venda", "vendas") == "190 vendas");
  CHECK(agree("enfileirad", 1, Gender::masculine) == "enfileirado");
  CHECK(agree("enfileirad", 190, Gender::feminine) == "enfileiradas");
  CHECK(agree("enfileirad", 0, Gender::masculine) == "enfileirados");
}
