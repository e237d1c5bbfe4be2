#!/usr/bin/env bash
# Times the map's coverage on a synthetic province-year (a dense province:
# 210.000 records, its markers placed) with generated patrol tracks, and
# attaching a track of 50.000 points. Not part of CI.
#   scripts/bench-geo.sh [WORKDIR]   (default /var/tmp/bienphong-bench-geo)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/var/tmp/bienphong-bench-geo}"
every="${BENCH_TRACK_EVERY:-8}"
cargo build --release --quiet -p bienphong --bin bienphong
bin="${CARGO_TARGET_DIR:-target}/release/bienphong"

if [ ! -s "$work/bienphong.sqlite" ]; then
  mkdir -p "$work"
  "$bin" --data "$work" demo --provinces 1 --years 1 --records-per-province-year 210000
fi
# The first run attaches a track to one in $every patrols with placed
# markers (later runs find them attached and add none), then times.
"$bin" --data "$work" bench geo --year 2024 --scope S001 --tracks "$every" --runs 5
