#include "crm/sync/import_merge.h"

#include <catch2/catch.hpp>

using crm::LocalRecord;
using crm::providers::same_value;
using crm::sync::changed_fields;
using crm::sync::FieldValues;
using crm::sync::values_for_create;

namespace {
LocalRecord local(FieldValues fields) {
  LocalRecord record;
  for (auto& [field, value] : fields) record.fields[field] = value;
  return record;
}
}  // namespace

TEST_CASE("import: a CRM empty value never overwrites local data", "[unit]") {
  const LocalRecord current =
      local({{"name", "Ana"}, {"phone", "(21) 2222-3333"}, {"email", {}}});
  CHECK(changed_fields(current,
                       {{"phone", ""}, {"email", "  "}, {"name", std::nullopt}})
            .empty());
}

TEST_CASE(
    "import: a document or phone in another spelling keeps the local "
    "one; a real change is written",
    "[unit]") {
  const LocalRecord current = local({{"document", "529.982.247-25"},
                                     {"phone", "(21) 2222-3333"},
                                     {"email", "a.b@x.com"},
                                     {"name", "Ana"}});
  const FieldValues changes =
      changed_fields(current, {{"document", "52998224725"},
                               {"phone", "2122223333"},
                               {"email", "ab@x.com"},
                               {"name", "Ana Maria"}});
  CHECK(changes == FieldValues{{"email", "ab@x.com"}, {"name", "Ana Maria"}});
  CHECK_FALSE(same_value("529.982.247-25", "52998224726"));
  CHECK_FALSE(same_value("a.b", "ab"));  // not a number: spelled as it is
}

TEST_CASE("import: a new record gets NULL, never '', for an empty CRM value",
          "[unit]") {
  CHECK(values_for_create({{"name", "Ana"}, {"cpf", ""}, {"phone", " "}}) ==
        FieldValues{
            {"name", "Ana"}, {"cpf", std::nullopt}, {"phone", std::nullopt}});
}
