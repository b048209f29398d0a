#!/usr/bin/env bash
# Measures a compute device in one call: the whole kernel case table checked against the scalar
# reference on the device, then timed on it with its roofline, both written as JSON lines.
#
#   bench/gpu-check.sh [--device D] [--tiny] [--only TEXT] OUT_DIR
#
#   --device D   backend to check (default cuda; see `dpsynth devices`): cuda, cuda:1, opencl, simd, ilgpu-cpu
#   --tiny       only the tiny rows (what ILGPU's slow CPU simulator can run), e.g. to test this script:
#                bench/gpu-check.sh --device ilgpu-cpu --tiny /tmp/gpu-check
#   --only TEXT  only rows whose name contains TEXT
#
# On a machine without the .NET SDK (a lent GPU), build the GPU bundle of bench/Kernels first (the
# gpu-bundle tool writes .gpu/ with the app and the .NET runtime), carry .gpu with the repository and
# run this script there; without .gpu/ it uses `dotnet run`.
#
# Writes to OUT_DIR: conformance.jsonl (one line per row and a summary line), bench.jsonl (roofs,
# then one line per row and thread count), bench-table.txt (readable summary by op family),
# device.txt (what ran where), summary.txt. Exit status: 0 when every row passed and the benchmark
# ran, 1 when a row failed or the benchmark broke, 2 for bad arguments or a device that is missing.
set -uo pipefail

device=cuda
tier=()
only=()
out=
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --tiny) tier=(--tiny); shift ;;
    --only) only=(--only "${2:?--only needs a value}"); shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "gpu-check: one output directory only (got $out and $1)" >&2; exit 2; }; out=$1; shift ;;
  esac
done
[ -n "$out" ] || { echo "gpu-check: give an output directory (see --help)" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -x .gpu/run ]; then
  run=(.gpu/run)
else
  command -v dotnet >/dev/null || { echo "gpu-check: neither the GPU bundle (.gpu/run) nor the dotnet SDK is here" >&2; exit 2; }
  dotnet build bench/Kernels -c Release >/dev/null || { echo "gpu-check: building bench/Kernels failed" >&2; exit 2; }
  run=(dotnet run --no-build -c Release --project bench/Kernels --)
fi
mkdir -p "$out" || exit 2

{
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "host: $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  echo "device: $device ${tier[*]} ${only[*]}"
  echo "runner: ${run[*]}"
  if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1; fi
} > "$out/device.txt"

started=$SECONDS
"${run[@]}" --conformance --device "$device" "${tier[@]}" "${only[@]}" --out "$out/conformance.jsonl"
conformance=$?
if [ "$conformance" -eq 2 ]; then
  echo "gpu-check: device $device is not usable here (see above)" >&2
  exit 2
fi
checked=$SECONDS
"${run[@]}" --json --table --device "$device" "${tier[@]}" "${only[@]}" --out "$out/bench.jsonl" > "$out/bench-table.txt"
bench=$?

{
  echo "conformance: $(grep -c '"passed":true' "$out/conformance.jsonl") rows passed, $(grep -c '"passed":false' "$out/conformance.jsonl") failed ($((checked - started)) s)"
  grep '"passed":false' "$out/conformance.jsonl" | head -n 20
  echo "benchmark: $(grep -c '"fractionOfRoof"' "$out/bench.jsonl") timings, $(grep -c '"error"' "$out/bench.jsonl") errors ($((SECONDS - checked)) s), exit status $bench"
} | tee "$out/summary.txt"

[ "$conformance" -eq 0 ] && [ "$bench" -eq 0 ] || exit 1
