#!/usr/bin/env bash
# Builds the self-contained, single-file, trimmed `dpsynth` (src/Cli/Properties/PublishProfiles) and
# checks it: its size, start-up time to --help (median of 5), and — when it is built for this
# machine — `demo`, then fit / sample / evaluate --json / account --json on the demo's tables, which
# exercise the reflection-based JSON that trimming could break. Not part of `dotnet test`: a publish
# takes from half a minute to a few minutes on two cores.
#
#   bench/single-file-check.sh [PROFILE] [OUT_DIR]  PROFILE: linux-x64 (default), linux-arm64, or the
#                                                   NativeAOT builds linux-x64-aot, linux-arm64-aot
#   R2R=false bench/single-file-check.sh ...        the single file without ReadyToRun, to compare
#
# Prints one line per measure; exit status 0 when the binary was built (and, for this machine's RID,
# every command ran and demo finished), 1 otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
profile="${1:-linux-x64}"
rid="${profile%-aot}"
out="${2:-$root/artifacts/single-file-$profile}"
r2r="${R2R:-true}"
r2r_arg=("-p:PublishReadyToRun=$r2r")
[ "$profile" = "$rid" ] || r2r_arg=() # NativeAOT: no ReadyToRun
rm -rf "$out"; mkdir -p "$out"
t0=$(date +%s.%N)
dotnet publish "$root/src/Cli" -c Release -p:PublishProfile="$profile" "${r2r_arg[@]}" -o "$out/bin" > "$out/publish.log" 2>&1 \
  || { tail -20 "$out/publish.log"; echo "publish $profile: FAILED (log: $out/publish.log)"; exit 1; }
echo "publish $profile$([ ${#r2r_arg[@]} -gt 0 ] && echo " (ReadyToRun $r2r)"): $(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.0f') s"
bin="$out/bin/dpsynth"
echo "binary: $bin, $(stat -c %s "$bin") bytes ($(du -m "$bin" | cut -f1) MB); other files beside it: $(ls "$out/bin" | grep -vx dpsynth | tr '\n' ' ')"
host=$(dotnet --info | awk '/^ RID:/ {print $2; exit}')
[ "$rid" = "$host" ] || { echo "not run: built for $rid, this machine is $host"; exit 0; }

seconds() { local t=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $t" | bc; }
median() { sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
"$bin" --help > /dev/null # the first run extracts the native libraries
echo "start-up to --help: median $(for _ in 1 2 3 4 5; do seconds "$bin" --help; done | median) s of 5 (load: $(cut -d' ' -f1-3 /proc/loadavg))"

work="$out/run"; mkdir -p "$work"
timed() { /usr/bin/time -f "$1 %e s wall (cpu %U user %S sys), peak RSS %M KB" "${@:2}"; }
timed "demo:" "$bin" demo --output-dir "$work/demo" > "$work/demo.txt" 2> "$work/demo.err" || { cat "$work/demo.err"; echo "demo: FAILED"; exit 1; }
grep -q "demo finished" "$work/demo.txt" || { echo "demo: no 'demo finished' line"; exit 1; }
tail -1 "$work/demo.err"
d="$work/demo"
timed "fit (clinic, 20,000 rows):" "$bin" fit "$d/clinic_real.csv" --schema "$d/clinic.schema.json" --epsilon 1 --seed 1 -o "$work/m.dpsynth" 2>&1 | grep -v "^fit: step"
timed "sample (20,000 rows):" "$bin" sample "$work/m.dpsynth" --seed 1 -o "$work/s.csv" 2>&1 | tail -2
"$bin" evaluate --real "$d/clinic_real.csv" --synthetic "$work/s.csv" --test "$d/clinic_holdout.csv" --label event --json > "$work/eval.json"
"$bin" account --sample-rate 0.03125 --noise-multiplier 2.949 --steps 160 --delta 1e-5 --json > "$work/account.json"
python3 -c "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]" "$work/eval.json" "$work/account.json"
echo "evaluate --json, account --json: valid JSON; all commands ran"
if [ "$profile" != "$rid" ]; then # NativeAOT: a GPU device is refused in one line, and nothing is written
  set +e; "$bin" fit "$d/clinic_real.csv" --schema "$d/clinic.schema.json" --epsilon 1 --device cuda -o "$work/gpu.dpsynth" > /dev/null 2> "$work/gpu.err"; rc=$?; set -e
  { [ "$rc" -eq 2 ] && [ "$(wc -l < "$work/gpu.err")" -eq 1 ] && [ ! -e "$work/gpu.dpsynth" ]; } || { cat "$work/gpu.err"; echo "--device cuda: expected a one-line refusal (exit $rc)"; exit 1; }
  echo "--device cuda: refused in one line, exit 2"
fi
