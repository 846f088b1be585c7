#!/bin/sh
# Refresh docs/screenshot.png: serve the package, open one enhancement's page in headless Chromium.
set -e
PORT=${PORT:-8021}
.venv/bin/ceg serve --port "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
for i in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.2; done
PROFILE=$(mktemp -d)
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --virtual-time-budget=10000 --window-size=1280,1000 \
  --screenshot=docs/screenshot.png "http://127.0.0.1:$PORT/-/dashboards/enhancement?enhancement_id=${ENHANCEMENT:-chain-of-thought}" 2>/dev/null
rm -rf "$PROFILE"
