# Contract test: the real crm_sync and crm_sync_full send every kind of
# request an adapter makes (lookup, create, update, fetch, delete, list pages)
# to Prism loaded with the provider's own OpenAPI document; Prism validates
# each request (path, method, parameters, required fields, types) and logs a
# violation for any that breaks the document. The test fails on any request
# violation, and proves first that it can fail (a deliberately bad request).
# Response-side findings (the document's examples breaking its own schemas)
# are the document's faults: counted and shown, not failed on.
#
#   prism_contract.sh pipedrive|bling|activecampaign
provider=$1
export CRM_CASE_NAME=contract_$provider
source "$(dirname "$0")/../cli/lib.sh"
: "${PRISM:?}"
specs=$CRM_SOURCE_DIR/tests/contract/specs
case $provider in
  pipedrive)
    spec=$specs/pipedrive-openapi-v2.yaml
    credentials='{"api_token": "contract-token"}'
    bad=(-X POST "/persons" -H 'x-api-token: t' -d '{"name": "x", "emails": "not-an-array"}')
    entities=(cliente produto venda atividade)
    extra_settings='{}'
    ;;
  bling)
    spec=$specs/bling-openapi-v3.json
    credentials='{"access_token": "contract-token"}'
    bad=(-X POST "/produtos" -H 'Authorization: Bearer t' -d '{"nome": "x"}')
    entities=(cliente produto venda)
    extra_settings='{}'
    ;;
  activecampaign)
    spec=$specs/activecampaign-v3-openapi.json
    credentials='{"api_token": "contract-token"}'
    bad=(-X POST "/deals" -H 'Api-Token: t' -d '{"deal": {"title": "x"}}')
    entities=(cliente venda atividade)
    # The document marks deal.account required (the API takes a contact or
    # an account): this store names one, as a real store would its pipeline.
    extra_settings='{"venda": {"extra_fields": {"account": {"path": "account", "value": "1"}}}}'
    ;;
  *) fail "unknown provider '$provider'" ;;
esac

source "$(dirname "$0")/prism.inc"
start_prism "$spec" --errors

# The test can fail: a request that breaks the document is caught.
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "${bad[@]:0:2}" "$base${bad[2]}" "${bad[@]:3}")
# (422, or the document's own 400 when it defines one: 500 if that example
# breaks its schema)
assert_match '^(4|5)[0-9][0-9]$' "$status" "Prism refuses a request that breaks the document"
assert_eq 1 "$(request_violations)" "the bad request is counted"
baseline=$(wc -l <"$scratch/prism.log")

# Local records for every path an adapter takes: lookup then create or link,
# create, update (external id), fetch (from the CRM), delete (soft-deleted).
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone, documento, external_id, deletado_em) VALUES
       (1, 1, 'Ana Souza', 'ana@x.com', '555-0001', '12345678901', NULL, NULL),
       (2, 1, 'Sem Contato', NULL, NULL, NULL, NULL, NULL),
       (3, 1, 'Carla Dias', 'carla@x.com', NULL, '12345678000195', '1', NULL),
       (4, 1, 'Remota', NULL, NULL, NULL, '1', NULL),
       (5, 1, 'Apagada', NULL, NULL, NULL, '1', NOW());
     INSERT INTO produtos (id, id_loja, nome, sku, preco, custo, external_id, deletado_em) VALUES
       (1, 1, 'Caneta', 'CAN-1', 2.50, 1.00, NULL, NULL), (2, 1, 'Sem SKU', NULL, 3.00, NULL, NULL, NULL),
       (3, 1, 'Caderno', 'CAD-1', 10.00, 4.00, '1', NULL), (4, 1, 'Remoto', NULL, 0, NULL, '1', NULL),
       (5, 1, 'Apagado', NULL, 0, NULL, '1', NOW());
     INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda, external_id, deletado_em) VALUES
       (1, 1, 3, 12.50, NULL, '2026-11-20 10:00:00', NULL, NULL), (2, 1, 3, 12.50, NULL, '2026-11-21', NULL, NULL),
       (3, 1, 3, 12.50, NULL, '2026-11-20 10:00:00', '1', NULL),
       (4, 1, 3, 0, NULL, NULL, '1', NULL), (5, 1, 3, 0, NULL, NULL, '1', NOW());
     INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario) VALUES
       (1, 3, 'Caderno', 1, 10.00), (1, 3, 'Caderno', 1, 2.50), (2, 3, 'Caderno', 1, 12.50),
       (3, 3, 'Caderno', 1, 12.50);
     INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento) VALUES
       (1, '2026-12-20', 12.50, 1), (2, '2026-12-20', 12.50, 1), (3, '2026-12-20', 12.50, 1);
     INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, concluida, id_cliente, external_id, deletado_em) VALUES
       (1, 1, 'call', 'Ligar', '2026-11-25 14:00:00', 0, 3, NULL, NULL),
       (2, 1, 'meeting', 'Visitar', '2026-11-27 00:00:00', 0, 3, NULL, NULL),
       (3, 1, 'call', 'Ligar de novo', '2026-11-26 09:30:00', 1, 3, '1', NULL),
       (4, 1, 'call', 'Remota', NULL, 0, 3, '1', NULL), (5, 1, 'call', 'Apagada', NULL, 0, 3, '1', NOW())"

enqueue_all() {
  local entity id
  for entity in "${entities[@]}"; do
    for id in 1 2 3 5; do enqueue 1 "$entity" "$id"; done
    enqueue 1 "$entity" 4 from_crm
  done
}
# Run 1: the default mapping (lookups first; GestaoClick/Bling read before
# they update); run 2: lookups off, so the creates go out even where Prism's
# example answers a lookup with a hit, and updates straight, since Prism's
# example answer to that read may break the document's own schema (a 500).
for run in lookups creates; do
  settings=$(jq -c --argjson extra "$extra_settings" --arg run "$run" '
    {on_delete: "delete", requests_per_second: 0, mirror: {enabled: false}} + (if $run == "creates" then {read_before_update: false} else {} end) + {
     entities: (if $run == "creates"
                then reduce ("cliente", "produto", "venda", "atividade") as $e ($extra; .[$e] += {lookup: null})
                else $extra end)}' <<<'{}')
  sql "DELETE FROM crm_integracoes; DELETE FROM crm_sync_queue;
       UPDATE clientes SET external_id = NULL WHERE id IN (1, 2); UPDATE produtos SET external_id = NULL WHERE id IN (1, 2);
       UPDATE vendas SET external_id = NULL WHERE id IN (1, 2); UPDATE atividades SET external_id = NULL WHERE id IN (1, 2);
       INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
       VALUES (1, '$provider', '$base', '$credentials', '$settings')"
  enqueue_all
  run_sync --loja 1 --concurrency 4
  assert_eq 0 "$rc" "crm_sync exit ($run)"
  assert_match "$summary_re" "$out" "summary ($run)"
done
# The mirror's pull (issue #14): the change-filter list calls of every
# mirrored entity, on their own (Prism's example answers are no coherent
# CRM to push against, so the passes above run without the mirror).
sql "UPDATE crm_integracoes SET configuracoes = JSON_SET(configuracoes, '$.mirror.enabled', true,
       '$.mirror.pages_per_run', 1); DELETE FROM crm_sync_queue"
run_sync --loja 1
assert_eq 0 "$rc" "crm_sync exit (mirror pull)"
for entity in "${entities[@]}"; do
  run_program "$CRM_SYNC_FULL" --loja 1 --entity "$entity" --import --pages 1
  assert_eq 0 "$rc" "import of $entity"
done

# What was sent and checked: one line per request Prism received.
tail -n +"$((baseline + 1))" "$scratch/prism.log" >"$scratch/run.log"
grep -o '\[HTTP SERVER\] [a-z]* [^ ]*' "$scratch/run.log" | awk '{print toupper($3), $4}' |
  sed -E 's#/[0-9]+(/|$)#/{id}\1#g' | sort | uniq -c >"$scratch/operations"
echo "requests checked against $(basename "$spec"):"
cat "$scratch/operations"
# Each violation is one "[VALIDATOR] ✖ error" line after a request that "did
# not pass". The Bling document lists some required properties as one
# comma-joined name ("id, nome, situacao" in ContatosDadosBaseDTO, "tipo,
# indicadorIe" in ContatosDadosDTO): no JSON can carry a property of that
# name, so those are the document's defects, shown apart and not failed on.
awk '/Request did not pass the validation rules/ {request = 1; next}
     /\[HTTP SERVER\]/ {request = 0}
     request && /\[VALIDATOR\] ✖/ {print}' "$scratch/run.log" >"$scratch/violations"
grep "required property '[^']*, [^']*'" "$scratch/violations" | sed 's/.*✖  error *//' | sort | uniq -c >"$scratch/document_defects" || true
grep -v "required property '[^']*, [^']*'" "$scratch/violations" | sed 's/.*✖  error *//' >"$scratch/request_violations" || true
violations=$(wc -l <"$scratch/request_violations")
sort "$scratch/request_violations" | uniq -c
if [[ -s $scratch/document_defects ]]; then
  echo "document defects (comma-joined required names), not counted:"
  cat "$scratch/document_defects"
fi
# Prism answers 500 "Request/Response not valid" when its example response
# breaks the document's own schema: those whose request passed are the
# document's faults (they end items as transient errors; not counted here).
terminated=$(grep -c "VIOLATIONS: Request/Response not valid" "$scratch/run.log" || true)
refused=$(grep -c "Request did not pass the validation rules" "$scratch/run.log" || true)
response_faults=$((terminated - refused))
echo "request violations: $violations; response-side findings (the document's own): $response_faults"
assert_eq 0 "$violations" "requests that break the $provider document"
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE http_status = 422")" "422s in crm_sync_log"

# Every kind of request was exercised (so 0 violations means something).
expected=()
case $provider in
  pipedrive) expected=("GET /persons/search" "POST /persons" "PATCH /persons/{id}" "GET /persons/{id}"
                       "DELETE /persons/{id}" "GET /persons" "GET /products/search" "POST /products"
                       "PATCH /products/{id}" "POST /deals" "PATCH /deals/{id}" "GET /deals/{id}"
                       "POST /activities" "PATCH /activities/{id}" "DELETE /activities/{id}" "GET /activities") ;;
  bling) expected=("GET /contatos" "POST /contatos" "PUT /contatos/{id}" "GET /contatos/{id}"
                   "DELETE /contatos/{id}" "GET /produtos" "POST /produtos" "PUT /produtos/{id}"
                   "GET /pedidos/vendas" "POST /pedidos/vendas" "PUT /pedidos/vendas/{id}"
                   "GET /pedidos/vendas/{id}" "DELETE /pedidos/vendas/{id}") ;;
  activecampaign) expected=("POST /contact/sync" "PUT /contacts/{id}" "GET /contacts/{id}" "DELETE /contacts/{id}"
                            "GET /contacts" "POST /deals" "PUT /deals/{id}" "GET /deals/{id}" "GET /deals"
                            "POST /dealTasks" "PUT /dealTasks/{id}" "DELETE /dealTasks/{id}" "GET /dealTasks") ;;
esac
for operation in "${expected[@]}"; do
  grep -q " $operation$" "$scratch/operations" || fail "no '$operation' request reached Prism"
done
