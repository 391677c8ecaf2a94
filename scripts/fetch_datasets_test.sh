#!/usr/bin/env bash
# Tests of scripts/fetch_datasets that need no internet: the fast, clear
# failure without network; argument errors; checksum verification against a
# local HTTP mirror; and, when $RCDNN_SHARED_DATASETS holds the official MNIST
# files, a full fetch from such a mirror.
set -uo pipefail

fetch="${TEST_SRCDIR}/${TEST_WORKSPACE}/scripts/fetch_datasets"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_in() { grep -qF -- "$1" "$2" || { fail "expected '$1' in:"; cat "$2" >&2; }; }

# 1. No network: fails within 10 s, says so, and says where each file goes.
root="$tmp/offline"
start=$(date +%s)
RCDNN_FETCH_BASE_URL=http://127.0.0.1:9 "$fetch" --data-root "$root" all 2>"$tmp/err"
rc=$?
elapsed=$(( $(date +%s) - start ))
[ $rc -eq 3 ] || fail "offline run exited $rc, expected 3"
[ $elapsed -le 10 ] || fail "offline run took ${elapsed}s, expected at most 10"
expect_in "no network" "$tmp/err"
expect_in "http://127.0.0.1:9" "$tmp/err"
expect_in "$root/mnist/" "$tmp/err"
expect_in "t10k-labels-idx1-ubyte.gz" "$tmp/err"
expect_in "$root/cifar10/" "$tmp/err"
expect_in "test_batch.bin" "$tmp/err"
expect_in "$root/svhn/" "$tmp/err"
expect_in "train_32x32.mat" "$tmp/err"
[ ! -e "$root/mnist" ] || fail "offline run created $root/mnist"

# 2. Argument errors.
"$fetch" --data-root "$root" imagenet 2>"$tmp/err"
[ $? -eq 2 ] || fail "unknown data set should exit 2"
expect_in "unknown argument 'imagenet'" "$tmp/err"
"$fetch" --data-root "$root" 2>"$tmp/err"
[ $? -eq 2 ] || fail "no data set should exit 2"
"$fetch" --help >"$tmp/out" || fail "--help should exit 0"
expect_in "Usage: scripts/fetch_datasets" "$tmp/out"

# A local mirror: python3's HTTP server on a free port, serving folder $1.
server_pid=""
serve() {
  rm -f "$tmp/port"
  python3 -c '
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()' "$1" "$tmp/port" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(cat "$tmp/port")
}
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop EXIT

if ! command -v python3 >/dev/null; then
  echo "python3 not found: skipping the mirror tests" >&2
  exit $((failures > 0))
fi

# 3. Files whose MD5 differs from the published one are refused and removed.
mkdir -p "$tmp/fake"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  echo "not mnist" >"$tmp/fake/$f"
done
serve "$tmp/fake"
root="$tmp/bad"
RCDNN_FETCH_BASE_URL="http://127.0.0.1:$port" "$fetch" --data-root "$root" mnist 2>"$tmp/err"
rc=$?
stop
[ $rc -eq 1 ] || fail "mirror with wrong files exited $rc, expected 1"
expect_in "checksum mismatch" "$tmp/err"
expect_in "f68b3c2dcbeaaa9fbdd348bbdeb94873" "$tmp/err"
[ -z "$(ls -A "$root/mnist" 2>/dev/null)" ] || fail "files with a wrong MD5 were left in $root/mnist"

# 4. The official MNIST files through a mirror: fetched, verified, and kept
# on a second run even without network.
shared="${RCDNN_SHARED_DATASETS:-}"
if [ -n "$shared" ] && [ -f "$shared/mnist/train-images-idx3-ubyte.gz" ]; then
  serve "$shared/mnist"
  root="$tmp/good"
  RCDNN_FETCH_BASE_URL="http://127.0.0.1:$port" "$fetch" --data-root "$root" mnist 2>"$tmp/err"
  rc=$?
  stop
  [ $rc -eq 0 ] || { fail "fetch from a mirror of the official files exited $rc"; cat "$tmp/err" >&2; }
  [ "$(md5sum <"$root/mnist/train-labels-idx1-ubyte.gz" | cut -d' ' -f1)" = d53e105ee54ea40749a09fcbcd1e9432 ] ||
    fail "train labels not in place"
  RCDNN_FETCH_BASE_URL=http://127.0.0.1:9 "$fetch" --data-root "$root" mnist 2>"$tmp/err" ||
    fail "second run with the files in place should not need the network"
  expect_in "checksums ok" "$tmp/err"
else
  echo "RCDNN_SHARED_DATASETS has no mnist/: skipping the full-fetch test" >&2
fi

[ $failures -eq 0 ] && echo "PASS" || echo "$failures failure(s)"
exit $((failures > 0))
