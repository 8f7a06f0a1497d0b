# Optional triggers: INSERT enqueues at priority 10, a change of a mapped
# column at 5; crm-sync's own writes (external id, pulls) enqueue nothing.
source "$(dirname "$0")/lib.sh"
start_fake 0
add_integration 1
ts_re='^\[[0-9-]{10} [0-9:]{8}\] '
run_program "$CRM_MIGRATE" --with-triggers --verbose
assert_eq 0 "$rc" "install exit"
assert_match "${ts_re}Triggers instalados: 8$" "$(tail -1 <<<"$out")" "install line"
run_program "$CRM_MIGRATE" --with-triggers
assert_eq 0 "$rc" "reinstall is idempotent"

pending() { sql "SELECT CONCAT(entidade, ':', id_registro, ':', prioridade) FROM crm_sync_queue WHERE processado = 0 ORDER BY id" | tr '\n' ' ' | sed 's/ $//'; }
sql "INSERT INTO clientes (id, id_loja, nome, email) VALUES (1, 1, 'Ana', 'ana@x.com');
     INSERT INTO produtos (id, id_loja, nome, preco) VALUES (2, 1, 'Caneta', 1.5)"
assert_eq "cliente:1:10 produto:2:10" "$(pending)" "inserts enqueue at 10"
sql "UPDATE clientes SET nome = 'Ana Maria' WHERE id = 1"
assert_eq "cliente:1:10 produto:2:10" "$(pending)" "an update of a pending record keeps one row at the higher priority"

run_sync
assert_eq 0 "$rc" "sync exit"
assert_eq "" "$(pending)" "saving external ids enqueued nothing"

sql "UPDATE clientes SET nome = 'Ana M.' WHERE id = 1"
assert_eq "cliente:1:5" "$(pending)" "an update enqueues at 5"
run_sync
sql "UPDATE clientes SET atualizado_em = NOW() - INTERVAL 1 DAY WHERE id = 1"
assert_eq "" "$(pending)" "a change of an unmapped column enqueues nothing"
sql "UPDATE clientes SET deletado_em = NOW() WHERE id = 1"
assert_eq "cliente:1:5" "$(pending)" "a soft delete enqueues"
run_sync

# A pull writes the CRM's values locally without enqueuing a push back.
sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao) VALUES (1, 'produto', 2, 'crm_para_ecletech')"
sql "UPDATE produtos SET nome = 'scrambled', atualizado_em = atualizado_em WHERE id = 2" # the trigger enqueues this one
sql "DELETE FROM crm_sync_queue WHERE direcao = 'ecletech_para_crm' AND processado = 0"
run_sync
assert_eq "Caneta" "$(sql "SELECT nome FROM produtos WHERE id = 2")" "pulled value"
assert_eq "" "$(pending)" "the pull enqueued nothing"

run_program "$CRM_MIGRATE" --drop-triggers
assert_match "${ts_re}Triggers removidos: 8$" "$(tail -1 <<<"$out")" "drop line"
sql "INSERT INTO clientes (id, id_loja, nome) VALUES (3, 1, 'Bia')"
assert_eq "" "$(pending)" "no triggers, no enqueue"

# A table without a store column shared by two stores cannot get a trigger.
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes) VALUES
     (2, 'generic', '$FAKE_URL/api', '{\"token\": \"t\"}', '{\"tables\": {\"cliente\": {\"store_column\": null}}}'),
     (3, 'generic', '$FAKE_URL/api', '{\"token\": \"t\"}', '{\"tables\": {\"cliente\": {\"store_column\": null}}}')"
run_program "$CRM_MIGRATE" --with-triggers
assert_eq 1 "$rc" "ambiguous table"
assert_match "ERRO: triggers: table clientes has no store column but is mapped by more than one store$" "$err" "its message"
