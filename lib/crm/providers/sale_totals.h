// A sale's arithmetic as the provider checks it: the order-level discount
// sent where the provider has one or spread over the lines where it has none,
// and the installments settled against the total the provider computes.
#pragma once

#include <string_view>
#include <variant>

#include "crm/core/outcome.h"
#include "crm/core/work_item.h"

namespace crm::providers {

/// How a provider checks a sale: its total is the sum of quantity x price
/// over the lines (unrounded, then rounded once to the cent), minus the line
/// discounts and the order discount (amounts), plus freight; the
/// installments must add up to it.
struct SaleArithmetic {
  /// true: the body has an order discount (Bling `desconto.valor`), sent from
  /// the sale's "discount" plus its lines' own discounts. false: the order
  /// discount is spread over the lines' "discount" (GestaoClick
  /// `produto.desconto_valor`), in proportion to each line's total,
  /// cent-exact by largest remainder.
  bool order_discount = false;
};

/// `sale` as it will be sent. Reads the sale's "discount" and "freight", the
/// lines' "quantity", "price" and "discount", the installments' "amount"
/// (logical fields; an absent or NULL one counts as 0). Places the order
/// discount; when the installments differ from the provider's total by at
/// most one cent per line (each line rounded locally, the provider rounding
/// the sum), settles the difference on the last installment. A larger
/// difference, a discount above the lines' total or a value that is not a
/// number fails the item (permanent) with both totals in the message.
std::variant<LocalRecord, ItemOutcome> settle_sale(const SaleArithmetic& rule,
                                                   LocalRecord sale,
                                                   std::string_view provider);

}  // namespace crm::providers
