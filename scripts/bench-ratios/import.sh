#!/usr/bin/env bash
# Part of scripts/bench-ratios.sh (issue 21, items 2 and 4): a 200.000-row
# workbook (`bench sheet-file`) imported into a fresh copy of the demo store
# (`bench import`: rows per second and the process's peak resident memory,
# VmHWM), beside a plain SQLite insert of the same rows: Python's sqlite3,
# one transaction, `executemany` into tables of the product's columns (each
# record's JSON, its revision row, one row per force taking part), with the
# product's settings (WAL, synchronous = FULL). The anchor's rows are read
# from the revisions the product's import wrote, before its clock starts.
#
#   BIN=target/release/bienphong WORK=/var/tmp/bienphong-bench \
#     scripts/bench-ratios/import.sh
#   BENCH_ROWS (200000), BENCH_RUNS (3; the median is compared)
set -euo pipefail
: "${BIN:?the release binary}" "${WORK:?a work directory}"
ROWS="${BENCH_ROWS:-200000}"
RUNS="${BENCH_RUNS:-3}"
mkdir -p "$WORK"
if [ ! -e "$WORK/demo/bienphong.sqlite" ]; then
  "$BIN" --data "$WORK/demo" demo >/dev/null
fi
file="$WORK/patrols-$ROWS.xlsx"
if [ ! -e "$file" ]; then
  "$BIN" --data "$WORK/demo" bench sheet-file --rows "$ROWS" -o "$file.part"
  mv "$file.part" "$file"
fi
echo "workbook: $(du -h "$file" | cut -f1), $ROWS rows"

store="$WORK/import-store"
product=()
memory=()
for i in $(seq "$RUNS"); do
  rm -rf "$store"
  mkdir -p "$store"
  cp "$WORK/demo"/bienphong.sqlite* "$store"/
  line=$("$BIN" --data "$store" bench import "$file")
  echo "product run $i: $line (load $(cut -d' ' -f1-3 /proc/loadavg))"
  # "...; 9.9 s, 20202 rows/s; peak RSS 250000 kB"
  product+=("$(sed -E 's/.* ([0-9]+) rows\/s.*/\1/' <<<"$line")")
  memory+=("$(sed -E 's/.*peak RSS ([0-9]+) kB.*/\1/' <<<"$line")")
done

anchor=$(python3 - "$store/bienphong.sqlite" "$ROWS" "$RUNS" "$WORK/anchor.sqlite" <<'PY'
import json, os, resource, sqlite3, statistics, sys, time

source, rows, runs, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
src = sqlite3.connect(source)
# The import's revisions are the store's last ones.
revisions = src.execute(
    "SELECT id, record_id, record_type, parents, node_id, author, created_ms, deleted, content "
    "FROM revisions ORDER BY seq DESC LIMIT ?", (rows,)).fetchall()
src.close()
records, forces = [], []
for r in revisions:
    content = json.loads(r[8])
    records.append((r[1], r[2], r[0], content["date"], content["lead_unit"], r[8]))
    for p in content.get("participants", []):
        forces.append((r[1], p["force"], p["persons"]))

def once():
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.executescript("""
        CREATE TABLE revisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
            record_id TEXT NOT NULL, record_type TEXT NOT NULL, parents TEXT NOT NULL,
            node_id TEXT NOT NULL, author TEXT NOT NULL, created_ms INTEGER NOT NULL,
            deleted INTEGER NOT NULL, content TEXT NOT NULL);
        CREATE INDEX revisions_by_record ON revisions (record_id, seq);
        CREATE TABLE records (record_id TEXT PRIMARY KEY, record_type TEXT NOT NULL,
            revision_id TEXT NOT NULL, day TEXT, lead_unit TEXT, content TEXT NOT NULL);
        CREATE TABLE forces (record_id TEXT NOT NULL, force TEXT NOT NULL, persons INTEGER NOT NULL);
    """)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO revisions (id, record_id, record_type, parents, node_id, author, "
                   "created_ms, deleted, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", revisions)
    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", records)
    db.executemany("INSERT INTO forces VALUES (?, ?, ?)", forces)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds

times = [once() for _ in range(runs)]
for t in times:
    print(f"anchor run: {len(revisions)} rows in {t:.2f} s, {len(revisions) / t:.0f} rows/s", file=sys.stderr)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{len(revisions) / statistics.median(times):.0f} {peak_kb}")
PY
)
read -r anchor_rate anchor_kb <<<"$anchor"

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
vi_int() { sed -E ':a;s/^([0-9]+)([0-9]{3})/\1.\2/;ta' <<<"$1"; }
rate=$(median "${product[@]}")
peak_kb=$(median "${memory[@]}")
ratio=$(awk -v p="$rate" -v a="$anchor_rate" 'BEGIN {printf "%.2f", p / a}')
met() { if [ "$1" = 1 ]; then echo met; else echo "NOT met"; fi; }
speed_ok=$(awk -v p="$rate" -v a="$anchor_rate" 'BEGIN {print (p * 3 >= a && p >= 15000) ? 1 : 0}')
memory_ok=$(awk -v k="$peak_kb" 'BEGIN {print (k < 300 * 1024) ? 1 : 0}')
mb() { awk -v k="$1" 'BEGIN {printf "%d", k / 1024 + 0.5}'; }
mem_ratio=$(awk -v p="$peak_kb" -v a="$anchor_kb" 'BEGIN {printf "%.2f", p / a}')
echo "RATIO import of $(vi_int "$ROWS") rows, speed | product $(vi_int "$rate") rows/s | anchor sqlite3-executemany $(vi_int "$anchor_rate") rows/s | ratio ${ratio/./,}× | target ≥ 0,33× and ≥ 15.000 rows/s | $(met "$speed_ok")"
echo "RATIO import of $(vi_int "$ROWS") rows, peak memory | product $(mb "$peak_kb") MB | anchor sqlite3-executemany $(mb "$anchor_kb") MB | ratio ${mem_ratio/./,}× | target product < 300 MB | $(met "$memory_ok")"
rm -rf "$store" "$WORK/anchor.sqlite" "$WORK/anchor.sqlite-wal" "$WORK/anchor.sqlite-shm"
