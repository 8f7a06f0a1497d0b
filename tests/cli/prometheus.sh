# The metrics follow Prometheus conventions: `promtool check metrics` is
# clean on crm_status's real output; the shipped alerting rules pass
# `promtool check rules` and their unit tests; with the database down the
# metrics file is rewritten with crm_sync_up 0 instead of staying stale.
# promtool comes from Debian's prometheus package (scripts/deps).
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool not found: run scripts/deps"
start_fake 0
add_integration 1 '{"requests_per_minute": 120, "requests_per_second": 2}'
add_customers 1 3
sql "INSERT INTO crm_fila (tipo, id_loja, entidade, status, progresso, total, processados)
       VALUES ('exportacao', 1, 'cliente', 'processando', 40, 1000, 400);
     INSERT INTO crm_lojas_estado (id_loja, estado, motivo, desde, proxima_sonda)
       VALUES (2, 'pausada', 'the CRM is unreachable', NOW(), NOW() + INTERVAL 1 MINUTE)"
run_sync --loja 1
add_customers 1 5

run_program "$CRM_STATUS" --prometheus
assert_eq 0 "$rc" "--prometheus exit"
printf '%s\n' "$out" >"$scratch/metrics.prom"
lint=$(promtool check metrics <"$scratch/metrics.prom" 2>&1) || fail "promtool check metrics: $lint"
assert_eq "" "$lint" "promtool check metrics findings"
grep -qx 'crm_sync_up 1' <<<"$out" || fail "up gauge: $out"
assert_match 'crm_last_success_timestamp_seconds\{programa="crm_sync"\} [0-9]{10}' "$out" "last-success timestamp"
now=$(sql "SELECT UNIX_TIMESTAMP()")
last=$(grep '^crm_last_success_timestamp_seconds{programa="crm_sync"}' <<<"$out" | awk '{print $2}')
((last <= now && last >= now - 600)) || fail "last success $last is not within 10 minutes of the database's $now"
grep -Eqx 'crm_job_progress_ratio\{id="1",tipo="exportacao",loja="1",entidade="cliente"\} [01]\.[0-9]{2}' <<<"$out" || fail "job metric with its store: $out"
grep -qx 'crm_store_pending{loja="1"} 5' <<<"$out" || fail "store pending: $out"
grep -qx 'crm_store_out_of_service{loja="2",estado="pausada"} 1' <<<"$out" || fail "paused store: $out"
if grep -E '^[a-z_]+_total(\{| )' <<<"$out"; then fail "a gauge named _total"; fi
if grep -E '_(ms|milliseconds|minutes|percent)(\{| )' <<<"$out"; then fail "a metric not in base units"; fi

# The rules and their tests.
(cd "$CRM_SOURCE_DIR/docs/deploy" && promtool check rules alerts.rules.yml >"$scratch/rules.log" 2>&1) ||
  fail "promtool check rules: $(cat "$scratch/rules.log")"
(cd "$CRM_SOURCE_DIR/docs/deploy" && promtool test rules alerts.test.yml >"$scratch/rules-test.log" 2>&1) ||
  fail "promtool test rules: $(cat "$scratch/rules-test.log")"
jq -e '.panels | length > 0' "$CRM_SOURCE_DIR/docs/deploy/grafana-dashboard.json" >/dev/null ||
  fail "grafana-dashboard.json is not a dashboard"
# Every metric a panel or a rule uses is one crm_status writes.
for name in $(grep -h expr "$CRM_SOURCE_DIR/docs/deploy/grafana-dashboard.json" "$CRM_SOURCE_DIR/docs/deploy/alerts.rules.yml" | grep -oE "crm_[a-z_0-9]+" | sort -u); do
  [[ $name == crm_sync ]] && continue  # the label value programa="crm_sync"
  grep -q "^# TYPE $name gauge$" <<<"$out" || fail "$name is used by the dashboard or the rules but not written"
done

# The database down: the file says so.
run_program "$CRM_STATUS" --metrics-file "$scratch/status.prom" --quiet
grep -qx 'crm_sync_up 1' "$scratch/status.prom" || fail "metrics file while up"
CRM_DB_PORT=1 run_program "$CRM_STATUS" --metrics-file "$scratch/status.prom" --quiet
assert_eq 1 "$rc" "exit with the database down"
assert_match "ERRO: database: .*cannot connect" "$err" "the error"
grep -qx 'crm_sync_up 0' "$scratch/status.prom" || fail "metrics file not rewritten: $(cat "$scratch/status.prom")"
if grep -q crm_queue_pending "$scratch/status.prom"; then fail "stale figures left in the file"; fi
lint=$(promtool check metrics <"$scratch/status.prom" 2>&1) || fail "promtool on the down file: $lint"
assert_eq "" "$lint" "promtool findings on the down file"

# crm_sync's own metrics file: crm_sync_last_run_ok 1 after a run, 0 when the
# run ends fatally (the database down), with no stale figures.
run_sync --metrics-file "$scratch/sync.prom" --quiet
grep -qx 'crm_sync_last_run_ok 1' "$scratch/sync.prom" || fail "crm_sync metrics after a run: $(cat "$scratch/sync.prom")"
CRM_DB_PORT=1 run_sync --metrics-file "$scratch/sync.prom" --quiet
assert_eq 1 "$rc" "crm_sync exit with the database down"
grep -qx 'crm_sync_last_run_ok 0' "$scratch/sync.prom" || fail "crm_sync metrics not rewritten: $(cat "$scratch/sync.prom")"
if grep -q crm_sync_last_run_processed "$scratch/sync.prom"; then fail "stale run figures left in crm_sync's file"; fi
lint=$(promtool check metrics <"$scratch/sync.prom" 2>&1) || fail "promtool on crm_sync's down file: $lint"
assert_eq "" "$lint" "promtool findings on crm_sync's down file"
