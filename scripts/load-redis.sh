#!/usr/bin/env bash
# Load benchmark of the server-side session stores: `/guarded` on one load server per MODE,
# same machine, same run, over loopback only.
#
#   scripts/load-redis.sh                   # login-runtime RedisStore vs actix-identity 0.9 on
#                                           # actix-session 0.11's RedisSessionStore (same Redis)
#   COMPARE=memory scripts/load-redis.sh    # login-runtime MemoryStore vs its cookie store
#   COMPARE=all scripts/load-redis.sh       # the four modes in one run
#   MODES="redis memory" scripts/load-redis.sh   # any modes of benches/examples/load_server.rs
#
# Builds benches/examples/load_server.rs in release mode; starts its own redis-server on a free
# port from REDIS_PORT (default 6390) up, without persistence, when a mode needs one; starts one
# server per mode on 127.0.0.1 (WORKERS workers each; only one is driven at a time); logs in
# once with curl on each; checks that each `/guarded` answers 200 with `hello bench` and sets no
# cookie; counts the Redis commands of the login and of CHECK_REQUESTS guarded requests
# (INFO commandstats); warms up; then runs ROUNDS rounds of `wrk -tTHREADS -cCONNECTIONS
# -dDURATIONs --latency` per mode, reversing the order of the modes every round, and counts the
# Redis commands and the CPU time of the load server and of redis-server of every run as well.
# Prints each run, the medians and the ratios, and stops everything it started.
#
# Needs wrk, curl, redis-server and redis-cli (Debian: apt-get install -y wrk curl redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-server-url.sh

COMPARE=${COMPARE:-redis}
case "$COMPARE" in
    redis) default_modes="redis identity-redis" ;;
    memory) default_modes="memory cookie" ;;
    all) default_modes="redis identity-redis memory cookie" ;;
    *) echo "error: COMPARE=$COMPARE: give redis, memory or all (or set MODES)" >&2; exit 1 ;;
esac
read -r -a modes <<<"${MODES:-$default_modes}"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WORKERS=${WORKERS:-2}
CHECK_REQUESTS=${CHECK_REQUESTS:-200}
REDIS_PORT=${REDIS_PORT:-6390}
UA="login-benches-load"

needs_redis=0
for mode in "${modes[@]}"; do
    case "$mode" in
        redis | identity-redis) needs_redis=1 ;;
        cookie | memory | identity-cookie) ;;
        *) echo "error: unknown mode $mode (cookie, memory, redis, identity-cookie, identity-redis)" >&2; exit 1 ;;
    esac
done
tools=(wrk curl)
((needs_redis)) && tools+=(redis-server redis-cli)
for tool in "${tools[@]}"; do
    if ! command -v "$tool" >/dev/null; then
        echo "error: $tool is not installed (Debian: apt-get install -y wrk curl redis-server)" >&2
        exit 1
    fi
done

echo "== building the load server (release)"
cargo build --quiet --release -p login-benches --example load_server
target_dir=$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)
server_bin="$target_dir/release/examples/load_server"

work=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

redis_url=""
redis_pid=""
rcli=()
if ((needs_redis)); then
    port=$REDIS_PORT
    while port_in_use "$port"; do
        port=$((port + 1))
        if ((port > REDIS_PORT + 50)); then
            echo "error: no free port for redis-server from $REDIS_PORT on" >&2
            exit 1
        fi
    done
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        >"$work/redis.log" 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    rcli=(redis-cli -h 127.0.0.1 -p "$port")
    for _ in $(seq 1 50); do
        "${rcli[@]}" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    if ! "${rcli[@]}" ping >/dev/null 2>&1; then
        echo "error: redis-server did not start on port $port:" >&2
        cat "$work/redis.log" >&2
        exit 1
    fi
    redis_url="redis://127.0.0.1:$port/0"
    echo "== $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$port (no persistence)"
fi

declare -A url cookie server_pid
for mode in "${modes[@]}"; do
    MODE="$mode" REDIS_URL="$redis_url" HOST=127.0.0.1 PORT=0 WORKERS="$WORKERS" \
        "$server_bin" >"$work/$mode.out" 2>"$work/$mode.err" &
    pid=$!
    pids+=("$pid")
    server_pid[$mode]=$pid
    url[$mode]=$(load_server_url "$work/$mode.out" "$work/$mode.err" "$pid" "MODE=$mode")
    echo "== MODE=$mode at ${url[$mode]} ($WORKERS workers)"
done

# INFO commandstats as "command calls" lines, without redis-cli's own INFO and CONFIG calls.
command_counts() {
    "${rcli[@]}" info commandstats | tr -d '\r' |
        sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p' | grep -v -e '^info ' -e '^config|' || true
}
reset_counts() { "${rcli[@]}" config resetstat >/dev/null; }
# "GET 1.000, SET 0.002" from command_counts and a request count.
per_request() {
    awk -v n="$1" '{ printf "%s%s=%.3f", sep, toupper($1), $2 / n; sep = "," } END { if (NR == 0) printf "none" }'
}
is_redis_mode() { [[ "$1" == redis || "$1" == identity-redis ]]; }

echo
echo "== one login per mode; steady-state checks"
for mode in "${modes[@]}"; do
    is_redis_mode "$mode" && reset_counts
    # Every cookie /login sets, as a browser would send them back.
    cookie[$mode]=$(curl -fsS -A "$UA" -D - -o /dev/null "${url[$mode]}/login" | tr -d '\r' |
        sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | paste -sd ';' | sed 's/;/; /g')
    if [[ -z "${cookie[$mode]}" ]]; then
        echo "error: MODE=$mode: /login set no cookie" >&2
        exit 1
    fi
    if is_redis_mode "$mode"; then
        echo "MODE=$mode: Redis commands of the login: $(command_counts | per_request 1)"
    fi
    check=$(curl -sS -A "$UA" -H "Cookie: ${cookie[$mode]}" -D - -o "$work/body" "${url[$mode]}/guarded" | tr -d '\r')
    if ! grep -q '^HTTP/1.1 200' <<<"$check" || grep -qi '^set-cookie' <<<"$check"; then
        echo "error: MODE=$mode: /guarded with the login cookies must answer 200 without Set-Cookie:" >&2
        echo "$check" >&2
        exit 1
    fi
    if [[ "$(cat "$work/body")" != "hello bench" ]]; then
        echo "error: MODE=$mode: /guarded answered '$(cat "$work/body")', not 'hello bench'" >&2
        exit 1
    fi
    # CHECK_REQUESTS more, on one connection: all 200, none sets a cookie; count the commands.
    is_redis_mode "$mode" && reset_counts
    urls=()
    for _ in $(seq 1 "$CHECK_REQUESTS"); do urls+=(-o /dev/null "${url[$mode]}/guarded"); done
    curl -sS -A "$UA" -H "Cookie: ${cookie[$mode]}" -D "$work/headers" \
        -w '%{http_code}\n' "${urls[@]}" >"$work/codes"
    ok=$(grep -c '^200$' "$work/codes" || true)
    set_cookies=$(grep -ci '^set-cookie' "$work/headers" || true)
    if [[ "$ok" != "$CHECK_REQUESTS" || "$set_cookies" != 0 ]]; then
        echo "error: MODE=$mode: $ok of $CHECK_REQUESTS guarded requests answered 200, $set_cookies set a cookie" >&2
        exit 1
    fi
    line="MODE=$mode: $CHECK_REQUESTS guarded requests: all 200, no Set-Cookie"
    if is_redis_mode "$mode"; then
        line+="; Redis commands per request: $(command_counts | per_request "$CHECK_REQUESTS")"
    fi
    echo "$line"
done

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: convert to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "nan" }
    }'
}

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

# run MODE SECONDS -> "rps p50_ms p99_ms requests server_cpu_us redis_cpu_us commands"
# (CPU microseconds per request of the load server and of redis-server during the run).
run() {
    local out server_before redis_before=0 redis_after=0
    is_redis_mode "$1" && reset_counts
    server_before=$(cpu_ticks "${server_pid[$1]}")
    [[ -n "$redis_pid" ]] && redis_before=$(cpu_ticks "$redis_pid")
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency \
        -H "User-Agent: $UA" -H "Cookie: ${cookie[$1]}" "${url[$1]}/guarded")
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "error: MODE=$1: /guarded answered non-2xx responses under load:" >&2
        echo "$out" >&2
        exit 1
    fi
    local server_after
    server_after=$(cpu_ticks "${server_pid[$1]}")
    [[ -n "$redis_pid" ]] && redis_after=$(cpu_ticks "$redis_pid")
    local rps p50 p99 requests commands="-" server_cpu redis_cpu="-"
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    us_per_request() { awk -v t="$1" -v hz="$ticks_per_s" -v n="$requests" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }'; }
    server_cpu=$(us_per_request $((server_after - server_before)))
    if is_redis_mode "$1"; then
        commands=$(command_counts | per_request "$requests")
        redis_cpu=$(us_per_request $((redis_after - redis_before)))
    fi
    echo "$rps $p50 $p99 $requests $server_cpu $redis_cpu $commands"
}

echo
echo "== warm-up (2 s per mode)"
for mode in "${modes[@]}"; do run "$mode" 2 >/dev/null; done

echo "== $ROUNDS rounds, ${DURATION} s per mode, wrk -t$THREADS -c$CONNECTIONS, load: $(uptime | sed 's/.*load average: //')"
printf '%-6s %-16s %12s %8s %8s %9s %11s %10s  %s\n' round mode "req/s" "p50 ms" "p99 ms" requests "server µs" "redis µs" "Redis commands / request"
for mode in "${modes[@]}"; do : >"$work/$mode.runs"; done
for round in $(seq 1 "$ROUNDS"); do
    order=("${modes[@]}")
    if ((round % 2 == 0)); then
        order=()
        for ((i = ${#modes[@]} - 1; i >= 0; i--)); do order+=("${modes[i]}"); done
    fi
    for mode in "${order[@]}"; do
        result=$(run "$mode" "$DURATION")
        echo "$result" >>"$work/$mode.runs"
        read -r rps p50 p99 requests server_cpu redis_cpu commands <<<"$result"
        printf '%-6s %-16s %12s %8s %8s %9s %10s %10s  %s\n' "$round" "$mode" "$rps" "$p50" "$p99" \
            "$requests" "$server_cpu" "$redis_cpu" "$commands"
    done
done
echo "== load after the rounds: $(uptime | sed 's/.*load average: //')"

# median of column N of a file of rows
median() {
    sort -g -k"$2,$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "== medians over $ROUNDS rounds"
printf '%-16s %12s %8s %8s %11s %10s\n' mode "req/s" "p50 ms" "p99 ms" "server µs" "redis µs"
declare -A rps_median
for mode in "${modes[@]}"; do
    rps_median[$mode]=$(median "$work/$mode.runs" 1)
    redis_cpu="-"
    is_redis_mode "$mode" && redis_cpu=$(median "$work/$mode.runs" 6)
    printf '%-16s %12s %8s %8s %10s %10s\n' "$mode" "${rps_median[$mode]}" \
        "$(median "$work/$mode.runs" 2)" "$(median "$work/$mode.runs" 3)" \
        "$(median "$work/$mode.runs" 5)" "$redis_cpu"
done
echo "(server µs, redis µs: CPU time, user + system, of the load server and of redis-server per"
echo " request during the run, from /proc/PID/stat: less sensitive to other load than req/s)"

echo
echo "== throughput ratios (medians)"
for pair in "redis identity-redis" "memory cookie" "redis memory" "identity-redis identity-cookie"; do
    read -r a b <<<"$pair"
    if [[ -n "${rps_median[$a]:-}" && -n "${rps_median[$b]:-}" ]]; then
        awk -v a="${rps_median[$a]}" -v b="${rps_median[$b]}" -v n="$a / $b" \
            'BEGIN { printf "%-34s %.3f\n", n, (b > 0 ? a / b : 0) }'
    fi
done
