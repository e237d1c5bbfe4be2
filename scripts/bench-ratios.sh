#!/usr/bin/env bash
# The product beside its anchors, in one run, with ratios (issue 21):
#   - the annual review of the 5-million-record store beside DuckDB over the
#     same rows in native tables (scripts/bench-ratios/annual.sh);
#   - a 200.000-row workbook import beside a plain SQLite insert of the same
#     rows in one transaction (scripts/bench-ratios/import.sh);
#   - the server's memory and its p99 at 50 clients beside a static file
#     (scripts/bench-ratios/server.sh).
# Each part prints lines starting with "RATIO"; they are gathered into one
# table at the end (also written to WORK/ratios.txt).
#
#   scripts/bench-ratios.sh [WORK]        (default /var/tmp/bienphong-bench)
#   BENCH_PARTS="annual import server"    the parts to run, in this order
#
# Not part of CI. The first run builds the 5-million-record store (about
# three minutes) and a Python venv with the pinned anchors (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
export WORK="${1:-/var/tmp/bienphong-bench}"
mkdir -p "$WORK"
cargo build --release --quiet -p bienphong
export BIN="$CARGO_TARGET_DIR/release/bienphong"
[ "${BIN:0:1}" = / ] || BIN="$PWD/$BIN"

out="$WORK/ratios.txt"
: > "$out.run"
echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%d/%m/%Y)" | tee -a "$out.run"
echo "product: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $("$BIN" --version)" | tee -a "$out.run"
for part in ${BENCH_PARTS:-annual import server}; do
  echo "== $part" | tee -a "$out.run"
  bash "scripts/bench-ratios/$part.sh" 2>&1 | tee -a "$out.run"
done

{
  echo
  echo "== ratios ($(date -u +%d/%m/%Y), load after: $(cut -d' ' -f1-3 /proc/loadavg))"
  grep '^RATIO' "$out.run" | sed 's/^RATIO //'
} | tee "$out"
! grep -q '^RATIO.*| NOT met$' "$out.run"
