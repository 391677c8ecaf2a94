#!/usr/bin/env bash
# Renders the report from a tiny store, opens it from disk in headless
# Chromium, and checks that the page loads and every figure decodes: the
# page's own script sets <body data-images-ok="yes"> when every <img> has a
# natural width. The screenshot is kept as an undeclared test output.
set -euo pipefail

fail() { echo "report_browser_test: FAIL: $*" >&2; exit 1; }

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
[[ -n "$browser" ]] || fail "no headless browser found (chromium). Install it with: scripts/setup --with-browser"

tmp="${TEST_TMPDIR:-$(mktemp -d)}"
out_dir="$tmp/report"
shots="${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp}"
mkdir -p "$out_dir" "$shots"

analysis/make_test_store "$tmp/shard.db"
analysis/render --artifact report --shards "$tmp/shard.db" --out-dir "$out_dir" > "$tmp/render.log" \
  || { cat "$tmp/render.log" >&2; fail "render failed"; }
report="$out_dir/report.html"
[[ -s "$report" ]] || fail "render wrote no $report"

# No network, no profile of the user's, no crash reporter; HOME in the sandbox.
export HOME="$tmp/home"
mkdir -p "$HOME"
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-dev-shm-usage --disable-extensions \
    --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" --virtual-time-budget=10000 "$@" 2> "$tmp/chromium.err"
}

chrome --dump-dom "file://$report" > "$tmp/dom.html" || { tail -20 "$tmp/chromium.err" >&2; fail "chromium --dump-dom failed"; }
grep -q '<section id="claims-summary">' "$tmp/dom.html" || fail "the loaded page has no claims section"
body="$(grep -o '<body[^>]*>' "$tmp/dom.html" | head -1)"
echo "report_browser_test: $body"
[[ "$body" == *'data-images-ok="yes"'* ]] || fail "not every image decoded in the browser: $body"
expected="$(grep -o '<img ' "$report" | wc -l)"
[[ "$expected" -gt 0 ]] || fail "the report has no images"
[[ "$body" == *"data-image-count=\"$expected\""* ]] || fail "the browser saw other images than the report's $expected: $body"

chrome --screenshot="$shots/report.png" --window-size=1280,2000 "file://$report" \
  || { tail -20 "$tmp/chromium.err" >&2; fail "chromium --screenshot failed"; }
[[ "$(head -c 8 "$shots/report.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] || fail "the screenshot is not a PNG"
echo "report_browser_test: PASS ($expected images decoded; screenshot $shots/report.png)"
