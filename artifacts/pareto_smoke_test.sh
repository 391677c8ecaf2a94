#!/usr/bin/env bash
# CI check of //artifacts:pareto in the smoke profile: renders the comparison
# from the LeNet shards of every related system and checks that the figure was
# drawn and that each method has operating points with all four measurements.
# Usage: pareto_smoke_test.sh RENDER SHARD...
set -euo pipefail
render=$1
shift
scratch="${TEST_TMPDIR:-$(mktemp -d)}"
out="$scratch/out"
source artifacts/writable_shards.sh  # runfiles root: the working directory of tests and bazel run
writable_shards "$scratch" "$@"
"$render" --artifact pareto --out-dir "$out" --shards "${shards[@]}"

fail=0
for file in pareto.csv pareto.md pareto_points.csv pareto_lenet.png pareto_lenet.svg; do
  if [[ ! -s "$out/$file" ]]; then
    echo "FAIL: $file was not written" >&2
    fail=1
  fi
done
# Every method measured on LeNet: accuracy, energy, latency and MACs filled in.
python3 - "$out/pareto_points.csv" <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = False
for method in ["incremental", "slimmable", "yang_fan_multipath", "yang_fan_singlepath", "dyvedeep"]:
    full = [r for r in rows if r["method"] == method and all(r[c] for c in
            ["accuracy", "energy (uJ)", "CPU latency (us)", "MACs"])]
    if len(full) < 2:
        print(f"FAIL: method {method} has {len(full)} complete operating points (expected at least 2)", file=sys.stderr)
        bad = True
# The precision methods run on the accelerator only: no CPU latency (the engine computes in float).
for method in ["peluso_calimera", "uniform_fixed_point"]:
    full = [r for r in rows if r["method"] == method and r["accuracy"] and r["energy (uJ)"]]
    if len(full) < 2:
        print(f"FAIL: method {method} has {len(full)} operating points with accuracy and energy", file=sys.stderr)
        bad = True
sys.exit(1 if bad else 0)
PY
# Each budget row names a method's best point or says none fits.
if ! grep -q "^LeNet," "$out/pareto.csv"; then
  echo "FAIL: pareto.csv has no LeNet budget rows" >&2
  fail=1
fi
[[ $fail -eq 0 ]] && echo "pareto smoke: every method drawn and tabulated ($(($(wc -l < "$out/pareto_points.csv") - 1)) points)"
exit $fail
