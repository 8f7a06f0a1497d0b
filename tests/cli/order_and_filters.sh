# Priority and age order, --loja and --entity filters, the limit.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES
       (1, 1, 'old low', 'a@x.com'), (2, 1, 'new high', 'b@x.com'), (3, 1, 'old high', 'c@x.com'),
       (4, 2, 'other store', 'd@x.com');
     INSERT INTO produtos (id, id_loja, nome, sku, preco) VALUES (5, 1, 'Caneta', 'SKU5', 2.50);
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, prioridade, criado_em) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm', 0, '2026-01-01 10:00:00'),
       (1, 'cliente', 2, 'ecletech_para_crm', 10, '2026-01-01 12:00:00'),
       (1, 'cliente', 3, 'ecletech_para_crm', 10, '2026-01-01 11:00:00'),
       (2, 'cliente', 4, 'ecletech_para_crm', 99, '2026-01-01 09:00:00'),
       (1, 'produto', 5, 'ecletech_para_crm', 5, '2026-01-01 09:00:00')"

# --loja 1 --entity cliente, one at a time: 3 (prio 10, older), 2, then 1.
order=()
for _ in 1 2 3; do
  run_sync --loja 1 --entity cliente --limit 1 --verbose
  assert_eq 0 "$rc" "exit code"
  order+=("$(grep -o 'cliente #[0-9]*' <<<"$out")")
done
assert_eq "cliente #3|cliente #2|cliente #1" "$(IFS='|'; echo "${order[*]}")" "claim order"
assert_eq 1 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0 AND id_loja = 1")" "product left for store 1"
assert_eq 1 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0 AND id_loja = 2")" "store 2 untouched"

run_sync --loja 1 --entity cliente
assert_match "$summary_re" "$out" "summary line"
assert_eq 0 "${BASH_REMATCH[1]}" "nothing left for cliente in store 1"

run_sync --batch-size 1
assert_match "$summary_re" "$out" "summary line"
assert_eq 1 "${BASH_REMATCH[1]}" "the limit (alias --batch-size)"
assert_eq 4 "$(sql "SELECT id_registro FROM crm_sync_queue WHERE processado = 1 ORDER BY processado_em DESC, id DESC LIMIT 1")" "highest priority across stores first"

run_sync
assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0")" "all done"
assert_eq "Caneta|2.5" "$(curl -sf "$FAKE_URL/_records/produtos" | jq -r '.[0] | "\(.nome)|\(.preco)"')" "product sent with a numeric price"
