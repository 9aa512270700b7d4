#!/usr/bin/env bash
# Load benchmark: /bare against /guarded on the same server, over loopback only.
#
# Builds benches/examples/load_server.rs in release mode, starts it on 127.0.0.1 with 2 workers,
# logs in once to get a session cookie, then drives each route with wrk (bounded: DURATION
# seconds per route per round, THREADS threads, CONNECTIONS connections), alternating the order
# of the routes each round. Prints requests per second and p50/p99 latency per round and the
# medians side by side, then stops the server.
#
#   scripts/load.sh                      # 3 rounds of 10 s per route
#   ROUNDS=5 DURATION=5 scripts/load.sh  # other bounds
#
# Needs wrk (Debian: apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WORKERS=${WORKERS:-2}
# PIN=1 pins the server to CPU 0 and wrk to CPU 1 (taskset), so the server's share of the
# machine does not depend on the scheduler; use it with WORKERS=1 THREADS=1.
PIN=${PIN:-0}
server_pin=()
client_pin=()
if [ "$PIN" = 1 ]; then
    server_pin=(taskset -c 0)
    client_pin=(taskset -c 1)
fi
UA="login-benches-load"

for tool in wrk curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "error: $tool is not installed (Debian: apt-get install -y $tool)" >&2
        exit 1
    fi
done

echo "== building the load server (release)"
cargo build --quiet --release -p login-benches --example load_server
target_dir=$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)
server_bin="$target_dir/release/examples/load_server"

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

HOST=127.0.0.1 PORT=0 WORKERS="$WORKERS" "${server_pin[@]}" "$server_bin" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" 2>/dev/null | head -1 || true)
    [[ -n "$url" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "error: the load server exited:" >&2
        cat "$work/server.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$url" ]]; then
    echo "error: the load server did not start within 10 s" >&2
    exit 1
fi
echo "== server at $url ($WORKERS workers)"

# One login; the session cookie is bound to this client (127.0.0.1 and the User-Agent), so the
# guarded requests below verify it and change nothing.
cookie=$(curl -fsS -A "$UA" -D - -o /dev/null "$url/login" | tr -d '\r' |
    sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p' | head -1)
if [[ -z "$cookie" ]]; then
    echo "error: /login set no session cookie" >&2
    exit 1
fi
check=$(curl -sS -A "$UA" -H "Cookie: $cookie" -D - -o "$work/body" "$url/guarded" | tr -d '\r')
if ! grep -q '^HTTP/1.1 200' <<<"$check" || grep -qi '^set-cookie' <<<"$check"; then
    echo "error: /guarded with the session cookie must answer 200 without Set-Cookie:" >&2
    echo "$check" >&2
    exit 1
fi
if ! cmp -s "$work/body" <(curl -sS -A "$UA" -H "Cookie: $cookie" "$url/bare"); then
    echo "error: /bare and /guarded must answer the same body" >&2
    exit 1
fi

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: convert to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "nan" }
    }'
}

# run ROUTE SECONDS -> "rps p50_ms p99_ms"
run() {
    local out
    out=$("${client_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency \
        -H "User-Agent: $UA" -H "Cookie: $cookie" "$url/$1")
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "error: /$1 answered non-2xx responses under load:" >&2
        echo "$out" >&2
        exit 1
    fi
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    echo "$rps $p50 $p99"
}

echo "== warm-up (2 s per route)"
run bare 2 >/dev/null
run guarded 2 >/dev/null

echo "== $ROUNDS rounds, ${DURATION} s per route, wrk -t$THREADS -c$CONNECTIONS"
printf '%-6s %-8s %12s %10s %10s\n' round route "req/s" "p50 ms" "p99 ms"
: >"$work/bare" && : >"$work/guarded"
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then order="bare guarded"; else order="guarded bare"; fi
    for route in $order; do
        result=$(run "$route" "$DURATION")
        echo "$result" >>"$work/$route"
        read -r rps p50 p99 <<<"$result"
        printf '%-6s %-8s %12s %10s %10s\n' "$round" "/$route" "$rps" "$p50" "$p99"
    done
done

# median of column N of a file of rows
median() {
    sort -g -k"$2,$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "== medians over $ROUNDS rounds"
printf '%-10s %12s %12s %10s\n' "" "/bare" "/guarded" "ratio"
for col in 1 2 3; do
    name=$(sed -n "${col}p" <<<$'req/s\np50 ms\np99 ms')
    b=$(median "$work/bare" "$col")
    g=$(median "$work/guarded" "$col")
    ratio=$(awk -v b="$b" -v g="$g" 'BEGIN { if (b > 0) printf "%.3f", g / b; else print "nan" }')
    printf '%-10s %12s %12s %10s\n' "$name" "$b" "$g" "$ratio"
done
