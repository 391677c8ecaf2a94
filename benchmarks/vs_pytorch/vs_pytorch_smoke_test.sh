#!/usr/bin/env bash
# Our side of //benchmarks/vs_pytorch with the smoke profile: every network
# prints a throughput line and latency lines, and the CSV holds the rows.
# No speed is asserted (timed unit tests are not how speed is judged here).
set -euo pipefail
out="${TEST_TMPDIR:-$(mktemp -d)}"
benchmarks/vs_pytorch/vs_pytorch.sh --engine-only --smoke --threads 2 --csv "$out/rows.csv" >"$out/log" 2>&1 ||
  { cat "$out/log"; echo "FAIL: vs_pytorch.sh exited non-zero"; exit 1; }
cat "$out/log"
for net in lenet alexnet convnets; do
  grep -Eq "^$net +train throughput +[0-9.]+ images/s" "$out/log" ||
    { echo "FAIL: no training throughput line for $net"; exit 1; }
  grep -Eq "^$net +latency b1 @ 0.25 " "$out/log" || { echo "FAIL: no latency row for $net"; exit 1; }
  grep -q "^ours,$net,,train,1," "$out/rows.csv" || { echo "FAIL: no train row for $net in the CSV"; exit 1; }
done
grep -q "^ours,alexnet,conv2,conv_gflops," "$out/rows.csv" || { echo "FAIL: no per-layer GFLOP/s row"; exit 1; }
echo PASS
