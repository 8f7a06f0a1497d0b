// settle_sale: the order discount placed as the provider takes it, and the
// installments settled against the provider's own arithmetic.
#include "crm/providers/sale_totals.h"

#include <catch2/catch.hpp>

using crm::LocalRecord;
using crm::providers::SaleArithmetic;
using crm::providers::settle_sale;
using Row = std::map<std::string, std::optional<std::string>>;

namespace {

const SaleArithmetic k_per_line{.order_discount = false};
const SaleArithmetic k_per_order{.order_discount = true};

LocalRecord sale(std::optional<std::string> discount, std::vector<Row> lines,
                 std::vector<std::string> installments) {
  LocalRecord out;
  out.id = 7;
  out.fields["discount"] = std::move(discount);
  out.children["lines"] = std::move(lines);
  auto& rows = out.children["installments"];
  for (auto& amount : installments) rows.push_back({{"amount", amount}});
  return out;
}

Row line(std::string quantity, std::string price) {
  return {{"quantity", std::move(quantity)}, {"price", std::move(price)}};
}

LocalRecord settled(const SaleArithmetic& rule, LocalRecord record) {
  auto result = settle_sale(rule, std::move(record), "GestaoClick");
  if (auto* failure = std::get_if<crm::ItemOutcome>(&result)) {
    FAIL("unexpected failure: " << failure->message);
  }
  return std::get<LocalRecord>(std::move(result));
}

std::string failure_of(const SaleArithmetic& rule, LocalRecord record) {
  auto result = settle_sale(rule, std::move(record), "GestaoClick");
  REQUIRE(std::holds_alternative<crm::ItemOutcome>(result));
  const auto& outcome = std::get<crm::ItemOutcome>(result);
  CHECK(outcome.kind == crm::OutcomeKind::permanent);
  return outcome.message;
}

std::optional<std::string> line_discount(const LocalRecord& record,
                                         std::size_t index) {
  const Row& row = record.children.at("lines").at(index);
  const auto it = row.find("discount");
  return it == row.end() ? std::nullopt : it->second;
}

std::optional<std::string> amount(const LocalRecord& record,
                                  std::size_t index) {
  return record.children.at("installments").at(index).at("amount");
}

}  // namespace

TEST_CASE("sale totals: an order discount is spread over the lines, cent-exact",
          "[unit]") {
  const auto out =
      settled(k_per_line,
              sale("10.00",
                   {line("1", "10.00"), line("1", "10.00"), line("1", "10.00")},
                   {"20.00"}));
  // 10.00 in thirds: 3.33 each and the last cent to the earliest line.
  CHECK(line_discount(out, 0) == "3.34");
  CHECK(line_discount(out, 1) == "3.33");
  CHECK(line_discount(out, 2) == "3.33");
  CHECK(amount(out, 0) == "20.00");
}

TEST_CASE("sale totals: the odd cent goes to the largest remainder", "[unit]") {
  const auto out = settled(
      k_per_line, sale("0.03", {line("1", "1.00"), line("1", "3.00")}, {}));
  // 0.03 x 1/4 = 0.0075 and x 3/4 = 0.0225: floors 0 and 2, remainders .75
  // and .25, so the odd cent goes to the first line.
  CHECK(line_discount(out, 0) == "0.01");
  CHECK(line_discount(out, 1) == "0.02");
}

TEST_CASE("sale totals: a line's own discount stays and takes its share",
          "[unit]") {
  Row first = line("2", "5.00");
  first["discount"] = "1.00";
  const auto out =
      settled(k_per_line, sale("4.50", {first, line("1", "9.00")}, {"13.50"}));
  // Weights 9.00 and 9.00 after the line's own discount: 2.25 each.
  CHECK(line_discount(out, 0) == "3.25");
  CHECK(line_discount(out, 1) == "2.25");
  CHECK(amount(out, 0) == "13.50");
}

TEST_CASE("sale totals: a provider with an order discount gets the sum",
          "[unit]") {
  Row first = line("1", "10.00");
  first["discount"] = "0.50";
  const auto out =
      settled(k_per_order,
              sale("2.00", {first, line("1", "10.00")}, {"10.00", "7.50"}));
  CHECK(out.fields.at("discount") == "2.50");
  CHECK(line_discount(out, 0) == "0.50");  // lines left as they are
  CHECK(!line_discount(out, 1));
  CHECK(amount(out, 1) == "7.50");
}

TEST_CASE(
    "sale totals: lines rounded locally are settled on the last "
    "installment",
    "[unit]") {
  // 1.5 x 0.33 = 0.495 per line: the store rounds each to 0.50 (total 1.00),
  // the provider sums 0.99 and rounds once.
  const auto out = settled(
      k_per_line, sale(std::nullopt, {line("1.5", "0.33"), line("1.5", "0.33")},
                       {"0.50", "0.50"}));
  CHECK(amount(out, 0) == "0.50");
  CHECK(amount(out, 1) == "0.49");
}

TEST_CASE("sale totals: freight is part of the total", "[unit]") {
  LocalRecord record = sale(std::nullopt, {line("3", "2.00")}, {"10.00"});
  record.fields["freight"] = "4.00";
  const auto out = settled(k_per_line, record);
  CHECK(amount(out, 0) == "10.00");
}

TEST_CASE("sale totals: more than a cent per line fails with both totals",
          "[unit]") {
  const std::string message =
      failure_of(k_per_line, sale("5.00", {line("1", "100.00")}, {"100.00"}));
  CHECK(message ==
        "sale total 95.00 as GestaoClick computes it (lines 100.00 - "
        "discounts 5.00 + freight 0.00) differs from the installments' "
        "100.00: not sent");
}

TEST_CASE("sale totals: impossible discounts and junk fail the item",
          "[unit]") {
  CHECK_THAT(failure_of(k_per_line, sale("30.00", {line("1", "20.00")}, {})),
             Catch::Contains("order discount 30.00 is more than the lines' "
                             "total 20.00"));
  CHECK_THAT(failure_of(k_per_line, sale("-1.00", {line("1", "20.00")}, {})),
             Catch::Contains("negative"));
  CHECK_THAT(failure_of(k_per_line, sale("1,50", {line("1", "20.00")}, {})),
             Catch::Contains("field 'discount' is not a number: '1,50'"));
  CHECK_THAT(failure_of(k_per_line, sale(std::nullopt, {line("x", "1")}, {})),
             Catch::Contains("field 'quantity'"));
}

TEST_CASE("sale totals: nothing to settle leaves the sale as it is", "[unit]") {
  LocalRecord record;
  record.fields["discount"] = "3.00";  // no lines mapped
  CHECK(settled(k_per_line, record).fields.at("discount") == "3.00");
  const auto out =
      settled(k_per_line, sale(std::nullopt, {line("2", "2.50")}, {"5.00"}));
  CHECK(!line_discount(out, 0));
  CHECK(amount(out, 0) == "5.00");
}
