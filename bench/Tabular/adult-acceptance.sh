#!/usr/bin/env bash
# Issue #7 acceptance run on UCI Adult: fit / sample / evaluate at epsilon 1, delta 1e-5, for
# several seeds; prints one summary line per seed and writes everything under OUT.
#   [MODEL=dpwgan] [PRESET=paper] bench/Tabular/adult-acceptance.sh [DATA_DIR] [OUT] [SEEDS...]
# DATA_DIR holds adult_train.csv and adult_test.csv (default ../shared/data). The schema beside
# this script declares only bounds that are public knowledge about the census extract (ages 17..90
# top-coded, hours 1..99, capital-gain top-coded at 99999, round caps elsewhere); every category
# set is private and is discovered with DP from the budget. SCHEMA=none fits without it (the new
# user's path: kinds, missing flags, decimals, ranges and categories all inferred with DP); the
# evaluation reads every table under the schema either way, so the figures compare.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data}"
out="${2:-$root/artifacts/adult-acceptance}"
shift $(( $# > 2 ? 2 : $# )) || true
seeds=("${@:-1 2 3}")
[ ${#seeds[@]} -eq 1 ] && read -r -a seeds <<< "${seeds[0]}"
preset="${PRESET:-default}"
model="${MODEL:-tablediffusion}" # MODEL=dpwgan runs the GAN baseline (PRESET does not apply to it)
[ "$model" = tablediffusion ] && tag="$preset" && extra=(--preset "$preset") || { tag="$model"; extra=(--model "$model"); }
schema_args=(--schema "$here/adult.schema.json")
[ "${SCHEMA:-}" = none ] && { schema_args=(); tag="$tag-noschema"; }
mkdir -p "$out"
dotnet build "$root/src/Cli" -c Release -o "$out/bin" >/dev/null
dpsynth="$out/bin/dpsynth"
timed() { # timed LABEL command...: runs it, prints LABEL wall seconds, CPU seconds (shared machines: wall alone misleads) and peak RSS
  local label=$1; shift
  if [ -x /usr/bin/time ]; then /usr/bin/time -f "$label %e s (cpu %U user %S sys), peak RSS %M KB" "$@"; else local t0=$(date +%s.%N); "$@"; echo "$label $(echo "$(date +%s.%N) - $t0" | bc) s"; fi
}
for s in "${seeds[@]}"; do
  m="$out/adult-$tag-$s.dpsynth"; syn="$out/adult-$tag-$s.csv"
  timed "seed $s fit:" "$dpsynth" fit "$data/adult_train.csv" "${schema_args[@]}" "${extra[@]}" \
    --epsilon 1 --delta 1e-5 --seed "$s" --force -o "$m" 2>&1 | grep -v "^fit: step"
  timed "seed $s sample:" "$dpsynth" sample "$m" --seed "$s" --force -o "$syn" 2>&1
  "$dpsynth" evaluate --real "$data/adult_train.csv" --synthetic "$syn" --test "$data/adult_test.csv" --label income \
    --schema "$here/adult.schema.json" --json > "$out/adult-$tag-$s.json"
  "$dpsynth" evaluate --real "$data/adult_train.csv" --synthetic "$syn" --test "$data/adult_test.csv" --label income \
    --schema "$here/adult.schema.json" | sed "s/^/seed $s: /"
done
