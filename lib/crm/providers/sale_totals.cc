#include "crm/providers/sale_totals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "crm/util/strings.h"

namespace crm::providers {
namespace {

using Row = std::map<std::string, std::optional<std::string>>;
__extension__ using Wide = __int128;  // GCC and Clang: products of two decimals

/// Decimal values are held as integers of millionths; a product of two as
/// 10^-12 units in 128 bits.
constexpr std::int64_t k_scale = 1'000'000;
constexpr Wide k_cent_of_product = Wide{10'000'000'000};  // 10^12 / 100

/// Thrown inside this file only: a value that is not a number.
struct NotANumber {
  std::string message;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// `n / d` rounded half away from zero.
Wide divide_rounded(Wide n, Wide d) {
  const Wide half = d / 2;
  return n >= 0 ? (n + half) / d : -((-n + half) / d);
}

/// A decimal text as millionths ("1.5" -> 1500000); absent, NULL or blank
/// -> `empty`.
std::int64_t millionths(const Row& row, const std::string& field,
                        std::int64_t empty = 0) {
  const auto it = row.find(field);
  if (it == row.end() || !it->second) return empty;
  const std::string_view text = util::trim(*it->second);
  if (text.empty()) return empty;
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative || (!digits.empty() && digits.front() == '+')) {
    digits.remove_prefix(1);
  }
  const auto dot = digits.find('.');
  const std::string_view whole = digits.substr(0, dot);
  std::string fraction(dot == std::string_view::npos ? ""
                                                     : digits.substr(dot + 1));
  const bool valid = !digits.empty() && whole.size() <= 12 &&
                     std::all_of(whole.begin(), whole.end(), is_digit) &&
                     std::all_of(fraction.begin(), fraction.end(), is_digit) &&
                     (!whole.empty() || !fraction.empty());
  if (!valid) {
    throw NotANumber{fmt::format("field '{}' is not a number: '{}'", field,
                                 util::safe_text(text, 40))};
  }
  Wide value = 0;
  for (const char c : whole) value = value * 10 + (c - '0');
  fraction.resize(std::max<std::size_t>(fraction.size(), 7), '0');
  for (std::size_t i = 0; i < 7; ++i) value = value * 10 + (fraction[i] - '0');
  value = divide_rounded(value, 10);  // 7 digits -> 6, rounded
  return static_cast<std::int64_t>(negative ? -value : value);
}

std::int64_t cents(const Row& row, const std::string& field) {
  return static_cast<std::int64_t>(
      divide_rounded(millionths(row, field), k_scale / 100));
}

std::string money(std::int64_t value) {
  const std::int64_t magnitude = value < 0 ? -value : value;
  return fmt::format("{}{}.{:02}", value < 0 ? "-" : "", magnitude / 100,
                     magnitude % 100);
}

/// The sale's figures in cents, as the provider computes them.
struct Figures {
  std::vector<std::int64_t> line_totals;  ///< each rounded to the cent
  Wide exact_sum = 0;                     ///< sum of q x p, in 10^-12
  std::int64_t line_discounts = 0;
  std::int64_t order_discount = 0;
  std::int64_t freight = 0;

  std::int64_t gross() const {
    return static_cast<std::int64_t>(
        divide_rounded(exact_sum, k_cent_of_product));
  }
  std::int64_t total() const {
    return gross() - line_discounts - order_discount + freight;
  }
};

Figures figures_of(const LocalRecord& sale, const std::vector<Row>& lines) {
  Figures out;
  for (const Row& line : lines) {
    const Wide product =
        Wide{millionths(line, "quantity", k_scale)} * millionths(line, "price");
    out.exact_sum += product;
    out.line_totals.push_back(
        static_cast<std::int64_t>(divide_rounded(product, k_cent_of_product)));
    out.line_discounts += cents(line, "discount");
  }
  out.order_discount = cents(sale.fields, "discount");
  out.freight = cents(sale.fields, "freight");
  return out;
}

/// `amount` split in proportion to `weights`: floors first, then one cent
/// each to the largest remainders (ties to the earlier line).
std::vector<std::int64_t> largest_remainder(
    std::int64_t amount, const std::vector<std::int64_t>& weights) {
  const Wide total = std::accumulate(weights.begin(), weights.end(), Wide{0});
  std::vector<std::int64_t> shares(weights.size());
  std::vector<Wide> remainders(weights.size());
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Wide scaled = Wide{amount} * weights[i];
    shares[i] = static_cast<std::int64_t>(scaled / total);
    remainders[i] = scaled % total;
    given += shares[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    return remainders[a] > remainders[b];
  });
  for (std::size_t i = 0; given < amount; ++i, ++given) {
    ++shares[order[i % order.size()]];
  }
  return shares;
}

/// The order discount moved into the lines' "discount" (GestaoClick); the
/// message when it cannot be.
std::optional<std::string> spread_discount(LocalRecord& sale, Figures& figures,
                                           std::string_view provider) {
  auto& lines = sale.children["lines"];
  std::vector<std::int64_t> weights;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    weights.push_back(std::max<std::int64_t>(
        0, figures.line_totals[i] - cents(lines[i], "discount")));
  }
  const std::int64_t base =
      std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
  if (figures.order_discount > base) {
    return fmt::format(
        "order discount {} is more than the lines' total {} after their own "
        "discounts; {} takes discounts per line only: not sent",
        money(figures.order_discount), money(base), provider);
  }
  const auto shares = largest_remainder(figures.order_discount, weights);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (shares[i] == 0) continue;
    lines[i]["discount"] = money(cents(lines[i], "discount") + shares[i]);
  }
  figures.line_discounts += figures.order_discount;
  figures.order_discount = 0;
  sale.fields.erase("discount");
  return std::nullopt;
}

/// The installments made to add up to the provider's total when they are
/// off by at most one cent per line; the message when they are off by more.
std::optional<std::string> settle_installments(LocalRecord& sale,
                                               const Figures& figures,
                                               std::string_view provider) {
  const auto found = sale.children.find("installments");
  if (found == sale.children.end() || found->second.empty()) {
    return std::nullopt;
  }
  std::int64_t paid = 0;
  for (const Row& installment : found->second) {
    paid += cents(installment, "amount");
  }
  const std::int64_t difference = figures.total() - paid;
  if (difference == 0) return std::nullopt;
  const auto tolerance = static_cast<std::int64_t>(figures.line_totals.size());
  if (difference > tolerance || -difference > tolerance) {
    return fmt::format(
        "sale total {} as {} computes it (lines {} - discounts {} + freight "
        "{}) differs from the installments' {}: not sent",
        money(figures.total()), provider, money(figures.gross()),
        money(figures.line_discounts + figures.order_discount),
        money(figures.freight), money(paid));
  }
  Row& last = found->second.back();
  last["amount"] = money(cents(last, "amount") + difference);
  return std::nullopt;
}

}  // namespace

std::variant<LocalRecord, ItemOutcome> settle_sale(const SaleArithmetic& rule,
                                                   LocalRecord sale,
                                                   std::string_view provider) {
  const auto lines = sale.children.find("lines");
  if (lines == sale.children.end()) return sale;  // lines not mapped
  try {
    Figures figures = figures_of(sale, lines->second);
    std::optional<std::string> problem;
    if (rule.order_discount) {
      const std::int64_t discount =
          figures.order_discount + figures.line_discounts;
      if (discount != 0) sale.fields["discount"] = money(discount);
    } else if (figures.order_discount < 0) {
      problem = fmt::format("order discount {} is negative: not sent",
                            money(figures.order_discount));
    } else if (figures.order_discount != 0) {
      problem = spread_discount(sale, figures, provider);
    }
    if (!problem) problem = settle_installments(sale, figures, provider);
    if (problem) {
      return ItemOutcome::failed(OutcomeKind::permanent, std::move(*problem));
    }
  } catch (const NotANumber& error) {
    return ItemOutcome::failed(OutcomeKind::permanent, error.message);
  }
  return sale;
}

}  // namespace crm::providers
