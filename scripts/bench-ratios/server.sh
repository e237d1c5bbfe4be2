#!/usr/bin/env bash
# The server's part of scripts/bench-ratios.sh (issue 21, items 3 and 4):
# the release binary `serve` as its own process on a copy of the demo store,
# its resident memory idle and under 50 concurrent clients, and the p99 of
# the dashboard and of the patrol list (as the administrator and as the
# scoped Lũng Cú post editor) beside the p99 of a static file the same
# server sends (the floor of this machine's loopback, ab and hyper). Memory
# is set beside Python's `http.server` sending the same file.
#
#   BIN=target/release/bienphong WORK=/var/tmp/bench scripts/bench-ratios/server.sh
#
# Environment: BIN, WORK (required); BENCH_SECONDS (measured seconds per
# scenario, 8), BENCH_CLIENTS (50), SERVE_ARGS (more flags for `serve`,
# e.g. "--cache-mb 64"). Needs ab (apache2-utils), curl, python3.
# Prints RATIO lines as scripts/bench-ratios.sh expects.
set -euo pipefail
: "${BIN:?BIN: the release bienphong binary}" "${WORK:?WORK: the work directory}"
SECS=${BENCH_SECONDS:-8}
CLIENTS=${BENCH_CLIENTS:-50}
TARGET_P99_MS=20
TARGET_IDLE_MB=30
TARGET_LOAD_MB=80
for tool in ab curl python3; do
    command -v "$tool" >/dev/null || { echo "server.sh: $tool is needed" >&2; exit 2; }
done
BIN=$(realpath "$BIN")
mkdir -p "$WORK"
WORK=$(realpath "$WORK")

if [ ! -f "$WORK/demo/bienphong.sqlite" ]; then
    echo "building the demo store in $WORK/demo…" >&2
    "$BIN" --data "$WORK/demo" demo >/dev/null
fi

RUN=$(mktemp -d "$WORK/server-bench.XXXXXX")
SERVER_PID="" PY_PID="" SAMPLER_PID=""
cleanup() {
    for pid in $SAMPLER_PID $PY_PID $SERVER_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$RUN"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# A figure with a decimal comma, as the README writes it.
vn() { LC_ALL=C printf "%.${2:-1}f" "$1" | tr . ,; }
kb_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
wait_for() {
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server.sh: no answer from $1" >&2
    exit 1
}

# A copy of the demo store, with the two accounts the bench signs in as.
cp -a "$WORK/demo" "$RUN/data"
PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
account() { # name role unit [--restricted]
    local name=$1 role=$2 unit=$3
    shift 3
    if ! printf '%s\n' "$PASSWORD" | "$BIN" --data "$RUN/data" user add "$name" --role "$role" \
        --unit "$unit" "$@" --password-stdin >/dev/null 2>&1; then
        printf '%s\n' "$PASSWORD" | "$BIN" --data "$RUN/data" user passwd "$name" \
            --password-stdin >/dev/null
    fi
}
account admin admin HG --restricted
account dn-lungcu editor BP-LUNGCU

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
"$BIN" --data "$RUN/data" serve --listen "127.0.0.1:$PORT" --log warn ${SERVE_ARGS:-} \
    >"$RUN/serve.out" 2>"$RUN/serve.err" &
SERVER_PID=$!
wait_for "$BASE/static/style.css"

# Idle: a few seconds after the start, nothing asked yet but one file.
sleep 5
IDLE_KB=$(kb_of "$SERVER_PID" VmRSS)

# A session (cookie) for the dashboard, and a token per account for the API.
session() { # name → the session cookie's value
    local jar="$RUN/$1.jar"
    curl -fsS -o /dev/null -c "$jar" -d "username=$1" --data-urlencode "password=$PASSWORD" \
        -d "next=/" "$BASE/login"
    awk '$6 == "bp_session" { print $7 }' "$jar"
}
token() { # name → a new API token
    local jar="$RUN/$1.jar" csrf
    csrf=$(curl -fsS -b "$jar" "$BASE/catalogues" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fsS -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
        -d "{\"name\":\"bench $1\"}" "$BASE/api/v1/tokens" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
ADMIN_COOKIE=$(session admin)
POST_COOKIE=$(session dn-lungcu)
[ -n "$ADMIN_COOKIE" ] && [ -n "$POST_COOKIE" ] || { echo "server.sh: sign-in failed" >&2; exit 1; }
ADMIN_TOKEN=$(token admin)
POST_TOKEN=$(token dn-lungcu)
LIST="/api/v1/patrols?year=2023&limit=50"
# The scoped list must differ from the administrator's: otherwise the
# bench would measure a scope that is not applied.
if [ "$(curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE$LIST" | md5sum)" = \
    "$(curl -fsS -H "Authorization: Bearer $POST_TOKEN" "$BASE$LIST" | md5sum)" ]; then
    echo "server.sh: the post editor's list is the administrator's" >&2
    exit 1
fi
# Read whole before searching: `grep -q` stops at the first match, and curl
# writing into the closed pipe fails the check under pipefail.
dashboard=$(curl -fsS -b "bp_session=$ADMIN_COOKIE" "$BASE/?year=2023")
grep -q "Tổng quan" <<< "$dashboard" ||
    { echo "server.sh: the dashboard is not the dashboard" >&2; exit 1; }

# The server's resident memory sampled every 0,2 s while loaded.
( while kill -0 "$SERVER_PID" 2>/dev/null; do
      kb_of "$SERVER_PID" VmRSS >>"$RUN/rss.samples"
      sleep 0.2
  done ) &
SAMPLER_PID=$!

# bench NAME URL [ab flags…]: 50 clients, keep-alive, 1 s warm-up then
# BENCH_SECONDS measured; prints "p50 p99 req/s" (ms, ms, 1/s).
bench() {
    local name=$1 url=$2
    shift 2
    ab -q -k -l -c "$CLIENTS" -t 1 -n 500000 "$@" "$url" >/dev/null 2>&1 || true
    ab -q -k -l -c "$CLIENTS" -t "$SECS" -n 500000 -e "$RUN/$name.csv" "$@" "$url" \
        >"$RUN/$name.ab" 2>&1 || { cat "$RUN/$name.ab" >&2; exit 1; }
    local failed non2xx
    failed=$(awk '/^Failed requests:/ { print $3 }' "$RUN/$name.ab")
    non2xx=$(awk '/^Non-2xx responses:/ { print $3 }' "$RUN/$name.ab")
    if [ "${failed:-0}" != 0 ] || [ -n "$non2xx" ]; then
        echo "server.sh: $name: $failed failed, ${non2xx:-0} not 2xx" >&2
        cat "$RUN/$name.ab" >&2
        exit 1
    fi
    local p50 p99 rate
    p50=$(awk -F, '$1 == "50" { print $2 }' "$RUN/$name.csv")
    p99=$(awk -F, '$1 == "99" { print $2 }' "$RUN/$name.csv")
    rate=$(awk '/^Requests per second:/ { print $4 }' "$RUN/$name.ab")
    echo "$p50 $p99 $rate"
}

declare -A P50 P99 RATE LOADAVG
run() {
    local out
    out=$(bench "$@")
    read -r P50[$1] P99[$1] RATE[$1] <<<"$out"
    LOADAVG[$1]=$(load)
    printf '  %-28s %8s req/s  p50 %6s ms  p99 %6s ms  (load %s)\n' "$1" \
        "$(vn "${RATE[$1]}" 0)" "$(vn "${P50[$1]}")" "$(vn "${P99[$1]}")" "${LOADAVG[$1]}" >&2
}
echo "server: $CLIENTS clients, ${SECS} s per scenario, $(nproc) CPUs, load $(load)" >&2
run static "$BASE/static/style.css"
run dashboard "$BASE/?year=2023" -C "bp_session=$ADMIN_COOKIE"
run patrols-admin "$BASE$LIST" -H "Authorization: Bearer $ADMIN_TOKEN"
run patrols-post "$BASE$LIST" -H "Authorization: Bearer $POST_TOKEN"
run patrols-post-page "$BASE/records/patrols?year=2023" -C "bp_session=$POST_COOKIE"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
LOAD_KB=$(sort -n "$RUN/rss.samples" | tail -1)
HWM_KB=$(kb_of "$SERVER_PID" VmHWM)
AFTER_KB=$(kb_of "$SERVER_PID" VmRSS)

# The anchor of memory: Python's http.server sending the same file.
mkdir -p "$RUN/static"
curl -fsS -o "$RUN/static/style.css" "$BASE/static/style.css"
PY_PORT=$(free_port)
python3 -m http.server "$PY_PORT" --bind 127.0.0.1 --directory "$RUN/static" \
    >/dev/null 2>&1 &
PY_PID=$!
wait_for "http://127.0.0.1:$PY_PORT/style.css"
sleep 2
PY_IDLE_KB=$(kb_of "$PY_PID" VmRSS)
run python-static "http://127.0.0.1:$PY_PORT/style.css"
PY_HWM_KB=$(kb_of "$PY_PID" VmHWM)

echo "server memory: idle $(vn "$(mb "$IDLE_KB")") MB; under load max VmRSS $(vn "$(mb "$LOAD_KB")") MB, VmHWM $(vn "$(mb "$HWM_KB")") MB, after $(vn "$(mb "$AFTER_KB")") MB; python http.server idle $(vn "$(mb "$PY_IDLE_KB")") MB, peak $(vn "$(mb "$PY_HWM_KB")") MB" >&2

ratio_line() { # what product-value unit anchor-name anchor-value target-text met
    local r
    r=$(awk -v a="$2" -v b="$5" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "RATIO $1 | product $(vn "$2") $3 | anchor $4 $(vn "$5") $3 | ratio $(vn "$r" 2)× | target $6 | $7"
}
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t ? "met" : "NOT met") }'; }
for s in dashboard patrols-admin patrols-post; do
    ratio_line "server p99 $s, $CLIENTS clients (load ${LOADAVG[$s]})" "${P99[$s]}" ms \
        "static-file-same-server" "${P99[static]}" "p99 < $TARGET_P99_MS ms" \
        "$(met "${P99[$s]}" "$TARGET_P99_MS")"
done
ratio_line "server memory idle (VmRSS)" "$(mb "$IDLE_KB")" MB "python-http.server" \
    "$(mb "$PY_IDLE_KB")" "< $TARGET_IDLE_MB MB" "$(met "$(mb "$IDLE_KB")" "$TARGET_IDLE_MB")"
ratio_line "server memory under load (VmHWM, $CLIENTS clients)" "$(mb "$HWM_KB")" MB \
    "python-http.server" "$(mb "$PY_HWM_KB")" "< $TARGET_LOAD_MB MB" \
    "$(met "$(mb "$HWM_KB")" "$TARGET_LOAD_MB")"
