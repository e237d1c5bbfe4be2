#!/usr/bin/env bash
# Import benchmark: 200.000 synthetic patrols of the demo's posts in one XLSX
# workbook, imported into a copy of the demo store (all new), then imported
# again (all unchanged). Prints rows per second and the peak resident memory
# of each import (VmHWM of the process).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/bienphong-target}"
ROWS="${BENCH_ROWS:-200000}"
cargo build --release -p bienphong
bin="$CARGO_TARGET_DIR/release/bienphong"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" --data "$work/store" demo >/dev/null
"$bin" --data "$work/store" bench sheet-file --rows "$ROWS" -o "$work/patrols.xlsx"
ls -l "$work/patrols.xlsx"
echo "== first import (all rows new)"
"$bin" --data "$work/store" bench import "$work/patrols.xlsx"
echo "== the same file again (nothing new)"
"$bin" --data "$work/store" bench import "$work/patrols.xlsx"
echo "== the CLI command itself, timed"
/usr/bin/time -v "$bin" --data "$work/store" import "$work/patrols.xlsx" 2> "$work/time.txt"
grep -E "Elapsed|Maximum resident" "$work/time.txt"
