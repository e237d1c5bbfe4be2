#!/usr/bin/env bash
# Issue 21 item 1, measured against its anchor: the annual review of 2024
# (Decree 09 cut-off) on the 5-million-record synthetic store, whole and for
# one province, beside DuckDB running the same aggregates over rows of the
# same shape (patrols with their force rows, cases with subjects and
# seizures), exported from that store into DuckDB native tables.
# Target: the review at least 4x faster than DuckDB and under 20 ms.
#   BIN=target/release/bienphong WORK=/var/tmp/bienphong-bench scripts/bench-ratios/annual.sh
# Part of scripts/bench-ratios.sh; prints one RATIO line per target.
set -euo pipefail
: "${BIN:?path to the release bienphong binary}" "${WORK:?work directory}"
here="$(cd "$(dirname "$0")" && pwd)"
duckdb_version=1.1.3
year=2024
# The Decree 09 year 2024.
from=2023-12-15 to=2024-12-14
province="${BENCH_PROVINCE_SCOPE:-S001}"
runs="${BENCH_RUNS:-7}"

mkdir -p "$WORK"
if [ ! -s "$WORK/national/bienphong.sqlite" ]; then
  "$BIN" --data "$WORK/national" demo --provinces 12 --years 2 --records-per-province-year 210000
fi
if [ ! -s "$WORK/demo/bienphong.sqlite" ]; then
  "$BIN" --data "$WORK/demo" demo
fi
if ! "$WORK/venv/bin/python" -c "import duckdb; assert duckdb.__version__ == '$duckdb_version'" 2>/dev/null; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet "duckdb==$duckdb_version"
fi
py="$WORK/venv/bin/python"

# The rows, exported once (remove $WORK/annual-anchor after rebuilding the store).
anchor="$WORK/annual-anchor"
store="$WORK/national/bienphong.sqlite"
mkdir -p "$anchor"
if [ ! -s "$anchor/rows.duckdb" ]; then
  # The product's first open migrates the store; export what it then holds.
  "$BIN" --data "$WORK/national" bench annual --year "$year" --runs 1 >/dev/null
  "$py" "$here/annual_anchor.py" export "$store" "$anchor/csv"
  "$py" "$here/annual_anchor.py" load "$anchor/csv" "$anchor/rows.duckdb"
  rm -rf "$anchor/csv"
fi

uptime
"$BIN" --data "$WORK/demo" bench annual --year 2023 --runs 20

median() { sed -nE 's/.*median ([0-9.]+) ms.*/\1/p'; }
patrols() { sed -nE 's/.*patrols ([0-9.]+)[;:].*/\1/p' | tr -d '.'; }
ratio_line() {
  local what=$1 product=$2 anchor=$3
  python3 - "$what" "$product" "$anchor" "$duckdb_version" <<'PY'
import sys
what, product, anchor, version = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
ratio = anchor / product
vn = lambda x, d: f"{x:.{d}f}".replace(".", ",")
met = "met" if ratio >= 4 and product < 20 else "NOT met"
print(f"RATIO {what} | product {vn(product, 1)} ms | anchor DuckDB {version} {vn(anchor, 1)} ms"
      f" | ratio {vn(ratio, 2)}× | target ≥ 4× DuckDB and < 20 ms | {met}")
PY
}

lines=()
for scope in "" "$province"; do
  args=() qargs=() label="annual review $year, whole store"
  if [ -n "$scope" ]; then
    args=(--scope "$scope") qargs=("$scope") label="annual review $year, one province ($scope)"
  fi
  product_out=$("$BIN" --data "$WORK/national" bench annual --year "$year" "${args[@]}" --runs "$runs")
  anchor_out=$("$py" "$here/annual_anchor.py" query "$anchor/rows.duckdb" "$from" "$to" "${qargs[@]}" 5)
  echo "product: $product_out"
  echo "anchor:  $anchor_out"
  p=$(echo "$product_out" | patrols) a=$(echo "$anchor_out" | sed -nE 's/.*: ([0-9]+) patrols.*/\1/p')
  [ "$p" = "$a" ] || echo "WARNING: the product counts $p patrols, DuckDB $a"
  lines+=("$(ratio_line "$label" "$(echo "$product_out" | median)" "$(echo "$anchor_out" | median)")")
  uptime
done
printf '%s\n' "${lines[@]}"
