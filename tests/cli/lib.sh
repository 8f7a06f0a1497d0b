# Sourced by every tests/cli/*.sh case: a fresh database on the private
# MariaDB, migrated by the real crm_migrate; helpers to start the fake CRM,
# run SQL and assert. A failing case keeps its scratch directory.
set -euo pipefail

: "${CRM_SYNC:?}" "${CRM_MIGRATE:?}" "${CRM_ENQUEUE:?}" "${CRM_CLEANUP:?}" "${CRM_STATUS:?}" "${CRM_SYNC_FULL:?}" "${FAKE_CRM:?}" "${CRM_TEST_DB_DIR:?}" "${CRM_SOURCE_DIR:?}"
case_name=${CRM_CASE_NAME:-$(basename "$0" .sh)}
scratch=${CRM_CLI_SCRATCH:-/tmp/crm-cli}/$case_name
rm -rf "$scratch"
mkdir -p "$scratch"

# shellcheck disable=SC1091
source "$CRM_TEST_DB_DIR/env"
export CRM_DB_NAME="cli_${case_name//[^a-zA-Z0-9_]/_}"
export CRM_MIGRATIONS_DIR=$CRM_SOURCE_DIR/migrations
unset CRM_SYNC_CONFIG
fake_pids=()

mysql_cmd() {
  mariadb --no-defaults --protocol=TCP -h"$CRM_DB_HOST" -P"$CRM_DB_PORT" \
    --default-character-set=utf8mb4 -u"$CRM_DB_USER" -p"$CRM_DB_PASSWORD" "$@"
}
sql() { mysql_cmd -N -B "$CRM_DB_NAME" -e "$1"; }

fail() {
  echo "FAIL [$case_name]: $*" >&2
  echo "scratch directory kept: $scratch" >&2
  exit 1
}

cleanup() {
  local status=$?
  if declare -F case_cleanup >/dev/null; then case_cleanup; fi
  for pid in "${fake_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${fake_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((status == 0)); then
    mysql_cmd -e "DROP DATABASE IF EXISTS \`$CRM_DB_NAME\`" || true
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT
trap 'fail "line $LINENO: command failed: $BASH_COMMAND"' ERR

assert_eq() {  # expected actual what
  [[ "$1" == "$2" ]] || fail "$3: expected '$1', got '$2'"
}
assert_match() {  # regex actual what
  [[ "$2" =~ $1 ]] || fail "$3: '$2' does not match /$1/"
}

mysql_cmd -e "DROP DATABASE IF EXISTS \`$CRM_DB_NAME\`; CREATE DATABASE \`$CRM_DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
"$CRM_MIGRATE" --with-demo-tables --quiet || fail "crm_migrate failed"

# start_fake_binary BINARY [options...] -> sets FAKE_URL (http://127.0.0.1:PORT)
start_fake_binary() {
  local binary=$1; shift
  local port_file=$scratch/fake.$RANDOM.port
  "$binary" --port-file "$port_file" "$@" </dev/null >>"$scratch/fake.log" 2>&1 &
  fake_pids+=($!)
  for _ in $(seq 1 1000); do  # up to 20 s on a loaded machine
    [[ -s $port_file ]] && break
    sleep 0.02
  done
  [[ -s $port_file ]] || fail "$(basename "$binary") did not start"
  FAKE_URL=http://127.0.0.1:$(cat "$port_file")
}
# start_fake [latency_ms] : the generic fake
start_fake() { start_fake_binary "$FAKE_CRM" --latency-ms "${1:-0}"; }
# start_provider_fake NAME [options...] : fake_NAME (gestaoclick, pipedrive, ...)
start_provider_fake() {
  local name=$1; shift
  start_fake_binary "$(dirname "$FAKE_CRM")/fake_$name" "$@"
}
# remote RESOURCE [jq filter] : the fake's stored records of RESOURCE
remote() { curl -sf "$FAKE_URL/_records/$1" | jq -c "${2:-.}"; }
# seed_remote RESOURCE JSON-ARRAY -> the new ids, one per line
seed_remote() { curl -sf -X POST -d "$2" "$FAKE_URL/_records/$1" | jq -r '.[]'; }
# enqueue STORE ENTITY ID [DIRECTION] [PRIORITY]
enqueue() {
  "$CRM_ENQUEUE" --quiet --loja "$1" --entity "$2" --id "$3" --direction "${4:-to_crm}" \
    --priority "${5:-0}" >/dev/null || fail "crm_enqueue $*"
}
# row_state ENTITY ID : "processado|erro" of the newest queue row of a record
row_state() {
  sql "SELECT processado, IFNULL(erro, '') FROM crm_sync_queue WHERE entidade = '$1'
       AND id_registro = $2 ORDER BY id DESC LIMIT 1" | tr '\t' '|'
}
fake_stat() { curl -sf "$FAKE_URL/_stats" | jq -r ".$1"; }
# mark; ...; since_mark : the fake's API requests since the mark, one
# "METHOD path?query" per line (the fake keeps its last 200)
mark() { mark_total=$(fake_stat requests); }
since_mark() {
  local n=$(($(fake_stat requests) - mark_total))
  ((n > 0)) || return 0
  curl -sf "$FAKE_URL/_requests" | jq -r ".[-$n:][] | \"\(.method) \(.path)?\(.query)\""
}
fake_faults() { curl -sf -X POST -d "$1" "$FAKE_URL/_faults" >/dev/null; }

# add_integration STORE [configuracoes-json]
add_integration() {
  sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
       VALUES ($1, 'generic', '$FAKE_URL/api', '{\"token\": \"test-token\"}', '${2:-{\}}')"
}

# add_customers STORE COUNT [PRIORITY] : local customers + their queue rows
add_customers() {
  sql "INSERT INTO clientes (id_loja, nome, email, documento)
         SELECT $1, CONCAT('Cliente ', seq, ' loja $1'), CONCAT('c', seq, '.l$1@example.com'),
                LPAD(seq, 11, '0') FROM seq_1_to_$2;
       INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, prioridade)
         SELECT $1, 'cliente', id, 'ecletech_para_crm', ${3:-0} FROM clientes
         WHERE id_loja = $1 AND id NOT IN (SELECT id_registro FROM crm_sync_queue
                                            WHERE entidade = 'cliente' AND id_loja = $1);"
}

# add_products STORE COUNT : local products (one request each to create) + queue rows
add_products() {
  sql "INSERT INTO produtos (id_loja, nome, sku, preco)
         SELECT $1, CONCAT('P', seq), seq, 1 FROM seq_1_to_$2;
       INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
         SELECT $1, 'produto', id, 'ecletech_para_crm' FROM produtos WHERE id_loja = $1"
}

# assert_synced_once N : every one of the N customer rows done, none left
# claimed, and the CRM created each exactly once (one external id each)
assert_synced_once() {
  assert_eq "$1" "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE processado = 1 AND erro IS NULL")" "rows done"
  assert_eq 0 "$(sql "SELECT COUNT(*) FROM crm_sync_queue WHERE claim_token IS NOT NULL")" "rows left claimed"
  assert_eq "$1" "$(fake_stat creates)" "creates"
  assert_eq 0 "$(fake_stat duplicate_creates)" "duplicate creates"
  assert_eq "$1" "$(sql "SELECT COUNT(DISTINCT external_id) FROM clientes")" "distinct external ids"
}

# run_program BINARY ARGS... -> $out, $err, $rc
run_program() {
  set +e
  "$@" >"$scratch/out" 2>"$scratch/err"
  rc=$?
  set -e
  out=$(cat "$scratch/out")
  err=$(cat "$scratch/err")
}
run_sync() { run_program "$CRM_SYNC" "$@"; }

# kill_runs ROUNDS SEED ARGS... : ROUNDS crm_sync runs with ARGS, each killed
# with SIGKILL 50-440 ms after it starts (reproducible points from SEED)
kill_runs() {
  local rounds=$1 victim
  RANDOM=$2
  shift 2
  for _ in $(seq 1 "$rounds"); do
    "$CRM_SYNC" "$@" >>"$scratch/killed.out" 2>&1 &
    victim=$!
    sleep "0.$(printf '%02d' $((5 + RANDOM % 40)))"
    kill -KILL "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
  done
}

summary_re='^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\] Processados: ([0-9]+) \| Erros: ([0-9]+) \| Tempo: [0-9]+\.[0-9]{2}s \| Taxa: [0-9]+\.[0-9]{2} req/s \| Adiados: ([0-9]+)( \| Do CRM: [0-9]+( \([0-9]+ conflitos\))?)?$'
