#!/usr/bin/env bash
# Wide-table run (issue #13): generates a table of COLS mixed columns × ROWS rows, fits
# TableDiffusion on it with and without a schema, and prints wall time and peak RSS per fit.
#   bench/Tabular/wide-table.sh OUT [ROWS] COLS...
#   e.g. bench/Tabular/wide-table.sh artifacts/wide 10000 100 250 500 1000
# Columns cycle through an integer in 0..99, a continuous value in [-5, 5], a categorical with 2..9
# levels and a yes/no flag; values come from awk's rand() after srand(1) (a run is repeatable) and
# share a per-row factor, so columns are correlated. The schema declares every bound and category set public, so a fit with
# it spends nothing on preprocessing statistics; NO_SCHEMA=1 also fits without the schema.
# Environment: DPSYNTH (a built dpsynth; default: build src/Cli into OUT/bin), EPOCHS (default:
# the preset's), NO_SCHEMA=1, FIT_ARGS (extra fit arguments).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:?usage: wide-table.sh OUT [ROWS] COLS...}"; shift
rows=10000
if [ $# -gt 1 ]; then rows=$1; shift; fi
[ $# -ge 1 ] || { echo "wide-table.sh: give at least one column count" >&2; exit 2; }
mkdir -p "$out"
if [ -z "${DPSYNTH:-}" ]; then
  dotnet build "$root/src/Cli" -c Release -o "$out/bin" >/dev/null
  DPSYNTH="$out/bin/dpsynth"
fi

generate() { # generate COLS ROWS CSV SCHEMA
  awk -v cols="$1" -v rows="$2" -v csv="$3" -v schema="$4" 'BEGIN {
    srand(1)
    printf "{\n \"columns\": [\n" > schema
    for (c = 1; c <= cols; c++) {
      kind[c] = (c - 1) % 4; levels[c] = 2 + (c * 7) % 8
      name = sprintf("c%05d", c)
      header = header (c > 1 ? "," : "") name
      sep = (c < cols ? "," : "")
      if (kind[c] == 0) printf "  {\"name\": \"%s\", \"kind\": \"integer\", \"bounds\": {\"min\": 0, \"max\": 99, \"public\": true}}%s\n", name, sep > schema
      else if (kind[c] == 1) printf "  {\"name\": \"%s\", \"kind\": \"continuous\", \"bounds\": {\"min\": -5, \"max\": 5, \"public\": true}}%s\n", name, sep > schema
      else {
        list = ""
        n = (kind[c] == 2 ? levels[c] : 2)
        for (l = 0; l < n; l++) list = list (l > 0 ? ", " : "") "\"" (kind[c] == 2 ? sprintf("L%d", l) : (l ? "yes" : "no")) "\""
        printf "  {\"name\": \"%s\", \"kind\": \"categorical\", \"categories\": {\"values\": [%s], \"public\": true}}%s\n", name, list, sep > schema
      }
    }
    printf " ]\n}\n" > schema
    print header > csv
    for (r = 0; r < rows; r++) {
      z = rand()  # a shared factor, so columns are correlated as in real tables
      line = ""
      for (c = 1; c <= cols; c++) {
        u = (rand() + z) / 2
        if (kind[c] == 0) v = int(u * 100)
        else if (kind[c] == 1) v = sprintf("%.2f", (u - 0.5) * 10)
        else if (kind[c] == 2) v = "L" int(u * levels[c])
        else v = (u > 0.5 ? "yes" : "no")
        line = line (c > 1 ? "," : "") v
      }
      print line > csv
    }
  }'
}

timed() { # timed LABEL command...: prints LABEL, wall seconds, peak RSS (MB) and the exit code
  local label=$1; shift
  local log="$out/$label.log"
  local rc=0
  /usr/bin/time -f "%e %M" -o "$out/$label.time" "$@" >"$log" 2>&1 || rc=$?
  read -r wall rss < <(tail -n 1 "$out/$label.time")
  printf '%-28s wall %7.1f s  peak RSS %6d MB  exit %d  %s\n' "$label" "$wall" "$((rss / 1024))" "$rc" "$(grep -v '^fit: ' "$log" | head -n 1)"
}

for cols in "$@"; do
  csv="$out/wide-$cols.csv"; schema="$out/wide-$cols.schema.json"
  [ -f "$csv" ] || generate "$cols" "$rows" "$csv" "$schema"
  timed "fit-$cols-schema" "$DPSYNTH" fit "$csv" --schema "$schema" --epsilon 1 --seed 1 --force -o "$out/wide-$cols.dpsynth" \
    ${EPOCHS:+--epochs "$EPOCHS"} ${FIT_ARGS:-}
  if [ "${NO_SCHEMA:-0}" = 1 ]; then
    timed "fit-$cols-noschema" "$DPSYNTH" fit "$csv" --epsilon 1 --seed 1 --force -o "$out/wide-$cols-noschema.dpsynth" \
      ${EPOCHS:+--epochs "$EPOCHS"} ${FIT_ARGS:-}
  fi
done
