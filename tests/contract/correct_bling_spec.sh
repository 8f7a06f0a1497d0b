#!/usr/bin/env bash
# The Bling document as its authors meant it: four `required` lists hold one
# comma-joined string ("id, nome, situacao", "tipo, indicadorIe") where they
# mean several names; no JSON can carry a property of that name, so Prism
# reports every contact as breaking the document and never checks the names
# themselves. This splits every such entry into its names and drops a name
# that is not a property of that schema (the two ContatoRapido DTOs list
# "tipo, indicadorIe" without having either; their `required` goes, as
# OpenAPI 3.0 wants no empty list). Every other byte of meaning is
# the published document's.
#
#   correct_bling_spec.sh IN.json OUT.json   (writes OUT; prints each change)
set -euo pipefail
in=${1:?usage: correct_bling_spec.sh IN.json OUT.json}
out=${2:?usage: correct_bling_spec.sh IN.json OUT.json}

# A schema object to correct: a `required` array with an entry holding ", ".
joined='type == "object" and (.required | type) == "array"
        and any(.required[]; type == "string" and test(", "))'

# What changes, one line per schema: path, old list, new list, dropped names.
jq -r "
  paths(objects | select($joined)) as \$p | getpath(\$p) as \$s
  | (\$s.properties // {} | keys) as \$props
  | [\$s.required[] | if test(\", \") then split(\", \")[] else . end] as \$names
  | [\$names[] | . as \$n | select(\$s.properties == null or any(\$props[]; . == \$n))] as \$kept
  | \"\(\$p | map(tostring) | join(\"/\")): \(\$s.required | tojson) -> \(\$kept | tojson)\"
    + (if (\$names - \$kept) == [] then \"\" else \" (dropped, not properties: \(\$names - \$kept | join(\", \")))\" end)
" "$in"

jq "
  walk(if $joined then
         (.properties // null) as \$properties
         | .required |= ([.[] | if test(\", \") then split(\", \")[] else . end]
                         | map(. as \$n | select(\$properties == null or (\$properties | has(\$n))))
                         | reduce .[] as \$n ([]; if index([\$n]) then . else . + [\$n] end))
         | if .required == [] then del(.required) else . end
       else . end)
" "$in" >"$out.tmp"
mv "$out.tmp" "$out"
