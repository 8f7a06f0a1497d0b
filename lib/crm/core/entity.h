// The four kinds of record and the two directions of the queue.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace crm {

enum class Entity { customer, product, sale, activity };

inline constexpr std::array<Entity, 4> k_all_entities = {
    Entity::customer, Entity::product, Entity::sale, Entity::activity};

/// The value stored in `entidade` ("cliente", "produto", "venda", "atividade").
std::string_view to_db(Entity entity);
/// The plural used in human output ("clientes", ...).
std::string_view plural(Entity entity);
/// True for the entities whose Portuguese noun is feminine (venda,
/// atividade): "190 vendas enfileiradas", "1 cliente enfileirado".
[[nodiscard]] bool is_feminine(Entity entity);
/// Parses the database value; nullopt for anything else.
std::optional<Entity> parse_entity(std::string_view text);

/// Local record ids of one entity.
struct EntityIds {
  Entity entity = Entity::customer;
  std::vector<std::int64_t> ids;
};

enum class Direction { to_crm, from_crm };

/// `ecletech_para_crm` / `crm_para_ecletech`.
std::string_view to_db(Direction direction);
/// Accepts the database values and the short forms `to_crm` / `from_crm`.
std::optional<Direction> parse_direction(std::string_view text);

}  // namespace crm
