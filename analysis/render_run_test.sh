#!/usr/bin/env bash
# render_run.sh (behind defs.bzl's render_target): shards among other files,
# output into RCDNN_ARTIFACTS_OUT; without it or bazel run, a clear error.
set -euo pipefail
fail() { echo "render_run_test: FAIL: $*" >&2; exit 1; }
tmp="${TEST_TMPDIR:?}"
analysis/make_test_store "$tmp/shard.db"
echo "network,method" > "$tmp/predictions.csv"
RCDNN_ARTIFACTS_OUT="$tmp/out" analysis/render_run.sh table6 "$tmp/predictions.csv" "$tmp/shard.db" > "$tmp/log"
grep -q "merged 3 run(s) from 1 shard(s)" "$tmp/log" || { cat "$tmp/log"; fail "the shard was not merged"; }
[[ -s "$tmp/out/table6.csv" && -s "$tmp/out/table6.md" ]] || fail "no table6 in $tmp/out"
grep -q '^LeNet,Fashion-MNIST (stand-in for MNIST),Ours' "$tmp/out/table6.csv" || fail "table6.csv lacks LeNet's row"
if (unset BUILD_WORKSPACE_DIRECTORY RCDNN_ARTIFACTS_OUT; analysis/render_run.sh table6 2> "$tmp/err"); then
  fail "ran without an output folder"
fi
grep -q "run me with bazel run" "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
# Under bazel run, the report names the source tree's commit.
ws="$tmp/workspace"
mkdir -p "$ws" && git -C "$ws" init -q && touch "$ws/BUILD"
git -C "$ws" add BUILD && git -C "$ws" -c user.name=test -c user.email=test@example.com commit -qm init
commit="$(git -C "$ws" rev-parse --short=12 HEAD)"
BUILD_WORKSPACE_DIRECTORY="$ws" RCDNN_ARTIFACTS_OUT="$tmp/out2" analysis/render_run.sh report "$tmp/shard.db" > "$tmp/log2" ||
  { cat "$tmp/log2"; fail "report render failed"; }
grep -q "source tree at <code>$commit</code>" "$tmp/out2/report.html" || fail "report.html does not name commit $commit"
echo "render_run_test: PASS"
