# Installations that already have 001-009 recorded. One built by today's
# migrations: the seed upgrades apply and change nothing (same SHOW CREATE
# TABLE, no table rebuilt). One whose 003 kept the seed-era crm_sync_log
# (issue #11 part 5): crm_status failed on it, the seed upgrades fix it in
# place, keeping its rows, and crm_sync and crm_status work.
source "$(dirname "$0")/lib.sh"

# The migrations as shipped up to 009.
old_dir=$scratch/migrations-009
cp -r "$CRM_SOURCE_DIR/migrations" "$old_dir"
rm -f "$old_dir"/006_crm_fila_seed_upgrade.sql "$old_dir"/0[1-9][0-9]_*.sql
assert_eq 9 "$(ls "$old_dir"/*.sql | wc -l)" "migrations up to 009"

recreate_database() {  # CHARSET
  mysql_cmd -e "DROP DATABASE \`$CRM_DB_NAME\`; CREATE DATABASE \`$CRM_DB_NAME\` CHARACTER SET $1"
}
migrate_to_009() {
  CRM_MIGRATIONS_DIR=$old_dir run_program "$CRM_MIGRATE" --with-demo-tables
  assert_eq 0 "$rc" "crm_migrate up to 009 (stderr: $err)"
}
# Every table's definition, and its InnoDB table id (a rebuild changes it).
schema_dump() {
  # (011 adds crm_lojas_estado and 013 the mirror's two tables: new tables,
  # not a change to today's; 012 adds an index to the queue, in place)
  for table in $(sql "SHOW TABLES" | grep -vxE 'crm_lojas_estado|crm_espelho|crm_espelho_estado'); do
    sql "SHOW CREATE TABLE \`$table\`" | cut -f2 | sed 's/,\\n  KEY `idx_due_loja` ([^)]*)//'
  done
  sql "SELECT NAME, TABLE_ID FROM information_schema.INNODB_SYS_TABLES
       WHERE NAME LIKE '$CRM_DB_NAME/%' AND NAME NOT LIKE '%/crm_lojas_estado'
         AND NAME NOT LIKE '%/crm_espelho%'
       ORDER BY NAME"
}
migrate_seed_upgrades() {
  run_program "$CRM_MIGRATE" --with-demo-tables --verbose
  assert_eq 0 "$rc" "crm_migrate (stderr: $err)"
  assert_eq "aplicada 006_crm_fila_seed_upgrade
aplicada 010_crm_sync_log_seed_upgrade
aplicada 011_crm_lojas_estado
aplicada 012_crm_sync_queue_due_stores
aplicada 013_crm_espelho
Migrações aplicadas: 5" "$(cut -d' ' -f3- <<<"$out")" "what crm_migrate applies"
}

# Today's schema at 009.
recreate_database utf8mb4
migrate_to_009
before=$(schema_dump)
migrate_seed_upgrades
assert_eq "$before" "$(schema_dump)" "today's schema after the seed upgrades"

# The seed-era log (and queue; a seed crm_fila would have stopped 007) under
# 001-009.
recreate_database latin1
mysql_cmd "$CRM_DB_NAME" <"$CRM_SOURCE_DIR/tests/fixtures/seed_era_schema.sql"
sql "DROP TABLE crm_fila;
     INSERT INTO crm_sync_log (id_loja, entidade, id_registro, direcao, status, mensagem, criado_em) VALUES
       (1, 'produto', 7, 'ecletech_para_crm', 'sucesso', 'Sincronizado para CRM', NOW() - INTERVAL 3 HOUR),
       (2, 'venda', 8, 'crm_para_ecletech', 'erro', 'Não encontrado', NOW() - INTERVAL 3 HOUR)"
log_rows() {
  sql "SELECT id, id_loja, entidade, id_registro, direcao, status, mensagem, criado_em
       FROM crm_sync_log WHERE id <= 2 ORDER BY id"
}
log_before=$(log_rows)
migrate_to_009
run_program "$CRM_STATUS" --json
assert_eq 1 "$rc" "crm_status on the seed-era log"
assert_match "Unknown column 'duracao_ms'" "$err" "its message"

migrate_seed_upgrades
assert_eq "$log_before" "$(log_rows)" "log rows"
start_fake 0
add_integration 1
add_customers 1 2
run_sync
assert_eq 0 "$rc" "crm_sync exit (stderr: $err)"
assert_match "$summary_re" "$out" "crm_sync summary"
assert_eq "2 0" "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" "processed, errors"
assert_eq 2 "$(sql "SELECT COUNT(*) FROM crm_sync_log WHERE id > 2 AND id_fila IS NOT NULL
                    AND duracao_ms IS NOT NULL")" "the run's log rows"
run_program "$CRM_STATUS" --json
assert_eq 0 "$rc" "crm_status exit (stderr: $err)"
