#!/usr/bin/env bash
# Proves that experiment actions are shared through a real Bazel remote cache:
# Debian's nginx serves WebDAV on loopback as a Bazel HTTP cache; a smoke
# training action is built from one output base with --remote_cache, then
# again from a fresh output base, and the second build must run no training
# action itself (every Genrule spawn is a remote cache hit).
set -euo pipefail

fail() { echo "remote_cache_test: $*" >&2; exit 1; }
command -v nginx >/dev/null || fail "nginx is not installed: run scripts/setup --with-cache-server"
command -v bazel >/dev/null || fail "bazel is not installed: run scripts/setup"

# The real workspace: follow a source file's runfiles link back to it.
workspace=$(dirname "$(readlink -f "$TEST_SRCDIR/rcdnn/WORKSPACE")")
[ -f "$workspace/artifacts/defs.bzl" ] || fail "cannot find the workspace from the runfiles ($workspace)"

tmp="$TEST_TMPDIR"
mkdir -p "$tmp/cache" "$tmp/nginx/logs"
port=$((20000 + RANDOM % 20000))
# nginx started as root hands requests to an unprivileged worker that could
# not write into this test's private temp folder; keep the worker as us.
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$tmp/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log $tmp/nginx/logs/access.log;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      root $tmp/cache;
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 0;
    }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
nginx_pid=$!
ob1="$tmp/ob1" ob2="$tmp/ob2"
cleanup() {
  kill "$nginx_pid" 2>/dev/null || true
  for ob in "$ob1" "$ob2"; do
    [ -d "$ob" ] && (cd "$workspace" && bazel --output_base="$ob" shutdown >/dev/null 2>&1) || true
  done
}
trap cleanup EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/" || fail "nginx did not start on port $port: $(cat "$tmp/nginx/logs/error.log")"

target=//artifacts:smoke_lenet_golden_25
build() {
  local ob=$1 log=$2
  (cd "$workspace" && env -u TEST_TMPDIR -u TEST_SRCDIR bazel --output_base="$ob" build \
      --remote_cache="http://127.0.0.1:$port" --define=profile=smoke \
      --execution_log_json_file="$log" "$target") >"$log.out" 2>&1 || {
    tail -n 40 "$log.out" >&2
    fail "the build of $target from $ob failed"
  }
}
build "$ob1" "$tmp/first.json"
build "$ob2" "$tmp/second.json"

# Each spawn in the execution log says whether it was a remote cache hit.
python3 - "$tmp/first.json" "$tmp/second.json" <<'PY'
import json, sys

def spawns(path):
    text = open(path).read()
    decoder, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)
    return out

first = [s for s in spawns(sys.argv[1]) if s.get("mnemonic") == "Genrule"]
second = [s for s in spawns(sys.argv[2]) if s.get("mnemonic") == "Genrule"]
if not first or any(s.get("remoteCacheHit") for s in first):
    sys.exit("remote_cache_test: the first build should have run the training action itself (%d genrules)" % len(first))
ran_again = [s.get("progressMessage", "?") for s in second if not s.get("remoteCacheHit")]
if not second:
    sys.exit("remote_cache_test: the second build ran no genrule spawn at all (nothing to check)")
if ran_again:
    sys.exit("remote_cache_test: the second build ran training itself: %s" % ran_again)
print("remote_cache_test: %d training action(s) ran once, then came from the remote cache" % len(second))
PY
