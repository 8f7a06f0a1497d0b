#include "crm/core/entity.h"

namespace crm {

std::string_view to_db(Entity entity) {
  switch (entity) {
    case Entity::customer:
      return "cliente";
    case Entity::product:
      return "produto";
    case Entity::sale:
      return "venda";
    case Entity::activity:
      return "atividade";
  }
  return "?";
}

std::string_view plural(Entity entity) {
  switch (entity) {
    case Entity::customer:
      return "clientes";
    case Entity::product:
      return "produtos";
    case Entity::sale:
      return "vendas";
    case Entity::activity:
      return "atividades";
  }
  return "?";
}

bool is_feminine(Entity entity) {
  switch (entity) {
    case Entity::customer:
    case Entity::product:
      return false;
    case Entity::sale:
    case Entity::activity:
      return true;
  }
  return false;
}

std::optional<Entity> parse_entity(std::string_view text) {
  for (Entity entity : k_all_entities) {
    if (text == to_db(entity)) {
      return entity;
    }
  }
  return std::nullopt;
}

std::string_view to_db(Direction direction) {
  switch (direction) {
    case Direction::to_crm:
      return "ecletech_para_crm";
    case Direction::from_crm:
      return "crm_para_ecletech";
  }
  return "?";
}

std::optional<Direction> parse_direction(std::string_view text) {
  if (text == "ecletech_para_crm" || text == "to_crm") {
    return Direction::to_crm;
  }
  if (text == "crm_para_ecletech" || text == "from_crm") {
    return Direction::from_crm;
  }
  return std::nullopt;
}

}  // namespace crm
