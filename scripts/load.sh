#!/usr/bin/env bash
# Load benchmark over loopback only: bare actix-web, an untouched route behind LoginManager, and
# the guarded route.
#
# Builds benches/examples/load_server.rs in release mode and starts it twice on 127.0.0.1 with 2
# workers: MODE=bare (the same routes, no middleware at all: actix-web alone) and MODE=cookie
# (LoginManager wrapped around them). Logs in once to get a session cookie, then drives three
# routes with wrk (bounded: DURATION seconds per route per round, THREADS threads, CONNECTIONS
# connections), rotating their order each round:
#   actix     /bare on the MODE=bare server (no login code at all)
#   untouched /bare on the MODE=cookie server (the middleware runs, nothing reads the state)
#   guarded   /guarded on the MODE=cookie server (#[login_required] + CurrentUser)
# Prints requests per second and p50/p99 latency per round and the medians side by side, with
# each route's ratio to `actix`, then stops both servers.
#
#   scripts/load.sh                      # 3 rounds of 10 s per route
#   ROUNDS=5 DURATION=5 scripts/load.sh  # other bounds
#
# Needs wrk (Debian: apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-server-url.sh

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
server_pids=()
cleanup() {
    for pid in "${server_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# start MODE -> prints the server's URL once it accepts connections
start() {
    HOST=127.0.0.1 PORT=0 WORKERS="$WORKERS" MODE="$1" "${server_pin[@]}" "$server_bin" \
        >"$work/$1.out" 2>"$work/$1.err" &
    local pid=$!
    server_pids+=("$pid")
    load_server_url "$work/$1.out" "$work/$1.err" "$pid" "MODE=$1"
}
# Not in $(..): the PIDs must be recorded in this shell, so the trap stops both servers.
start bare >"$work/bare.url"
start cookie >"$work/cookie.url"
bare_url=$(cat "$work/bare.url")
url=$(cat "$work/cookie.url")
echo "== servers: actix-web alone at $bare_url, LoginManager at $url ($WORKERS workers each)"

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

# address of a case: actix, untouched or guarded
address() {
    case "$1" in
    actix) echo "$bare_url/bare" ;;
    untouched) echo "$url/bare" ;;
    guarded) echo "$url/guarded" ;;
    esac
}

# run CASE SECONDS -> "rps p50_ms p99_ms"
run() {
    local out
    out=$("${client_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency \
        -H "User-Agent: $UA" -H "Cookie: $cookie" "$(address "$1")")
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "error: $1 answered non-2xx responses under load:" >&2
        echo "$out" >&2
        exit 1
    fi
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    echo "$rps $p50 $p99"
}

if ! cmp -s "$work/body" <(curl -sS "$bare_url/bare"); then
    echo "error: actix-web alone must answer the same body" >&2
    exit 1
fi

cases=(actix untouched guarded)
echo "== warm-up (2 s per case)"
for case in "${cases[@]}"; do run "$case" 2 >/dev/null; done

echo "== $ROUNDS rounds, ${DURATION} s per case, wrk -t$THREADS -c$CONNECTIONS"
printf '%-6s %-10s %12s %10s %10s\n' round case "req/s" "p50 ms" "p99 ms"
for case in "${cases[@]}"; do : >"$work/$case.runs"; done
for round in $(seq 1 "$ROUNDS"); do
    # Rotate the order, so no case always runs first or last.
    shift_by=$(((round - 1) % 3))
    order=("${cases[@]:shift_by}" "${cases[@]:0:shift_by}")
    for case in "${order[@]}"; do
        result=$(run "$case" "$DURATION")
        echo "$result" >>"$work/$case.runs"
        read -r rps p50 p99 <<<"$result"
        printf '%-6s %-10s %12s %10s %10s\n' "$round" "$case" "$rps" "$p50" "$p99"
    done
done

# median of column N of a file of rows
median() {
    sort -g -k"$2,$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "nan" }'; }

echo
echo "== medians over $ROUNDS rounds (ratios: to actix, and guarded to untouched)"
printf '%-8s %11s %11s %11s %10s %10s %10s\n' "" actix untouched guarded "untouched" "guarded" "g/untouch"
for col in 1 2 3; do
    name=$(sed -n "${col}p" <<<$'req/s\np50 ms\np99 ms')
    a=$(median "$work/actix.runs" "$col")
    u=$(median "$work/untouched.runs" "$col")
    g=$(median "$work/guarded.runs" "$col")
    printf '%-8s %11s %11s %11s %10s %10s %10s\n' "$name" "$a" "$u" "$g" \
        "$(ratio "$a" "$u")" "$(ratio "$a" "$g")" "$(ratio "$u" "$g")"
done
