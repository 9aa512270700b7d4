# Sourced by scripts/load.sh and scripts/load-redis.sh: waits for a started load server.
#
# load_server_url OUT ERR PID WHAT: prints the URL the server announced on its stdout (file OUT)
# once it accepts connections; if the process PID exits first, or nothing is announced within
# 10 s, prints its stderr (file ERR) with WHAT and returns 1.
load_server_url() {
    local out=$1 err=$2 pid=$3 what=$4 found=""
    for _ in $(seq 1 100); do
        found=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" 2>/dev/null | head -1 || true)
        if [[ -n "$found" ]]; then
            echo "$found"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: the load server ($what) exited:" >&2
            cat "$err" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "error: the load server ($what) did not start within 10 s" >&2
    return 1
}
