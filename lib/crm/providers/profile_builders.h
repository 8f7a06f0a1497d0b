// Small constructors for the providers' default profiles.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "crm/providers/rest_profile.h"

namespace crm::providers::build {

/// Logical field `field` at remote `path`; `label` defaults to the field.
inline FieldSpec field(std::string field, std::string path,
                       FieldType type = FieldType::string,
                       std::string label = {}) {
  FieldSpec spec;
  spec.label = label.empty() ? field : std::move(label);
  spec.field = std::move(field);
  spec.path = std::move(path);
  spec.type = type;
  return spec;
}

/// A value always sent (only with the field labelled `with`, when given).
inline FieldSpec constant(std::string label, std::string path,
                          json::Value value, std::string with = {}) {
  FieldSpec spec;
  spec.label = std::move(label);
  spec.path = std::move(path);
  spec.constant = std::move(value);
  spec.with = std::move(with);
  return spec;
}

/// `field` holds a local id of `target`: sends its external id (or, with
/// `ref_field`, that field of the referenced record).
inline FieldSpec reference(std::string field, std::string path, Entity target,
                           FieldType type = FieldType::string,
                           std::string ref_field = {}, std::string label = {}) {
  FieldSpec spec =
      build::field(std::move(field), std::move(path), type, std::move(label));
  spec.ref = target;
  spec.ref_field = std::move(ref_field);
  return spec;
}

/// A text made from the record ("Venda {local_id}").
inline FieldSpec templated(std::string label, std::string path,
                           std::string text) {
  FieldSpec spec;
  spec.label = std::move(label);
  spec.field = spec.label;
  spec.path = std::move(path);
  spec.text_template = std::move(text);
  return spec;
}

/// `spec` the provider's document requires: an empty local value fails the
/// item locally, with no request.
inline FieldSpec required(FieldSpec spec) {
  spec.required = true;
  return spec;
}

/// `spec` with the most characters the provider takes.
inline FieldSpec at_most(std::size_t characters, FieldSpec spec) {
  spec.max_length = characters;
  return spec;
}

/// `spec` taking `fallback` when its value is empty (FieldSpec::fallback).
inline FieldSpec with_fallback(FieldSpec spec, std::string fallback) {
  spec.fallback = std::move(fallback);
  return spec;
}

/// `spec` sent on create only: the CRM owns it once the record exists.
inline FieldSpec on_create(FieldSpec spec) {
  spec.create_only = true;
  return spec;
}

inline Endpoint endpoint(std::string path, std::vector<FieldSpec> fields) {
  Endpoint out;
  out.path = std::move(path);
  out.fields = std::move(fields);
  return out;
}

inline Endpoint unsupported(std::string reason) {
  Endpoint out;
  out.unsupported = std::move(reason);
  out.path = "/";
  return out;
}

inline Lookup lookup(std::string param, std::string field,
                     FieldType type = FieldType::string,
                     std::string path = {}) {
  Lookup out;
  out.param = std::move(param);
  out.field = std::move(field);
  out.type = type;
  out.path = std::move(path);
  return out;
}

}  // namespace crm::providers::build
