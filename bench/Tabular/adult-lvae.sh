#!/usr/bin/env bash
# Issue #15 figures on UCI Adult: the Lipschitz VAE in prior mode and in twins mode (k twins per
# record) beside TableDiffusion's default preset, for several seeds; one JSON evaluation per run and
# one summary line per run (fit seconds, peak RSS, epsilon per stage, TVDs, TSTR AUC, median DCR).
#   bench/Tabular/adult-lvae.sh [DATA_DIR] [OUT] [SEEDS...]
# Environment: FIT_TWINS (add/remove epsilon of the twins-mode fit, default 0.3), TOTAL_TWINS
# (replace-one epsilon of fit + release, default 1), K (twins per record, default 1), SKIP_TD=1.
# Twins mode reveals the row count, so its fit uses the schema with "rows": {"public": N} (the UCI
# file's published size); prior mode and TableDiffusion use the public-bounds schema unchanged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data}"
out="${2:-$root/artifacts/adult-lvae}"
shift $(( $# > 2 ? 2 : $# )) || true
seeds=("${@:-1 2 3}")
[ ${#seeds[@]} -eq 1 ] && read -r -a seeds <<< "${seeds[0]}"
fit_twins="${FIT_TWINS:-0.3}"; total_twins="${TOTAL_TWINS:-1}"; k="${K:-1}"
mkdir -p "$out"
dotnet build "$root/src/Cli" -c Release -o "$out/bin" >/dev/null
dpsynth="$out/bin/dpsynth"
schema="$here/adult.schema.json"
rows=$(( $(wc -l < "$data/adult_train.csv") - 1 ))
python3 - "$schema" "$out/adult-public-rows.schema.json" "$rows" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["rows"] = {"public": int(sys.argv[3])}
json.dump(s, open(sys.argv[2], "w"), indent=1)
PY
timed() { local label=$1; shift; /usr/bin/time -f "$label %e s, peak RSS %M KB" "$@"; }
evaluate() { # evaluate NAME SYNTHETIC
  "$dpsynth" evaluate --real "$data/adult_train.csv" --synthetic "$2" --test "$data/adult_test.csv" --label income \
    --schema "$schema" --json > "$out/$1.json"
  python3 - "$out/$1.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f, u, p = d["fidelity"], d["utility"], d["privacy"]
auc = lambda m: m.get("auc", m.get("roc_auc"))
print(f"{sys.argv[2]}: tvd1 {f['one_way_tvd_mean']:.4f} tvd2 {f['two_way_tvd_mean']:.4f} "
      f"tstr_auc {auc(u['train_on_synthetic']):.4f} (trtr {auc(u['train_on_real']):.4f}) dcr_median {p['synthetic_to_train_median']:.4f}")
PY
}
for s in "${seeds[@]}"; do
  if [ "${SKIP_TD:-0}" != 1 ]; then
    timed "td-$s fit:" "$dpsynth" fit "$data/adult_train.csv" --schema "$schema" --epsilon 1 --delta 1e-5 --seed "$s" -o "$out/td-$s.dpsynth" --force 2>&1 | grep -v "^fit: step"
    "$dpsynth" sample "$out/td-$s.dpsynth" --seed "$s" -o "$out/td-$s.csv" --force >/dev/null
    evaluate "td-$s" "$out/td-$s.csv"
  fi
  timed "prior-$s fit:" "$dpsynth" fit "$data/adult_train.csv" --schema "$schema" --model lvae --epsilon 1 --delta 1e-5 --seed "$s" -o "$out/prior-$s.dpsynth" --force 2>&1 | grep -v "^fit: step"
  "$dpsynth" sample "$out/prior-$s.dpsynth" --seed "$s" -o "$out/prior-$s.csv" --force >/dev/null
  evaluate "prior-$s" "$out/prior-$s.csv"
  timed "twins-$s fit:" "$dpsynth" fit "$data/adult_train.csv" --schema "$out/adult-public-rows.schema.json" --model lvae --epsilon "$fit_twins" --delta 1e-5 --seed "$s" -o "$out/twins-$s.dpsynth" --force 2>&1 | grep -v "^fit: step"
  timed "twins-$s release:" "$dpsynth" release-twins "$out/twins-$s.dpsynth" --source "$data/adult_train.csv" --per-record "$k" \
    --release-epsilon "$total_twins" --verify --seed "$s" -o "$out/twins-$s" --force 2>&1
  evaluate "twins-$s" "$out/twins-$s/twins.csv"
done
