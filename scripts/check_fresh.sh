#!/usr/bin/env bash
# Fresh-clone check: clone HEAD into an empty temporary folder (nothing beside it) and run the
# README's two commands there: `make test` must pass and `make serve` must answer on 127.0.0.1.
# Uncommitted changes are not part of HEAD and are not checked. Usage: scripts/check_fresh.sh [SECONDS]
set -euo pipefail
ROOT="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
COMMIT="$(git -C "$ROOT" rev-parse HEAD)"
TIMEOUT="${1:-300}"  # how long `make serve` may take to answer its first page, install included
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill -- "-$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not checked; testing commit $COMMIT" >&2
fi
git clone --quiet --no-checkout "$ROOT" "$WORK/package"
git -C "$WORK/package" checkout --quiet "$COMMIT"
cd "$WORK/package"
echo "== make test in $WORK/package (commit ${COMMIT:0:12})"
make test
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "== make serve on port $PORT"
setsid make serve PORT="$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq "$TIMEOUT"); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
       "http://127.0.0.1:$PORT/" 2>/dev/null; then
    echo "== make serve answered http://127.0.0.1:$PORT/"
    echo "fresh clone of ${COMMIT:0:12}: make test passed, make serve serves"
    exit 0
  fi
  if ! kill -0 "$SERVER" 2>/dev/null; then break; fi
  sleep 1
done
echo "make serve did not answer within ${TIMEOUT} s; its log:" >&2
cat "$WORK/serve.log" >&2
exit 1
