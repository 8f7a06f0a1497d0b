# Mapping fuzz test (issue #17, "every request valid for any local data"):
# for every entity the provider supports and every mapped local column of
# it, local records where that column in turn is NULL, '', blanks, at the
# column's maximum length, full of accents and emoji, padded with blanks (or,
# for numbers and dates, NULL, 0, the smallest step, the largest value, a
# zero date...) go through the real crm_sync against Prism mocking the
# provider's published document (the corrected copy for Bling:
# correct_bling_spec.sh). Each item runs alone in its own crm_sync run
# between two marker requests, so Prism's log tells which requests each
# item sent. Per item: it succeeded and none of its requests broke the
# document, or it failed for good with a message that names the field and
# sent nothing. Three passes over the same records: the documented default
# configuration (lookups first), lookups off (so every create goes out),
# and updates (records with a CRM id; Bling reads before it writes).
#
#   mapping_fuzz.sh pipedrive|bling|activecampaign
provider=$1
export CRM_CASE_NAME=fuzz_$provider
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/prism.inc"
: "${PRISM:?}"
specs=$CRM_SOURCE_DIR/tests/contract/specs
doc=$CRM_SOURCE_DIR/docs/providers/$provider.md
case $provider in
  pipedrive)
    spec=$specs/pipedrive-openapi-v2.yaml
    credentials='{"api_token": "fuzz-token"}'
    bad=(-X POST "/persons" -H 'x-api-token: t' -d '{"name": "x", "emails": "not-an-array"}')
    ;;
  bling)
    # The published document with its comma-joined required names split
    # ("tipo, indicadorIe" is two names): generated here, not kept in git.
    spec=$scratch/bling-openapi-v3.corrected.json
    echo "bling document corrected for this test:"
    "$CRM_SOURCE_DIR/tests/contract/correct_bling_spec.sh" "$specs/bling-openapi-v3.json" "$spec"
    credentials='{"access_token": "fuzz-token"}'
    bad=(-X POST "/produtos" -H 'Authorization: Bearer t' -d '{"nome": "x"}')
    ;;
  activecampaign)
    spec=$specs/activecampaign-v3-openapi.json
    credentials='{"api_token": "fuzz-token"}'
    bad=(-X POST "/deals" -H 'Api-Token: t' -d '{"deal": {"title": "x"}}')
    ;;
  *) fail "unknown provider '$provider'" ;;
esac

# The store's configuration is the one its provider page documents: the
# configuracoes literal of the page's first INSERT INTO crm_integracoes ({}
# when that INSERT has none), so the page stays the source. Only pacing and
# the per-minute budget are lifted (they shape no request).
documented=$(perl -0777 -ne '
  if (/```sql\n\s*INSERT INTO crm_integracoes \(([^)]*)\)\s*VALUES\s*\((.*?)\);\s*\n\s*```/s) {
    my @columns = split /\s*,\s*/, $1;
    my @values = ($2 =~ /(\d+|\x27(?:[^\x27]|\x27\x27)*\x27)/g);
    for my $i (0 .. $#columns) {
      next unless $columns[$i] eq "configuracoes";
      (my $v = $values[$i]) =~ s/^\x27|\x27$//g;
      $v =~ s/\x27\x27/\x27/g;
      print $v;
    }
  }' "$doc")
grep -q "INSERT INTO crm_integracoes" "$doc" || fail "$doc shows no configuration"
documented=${documented:-{\}}
documented=$(jq -c . <<<"$documented") || fail "the configuracoes of $doc is not JSON"
echo "configuracoes from $(basename "$doc"): $documented"

# Without --errors: Prism still checks and logs every request, and answers
# with the document's example even where that example breaks the document's
# own response schema (with --errors it would answer 500, and an item would
# never get past a read or a lookup to its write).
start_prism "$spec"

# Windows: a marker request (GET /__fuzz/TAG, unknown to the document)
# before each item's run; the requests logged after it, up to the next
# marker, are that item's. The marker is answered (and so logged) before the
# run starts, and the run's requests are answered before it exits.
marker() {
  curl -s -o /dev/null "$base/__fuzz/$1" || fail "marker $1: Prism unreachable"
  for _ in $(seq 1 1200); do  # a bound for a stalled Prism, not a timing
    grep -qF "get /__fuzz/$1 " "$scratch/prism.log" && return 0
    sleep 0.05
  done
  fail "marker $1 never reached Prism's log"
}
# analyze -> $scratch/windows: TAG, requests, refused, violations,
# response faults, operations (;), violation texts (" | "), echoed texts,
# tab-separated. A request violation at a property that an earlier answer
# in the same window (Prism's example) already broke the same way is that
# example echoed back by a read-before-update (Bling's produtos example has
# itensPorCaixa "1.00", a string, for a number): the document's fault,
# listed apart as "echoed", not counted.
analyze() {
  awk -v OFS='\t' '
    function flush() {
      # "-" for an empty column: bash read folds consecutive tabs
      if (tag != "") print tag, requests, refused, violations, faults,
                           (ops == "" ? "-" : ops), (texts == "" ? "-" : texts),
                           (echoes == "" ? "-" : echoes)
    }
    function settle() {  # the request just validated: refused if any real
      if (invalid && real) refused++
      invalid = real = 0
    }
    /\[HTTP SERVER\] [a-z]+ \/__fuzz\// {
      if ($0 ~ /Request received/) {
        settle()
        flush()
        tag = $0; sub(/.*\/__fuzz\//, "", tag); sub(/ .*/, "", tag)
        requests = refused = violations = faults = 0; ops = texts = echoes = ""
        delete broken
      }
      next
    }
    tag == "" { next }
    /\[HTTP SERVER\] [a-z]+ [^ ]+ .*Request received/ {
      match($0, /\[HTTP SERVER\] [a-z]+ [^ ]+/)
      split(substr($0, RSTART, RLENGTH), part, " ")
      op = toupper(part[3]) " " part[4]
      gsub(/\/[0-9]+/, "/{id}", op)
      settle()
      requests++; ops = ops (ops == "" ? "" : ";") op; answer_faulted = 0
      next
    }
    /Request did not pass the validation rules/ { invalid = 1; next }
    /\[HTTP SERVER\]/ { settle(); next }
    # After the answer, Prism lists the violations again ("Violation:
    # request.body ..."), and those of its own example against the
    # document'"'"'s response schema ("Violation: response..."), the document'"'"'s.
    /\[VALIDATOR\] ✖  error +Violation: response/ {
      if (!answer_faulted) faults++
      answer_faulted = 1
      if ($0 ~ /Response body property /) {
        text = $0; sub(/.*Response body property /, "", text)
        sub(/^[^. ]+\./, "", text)  # the envelope ("data.")
        broken[text] = 1
      }
      next
    }
    /\[VALIDATOR\] ✖  error +Violation: / { next }
    invalid && /\[VALIDATOR\] ✖/ && $0 !~ /Violation: / {
      text = $0; sub(/.*✖  error +/, "", text)
      property = text; sub(/^Request body property /, "", property)
      if (property != text && (property in broken)) {
        echoes = echoes (echoes == "" ? "" : " | ") op ": " text
        next
      }
      real = 1
      violations++; texts = texts (texts == "" ? "" : " | ") op ": " text
    }
    END { settle(); flush() }' "$scratch/prism.log" >"$scratch/windows"
}
window_field() {  # TAG COLUMN(1-based)
  awk -F'\t' -v tag="$1" -v col="$2" '$1 == tag {print $col}' "$scratch/windows"
}

# The test can fail: a request that breaks the document, sent in a window
# of its own, is caught and counted there (the same path the items take).
marker selftest
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "${bad[@]:0:2}" "$base${bad[2]}" "${bad[@]:3}")
assert_match '^(4|5)[0-9][0-9]$' "$status" "Prism refuses a request that breaks the document"
marker selftest-end
analyze
assert_eq 1 "$(window_field selftest 2)" "the bad request is seen in its window"
assert_match '^[1-9]' "$(window_field selftest 4)" "the bad request's violation is counted in its window"
assert_eq 1 "$(request_violations)" "the bad request is counted in Prism's log"

# --- the store and its records ------------------------------------------
configure() {  # PASS
  local settings
  settings=$(jq -c --arg pass "$1" '
    . + {requests_per_second: 0, requests_per_minute: 1000000, mirror: {enabled: false}}
    | if $pass == "nolookup" then
        reduce ("cliente", "produto", "venda", "atividade") as $e (.; .entities[$e] += {lookup: null})
      else . end' <<<"$documented")
  sql "DELETE FROM crm_integracoes;
       INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
       VALUES (1, '$provider', '$base', '$credentials', '$settings')"
}
configure default
"$CRM_SYNC" --print-profile --loja 1 >"$scratch/profile.json" || fail "crm_sync --print-profile"
mapfile -t entities < <(jq -r '.entities | to_entries[] | select(.value.unsupported == null) | .key' "$scratch/profile.json")
echo "entities: ${entities[*]}"

# The referenced records every item uses, already in the CRM (id 1).
sql "INSERT INTO clientes (id, id_loja, nome, email, telefone, documento, external_id) VALUES
       (1, 1, 'Cliente Base', 'base@example.com', '11 5555-0001', '12345678901', '1');
     INSERT INTO produtos (id, id_loja, nome, sku, preco, custo, external_id) VALUES
       (1, 1, 'Caneta', 'CAN-1', 1.00, 0.50, '1')"

# One good record per entity; each case changes one column of a copy.
base_record() {  # ENTITY ID
  case $1 in
    cliente) sql "INSERT INTO clientes (id, id_loja, nome, email, telefone, documento)
                  VALUES ($2, 1, 'Cliente $2', 'c$2@example.com', '11 5555-0002', '98765432100')" ;;
    produto) sql "INSERT INTO produtos (id, id_loja, nome, sku, preco, custo)
                  VALUES ($2, 1, 'Produto $2', 'SKU-$2', 1.00, 0.50)" ;;
    venda) sql "INSERT INTO vendas (id, id_loja, id_cliente, total, status, data_venda)
                VALUES ($2, 1, 1, 1.00, 'aberta', '2026-11-20 10:00:00');
                INSERT INTO venda_itens (id_venda, id_produto, descricao, quantidade, valor_unitario)
                VALUES ($2, 1, 'Caneta azul', 1, 1.00);
                INSERT INTO venda_parcelas (id_venda, vencimento, valor, forma_pagamento)
                VALUES ($2, '2026-12-20', 1.00, 1)" ;;
    atividade) sql "INSERT INTO atividades (id, id_loja, tipo, assunto, vencimento, concluida, id_cliente)
                    VALUES ($2, 1, 'call', 'Tarefa $2', '2026-11-25 14:00:00', 0, 1)" ;;
  esac
}
table_of() { jq -r --arg e "$1" '.tables[$e].table' "$scratch/profile.json"; }
declare -A entity_of_table=()
for entity in cliente produto venda atividade; do entity_of_table[$(table_of "$entity")]=$entity; done

# A template of each entity (id 99, never queued): the base values.
for entity in cliente produto venda atividade; do base_record "$entity" 99; done
# rows_of TABLE ID : the condition for a record's row (or a sale's child rows)
rows_of() {
  if [[ -n ${entity_of_table[$1]:-} ]]; then echo "id = $2"; else echo "id_venda = $2"; fi
}

# variants TABLE COLUMN -> lines "NAME<TAB>SQL expression", from the
# column's type in information_schema (and its template value's shape)
variants() {
  local info type nullable length precision scale column_type template
  info=$(sql "SELECT DATA_TYPE, IS_NULLABLE, IFNULL(CHARACTER_MAXIMUM_LENGTH, 0), IFNULL(NUMERIC_PRECISION, 0),
                     IFNULL(NUMERIC_SCALE, 0), COLUMN_TYPE FROM information_schema.COLUMNS
              WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '$1' AND COLUMN_NAME = '$2'")
  [[ -n $info ]] || fail "$1.$2 is mapped but not in information_schema"
  IFS=$'\t' read -r type nullable length precision scale column_type <<<"$info"
  [[ $nullable == YES ]] && printf 'null\tNULL\n'
  case $type in
    char | varchar | tinytext | text | mediumtext | longtext)
      template=$(sql "SELECT \`$2\` FROM \`$1\` WHERE $(rows_of "$1" 99) LIMIT 1")
      printf 'empty\t%s\n' "''"
      printf 'blanks\t%s\n' "'   '"
      if [[ $template == *@* ]]; then  # an e-mail: a long one
        printf 'max(%s)\tCONCAT(REPEAT(%s, %d), %s)\n' "$length" "'a'" $((length - 12)) "'@example.com'"
      elif [[ $template =~ ^[0-9\ .()-]+$ ]]; then  # a phone, a document: digits
        printf 'max(%s)\tREPEAT(%s, %d)\n' "$length" "'9'" "$length"
      else
        printf 'max(%s)\tREPEAT(%s, %d)\n' "$length" "'x'" "$length"
      fi
      printf 'unicode\t%s\n' "'Ação Ñandú 😀🚀 çãõ'"
      printf 'padded\t%s\n' "'  $template  '"
      ;;
    decimal | numeric | float | double)
      printf 'zero\t0\n'
      printf 'step\t%s\n' "$(awk -v s="$scale" 'BEGIN {if (s > 0) printf "0.%0" s "d\n", 1; else print 1}')"
      printf 'max\t%s\n' "$(awk -v p="$precision" -v s="$scale" 'BEGIN {
        for (i = 0; i < p - s; i++) m = m "9"; if (s > 0) { m = m "."; for (i = 0; i < s; i++) m = m "9" } print m }')"
      ;;
    tinyint | smallint | mediumint | int | bigint)
      printf 'zero\t0\n'
      if [[ $column_type == "tinyint(1)"* ]]; then
        printf 'one\t1\n'
        printf 'max\t127\n'
      else
        printf 'max\t2147483647\n'
      fi
      ;;
    datetime | timestamp)
      printf 'zero_date\t%s\n' "'0000-00-00 00:00:00'"
      printf 'min\t%s\n' "'1900-01-01 00:00:00'"
      printf 'max\t%s\n' "'2099-12-31 23:59:59'"
      printf 'midnight\t%s\n' "'2026-11-27 00:00:00'"
      ;;
    date)
      printf 'zero_date\t%s\n' "'0000-00-00'"
      printf 'min\t%s\n' "'1900-01-01'"
      printf 'max\t%s\n' "'2099-12-31'"
      ;;
    *) fail "$1.$2: no variants for type $type" ;;
  esac
}

# Cases, one line each in $scratch/cases: ID, ENTITY, what varies
# (table.column), variant, the names a local failure's message may use
# (comma-separated).
: >"$scratch/cases"
: >"$scratch/skipped"
next_id=100
# make_case ENTITY WHAT VARIANT NAMES SQL : a new record from the template,
# then SQL (@ID@ is its id); a value MariaDB refuses skips the case (no such
# local data can exist).
make_case() {
  local entity=$1 what=$2 variant=$3 names=$4 statement=$5 id=$next_id
  next_id=$((next_id + 1))
  base_record "$entity" "$id"
  if ! sql "${statement//@ID@/$id}" 2>"$scratch/sql.err"; then
    printf '%s=%s: %s\n' "$what" "$variant" "$(tr '\n' ' ' <"$scratch/sql.err")" >>"$scratch/skipped"
    sql "DELETE FROM \`$(table_of "$entity")\` WHERE id = $id;
         DELETE FROM venda_itens WHERE id_venda = $id; DELETE FROM venda_parcelas WHERE id_venda = $id"
    return 0
  fi
  if [[ $what == venda_itens.* && $variant != none ]]; then
    # The sale stays consistent (its installment adds up to its lines, as
    # Bling checks) unless the case is about an installment.
    sql "UPDATE venda_parcelas SET valor = (SELECT IFNULL(ROUND(SUM(quantidade * valor_unitario), 2), 0)
           FROM venda_itens WHERE id_venda = $id) WHERE id_venda = $id"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$entity" "$what" "$variant" "$names" >>"$scratch/cases"
}
# keys_of ENTITY CHILD FIELD : the profile's keys that send a local FIELD
keys_of() {
  jq -r --arg e "$1" --arg c "$2" --arg f "$3" '
    (if $c == "" then .entities[$e].fields else .entities[$e].children[$c].fields end) // {}
    | to_entries[] | select((.value.field // .key) == $f) | .key' "$scratch/profile.json" | paste -sd, -
}
profile() { jq -r "$@" "$scratch/profile.json"; }

for entity in "${entities[@]}"; do
  # FIELD, COLUMN, TABLE, CHILD ("" for the entity's own table)
  profile --arg e "$entity" '.tables[$e] | (.table as $t | .columns | to_entries[] | [.key, .value, $t, ""]),
    (.children // {} | to_entries[] | .key as $c | .value.table as $t | .value.columns | to_entries[] | [.key, .value, $t, $c])
    | @tsv' >"$scratch/columns.$entity"
  while IFS=$'\t' read -r field column table child; do
    names="$column,$field,$(keys_of "$entity" "$child" "$field")"
    # a child's column: its list may be named too (installments, parcelas)
    [[ -z $child ]] || names="$names,$child,$table,$(profile --arg e "$entity" --arg c "$child" '.entities[$e].children[$c].path // ""')"
    variants "$table" "$column" >"$scratch/variants"
    while IFS=$'\t' read -r variant expression; do
      make_case "$entity" "$table.$column" "$variant" "$names" \
        "UPDATE \`$table\` SET \`$column\` = $expression WHERE $(rows_of "$table" @ID@)"
    done <"$scratch/variants"
  done <"$scratch/columns.$entity"
  # A sale without lines, or without installments.
  while IFS=$'\t' read -r child table path; do
    make_case "$entity" "$table.*" none "$child,$table,$path" "DELETE FROM \`$table\` WHERE id_venda = @ID@"
  done < <(profile --arg e "$entity" '.entities[$e].children as $sent | .tables[$e].children // {}
                                      | to_entries[] | [.key, .value.table, ($sent[.key].path // "")] | @tsv')
done

# Values that reach the body through another record: a field that sends a
# referenced record's column (Bling contato.nome is the customer's name),
# and a fallback to one (a line without a description goes with its
# product's name). A referenced record, in the CRM already, per variant.
# Lines (|-separated: CHILD may be empty): ENTITY, CHILD, reference FIELD,
# REF-ENTITY, REF-FIELD, the field left empty
profile '.entities | to_entries[] | select(.value.unsupported == null) | .key as $e | .value
  | ((.fields // {} | to_entries[] | select(.value.ref_field != null)
      | [$e, "", (.value.field // .key), .value.ref, .value.ref_field, ""]),
     (.children // {} | to_entries[] | .key as $c | .value.fields as $fs | $fs | to_entries[]
      | select((.value.fallback // "") | contains("."))
      | (.value.fallback | split(".")) as $f
      | [$e, $c, $f[0], $fs[$f[0]].ref, $f[1], (.value.field // .key)]))
  | join("|")' >"$scratch/through"
while IFS='|' read -r entity child field ref_entity ref_field emptied; do
  ref_table=$(table_of "$ref_entity")
  ref_column=$(profile --arg e "$ref_entity" --arg f "$ref_field" '.tables[$e].columns[$f]')
  if [[ -z $child ]]; then
    own_table=$(table_of "$entity")
    own_column=$(profile --arg e "$entity" --arg f "$field" '.tables[$e].columns[$f]')
    empty_sql=""
  else
    own_table=$(profile --arg e "$entity" --arg c "$child" '.tables[$e].children[$c].table')
    own_column=$(profile --arg e "$entity" --arg c "$child" --arg f "$field" '.tables[$e].children[$c].columns[$f]')
    empty_column=$(profile --arg e "$entity" --arg c "$child" --arg f "$emptied" '.tables[$e].children[$c].columns[$f]')
    empty_sql="UPDATE \`$own_table\` SET \`$empty_column\` = NULL WHERE id_venda = @ID@;"
  fi
  names="$ref_column,$ref_field,$field,$(keys_of "$entity" "$child" "$field")"
  variants "$ref_table" "$ref_column" >"$scratch/variants"
  while IFS=$'\t' read -r variant expression; do
    ref_id=$next_id
    next_id=$((next_id + 1))
    base_record "$ref_entity" "$ref_id"
    sql "UPDATE \`$ref_table\` SET external_id = '1' WHERE id = $ref_id"
    make_case "$entity" "$ref_table.$ref_column (${own_table}.${own_column}'s)" "$variant" "$names" \
      "UPDATE \`$ref_table\` SET \`$ref_column\` = $expression WHERE id = $ref_id; $empty_sql
       UPDATE \`$own_table\` SET \`$own_column\` = $ref_id WHERE $(rows_of "$own_table" @ID@)"
  done <"$scratch/variants"
done <"$scratch/through"
echo "$(wc -l <"$scratch/cases") cases:"
cut -f2,3 "$scratch/cases" | sort | uniq -c | awk '{printf "  %s %s: %d\n", $2, $3, $1}' | head -100
if [[ -s $scratch/skipped ]]; then
  echo "values MariaDB refuses (no such local data; skipped):"
  sed 's/^/  /' "$scratch/skipped"
fi

# --- the runs -------------------------------------------------------------
# run_item PASS ID ENTITY : the record queued alone, one crm_sync run in
# its own window; its queue row's outcome into $scratch/results
run_item() {
  local tag=$1-$2 queue_id state
  queue_id=$(sql "INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao, prioridade)
                  VALUES (1, '$3', $2, 'ecletech_para_crm', 0); SELECT LAST_INSERT_ID()")
  marker "$tag"
  run_sync --loja 1 --limit 1
  assert_eq 0 "$rc" "crm_sync exit ($tag: $err)"
  state=$(sql "SELECT processado, REPLACE(REPLACE(IFNULL(erro, ''), '\t', ' '), '\n', ' ')
               FROM crm_sync_queue WHERE id = $queue_id")
  # A row left pending (a transient failure) must not come back in a later
  # item's run.
  sql "DELETE FROM crm_sync_queue WHERE id = $queue_id AND processado = 0"
  printf '%s\t%s\t%s\t%s\n' "$tag" "$1" "$2" "$state" >>"$scratch/results"
  [[ -z $err ]] || printf '%s\tstderr: %s\n' "$tag" "$(tr '\n' ' ' <<<"$err")" >>"$scratch/stderr"
}
# set_external_ids VALUE : every case record's CRM id (NULL: to be created)
set_external_ids() {
  local entity ids
  for entity in "${entities[@]}"; do
    ids=$(awk -F'\t' -v e="$entity" '$2 == e {print $1}' "$scratch/cases" | paste -sd, -)
    [[ -n $ids ]] && sql "UPDATE \`$(table_of "$entity")\` SET external_id = $1 WHERE id IN ($ids)"
  done
}
: >"$scratch/results"
: >"$scratch/stderr"
# default: the documented configuration (lookups first, then create or
# link); nolookup: creates for every entity that looks up; update: every
# record has a CRM id (Bling reads it first, then PUTs the whole record).
for pass in default nolookup update; do
  configure "$pass"
  if [[ $pass == update ]]; then set_external_ids "'1'"; else set_external_ids NULL; fi
  while IFS=$'\t' read -r id entity _; do
    if [[ $pass == nolookup ]] && [[ $(profile --arg e "$entity" '.entities[$e].lookup // [] | length') == 0 ]]; then
      continue  # no lookup: the same requests as the default pass
    fi
    run_item "$pass" "$id" "$entity"
  done <"$scratch/cases"
done
marker end
analyze

# --- the verdict ----------------------------------------------------------
declare -A requests=() violations=() texts=() ops=() echoes=() what=() variant=() names=()
while IFS=$'\t' read -r tag n _ v _ o t e; do
  [[ $o == - ]] && o=""
  [[ $t == - ]] && t=""
  [[ $e == - ]] && e=""
  requests[$tag]=$n violations[$tag]=$v ops[$tag]=$o texts[$tag]=$t echoes[$tag]=$e
done <"$scratch/windows"
while IFS=$'\t' read -r id _ w v n; do
  what[$id]=$w variant[$id]=$v names[$id]=$n
done <"$scratch/cases"
for file in violations local_failures unusable_answers problems; do : >"$scratch/$file"; done
ok=0
while IFS=$'\t' read -r tag pass id processado erro; do
  cause="${what[$id]}=${variant[$id]} ($pass, record $id)"
  if [[ -z ${requests[$tag]+x} ]]; then
    echo "$cause: its window is missing from Prism's log" >>"$scratch/problems"
  elif ((violations[$tag] > 0)); then
    # VIOLATION<TAB>WHAT<TAB>VARIANT<TAB>PASS
    tr '|' '\n' <<<"${texts[$tag]}" | sed 's/^ *//; s/ *$//' | sort -u | while read -r text; do
      printf '%s\t%s\t%s\t%s\n' "$text" "${what[$id]}" "${variant[$id]}" "$pass" >>"$scratch/violations"
    done
  elif [[ $processado == 1 && -z $erro ]]; then
    ok=$((ok + 1))
  elif [[ -n ${echoes[$tag]} && $erro =~ HTTP\ 4[0-9][0-9] ]]; then
    # Refused only for echoing Prism's own invalid example back: the
    # document's fault (listed above), not the adapter's.
    printf '%s\t%s\n' "$cause" "$erro" >>"$scratch/unusable_answers"
  elif [[ $processado == 1 ]] && ((requests[$tag] == 0)); then
    named=no
    IFS=, read -ra candidates <<<"${names[$id]}"
    for name in "${candidates[@]}"; do
      [[ -n $name && ${erro,,} == *"${name,,}"* ]] && named=yes
    done
    [[ $named == yes ]] || echo "$cause: failed locally, the message names none of ${names[$id]}: $erro" >>"$scratch/problems"
    printf '%s\t%s\n' "$cause" "$erro" >>"$scratch/local_failures"
  elif [[ $processado == 1 && $erro =~ HTTP\ 2[0-9][0-9] ]]; then
    # Every request passed, and Prism's answer is the document's example,
    # which the adapter cannot use (a create's example without the id):
    # the document's, not a request's fault.
    printf '%s\t%s\n' "$cause" "$erro" >>"$scratch/unusable_answers"
  else
    echo "$cause: after ${requests[$tag]} valid request(s) (${ops[$tag]}): processado $processado, erro: $erro" >>"$scratch/problems"
  fi
done <"$scratch/results"
while IFS=$'\t' read -r tag message; do
  echo "$tag: $message" >>"$scratch/problems"
done <"$scratch/stderr"

echo "requests checked against $(basename "$spec"), by operation:"
cut -f6 "$scratch/windows" | tr ';' '\n' | grep -v -e '^$' -e '^-$' | sort | uniq -c
if [[ -s $scratch/violations ]]; then
  echo "REQUEST VIOLATIONS: operation: Prism's text; then each local column=variants [passes] that caused it:"
  sort -t$'\t' -k1,1 -k2,2 -k3,3 "$scratch/violations" | awk -F'\t' '
    function flush_column() { if (column != "") printf "      %s=%s [%s]\n", column, variants, passes }
    $1 != text { flush_column(); column = ""; print "  " $1; text = $1 }
    $2 != column { flush_column(); column = $2; variants = ""; passes = ""; seen_v[""] = 0; delete seen_v; delete seen_p }
    !($3 in seen_v) { variants = variants (variants == "" ? "" : ",") $3; seen_v[$3] = 1 }
    !($4 in seen_p) { passes = passes (passes == "" ? "" : ",") $4; seen_p[$4] = 1 }
    END { flush_column() }'
fi
if [[ -s $scratch/local_failures ]]; then
  echo "items that failed locally (no request), with their message:"
  sort -u "$scratch/local_failures" | awk -F'\t' '{print "  " $1 ": " $2}'
fi
if [[ -s $scratch/unusable_answers ]]; then
  echo "items whose requests all passed but whose answer, the document's example, the adapter could not use (not counted):"
  sort -u "$scratch/unusable_answers" | awk -F'\t' '{print "  " $1 ": " $2}'
fi
faulted=$(awk -F'\t' '$5 > 0' "$scratch/windows" | wc -l)
if ((faulted > 0)); then
  echo "answers of Prism (the document's examples) that break the document's own response schema: in $faulted items' windows (not counted)"
fi
if [[ -s $scratch/problems ]]; then
  echo "ITEMS THAT BROKE THE RULE (succeed with valid requests, or fail locally, naming the field, with no request):"
  sed 's/^/  /' "$scratch/problems"
fi
# requests refused for a violation of their own (not an echoed example),
# less the self-test's bad request
counted=$(awk -F'\t' '$1 != "selftest" {n += $3} END {print n + 0}' "$scratch/windows")
echoed=$(awk -F'\t' '$8 != "-" {print $8}' "$scratch/windows" | tr '|' '\n' | sed 's/^ *//; s/ *$//' | sort | uniq -c)
if [[ -n $echoed ]]; then
  echo "request violations that echo Prism's own invalid example back (read before update; the document's fault, not counted):"
  echo "$echoed"
fi
echo "items: $(wc -l <"$scratch/results"); succeeded: $ok; failed locally: $(wc -l <"$scratch/local_failures");" \
     "with request violations: $(cut -f2-4 "$scratch/violations" | sort -u | wc -l); requests refused by Prism: $counted;" \
     "unusable example answers: $(wc -l <"$scratch/unusable_answers")"
assert_eq 0 "$counted" "requests that break the $provider document"
assert_eq 0 "$(wc -l <"$scratch/problems")" "items that broke the rule"
