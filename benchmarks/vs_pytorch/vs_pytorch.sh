#!/usr/bin/env bash
# Our engine against PyTorch on the same machine, networks, counts and thread
# count (README.md). Usage:
#   bazel run //benchmarks/vs_pytorch -- [--threads N] [--quick] [--csv PATH]
#     --threads N    threads on both sides (default 2)
#     --quick        a ~30 s run with fewer steps and runs, one round
#     --rounds N     interleaved rounds (ours, pytorch, ours, ...); best of each
#     --smoke        a few seconds: a handful of steps (for tests; numbers noisy)
#     --engine-only  our side only: no PyTorch, no install
#     --peer-omp-wait auto|default|passive
#                    PyTorch's OpenMP wait policy: auto (default) = passive when
#                    the load average is at least the cpu count, else libgomp's
#     --csv PATH     write every row and the ratios (relative to where bazel ran)
# Installs python3-torch (and OpenBLAS, its tuned BLAS) from Debian's archive
# when missing. A missed goal prints MISS but is not an error.
set -euo pipefail

threads=2 profile=default engine_only=0 csv="" rounds="" omp_wait=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="${2:?--threads needs a value}"; shift 2 ;;
    --threads=*) threads="${1#*=}"; shift ;;
    --quick) profile=quick; shift ;;
    --smoke) profile=smoke; shift ;;
    --engine-only) engine_only=1; shift ;;
    --csv) csv="${2:?--csv needs a path}"; shift 2 ;;
    --csv=*) csv="${1#*=}"; shift ;;
    --peer-omp-wait) omp_wait="${2:?--peer-omp-wait needs a value}"; shift 2 ;;
    --peer-omp-wait=*) omp_wait="${1#*=}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --rounds=*) rounds="${1#*=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "vs_pytorch: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$threads" in ''|*[!0-9]*|0) echo "vs_pytorch: --threads must be a positive integer" >&2; exit 2 ;; esac
case "${rounds:-1}" in ''|*[!0-9]*|0) echo "vs_pytorch: --rounds must be a positive integer" >&2; exit 2 ;; esac
case "$omp_wait" in auto|default|passive) ;; *) echo "vs_pytorch: --peer-omp-wait is auto, default or passive" >&2; exit 2 ;; esac
if [ -n "$csv" ] && [ "${csv#/}" = "$csv" ]; then csv="${BUILD_WORKING_DIRECTORY:-$PWD}/$csv"; fi

# The counts both sides use (one table, so they cannot drift apart). Train
# steps are per network (lenet, alexnet, convnets; batches 64, 100, 100);
# latency runs stop early once budget_s is spent on one width (at least 5);
# reps: timed passes per conv layer; rounds: interleaved rounds, best kept.
case "$profile" in
  default) steps=100,20,10 warmup=3 runs=300 lat_warmup=30 budget_s=0.75 reps=2 default_rounds=2 ;;
  quick)   steps=40,8,4    warmup=2 runs=60  lat_warmup=10 budget_s=0.3  reps=1 default_rounds=1 ;;
  smoke)   steps=2,1,1     warmup=1 runs=3   lat_warmup=1  budget_s=0.1  reps=1 default_rounds=1 ;;
esac
rounds=${rounds:-$default_rounds}
common=(--threads "$threads" --networks lenet,alexnet,convnets --batches 64,100,100 --train-steps "$steps"
        --warmup-steps "$warmup" --latency-runs "$runs" --latency-warmup "$lat_warmup" --latency-budget-s "$budget_s")

engine="benchmarks/vs_pytorch/engine_side"
peer="benchmarks/vs_pytorch/torch_peer.py"
compare="benchmarks/vs_pytorch/compare.py"
[ -x "$engine" ] || { echo "vs_pytorch: $engine not found; run through bazel run //benchmarks/vs_pytorch" >&2; exit 1; }

# Debian's python3-torch is visible only to Debian's interpreter, not to a
# python3 elsewhere on the PATH.
py=/usr/bin/python3
openblas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
install_peer() {
  local missing=()
  for p in python3-torch libopenblas0-pthread; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "vs_pytorch: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "vs_pytorch: installing ${missing[*]} from Debian's archive" >&2
  local log
  log=$(mktemp)
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
         $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
       >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "vs_pytorch: apt-get could not install ${missing[*]} (log above); is Debian's archive reachable?" \
         "Use --engine-only to measure our side alone." >&2
    exit 1
  fi
  rm -f "$log"
}
[ "$engine_only" = 1 ] || install_peer
[ "$engine_only" = 1 ] || "$py" -c "import torch" 2>/dev/null ||
  { echo "vs_pytorch: $py cannot import torch although python3-torch is installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
revision=$(git -C "${BUILD_WORKSPACE_DIRECTORY:-.}" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "vs_pytorch: profile $profile, $threads threads, $rounds round(s), $(date -u +%Y-%m-%dT%H:%MZ), revision $revision" \
     "(plus uncommitted changes, if any)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cpus;" \
     "engine built with .bazelrc's flags (-O2 -march=x86-64-v3)"
echo "load average before: $(load)"
# Our thread pool blocks on a condition variable; libgomp's default spins
# first, which on a machine busy with other work stalls every parallel region
# until the descheduled partner thread runs again. Under load the peer gets
# the blocking policy too, so both sides wait the same way.
peer_env=(OPENBLAS_NUM_THREADS=1 "LD_LIBRARY_PATH=$openblas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
if [ "$omp_wait" = passive ] ||
   { [ "$omp_wait" = auto ] && awk -v n="$(nproc)" '{ exit !($1 >= n) }' /proc/loadavg; }; then
  peer_env+=(OMP_WAIT_POLICY=PASSIVE)
fi

compare_args=(--threads "$threads")
for round in $(seq "$rounds"); do
  echo "== ours (engine_side), round $round"
  # Per-layer GFLOP/s once (first round): it is a breakdown, not a ratio.
  layer_flags=(--layer-repetitions "$reps")
  [ "$round" = 1 ] || layer_flags=(--skip-layers)
  "$engine" "${common[@]}" "${layer_flags[@]}" --csv "$work/ours$round.csv"
  compare_args+=(--ours "$work/ours$round.csv")
  [ "$engine_only" = 0 ] || continue
  echo "== pytorch (torch_peer.py), round $round: ${peer_env[*]}"
  # OpenBLAS single-threaded so its threads do not fight PyTorch's OpenMP
  # threads; LD_LIBRARY_PATH picks OpenBLAS even where Debian's reference BLAS
  # is the selected libblas.so.3.
  env "${peer_env[@]}" "$py" "$peer" "${common[@]}" --csv "$work/theirs$round.csv"
  compare_args+=(--theirs "$work/theirs$round.csv")
done
echo "load average after: $(load)  (both sides share the machine's conditions; a load above" \
     "$(nproc) means other work competed for the cores)"
echo

[ -z "$csv" ] || compare_args+=(--csv "$csv")
# compare.py needs only the standard library; any python3 runs it.
if [ -x "$py" ]; then "$py" "$compare" "${compare_args[@]}"; else python3 "$compare" "${compare_args[@]}"; fi
