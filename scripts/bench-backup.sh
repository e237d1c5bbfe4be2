#!/usr/bin/env bash
# Times `bienphong backup` and `bienphong restore` on the synthetic store of
# about five million records (the one scripts/bench-annual.sh builds; built
# here if missing), and prints the sizes. Not part of CI.
#   scripts/bench-backup.sh [WORKDIR]   (default /var/tmp/bienphong-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/var/tmp/bienphong-bench}"
provinces="${BENCH_PROVINCES:-12}"
per_year="${BENCH_RECORDS_PER_PROVINCE_YEAR:-210000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/bienphong"

mkdir -p "$work"
if [ ! -s "$work/national/bienphong.sqlite" ]; then
  "$bin" --data "$work/national" demo --provinces "$provinces" --years 2 \
    --records-per-province-year "$per_year"
fi
"$bin" --data "$work/national" store check
du -b "$work/national/bienphong.sqlite"

backup="$work/national.bpbak"
rm -f "$backup"
rm -rf "$work/restored"
/usr/bin/time -f "backup: %e s elapsed, peak RSS %M KB" \
  "$bin" --lang en --data "$work/national" backup --to "$backup"
du -b "$backup"
/usr/bin/time -f "restore: %e s elapsed, peak RSS %M KB" \
  "$bin" --lang en --data "$work/restored" restore "$backup"
du -b "$work/restored/bienphong.sqlite"
rm -rf "$work/restored" "$backup"
