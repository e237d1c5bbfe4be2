"""The DuckDB anchor of the annual review (scripts/bench-ratios/annual.sh).

export STORE CSV_DIR  -- the store's live patrols (with their force rows) and
                         cases (with subjects and seizures) as CSV, read with
                         sqlite3 from current_records; the province of each
                         leading unit from the parent links.
load CSV_DIR DB       -- into DuckDB native tables.
query DB FROM TO [PROVINCE] RUNS
                      -- the review's aggregates over the rows dated FROM..TO
                         (per leading unit: patrols by kind, persons by force,
                         cases and subjects by type, seizures by item), with
                         threads=2; prints the median in ms.
"""
import csv
import os
import sqlite3
import statistics
import sys
import time


def provinces(db):
    """unit -> the province above it (by military or civil parent links)."""
    kind = {}
    for code, k in db.execute(
        "SELECT json_extract(content, '$.code'), json_extract(content, '$.kind') "
        "FROM current_records WHERE record_type = 'unit'"
    ):
        kind[code] = k
    parent = {}
    for frm, to in db.execute(
        "SELECT json_extract(content, '$.from'), json_extract(content, '$.to') "
        "FROM current_records WHERE record_type = 'link' "
        "AND json_extract(content, '$.kind') IN ('military_parent', 'civil_parent')"
    ):
        parent.setdefault(to, frm)
    out = {}
    for code in kind:
        at, seen = code, set()
        while at is not None and kind.get(at) != "province" and at not in seen:
            seen.add(at)
            at = parent.get(at)
        out[code] = at if kind.get(at) == "province" else ""
    return out


def export(store, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    prov = provinces(db)
    queries = {
        "patrols": (
            "SELECT record_id, json_extract(content, '$.date'), json_extract(content, '$.lead_unit'), "
            "json_extract(content, '$.kind') FROM current_records WHERE record_type = 'patrol'",
            ["id", "day", "lead", "province", "kind"],
        ),
        "forces": (
            "SELECT c.record_id, json_extract(c.content, '$.date'), json_extract(c.content, '$.lead_unit'), "
            "json_extract(f.value, '$.force'), json_extract(f.value, '$.persons') "
            "FROM current_records c, json_each(c.content, '$.participants') f "
            "WHERE c.record_type = 'patrol'",
            ["id", "day", "lead", "province", "force", "persons"],
        ),
        "cases": (
            "SELECT record_id, json_extract(content, '$.date'), json_extract(content, '$.handling_unit'), "
            "json_extract(content, '$.case_type'), json_extract(content, '$.subjects') "
            "FROM current_records WHERE record_type = 'case'",
            ["id", "day", "lead", "province", "case_type", "subjects"],
        ),
        "seizures": (
            "SELECT c.record_id, json_extract(c.content, '$.date'), json_extract(c.content, '$.handling_unit'), "
            "json_extract(s.value, '$.item'), json_extract(s.value, '$.quantity') "
            "FROM current_records c, json_each(c.content, '$.seizures') s "
            "WHERE c.record_type = 'case'",
            ["id", "day", "lead", "province", "item", "quantity"],
        ),
    }
    for name, (sql, header) in queries.items():
        tmp = os.path.join(out_dir, f"{name}.csv.part")
        n = 0
        with open(tmp, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for row in db.execute(sql):
                w.writerow((row[0], row[1], row[2], prov.get(row[2], ""), *row[3:]))
                n += 1
        os.replace(tmp, os.path.join(out_dir, f"{name}.csv"))
        print(f"exported {n} {name}")


def load(csv_dir, path):
    import duckdb

    tmp = path + ".part"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = duckdb.connect(tmp)
    types = {
        "patrols": "id VARCHAR, day DATE, lead VARCHAR, province VARCHAR, kind VARCHAR",
        "forces": "id VARCHAR, day DATE, lead VARCHAR, province VARCHAR, force VARCHAR, persons INTEGER",
        "cases": "id VARCHAR, day DATE, lead VARCHAR, province VARCHAR, case_type VARCHAR, subjects INTEGER",
        "seizures": "id VARCHAR, day DATE, lead VARCHAR, province VARCHAR, item VARCHAR, quantity DECIMAL(18,6)",
    }
    for name, cols in types.items():
        columns = ", ".join(
            f"'{c.split()[0]}': '{' '.join(c.split()[1:])}'" for c in cols.split(", ")
        )
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csv_dir}/{name}.csv', "
            f"header = true, columns = {{{columns}}})"
        )
        print(f"loaded {con.execute(f'SELECT count(*) FROM {name}').fetchone()[0]} {name}")
    con.close()
    os.replace(tmp, path)


QUERIES = [
    "SELECT lead, kind, count(*) FROM patrols WHERE day BETWEEN $1::DATE AND $2::DATE {p} GROUP BY ALL",
    "SELECT lead, force, sum(persons) FROM forces WHERE day BETWEEN $1::DATE AND $2::DATE {p} GROUP BY ALL",
    "SELECT lead, case_type, count(*), sum(subjects) FROM cases WHERE day BETWEEN $1::DATE AND $2::DATE {p} GROUP BY ALL",
    "SELECT lead, item, sum(quantity) FROM seizures WHERE day BETWEEN $1::DATE AND $2::DATE {p} GROUP BY ALL",
]


def query(path, start, end, province, runs):
    import duckdb

    con = duckdb.connect(path, read_only=True)
    con.execute("SET threads = 2")
    params = [start, end] + ([province] if province else [])
    p = "AND province = $3" if province else ""
    times, patrols = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        results = [con.execute(q.format(p=p), params).fetchall() for q in QUERIES]
        times.append((time.perf_counter() - t) * 1000)
        patrols = sum(r[2] for r in results[0])
    print(f"duckdb {duckdb.__version__}: {patrols} patrols; median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}) over {runs} runs")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "export":
        export(sys.argv[2], sys.argv[3])
    elif cmd == "load":
        load(sys.argv[2], sys.argv[3])
    elif cmd == "query":
        args = sys.argv[2:]
        runs = int(args[-1])
        province = args[3] if len(args) == 5 else None
        query(args[0], args[1], args[2], province, runs)
    else:
        sys.exit(f"unknown command {cmd}")
