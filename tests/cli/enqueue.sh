# crm_enqueue: ids as a list or repeated, de-duplication and priority raise,
# unknown records (exit 1, nothing enqueued), bad arguments (exit 2), and
# --retry-failed.
source "$(dirname "$0")/lib.sh"
sql "INSERT INTO clientes (id, id_loja, nome) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 1, 'c'), (9, 2, 'other')"
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '

run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 1,2 --id 3 --priority 3
assert_eq 0 "$rc" "exit code"
assert_match "${ts_re}Enfileirados: 3 clientes \(loja 1, ecletech_para_crm, prioridade 3\)$" "$out" "line"
run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 2 --priority 9 --direction to_crm
assert_eq "3|2:9" "$(sql "SELECT COUNT(*), CONCAT(MAX(id_registro * (prioridade = 9)), ':', MAX(prioridade)) FROM crm_sync_queue" | tr '\t' '|')" "one row per key, priority raised"
run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 2 --priority 1
assert_eq 9 "$(sql "SELECT prioridade FROM crm_sync_queue WHERE id_registro = 2")" "priority never lowered"
run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 1 --direction from_crm
assert_eq 4 "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "other direction is another key"

# Repeated --entity/--id pairs are pairs: clientes 1 and 2, produto 3.
sql "INSERT INTO produtos (id, id_loja, nome) VALUES (3, 1, 'p3')"
run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 1,2 --entity produto --id 3 --priority 4
assert_eq 0 "$rc" "pairs: exit code"
assert_match "${ts_re}Enfileirados: 2 clientes, 1 produtos \(loja 1, ecletech_para_crm, prioridade 4\)$" "$out" "pairs: line"
assert_eq "produto:3" "$(sql "SELECT CONCAT(entidade, ':', id_registro) FROM crm_sync_queue WHERE entidade = 'produto'")" "pairs: only produto 3"
assert_eq "1:4 2:9" "$(sql "SELECT CONCAT(id_registro, ':', prioridade) FROM crm_sync_queue WHERE entidade = 'cliente' AND direcao = 'ecletech_para_crm' AND id_registro IN (1, 2) ORDER BY id_registro" | tr '\n' ' ' | sed 's/ $//')" "pairs: clientes 1 and 2 raised to 4 (2 keeps its 9)"
run_program "$CRM_ENQUEUE" --loja 1 --entity produto --id 3 --entity cliente --id 2 --id 3 --entity produto --id 3 --json
assert_eq 3 "$(jq -r .enfileirados <<<"$out")" "pairs: an entity named twice joins its ids"
sql "DELETE FROM crm_sync_queue WHERE entidade = 'produto'"
before_pairs=$(sql "SELECT COUNT(*) FROM crm_sync_queue")
for args in "--loja 1 --id 1 --entity cliente --entity produto --id 3" "--loja 1 --entity cliente --id 1 --entity produto" \
            "--loja 1 --entity cliente --id 1 --entity pessoa --id 3" "--retry-failed --entity cliente --entity produto"; do
  # shellcheck disable=SC2086
  run_program "$CRM_ENQUEUE" $args
  assert_eq 2 "$rc" "pairs usage error for '$args'"
  assert_match "${ts_re}ERRO: .*\(see crm_enqueue --help\)$" "$err" "pairs usage message for '$args'"
done
assert_eq "$before_pairs" "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "pairs: nothing enqueued by refused pairs"
run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 9 --entity produto --id 3
assert_eq 1 "$rc" "pairs: an unknown id of one pair"
assert_match "ERRO: unknown cliente id\(s\) in clientes for loja 1: 9$" "$err" "pairs: unknown id message"
assert_eq "$before_pairs" "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "pairs: nothing enqueued with an unknown id"

run_program "$CRM_ENQUEUE" --loja 1 --entity cliente --id 3,9,77
assert_eq 1 "$rc" "unknown ids: exit code"
assert_match "${ts_re}ERRO: unknown cliente id\(s\) in clientes for loja 1: 9, 77$" "$err" "unknown ids: message"
assert_eq 4 "$(sql "SELECT COUNT(*) FROM crm_sync_queue")" "nothing enqueued"

for args in "--loja 1 --entity cliente" "--loja 1 --entity pessoa --id 1" "--loja x --entity cliente --id 1" \
            "--loja 1 --entity cliente --id abc" "--loja 1 --entity cliente --id 1 --direction sideways" \
            "--retry-failed --id 1" "--since 2026-01-01 --loja 1 --entity cliente --id 1" "--retry-failed --since yesterday"; do
  # shellcheck disable=SC2086
  run_program "$CRM_ENQUEUE" $args
  assert_eq 2 "$rc" "usage error for '$args'"
  assert_match "${ts_re}ERRO: .*\(see crm_enqueue --help\)$" "$err" "usage message for '$args'"
done

# An impossible --since is a usage error, checked before the database: it
# must never reach a comparison that MariaDB would answer for every row.
for since in "2026-02-30 25:61:00" "2026-13-45" "2026-01-01 23:60"; do
  CRM_DB_PORT=1 run_program "$CRM_ENQUEUE" --retry-failed --since "$since"
  assert_eq 2 "$rc" "usage error for --since '$since'"
  assert_eq 1 "$(wc -l <<<"$err")" "one line for --since '$since'"
  assert_match "${ts_re}ERRO: --since: no such (day|time): .*got '$since' \(see crm_enqueue --help\)$" "$err" "message for --since '$since'"
done

# --retry-failed: given-up rows come back once per key; a key that succeeded
# later, or is pending already, is not duplicated.
sql "DELETE FROM crm_sync_queue;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em, tentativas) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm', 1, 'HTTP 422', NOW() - INTERVAL 2 DAY, 1),
       (1, 'cliente', 1, 'ecletech_para_crm', 1, 'HTTP 503', NOW() - INTERVAL 1 DAY, 3),
       (1, 'cliente', 2, 'ecletech_para_crm', 1, 'HTTP 422', NOW() - INTERVAL 3 DAY, 1),
       (1, 'cliente', 2, 'ecletech_para_crm', 1, NULL, NOW() - INTERVAL 1 DAY, 1),
       (1, 'cliente', 3, 'ecletech_para_crm', 1, 'timeout', NOW() - INTERVAL 10 DAY, 3),
       (1, 'produto', 4, 'ecletech_para_crm', 1, 'HTTP 400', NOW() - INTERVAL 1 HOUR, 1)"
run_program "$CRM_ENQUEUE" --retry-failed --entity cliente --since "$(date -d '5 days ago' '+%Y-%m-%d')"
assert_eq 0 "$rc" "retry exit code"
assert_match "${ts_re}Reenfileirados: 1 registro que falhou$" "$out" "retry line"
assert_eq "cliente:1:0" "$(sql "SELECT CONCAT(entidade, ':', id_registro, ':', tentativas) FROM crm_sync_queue WHERE processado = 0")" "the one key retried"
run_program "$CRM_ENQUEUE" --retry-failed --json
assert_eq 2 "$(jq -r .reenfileirados <<<"$out")" "retry the rest"
assert_eq "1 3 4" "$(sql "SELECT id_registro FROM crm_sync_queue WHERE processado = 0 ORDER BY id_registro" | tr '\n' ' ' | sed 's/ $//')" "pending keys after retries"

# Eight crm_enqueue processes at once on the same 3 keys, with different
# priorities: one pending row per key, at the highest priority.
sql "DELETE FROM crm_sync_queue"
pids=()
for p in 1 2 3 4 5 6 7 8; do
  "$CRM_ENQUEUE" --loja 1 --entity cliente --id 1,2,3 --priority "$p" >/dev/null 2>>"$scratch/concurrent.err" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "an enqueuer failed: $(cat "$scratch/concurrent.err")"; done
assert_eq "3|8|8" "$(sql "SELECT COUNT(*), MIN(prioridade), MAX(prioridade) FROM crm_sync_queue" | tr '\t' '|')" "concurrent enqueuers"
