#!/usr/bin/env bash
# Times initial syncs of field nodes against a served store, release build,
# real binaries on loopback: a post and the whole province of the Hà Giang
# demo, then a post and a whole province of a synthetic province-year
# (210.000 records by default). Prints, per sync, the CLI's own summary
# (revisions, bytes sent and received), the wall time and the node's peak
# resident memory. Not part of CI.
#   scripts/bench-sync.sh [WORKDIR]   (default /var/tmp/bienphong-bench-sync)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/var/tmp/bienphong-bench-sync}"
per_year="${BENCH_RECORDS_PER_PROVINCE_YEAR:-210000}"
cargo build --release --quiet -p bienphong
bin="${CARGO_TARGET_DIR:-target}/release/bienphong"
rm -rf "$work"
mkdir -p "$work"
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

serve() { # DATA PORT
  "$bin" --data "$1" serve --listen "127.0.0.1:$2" >"$1.serve.log" 2>&1 &
  servers+=("$!")
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$2/login" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "the server on port $2 did not start" >&2
  exit 1
}

initial_sync() { # SERVER_DATA PORT UNIT
  local node="$work/node-$3"
  local token
  token=$("$bin" --data "$1" token create --node --unit "$3" | tail -n 1)
  "$bin" --data "$node" node init --server "http://127.0.0.1:$2" --token "$token" >/dev/null
  /usr/bin/time -f "%e s, peak RSS %M KB" -o "$node.time" "$bin" --data "$node" sync >"$node.out"
  echo "$3: $(tail -n 1 "$node.out") — $(cat "$node.time")"
  echo "$3: a second sync with nothing new: $("$bin" --data "$node" sync | tail -n 1)"
}

echo "== Hà Giang demo"
"$bin" --data "$work/demo" demo >/dev/null
serve "$work/demo" 18481
initial_sync "$work/demo" 18481 BP-TUNGVAI
initial_sync "$work/demo" 18481 HG

echo "== synthetic province, one year of $per_year records"
/usr/bin/time -f "built in %e s, peak RSS %M KB" "$bin" --data "$work/province" demo \
  --provinces 1 --years 1 --records-per-province-year "$per_year" >/dev/null
serve "$work/province" 18482
initial_sync "$work/province" 18482 S001-BP01
initial_sync "$work/province" 18482 S001
