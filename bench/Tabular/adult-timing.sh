#!/usr/bin/env bash
# Fit and sample timings on UCI Adult (epsilon 1, delta 1e-5, the public-bounds schema beside this
# script, seed 1) for one or more dpsynth builds, interleaved run by run so that a shared machine's
# load falls on all of them alike: medians of RUNS runs of wall time, CPU time and peak RSS, the
# load before and after, and each build's ratio to the first. Also compares the builds' model
# tensors and synthetic tables byte for byte (a seeded run is reproducible, so a speed-up that keeps
# the numbers keeps the utility).
#   bench/Tabular/adult-timing.sh [RUNS] NAME=PATH/TO/dpsynth [NAME=PATH ...]
#   e.g. bench/Tabular/adult-timing.sh 5 before=/tmp/before/dpsynth after=artifacts/cli/dpsynth
# Environment for one build: NAME=ENV=VALUE:PATH (e.g. conserve=DOTNET_GCConserveMemory=7:/tmp/after/dpsynth).
# DATA (default ../shared/data relative to the repository) holds adult_train.csv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${DATA:-$root/../shared/data}"
[ -f "$data/adult_train.csv" ] || { echo "$data/adult_train.csv: not found (set DATA to the folder holding it)" >&2; exit 2; }
runs=5
[[ "${1:-}" =~ ^[0-9]+$ ]] && { runs=$1; shift; }
[ $# -ge 1 ] || { echo "usage: $0 [RUNS] NAME=PATH [NAME=PATH ...]" >&2; exit 2; }
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
names=()
for spec in "$@"; do names+=("${spec%%=*}"); done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= runs; i++)); do
  for spec in "$@"; do
    name=${spec%%=*}; rest=${spec#*=}; envs=()
    [[ "$rest" == *:* ]] && { envs=("${rest%%:*}"); rest=${rest#*:}; }
    m="$out/$name.dpsynth"; s="$out/$name.csv"
    env "${envs[@]}" /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$rest" fit "$data/adult_train.csv" --schema "$here/adult.schema.json" \
      --epsilon 1 --delta 1e-5 --seed 1 -o "$m" --force > "$out/log" 2>&1 || { tail -3 "$out/log"; echo "$name: fit failed" >&2; exit 1; }
    echo "$(cat "$out/t")" >> "$out/$name.fit"
    env "${envs[@]}" /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$rest" sample "$m" --rows 32561 --seed 1 -o "$s" --force > "$out/log" 2>&1 || { tail -3 "$out/log"; echo "$name: sample failed" >&2; exit 1; }
    echo "$(cat "$out/t")" >> "$out/$name.sample"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
stat() { # stat FILE -> "wall cpu rssMB" medians
  echo "$(cut -d' ' -f1 "$1" | median) $(awk '{print $2+$3}' "$1" | median) $(awk '{printf "%.0f\n", $4/1024}' "$1" | median)"
}
first=${names[0]}
read -r fw0 fc0 _ <<< "$(stat "$out/$first.fit")"; read -r sw0 sc0 _ <<< "$(stat "$out/$first.sample")"
for name in "${names[@]}"; do
  read -r fw fc fr <<< "$(stat "$out/$name.fit")"; read -r sw sc sr <<< "$(stat "$out/$name.sample")"
  printf '%-10s fit %5.2f s wall (%.2fx), cpu %5.2f s (%.2fx), peak RSS %4d MB | sample 32,561 rows %4.2f s wall (%.2fx), cpu %4.2f s, peak RSS %3d MB\n' \
    "$name" "$fw" "$(echo "$fw / $fw0" | bc -l)" "$fc" "$(echo "$fc / $fc0" | bc -l)" "$fr" "$sw" "$(echo "$sw / $sw0" | bc -l)" "$sc" "$sr"
done
for name in "${names[@]:1}"; do
  same_model=$(cmp -s <(unzip -p "$out/$first.dpsynth" 'tensors/*') <(unzip -p "$out/$name.dpsynth" 'tensors/*') && echo identical || echo different)
  same_rows=$(cmp -s "$out/$first.csv" "$out/$name.csv" && echo identical || echo different)
  echo "$name vs $first: model tensors $same_model, synthetic rows $same_rows"
done
