# The database stops in the middle of a run: the run exits 1 with one clear
# line; after a restart the next run picks the rows up once their lease
# expires; nothing is lost, stuck, or created twice in the CRM.
source "$(dirname "$0")/lib.sh"
# This case stops its database, so it runs a private server of its own.
private=$scratch/db
"$CRM_SOURCE_DIR/scripts/mariadb" start "$private" >/dev/null
case_cleanup() { "$CRM_SOURCE_DIR/scripts/mariadb" stop "$private" >/dev/null 2>&1 || true; }
name=$CRM_DB_NAME
# shellcheck disable=SC1091
source "$private/env"
export CRM_DB_NAME=$name
mysql_cmd -e "CREATE DATABASE \`$CRM_DB_NAME\` CHARACTER SET utf8mb4"
"$CRM_MIGRATE" --with-demo-tables --quiet
start_fake 1500
add_integration 1
add_customers 1 12

"$CRM_SYNC" --concurrency 4 >"$scratch/run1.out" 2>"$scratch/run1.err" &
victim=$!
# Stop the database once the run has claimed its rows (its requests then
# take 1.5 s each at the fake): waiting for the claim, not a fixed time,
# keeps this exact on a loaded machine.
for _ in $(seq 1 200); do
  [[ $(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL") -gt 0 ]] && break
  sleep 0.05
done
"$CRM_SOURCE_DIR/scripts/mariadb" stop "$private"
rc=0; wait "$victim" || rc=$?
assert_eq 1 "$rc" "the run whose database went away"
assert_eq "" "$(cat "$scratch/run1.out")" "its stdout"
assert_eq 1 "$(wc -l <"$scratch/run1.err")" "one stderr line"
assert_match '^\[[0-9-]{10} [0-9:]{8}\] ERRO: database: .*(Lost connection|server has gone away|Can.t connect).*\(error 20(02|06|13)\)$' \
  "$(cat "$scratch/run1.err")" "its message"

"$CRM_SOURCE_DIR/scripts/mariadb" restart "$private" >/dev/null
assert_eq 12 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 0")" "no row lost"
claimed=$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")
[[ $claimed -gt 0 ]] || fail "the interrupted run's rows should still be leased"
sql "UPDATE crm_sync_queue SET disponivel_em = NOW() WHERE claim_token IS NOT NULL"  # lease expiry
curl -sf -X POST -d '{"latency_ms": 0}' "$FAKE_URL/_faults" >/dev/null
run_sync
assert_eq 0 "$rc" "the next run"
assert_synced_once 12
