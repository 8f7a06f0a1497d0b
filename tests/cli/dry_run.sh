# --dry-run runs the real scheduler on a pretend CRM: it shows every request
# of every item (a lookup, then the create with its body) and the outcome it
# would record, and changes nothing, in the database or in the CRM.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
add_customers 1 10
sql "UPDATE clientes SET external_id = '500' WHERE id = 1"

tables="crm_sync_queue, crm_sync_log, crm_execucoes, clientes, crm_integracoes"
before=$(sql "CHECKSUM TABLE $tables")
run_sync --dry-run --verbose
assert_eq 0 "$rc" "exit code"
assert_eq "" "$err" "stderr"
assert_eq 19 "$(grep -c 'would send' <<<"$out")" "one update, nine lookups and nine creates"
grep -q "cliente #1 (loja 1, ecletech_para_crm): would send PUT $FAKE_URL/api/clientes/500 {" <<<"$out" \
  || fail "update line missing: $out"
lookup=$(grep -n "cliente #2 .*would send GET $FAKE_URL/api/clientes?email=c2.l1%40example.com$" <<<"$out" | cut -d: -f1)
create=$(grep -n "cliente #2 .*would send POST $FAKE_URL/api/clientes {.*\"nome\":\"Cliente 2 loja 1\"" <<<"$out" | cut -d: -f1)
[[ -n $lookup && -n $create && $lookup -lt $create ]] || fail "lookup then create with its body: $out"
assert_eq 10 "$(grep -c 'would record: ' <<<"$out")" "one outcome per item"
assert_match "would record: cliente #2 \(loja 1, ecletech_para_crm\): sucesso create external_id=990000000002" "$out" "a pretend id"
assert_match '\| dry-run$' "$(tail -1 <<<"$out")" "summary marks the dry run"
assert_eq "$before" "$(sql "CHECKSUM TABLE $tables")" "database unchanged"
assert_eq 0 "$(fake_stat requests)" "requests seen by the CRM"
