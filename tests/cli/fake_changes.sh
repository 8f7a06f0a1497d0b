# The fakes' change feeds, which crm_sync's CRM mirror reads: records carry
# each provider's creation and update times (set by API writes and by
# PATCH /_records, an edit made in the CRM's web UI), the list calls filter by
# update time as the real APIs do (inclusive, to the second), malformed
# filters get the provider's 400, and every answer's Date header tells the
# fake's clock, which clock_offset_s moves. Only the fakes: no crm_sync here.
source "$(dirname "$0")/lib.sh"

epoch() { date -u -d "$1" +%s; }
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
brasilia() { date -u -d "@$(($1 - 3 * 3600))" '+%Y-%m-%d %H:%M:%S'; } # UTC-3 wall clock
brasilia_iso() { echo "$(date -u -d "@$(($1 - 3 * 3600))" +%Y-%m-%dT%H:%M:%S)-03:00"; }
# status_of CURL-ARGS... : the HTTP status; the body in $scratch/body
status_of() { curl -s -g -o "$scratch/body" -w '%{http_code}' "$@"; }
# assert_near EXPECTED ACTUAL WHAT : two epochs at most 5 s apart
assert_near() {
  (($2 - $1 <= 5 && $1 - $2 <= 5)) || fail "$3: expected about $(utc "$1"), got $(utc "$2")"
}
# check_clock URL : the Date header follows the real clock, then the offset
check_clock() {
  local date
  date=$(curl -s -D - -o /dev/null "$1/_stats" | tr -d '\r' | sed -n 's/^Date: //p')
  assert_match '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$' "$date" "Date header ($1)"
  assert_near "$(date +%s)" "$(epoch "$date")" "Date header is now"
  curl -sf -X POST -d '{"clock_offset_s": 86400}' "$1/_faults" >/dev/null
  date=$(curl -s -D - -o /dev/null "$1/_stats" | tr -d '\r' | sed -n 's/^Date: //p')
  assert_near "$(($(date +%s) + 86400))" "$(epoch "$date")" "Date header a day ahead with clock_offset_s"
}

# --- Pipedrive v2: add_time/update_time in RFC 3339 UTC, updated_since -----
start_provider_fake pipedrive --token pd-tok
pd_url=$FAKE_URL
pd() { curl -s -g -H 'x-api-token: pd-tok' -H 'Content-Type: application/json' "$@"; }
a=$(pd -X POST -d '{"name": "A"}' "$pd_url/api/v2/persons" | jq -r .data.id)
b=$(pd -X POST -d '{"name": "B"}' "$pd_url/api/v2/persons" | jq -r .data.id)
first=$(pd "$pd_url/api/v2/persons/$a" | jq -r .data.update_time) # A's, at or before B's
created=$(pd "$pd_url/api/v2/persons/$b" | jq -r .data.update_time)
assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$created" "update_time is RFC 3339 UTC"
assert_near "$(date +%s)" "$(epoch "$created")" "update_time is now"
assert_eq "$created" "$(pd "$pd_url/api/v2/persons/$b" | jq -r .data.add_time)" "add_time = update_time on create"
sleep 2
edited=$(curl -sf -X PATCH -d '{"name": "B edited"}' "$pd_url/_records/persons/$b")
assert_eq "B edited|$created" "$(jq -r '"\(.name)|\(.add_time)"' <<<"$edited")" "PATCH /_records merges, add_time kept"
changed=$(jq -r .update_time <<<"$edited")
(($(epoch "$changed") >= $(epoch "$created") + 2)) || fail "update_time moved: $created -> $changed"
assert_eq '{"name":"B edited"}' "$(remote persons ".[] | select(.id == $b) | del(.id)")" "GET /_records: no stamps"
assert_eq "$changed" "$(remote "persons?stamps=1" ".[] | select(.id == $b) | .update_time" | tr -d '"')" "?stamps=1 shows them"
since() { pd -G --data-urlencode "updated_since=$1" "${@:2}" "$pd_url/api/v2/persons" | jq -c '[.data[].id]'; }
assert_eq "[$b]" "$(since "$(utc $(($(epoch "$created") + 1)))")" "updated_since between the writes: the edited one"
assert_eq "[$b]" "$(since "$changed")" "updated_since = update_time: inclusive"
assert_eq "[]" "$(since "$(utc $(($(epoch "$changed") + 1)))")" "a second later: none"
assert_eq "[$b]" "$(since "$(brasilia_iso "$(epoch "$changed")")")" "an offset other than Z"
assert_eq "[$a,$b]" "$(since "$first")" "from the creation: both, by id"
assert_eq "[$b,$a]" "$(since "$first" --data-urlencode sort_by=update_time --data-urlencode sort_direction=desc)" \
  "sort_by=update_time desc"
assert_eq "[$a]" "$(pd -G --data-urlencode "updated_until=$changed" "$pd_url/api/v2/persons" | jq -c '[.data[].id]')" \
  "updated_until is exclusive"
# Cursor paging over the filtered, sorted list.
page=$(pd -G -d limit=1 -d sort_by=update_time -d sort_direction=desc --data-urlencode "updated_since=$first" "$pd_url/api/v2/persons")
assert_eq "[$b]" "$(jq -c '[.data[].id]' <<<"$page")" "first page"
cursor=$(jq -r .additional_data.next_cursor <<<"$page")
page=$(pd -G -d limit=1 -d sort_by=update_time -d sort_direction=desc --data-urlencode "updated_since=$first" \
  --data-urlencode "cursor=$cursor" "$pd_url/api/v2/persons")
assert_eq "[$a]|null" "$(jq -c '"\([.data[].id])|\(.additional_data.next_cursor)"' <<<"$page" | tr -d '"')" "second page, the last"
for bad in 2026-11-30 "2026-11-30 05:50:00" 2026-11-30T05:50:00 2026-13-01T00:00:00Z yesterday; do
  assert_eq 400 "$(status_of -H 'x-api-token: pd-tok' -G --data-urlencode "updated_since=$bad" "$pd_url/api/v2/persons")" \
    "updated_since=$bad refused"
  assert_match '^false\|.*updated_since' "$(jq -r '"\(.success)|\(.error)"' "$scratch/body")" "Pipedrive's error envelope"
done
assert_eq 400 "$(status_of -H 'x-api-token: pd-tok' "$pd_url/api/v2/persons?sort_by=email")" "an unknown sort_by"
assert_eq 404 "$(status_of -X PATCH -d '{}' "$pd_url/_records/persons/999999")" "PATCH /_records of no record"
check_clock "$pd_url"
edited=$(curl -sf -X PATCH -d '{"name": "B later"}' "$pd_url/_records/persons/$b")
assert_near "$(($(date +%s) + 86400))" "$(epoch "$(jq -r .update_time <<<"$edited")")" "stamps follow the offset"
curl -sf -X POST -d "" "$pd_url/_reset" >/dev/null
assert_near "$(date +%s)" "$(epoch "$(curl -s -D - -o /dev/null "$pd_url/_stats" | tr -d '\r' | sed -n 's/^Date: //p')")" \
  "/_reset takes the offset away"

# --- ActiveCampaign: cdate/udate (deals: cdate/mdate) at -03:00 ------------
start_provider_fake activecampaign --token ac-tok
ac_url=$FAKE_URL
ac() { curl -s -g -H 'Api-Token: ac-tok' "$@"; }
a=$(ac -X POST -d '{"contact": {"email": "a@x.com"}}' "$ac_url/api/3/contacts" | jq -r .contact.id)
b=$(ac -X POST -d '{"contact": {"email": "b@x.com"}}' "$ac_url/api/3/contacts" | jq -r .contact.id)
deal_a=$(ac -X POST -d "{\"deal\": {\"title\": \"DA\", \"contact\": \"$a\", \"value\": 100, \"currency\": \"brl\"}}" "$ac_url/api/3/deals" | jq -r .deal.id)
deal_b=$(ac -X POST -d "{\"deal\": {\"title\": \"DB\", \"contact\": \"$b\", \"value\": 100, \"currency\": \"brl\"}}" "$ac_url/api/3/deals" | jq -r .deal.id)
first=$(ac "$ac_url/api/3/contacts/$a" | jq -r .contact.udate)
created=$(ac "$ac_url/api/3/contacts/$b" | jq -r .contact.udate)
assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}-03:00$' "$created" "udate at -03:00"
assert_near "$(date +%s)" "$(epoch "$created")" "udate is now"
assert_eq "true|null" "$(ac "$ac_url/api/3/deals/$deal_b" | jq -r '"\(.deal.cdate == .deal.mdate)|\(.deal.udate)"')" \
  "a deal has cdate, and mdate where contacts have udate"
deal_created=$(ac "$ac_url/api/3/deals/$deal_b" | jq -r .deal.cdate)
sleep 2
contact_changed=$(curl -sf -X PATCH -d '{"phone": "555"}' "$ac_url/_records/contacts/$b" | jq -r .udate)
(($(epoch "$contact_changed") >= $(epoch "$created") + 2)) || fail "udate moved: $created -> $contact_changed"
# An API update stamps too (the deal edited with PUT).
deal_changed=$(ac -X PUT -d '{"deal": {"title": "DB edited"}}' "$ac_url/api/3/deals/$deal_b" | jq -r .deal.mdate)
(($(epoch "$deal_changed") >= $(epoch "$deal_created") + 2)) || fail "mdate moved: $deal_created -> $deal_changed"
assert_eq "$deal_created" "$(ac "$ac_url/api/3/deals/$deal_b" | jq -r .deal.cdate)" "cdate kept"
after() { ac -G --data-urlencode "filters[updated_after]=$2" "${@:3}" "$ac_url/api/3/$1" | jq -c "[.$1[].id|tonumber]"; }
middle=$(($(epoch "$deal_created") + 1)) # after every create
assert_eq "[$b]" "$(after contacts "$(brasilia_iso "$middle")")" "contacts updated after a time between the writes"
assert_eq "[$deal_b]" "$(after deals "$(brasilia_iso "$middle")")" "deals likewise (by mdate)"
assert_eq "[$b]" "$(after contacts "$(brasilia "$middle")")" "'YYYY-MM-DD HH:MM:SS' is taken as -03:00"
assert_eq "[$b]" "$(after contacts "$(utc "$middle")")" "a Z time"
assert_eq "[$b]" "$(after contacts "$contact_changed")" "updated_after = udate: inclusive"
assert_eq "[]" "$(after contacts "$(brasilia_iso $(($(epoch "$contact_changed") + 1)))")" "a second later: none"
assert_eq "[$a,$b]" "$(after contacts "$first")" "both from the creation"
assert_eq "[$deal_a,$deal_b]" "$(after deals "$first")" "both deals from the creation"
assert_eq "[$b,$a]|2" "$(ac -G --data-urlencode "filters[updated_after]=$first" -d 'orders[id]=DESC' \
  "$ac_url/api/3/contacts" | jq -r '"\([.contacts[].id|tonumber])|\(.meta.total)"')" "orders[id], meta.total of the filtered list"
assert_eq "[$b]" "$(after contacts "$first" -d limit=1 -d offset=1)" "limit/offset over the filtered list"
assert_eq 400 "$(status_of -H 'Api-Token: ac-tok' -G --data-urlencode 'filters[updated_after]=soon' "$ac_url/api/3/contacts")" \
  "a malformed filters[updated_after]"
check_clock "$ac_url"

# --- GestaoClick: cadastrado_em/modificado_em on Brasília's clock, no filter -
start_provider_fake gestaoclick --token gc-tok --secret gc-sec
gc_url=$FAKE_URL
gc() { curl -s -H 'access-token: gc-tok' -H 'secret-access-token: gc-sec' "$@"; }
a=$(gc -X POST -d '{"tipo_pessoa": "PF", "nome": "A"}' "$gc_url/api/clientes" | jq -r .data.id)
b=$(gc -X POST -d '{"tipo_pessoa": "PF", "nome": "B"}' "$gc_url/api/clientes" | jq -r .data.id)
first=$(gc "$gc_url/api/clientes/$a" | jq -r .data.modificado_em)
created=$(gc "$gc_url/api/clientes/$b" | jq -r .data.modificado_em)
assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' "$created" "modificado_em on the wall clock"
assert_near "$(date +%s)" "$(epoch "$created -03:00")" "modificado_em is now in Brasília"
sleep 2
edited=$(curl -sf -X PATCH -d '{"nome": "B edited"}' "$gc_url/_records/clientes/$b")
assert_eq "B edited|$created" "$(jq -r '"\(.nome)|\(.cadastrado_em)"' <<<"$edited")" "cadastrado_em kept"
changed=$(jq -r .modificado_em <<<"$edited")
(($(epoch "$changed -03:00") >= $(epoch "$created -03:00") + 2)) || fail "modificado_em moved: $created -> $changed"
assert_eq "$a|$first|$first $b|$created|$changed" \
  "$(gc "$gc_url/api/clientes" | jq -r '.data[] | "\(.id)|\(.cadastrado_em)|\(.modificado_em)"' | paste -sd' ')" \
  "the list's records carry both times"
# A PUT replaces the whole record, yet cadastrado_em stays what it was.
assert_eq "$first" "$(gc -X PUT -d '{"tipo_pessoa": "PF", "nome": "A2", "cadastrado_em": "2000-01-01 00:00:00"}' \
  "$gc_url/api/clientes/$a" | jq -r .data.cadastrado_em)" "PUT cannot change cadastrado_em"
check_clock "$gc_url"

# --- Bling: no time in its records; dataAlteracaoInicial/Final filter -------
start_provider_fake bling --client-id cid --client-secret csec --refresh-token r0
bl_url=$FAKE_URL
access=$(curl -sf -u cid:csec -d 'grant_type=refresh_token&refresh_token=r0' "$bl_url/Api/v3/oauth/token" | jq -r .access_token)
bl() { curl -s -g -H "Authorization: Bearer $access" "$@"; }
a=$(bl -X POST -d '{"nome": "A"}' "$bl_url/Api/v3/contatos" | jq -r .data.id)
b=$(bl -X POST -d '{"nome": "B"}' "$bl_url/Api/v3/contatos" | jq -r .data.id)
created=$(curl -sf "$bl_url/_changes" | jq -r ".contatos[\"$b\"]")
assert_near "$(date +%s)" "$(epoch "$created -03:00")" "the change time kept beside the record"
sleep 2
curl -sf -X PATCH -d '{"nome": "B edited"}' "$bl_url/_records/contatos/$b" >/dev/null
changed=$(curl -sf "$bl_url/_changes" | jq -r ".contatos[\"$b\"]")
(($(epoch "$changed -03:00") >= $(epoch "$created -03:00") + 2)) || fail "change time moved: $created -> $changed"
assert_eq '{"nome":"B edited","id":'"$b"'}' "$(bl "$bl_url/Api/v3/contatos/$b" | jq -c .data)" "the record has no time in it"
changes() { bl -G "${@:2}" "$bl_url/Api/v3/$1" | jq -c '[.data[].id]'; }
middle=$(brasilia $(($(epoch "$created -03:00") + 1)))
assert_eq "[$b]" "$(changes contatos --data-urlencode "dataAlteracaoInicial=$middle")" "changed since a time between the writes"
assert_eq "[$b]" "$(changes contatos --data-urlencode "dataAlteracaoInicial=$changed")" "dataAlteracaoInicial is inclusive"
assert_eq "[]" "$(changes contatos --data-urlencode "dataAlteracaoInicial=$(brasilia $(($(epoch "$changed -03:00") + 1)))")" \
  "a second later: none"
assert_eq "[$a]" "$(changes contatos --data-urlencode "dataAlteracaoFinal=$created")" "dataAlteracaoFinal is inclusive"
assert_eq "[$b]" "$(changes contatos --data-urlencode "dataAlteracaoInicial=$middle" -d limite=1 -d pagina=1)" \
  "paged after the filter"
# Products and orders too; an API PUT is a change.
p=$(bl -X POST -d '{"nome": "P", "tipo": "P", "situacao": "A", "formato": "S", "preco": 1}' "$bl_url/Api/v3/produtos" | jq -r .data.id)
order='{"contato": {"id": '"$a"'}, "data": "2026-01-01", "dataSaida": "2026-01-01", "dataPrevista": "2026-01-01", "itens": [{"quantidade": 1, "valor": 1, "produto": {"id": '"$p"'}}]}'
o=$(bl -X POST -d "$order" "$bl_url/Api/v3/pedidos/vendas" | jq -r .data.id)
assert_eq "[$p]|[$o]" "$(changes produtos --data-urlencode "dataAlteracaoInicial=$middle")|$(changes pedidos/vendas --data-urlencode "dataAlteracaoInicial=$middle")" \
  "produtos and pedidos/vendas filter too"
bl -X PUT -d '{"nome": "A2"}' "$bl_url/Api/v3/contatos/$a" >/dev/null
assert_eq "[$a,$b]" "$(changes contatos --data-urlencode "dataAlteracaoInicial=$middle")" "an API PUT is a change"
for bad in 2026-11-30T02:50:00 "2026-11-30 02:50:00-03:00" 30/11/2026 "2026-11-31 00:00:00"; do
  assert_eq 400 "$(status_of -H "Authorization: Bearer $access" -G --data-urlencode "dataAlteracaoInicial=$bad" "$bl_url/Api/v3/contatos")" \
    "dataAlteracaoInicial=$bad refused"
  assert_eq "VALIDATION_ERROR|dataAlteracaoInicial" "$(jq -r '"\(.error.type)|\(.error.fields[0].element)"' "$scratch/body")" \
    "Bling's error envelope"
done
assert_eq 400 "$(status_of -H "Authorization: Bearer $access" -G --data-urlencode "dataAlteracaoInicial=2024-01-01 00:00:00" \
  --data-urlencode "dataAlteracaoFinal=2026-01-01 00:00:00" "$bl_url/Api/v3/contatos")" "a range over a year"
check_clock "$bl_url"
echo "fake_changes: ok"
