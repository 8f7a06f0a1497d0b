# crm_status: figures against known data, JSON and Prometheus parsed back,
# each --check threshold crossing its exit code, stuck runs and --fix-stuck.
source "$(dirname "$0")/lib.sh"
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, criado_em, disponivel_em) VALUES
       (1, 'cliente', 1, 'ecletech_para_crm', NOW() - INTERVAL 45 MINUTE, '1970-01-01 00:00:01'),
       (1, 'cliente', 2, 'ecletech_para_crm', NOW() - INTERVAL 5 MINUTE, NOW() + INTERVAL 1 HOUR),
       (1, 'venda', 3, 'crm_para_ecletech', NOW() - INTERVAL 1 MINUTE, '1970-01-01 00:00:01');
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, processado, erro, processado_em)
       SELECT 1, 'produto', seq, 'ecletech_para_crm', 1, IF(seq <= 12, 'HTTP 503', NULL),
              NOW() - INTERVAL 5 MINUTE FROM seq_1_to_60;
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, duracao_ms)
       VALUES (1, 'produto', 1, 'ecletech_para_crm', 'sucesso', 100), (1, 'produto', 2, 'ecletech_para_crm', 'sucesso', 300);
     INSERT INTO crm_execucoes (programa, host, pid, status, iniciado_em, prazo_em, finalizado_em) VALUES
       ('crm_sync', 'h1', 10, 'success', NOW() - INTERVAL 3 MINUTE, NOW(), NOW() - INTERVAL 3 MINUTE),
       ('crm_sync', 'h1', 11, 'running', NOW() - INTERVAL 20 MINUTE, NOW() - INTERVAL 19 MINUTE, NULL),
       ('crm_sync', 'h2', 12, 'running', NOW() - INTERVAL 30 SECOND, NOW() + INTERVAL 20 SECOND, NULL);
     INSERT INTO crm_fila (tipo, id_loja, entidade, status, progresso, total, processados)
       VALUES ('exportacao', 1, 'cliente', 'processando', 40, 1000, 400);
     INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais)
       VALUES (1, 'generic', 'http://127.0.0.1:9/api', '{\"token\": \"plain-secret\"}')"

run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "json exit"
j() { jq -r "$1" <<<"$out"; }
assert_eq 3 "$(j .pendentes)" "pending"
assert_eq "cliente ecletech_para_crm 2 1|venda crm_para_ecletech 1 1" \
  "$(j '[.por_entidade[] | "\(.entidade) \(.direcao) \(.pendentes) \(.prontos)"] | join("|")')" "by entity"
oldest=$(j .pendente_mais_antigo_s)
[[ $oldest -ge 2700 && $oldest -le 2710 ]] || fail "oldest pending: $oldest"
# "today" by the database's clock: just after midnight, rows finished five
# minutes ago were yesterday's
assert_eq "$(sql "SELECT IF(NOW() - INTERVAL 5 MINUTE >= CURDATE(), 48, 0)")" "$(j .processados_hoje)" "processed today"
assert_eq "12 12" "$(j '"\(.falhas_24h) \(.falhas_1h)"')" "failures"
assert_eq "80 200 0.8" "$(j '"\(.taxa_sucesso_24h) \(.latencia_media_ms_24h) \(.itens_por_minuto)"')" "success rate, latency, rate"
# 60 rows finished in the last 10 minutes, all in one minute: 60 a minute
assert_eq "60 1" "$(j '"\(.concluidos_10min) \(.minutos_ativos_10min)"')" "finished in 10 min"
assert_eq 1 "$(j .minutos_para_esvaziar)" "drain estimate: 3 pending at 60 a minute"
assert_eq "crm_sync running 3 3" "$(j '.programas[0] | "\(.programa) \(.ultimo_status) \(.execucoes) \(.minutos_desde_sucesso)"')" "programs"
assert_eq "11" "$(j '[.travadas[].pid] | join(",")')" "stuck runs"
assert_eq "exportacao 40" "$(j '.jobs[0] | "\(.tipo) \(.progresso)"')" "jobs"
assert_match "store 1: credential 'token' is stored in plain text" "$(j '.avisos[0]')" "plain credential warning"
[[ $out != *plain-secret* ]] || fail "the secret was printed"

run_program "$CRM_STATUS"
assert_eq 0 "$rc" "text exit"
grep -q "^Fila: 3 pendentes, mais antigo há 45 min, esvazia em ~1 min (60.0/min em 1 min ativos dos últimos 10)$" <<<"$out" || fail "text report: $out"

run_program "$CRM_STATUS" --prometheus
assert_eq 0 "$rc" "prometheus exit"
# every sample line is "name{labels} number" and every name has a TYPE line
bad=$(grep -v '^#' <<<"$out" | grep -Ev '^[a-z_0-9]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.]+$' || true)
assert_eq "" "$bad" "malformed prometheus lines"
assert_eq "2" "$(grep '^crm_queue_pending{entidade="cliente",direcao="ecletech_para_crm"}' <<<"$out" | awk '{print $2}')" "prometheus pending"
assert_eq "1" "$(grep '^crm_stuck_runs ' <<<"$out" | awk '{print $2}')" "prometheus stuck"
for name in $(grep -v '^#' <<<"$out" | sed -E 's/[{ ].*//' | sort -u); do
  grep -q "^# TYPE $name gauge$" <<<"$out" || fail "no TYPE for $name"
done
run_program "$CRM_STATUS" --metrics-file "$scratch/status.prom" --quiet
assert_eq "" "$out" "quiet with metrics file"
grep -q '^crm_queue_pending{entidade="cliente",direcao="ecletech_para_crm"} 2$' "$scratch/status.prom" || fail "metrics file"
grep -qx 'crm_sync_up 1' "$scratch/status.prom" || fail "up gauge"

check() { run_program "$CRM_STATUS" --check "$@"; }
check --warn-oldest-minutes 60 --crit-oldest-minutes 120 --warn-failures-1h 20 --warn-stuck 2
assert_eq 0 "$rc" "OK exit"
assert_match '^CRM_SYNC OK - 3 pending, oldest 45 min, 12 failures in 1 h \| pending=3 oldest_pending_s=[0-9]+ failures_1h=12 since_success_min=3 stuck=1$' "$out" "OK line"
check --warn-stuck 2 --warn-failures-1h 20
assert_eq 1 "$rc" "oldest 45 min >= warn 30"
assert_match '^CRM_SYNC WARNING - oldest pending 45 min \(warn 30\) \|' "$out" "WARNING line"
check --warn-stuck 2 --warn-failures-1h 5 --crit-failures-1h 10
assert_eq 2 "$rc" "failures 12 >= crit 10"
assert_match 'CRITICAL - .*12 failures in 1 h \(crit 10\)' "$out" "CRITICAL line"
check --warn-stuck 2 --warn-failures-1h 20 --warn-oldest-minutes 60 --warn-since-success-minutes 2 --crit-since-success-minutes 3
assert_eq 2 "$rc" "since success 3 >= crit 3"
check --warn-stuck 1 --warn-failures-1h 20 --warn-oldest-minutes 60
assert_eq 1 "$rc" "one stuck run >= warn 1"
CRM_DB_PORT=1 run_program "$CRM_STATUS" --check
assert_eq 3 "$rc" "UNKNOWN exit"
assert_match '^CRM_SYNC UNKNOWN - database: .*cannot connect' "$out" "UNKNOWN line"
# Any error is UNKNOWN for a monitoring plugin: one stdout line, exit 3.
printf 'db_host = x\nbacth_size = 5\n' >"$scratch/bad.conf"
for args in "--warn-stuck abc" "--nope" "extra-argument" "--crit-stuck" "--config $scratch/bad.conf" "--config $scratch/missing.conf"; do
  # shellcheck disable=SC2086
  check $args
  assert_eq 3 "$rc" "UNKNOWN exit for '$args'"
  assert_eq 1 "$(wc -l <<<"$out")" "one stdout line for '$args'"
  assert_match '^CRM_SYNC UNKNOWN - .+$' "$out" "UNKNOWN line for '$args'"
done
assert_match "^CRM_SYNC UNKNOWN - config $scratch/missing.conf: cannot read file$" "$out" "UNKNOWN names the cause"
run_program "$CRM_STATUS" --warn-stuck abc  # without --check: a usage error
assert_eq 2 "$rc" "usage exit without --check"
assert_eq "" "$out" "no stdout without --check"

run_program "$CRM_STATUS" --fix-stuck --json
assert_eq 0 "$(j '.travadas | length')" "no stuck run after --fix-stuck"
assert_eq "aborted running" "$(sql "SELECT status FROM crm_execucoes WHERE pid IN (11, 12) ORDER BY pid" | tr '\n' ' ' | sed 's/ $//')" "only the stuck run aborted"
