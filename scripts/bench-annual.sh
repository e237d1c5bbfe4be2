#!/usr/bin/env bash
# Times the annual review on the demo store and on a synthetic store of about
# five million records. Not part of CI: building the large store takes a while.
#   scripts/bench-annual.sh [WORKDIR]   (default /var/tmp/bienphong-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/var/tmp/bienphong-bench}"
provinces="${BENCH_PROVINCES:-12}"
per_year="${BENCH_RECORDS_PER_PROVINCE_YEAR:-210000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/bienphong"

mkdir -p "$work"
if [ ! -s "$work/demo/bienphong.sqlite" ]; then
  "$bin" --data "$work/demo" demo
fi
"$bin" --data "$work/demo" bench annual --year 2023 --runs 20
"$bin" --data "$work/demo" bench annual --year 2023 --scope BP-LUNGCU --runs 20

if [ ! -s "$work/national/bienphong.sqlite" ]; then
  /usr/bin/time -v "$bin" --data "$work/national" demo --provinces "$provinces" --years 2 \
    --records-per-province-year "$per_year" 2> "$work/national-build.time"
  grep -E "Elapsed|Maximum resident" "$work/national-build.time"
fi
ls -l "$work/national/"
"$bin" --data "$work/national" bench annual --year 2024 --runs 5
"$bin" --data "$work/national" bench annual --year 2024 --scope "${BENCH_PROVINCE_SCOPE:-S001}" --runs 5

# The same on PostgreSQL, side by side, when BENCH_PG names an empty database
# (e.g. postgres://postgres@127.0.0.1:5432/bienphong_bench).
if [ -n "${BENCH_PG:-}" ]; then
  "$bin" --data "$work/national" store copy --to "$BENCH_PG"
  psql "$BENCH_PG" -qc 'VACUUM ANALYZE'
  for db in "" "--database $BENCH_PG"; do
    # shellcheck disable=SC2086
    "$bin" --data "$work/national" $db bench annual --year 2024 --runs 5
    # shellcheck disable=SC2086
    "$bin" --data "$work/national" $db bench annual --year 2024 --scope "${BENCH_PROVINCE_SCOPE:-S001}" --runs 5
  done
  diff <("$bin" --data "$work/national" report annual --year 2024 --format json) \
       <("$bin" --database "$BENCH_PG" report annual --year 2024 --format json) && echo "reports identical"
fi
