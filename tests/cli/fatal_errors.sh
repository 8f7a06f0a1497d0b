# Database down, wrong password, missing integration, a bad config file or
# environment: exit 1 with one clear ERRO line and nothing changed (a run
# that reached the database leaves its crm_execucoes row, closed as an
# error with the reason). Bad options: exit 2. One store's bad
# configuration does not end the run: store_containment.sh.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_customers 1 5
tables="crm_sync_queue, crm_sync_log, clientes"
before=$(sql "CHECKSUM TABLE $tables")
erro_re='^\[[0-9-]{10} [0-9:]{8}\] ERRO: '

expect_fatal() {  # regex-of-message description [env...] -- args
  local message=$1 what=$2
  shift 2
  assert_eq 1 "$rc" "$what: exit code"
  assert_eq "" "$out" "$what: stdout"
  assert_eq 1 "$(wc -l <<<"$err")" "$what: one stderr line"
  assert_match "$erro_re$message" "$err" "$what: message"
  [[ $err != *"$CRM_DB_PASSWORD"* && $err != *test-token* ]] || fail "$what: a secret was printed"
}

CRM_DB_PORT=1 run_sync
expect_fatal "database: 127\.0\.0\.1:1/$CRM_DB_NAME: cannot connect: .* \(error 200[23]\)$" "database down"

CRM_DB_PASSWORD=not-the-password run_sync
expect_fatal "database: .*: cannot connect: Access denied for user 'app'.* \(error 1045\)$" "wrong password"
[[ $err != *not-the-password* ]] || fail "wrong password printed"

run_sync --loja 5
expect_fatal "store 5: no active integration in crm_integracoes$" "missing integration"
assert_eq "crm_sync|5|error|store 5: no active integration in crm_integracoes" \
  "$(sql "SELECT CONCAT_WS('|', programa, id_loja, status, mensagem) FROM crm_execucoes")" \
  "the failed run is recorded, closed, with its reason"

printf 'db_host = 127.0.0.1\nbacth_size = 5\n' >"$scratch/bad.conf"
run_sync --config "$scratch/bad.conf"
expect_fatal "config $scratch/bad.conf: line 2: unknown key 'bacth_size'$" "malformed config file"

CRM_DB_PORT=abc run_sync
expect_fatal "CRM_DB_PORT: not a number between 1 and 65535: 'abc'$" "bad environment value"

assert_eq "$before" "$(sql "CHECKSUM TABLE $tables")" "nothing changed"
assert_eq 0 "$(fake_stat requests)" "no request sent"

for args in "--limit 0" "--limit abc" "--entity pessoa" "--nope" "extra-argument" "--deadline -1"; do
  # shellcheck disable=SC2086
  run_sync $args
  assert_eq 2 "$rc" "usage error for '$args'"
  assert_eq 1 "$(wc -l <<<"$err")" "one line for '$args'"
  assert_match "${erro_re}.*\(see crm_sync --help\)$" "$err" "usage message for '$args'"
done

run_sync --json --loja 5
assert_eq 1 "$rc" "json fatal exit"
assert_eq "erro" "$(jq -r .status <<<"$out")" "json error object"

run_sync
assert_eq 0 "$rc" "a good run after all that"
assert_match "$summary_re" "$out" "summary"
assert_eq 5 "${BASH_REMATCH[1]}" "processed"
