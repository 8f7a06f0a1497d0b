#include "crm/sync/mirror_merge.h"

#include <catch2/catch.hpp>

#include "crm/providers/field_compare.h"
#include "crm/records/mirror_repository.h"
#include "crm/util/time.h"

using crm::integrations::FieldOwner;
using crm::sync::decide_field;
using crm::sync::FieldChange;
using crm::sync::FieldSides;
using Action = FieldChange::Action;

namespace {
FieldSides sides(std::optional<std::string> base,
                 std::optional<std::string> crm,
                 std::optional<std::string> local) {
  FieldSides out;
  out.base = base;
  out.crm = std::move(crm);
  out.local = std::move(local);
  return out;
}
}  // namespace

TEST_CASE(
    "mirror: a field only the CRM changed is written locally; one only "
    "the store changed stays",
    "[unit]") {
  const FieldChange crm_only =
      decide_field(sides("11 5555", "11 9999", "11 5555"), FieldOwner::newest);
  CHECK(crm_only.action == Action::take_crm);
  CHECK_FALSE(crm_only.conflict);
  const FieldChange local_only =
      decide_field(sides("11 5555", "11 5555", "11 7777"), FieldOwner::crm);
  CHECK(local_only.action == Action::none);
  CHECK_FALSE(local_only.conflict);
  // The same value in another spelling is no change at all.
  CHECK(
      decide_field(sides("1", "(21) 2222-3333", "2122223333"), FieldOwner::crm)
          .action == Action::none);
}

TEST_CASE("mirror: an empty CRM value or a first sight never writes locally",
          "[unit]") {
  CHECK(decide_field(sides("Ana", "", "Ana"), FieldOwner::crm).action ==
        Action::none);
  FieldSides first = sides(std::nullopt, "Ana CRM", "Ana");
  first.base.reset();
  CHECK(decide_field(first, FieldOwner::crm).action == Action::none);
}

TEST_CASE("mirror: both sides changed: the owner decides, newest by times",
          "[unit]") {
  FieldSides both = sides("Ana", "Ana CRM", "Ana Loja");
  CHECK(decide_field(both, FieldOwner::local).action == Action::keep_local);
  CHECK(decide_field(both, FieldOwner::crm).action == Action::take_crm);
  CHECK(decide_field(both, FieldOwner::crm).conflict);
  // newest with unknown times: the local value stays
  CHECK(decide_field(both, FieldOwner::newest).action == Action::keep_local);
  both.crm_time = 2000;
  both.local_time = 1000;
  CHECK(decide_field(both, FieldOwner::newest).action == Action::take_crm);
  both.local_time = 3000;
  CHECK(decide_field(both, FieldOwner::newest).action == Action::keep_local);
}

TEST_CASE("mirror: values compare as the CRM spells them back", "[unit]") {
  using crm::providers::same_field;
  CHECK(same_field("10.50", "10.5"));
  CHECK(same_field(" Ana@X.com ", "ana@x.com"));
  CHECK(same_field(std::nullopt, "  "));
  CHECK(same_field("2026-11-20 10:02:00", "2026-11-20"));
  CHECK_FALSE(same_field("10.50", "10.51"));
  CHECK_FALSE(same_field("Ana", "ana"));  // only e-mails ignore case
  CHECK_FALSE(same_field("x", std::nullopt));
  CHECK(crm::records::fingerprint({{"a", "1"}, {"b", std::nullopt}}) ==
        crm::records::fingerprint({{"a", " 1 "}}));
}

TEST_CASE("mirror: a CRM's update time in each provider's spelling", "[unit]") {
  using crm::util::parse_crm_time;
  const auto utc = parse_crm_time("2026-11-30T05:50:00Z", 0);
  REQUIRE(utc);
  CHECK(parse_crm_time("2026-11-30T02:50:00-03:00", 0) == utc);
  CHECK(parse_crm_time("2026-11-30 02:50:00", -180) == utc);  // GestaoClick
  CHECK(*utc == 1796017800);
  CHECK_FALSE(parse_crm_time("30/11/2026 02:50", 0));
  CHECK_FALSE(parse_crm_time("2026-11-30T02:50:00 GMT", 0));
}
