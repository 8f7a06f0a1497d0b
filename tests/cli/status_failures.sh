# crm_status answers "what failed, why, and how long until it is done"
# without SQL: failures grouped by reason (numbers replaced by N) per store
# and entity with examples, each store's state, backlog, throughput and
# drain estimate, and the last runs with the fatal one among them.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_integration 2 '{"requests_per_minute": 120, "requests_per_second": 2}'
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais) VALUES
       (3, 'generic', 'http://127.0.0.1:9/api', '{\"token\": \"t\"}'),
       (4, 'generic', '$FAKE_URL/api', '{\"token\": \"t\"}');
     UPDATE crm_integracoes SET ativo = 0 WHERE id_loja = 4;
     INSERT INTO clientes (id, id_loja, nome, email) VALUES
       (1, 1, 'Invalid422 A', 'a@x.com'), (2, 1, 'Invalid422 B', 'b@x.com'),
       (3, 1, 'Fine 1', 'f1@x.com'), (4, 1, 'Fine 2', 'f2@x.com'),
       (5, 2, 'Invalid422 C', 'c@x.com'), (6, 2, 'Fine 3', 'f3@x.com'),
       (7, 3, 'Unreachable', 'u@x.com'), (8, 4, 'Disabled', 'd@x.com');
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm'), (1, 'cliente', 2, 'ecletech_para_crm'),
       (1, 'cliente', 3, 'ecletech_para_crm'), (1, 'cliente', 4, 'ecletech_para_crm'),
       (1, 'cliente', 999, 'ecletech_para_crm'),
       (2, 'cliente', 5, 'ecletech_para_crm'), (2, 'cliente', 6, 'ecletech_para_crm'),
       (2, 'cliente', 998, 'ecletech_para_crm'),
       (3, 'cliente', 7, 'ecletech_para_crm'), (4, 'cliente', 8, 'ecletech_para_crm')"
fake_faults '{"rules": [{"method": "POST", "body_contains": "Invalid422", "status": 422,
  "body": "{\"message\":\"email is invalid\"}"}]}'

db_now() { sql "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')"; }
t0=$(db_now)
run_sync
assert_eq 0 "$rc" "crm_sync exit"
run_sync --loja 99
assert_eq 1 "$rc" "a fatal run"
t1=$(db_now)
# A backlog for store 1 after its run: five products, due now.
sql "INSERT INTO produtos (id, id_loja, nome, sku, preco) SELECT seq, 1, CONCAT('P', seq), seq, 1 FROM seq_1_to_5;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, criado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', NOW() - INTERVAL 3 MINUTE FROM seq_1_to_5"

run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "crm_status --json exit"
assert_eq "" "$err" "nothing on stderr"
j() { jq -r "$1" <<<"$out"; }

# Failures grouped by reason: two reasons, each over two stores.
assert_eq "3 POST /clientes: HTTP 422: email is invalid|2 local record not found: clientes id N (loja N)" \
  "$(j '[.falhas_por_motivo[] | "\(.total) \(.motivo)"] | join("|")')" "reasons, most frequent first"
reason() { j ".falhas_por_motivo[] | select(.motivo == \"$1\") | $2"; }
assert_eq "1 cliente 2 0|2 cliente 1 0" \
  "$(reason "POST /clientes: HTTP 422: email is invalid" '[.grupos[] | "\(.id_loja) \(.entidade) \(.desistidas) \(.tentando)"] | join("|")')" \
  "422 per store and entity"
assert_eq "1,2" "$(reason "POST /clientes: HTTP 422: email is invalid" '[.grupos[0].exemplos[].id_registro] | sort | join(",")')" \
  "examples of store 1"
assert_eq "999|998" "$(reason "local record not found: clientes id N (loja N)" '[.grupos[].exemplos[0].id_registro] | join("|")')" \
  "examples of the missing records"
for seen in $(j '[.falhas_por_motivo[].grupos[] | .primeira, .ultima] | map(gsub(" "; "T")) | join(" ")'); do
  seen=${seen/T/ }
  [[ ! $seen < $t0 && ! $seen > $t1 ]] || fail "first/last seen $seen outside [$t0, $t1] (database clock)"
done

# Each store's state.
store() { j ".lojas[] | select(.id_loja == $1) | $2"; }
assert_eq "1 2 3 4" "$(j '[.lojas[].id_loja] | join(" ")')" "every store"
assert_eq "ok ok pausada desativada" "$(j '[.lojas[].estado] | join(" ")')" "states"
assert_match "unreachable" "$(store 3 .motivo)" "paused store's reason"
assert_match '^[0-9]+$' "$(store 3 .proxima_sonda_s)" "paused store's next probe"
assert_eq "1 cliente" "$(store 4 '"\(.pendentes) \(.por_entidade[0].entidade)"')" "disabled store's backlog"

# Store 1: its backlog, throughput and the estimate made of them.
assert_eq "5 produto 5 5" "$(store 1 '"\(.pendentes) \(.por_entidade[0].entidade) \(.por_entidade[0].pendentes) \(.por_entidade[0].prontos)"')" "backlog"
wait_s=$(store 1 .pronto_mais_antigo_espera_s)
[[ $wait_s -ge 180 ]] || fail "oldest due row waited $wait_s s, less than its 3 minutes"
assert_eq "5 3" "$(store 1 '"\(.concluidos_10min) \(.desistidos_10min)"')" "finished in 10 min"
active=$(store 1 .minutos_ativos_10min)
[[ $active -ge 1 && $active -le 2 ]] || fail "active minutes: $active"
assert_eq "$active" "$(store 1 .minutos_para_esvaziar)" "drain: pending / observed rate"
assert_eq "observado" "$(store 1 .base_estimativa)" "drain basis"
assert_eq "execucoes" "$(store 1 .requisicoes_por_item_base)" "requests per item without a budget: from the runs"
# Store 2: its budget and pacing, requests per item from its budget rows.
assert_eq "120 2 orcamento 0 vazia" "$(store 2 '"\(.orcamento_por_minuto) \(.por_segundo) \(.requisicoes_por_item_base) \(.minutos_para_esvaziar) \(.base_estimativa)"')" "store 2 limits"
used=$(sql "SELECT SUM(usadas) FROM crm_orcamento WHERE id_loja = 2")
assert_eq "$(printf '%.2f' "$(bc -l <<<"$used / 3")")" "$(store 2 .requisicoes_por_item)" "requests per item: budget over 3 log rows"
assert_eq "$(printf '%.2f' "$(bc -l <<<"(50 * 2 / 1.1) / ($used / 3)")")" "$(store 2 .teto_por_minuto)" "ceiling: pacing over requests per item"

# Runs: the fatal one with its message.
assert_eq "error|store 99: no active integration in crm_integracoes" \
  "$(j '[.execucoes[] | select(.id_loja == 99) | "\(.status)|\(.mensagem)"] | join(",")')" "the fatal run"
assert_eq "success" "$(j '[.execucoes[] | select(.id_loja == null)][0].status')" "the run of all stores"

run_program "$CRM_STATUS"
assert_eq 0 "$rc" "screen exit"
grep -q "^Falhas por motivo" <<<"$out" || fail "no failure section: $out"
grep -Eq '^ +3  POST /clientes: HTTP 422: email is invalid$' <<<"$out" || fail "reason line: $out"
grep -Eq '^ +loja 1 cliente: 2 desistidas, 0 tentando; de .* ex\.: [12], [12]$' <<<"$out" || fail "group line: $out"
grep -Eq '^  Loja 3 pausada: .*unreachable' <<<"$out" || fail "paused store line: $out"
grep -Eq '^  #[0-9]+ crm_sync loja 99 .* error em .* - store 99: no active integration' <<<"$out" || fail "fatal run line: $out"
