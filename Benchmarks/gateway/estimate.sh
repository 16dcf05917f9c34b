#!/usr/bin/env bash
# Token-estimate throughput: `folio serve` against the Python peer (Starlette + tiktoken), same body, same run.
#
#   apt-get install -y wrk
#   pip install -r Benchmarks/peers/requirements-gateway.txt      # into the python that PYTHON names
#   swift build -c release
#   Benchmarks/gateway/estimate.sh [.build/release/folio]
#
# Environment: PYTHON (default python3: the one with requirements-gateway.txt installed), DURATION (20s),
# CONNECTIONS (32), THREADS (2), WORKERS (2: folio's --workers and uvicorn's --workers), ROUNDS (1),
# MODEL (moonshot-v1-8k), FOLIO_VOCAB (the peer's rank files; see tokenizer_server.py).
#
# The body is one user message of about 10 KB of English (Corpora/samples/generated/report.txt, cut at a
# word). Both servers start first; the script checks that they return the same total_tokens, then loads
# each in turn with `wrk -tTHREADS -cCONNECTIONS -dDURATION` (folio, then the peer, ROUNDS times) and prints
# successful requests/s of each, their latencies and the ratio folio/peer.
#
# Caveat: the machine has 2 cores, and the server under load, the idle other server and wrk (2 threads)
# all share them. wrk takes a good part of one core, so both servers are measured with less than the two
# cores they were given; the ratio is fairer than the absolute numbers. Non-2xx responses (e.g. folio's 429
# when its queue is full) are not counted as served requests; their number is printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FOLIO="${1:-$ROOT/.build/release/folio}"
PYTHON="${PYTHON:-python3}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-2}"
ROUNDS="${ROUNDS:-1}"
MODEL="${MODEL:-moonshot-v1-8k}"

[[ -x "$FOLIO" ]] || { echo "no folio binary at $FOLIO (swift build -c release)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
"$PYTHON" -c "import uvicorn, starlette, tiktoken" || { echo "$PYTHON lacks uvicorn/starlette/tiktoken" >&2; exit 2; }

WORK="$(mktemp -d -t folio-estimate-XXXXXX)"
FOLIO_PID=""
PEER_PID=""
cleanup() {
  [[ -n "$FOLIO_PID" ]] && kill "$FOLIO_PID" 2>/dev/null && wait "$FOLIO_PID" 2>/dev/null
  [[ -n "$PEER_PID" ]] && kill "$PEER_PID" 2>/dev/null && wait "$PEER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# The body: ~10 KB of English, cut at a space so no word is split.
BODY="$WORK/body.json"
"$PYTHON" - "$ROOT/Corpora/samples/generated/report.txt" "$MODEL" "$BODY" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = text[: text.rfind(" ", 0, 10_000)]
json.dump({"model": sys.argv[2], "messages": [{"role": "user", "content": text}]}, open(sys.argv[3], "w"))
PY
echo "body: $(wc -c <"$BODY") bytes, model $MODEL"

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# folio: a key, then serve on port 0 and read the port from its "listening on" line.
mkdir -p "$WORK/data"
API_KEY="$("$FOLIO" keys create --data "$WORK/data" --tenant bench)"
"$FOLIO" serve --host 127.0.0.1 --port 0 --data "$WORK/data" --workers "$WORKERS" \
  >"$WORK/folio.out" 2>"$WORK/folio.log" &
FOLIO_PID=$!
FOLIO_URL=""
for _ in $(seq 1 600); do
  FOLIO_URL="$(sed -n 's#.*folio: listening on \(http://[^ ]*\).*#\1#p' "$WORK/folio.out" | head -n 1)"
  [[ -n "$FOLIO_URL" ]] && break
  kill -0 "$FOLIO_PID" 2>/dev/null || { echo "folio serve exited:" >&2; tail "$WORK/folio.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$FOLIO_URL" ]] || { echo "folio serve never printed 'listening on'" >&2; exit 1; }

# The peer: uvicorn with the same number of worker processes.
PEER_PORT="$(free_port)"
"$PYTHON" -m uvicorn --workers "$WORKERS" --app-dir "$ROOT/Benchmarks/peers" --host 127.0.0.1 --port "$PEER_PORT" \
  --log-level warning --no-access-log tokenizer_server:app >"$WORK/peer.log" 2>&1 &
PEER_PID=$!
PEER_URL="http://127.0.0.1:$PEER_PORT"
for _ in $(seq 1 600); do
  curl -sf "$PEER_URL/healthz" >/dev/null && break
  kill -0 "$PEER_PID" 2>/dev/null || { echo "the peer exited:" >&2; tail "$WORK/peer.log" >&2; exit 1; }
  sleep 0.1
done
echo "folio $FOLIO_URL (pid $FOLIO_PID), peer $PEER_URL (pid $PEER_PID), $(nproc) cores"

# Both must agree before any timing.
estimate() {  # URL [KEY]
  curl -sS -X POST "$1/v1/tokenizers/estimate-token-count" -H 'Content-Type: application/json' \
    ${2:+-H "Authorization: Bearer $2"} --data-binary "@$BODY"
}
FOLIO_COUNT="$(estimate "$FOLIO_URL" "$API_KEY")"
PEER_COUNT="$(estimate "$PEER_URL")"
echo "folio: $FOLIO_COUNT"
echo "peer:  $PEER_COUNT"
if [[ "$FOLIO_COUNT" != "$PEER_COUNT" ]] &&
  ! "$PYTHON" -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' \
    "$FOLIO_COUNT" "$PEER_COUNT"; then
  echo "total_tokens differ: not benchmarking" >&2
  exit 1
fi

run_wrk() {  # NAME URL KEY -> appends "NAME <WRK_JSON>" to results
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against $1 ..." >&2
  BODY_FILE="$BODY" API_KEY="$3" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$ROOT/Benchmarks/gateway/estimate.lua" "$2" >"$WORK/wrk-$1.txt"
  echo "$1 $(sed -n 's/^WRK_JSON //p' "$WORK/wrk-$1.txt")" >>"$WORK/results"
}
for _ in $(seq 1 "$ROUNDS"); do
  run_wrk folio "$FOLIO_URL" "$API_KEY"
  run_wrk peer "$PEER_URL" ""
done

"$PYTHON" - "$WORK/results" <<'PY'
import collections, json, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, data = line.split(" ", 1)
    runs[name].append(json.loads(data))
best = {}
for name, results in runs.items():
    for r in results:
        served = r["requests"] - r["non_2xx"]
        r["ok_per_s"] = served / (r["duration_us"] / 1e6)
        errors = r["non_2xx"] + r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        print(f"{name:5}  {r['ok_per_s']:9.0f} req/s ok  p50 {r['p50_us'] / 1000:7.2f} ms  "
              f"p99 {r['p99_us'] / 1000:7.2f} ms  non-2xx/errors {errors}")
    best[name] = max(r["ok_per_s"] for r in results)
print(f"ratio folio/peer (best round each): {best['folio'] / best['peer']:.2f}x")
PY

# folio must drain and exit 0 on SIGTERM.
kill -TERM "$FOLIO_PID"
if wait "$FOLIO_PID"; then echo "folio exited 0 after SIGTERM"; else echo "folio exited $? after SIGTERM" >&2; fi
FOLIO_PID=""
