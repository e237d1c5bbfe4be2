#!/usr/bin/env bash
# Load benchmark of the server on loopback: throughput and p50/p90/p99/max
# latency of the dashboard page and of the patrol list API, with 50
# concurrent clients, over a copy of the Hà Giang demo store. Not part of CI.
#   scripts/bench-server.sh [SCENARIO-FILTER]
# Environment: BENCH_SECONDS (10), BENCH_CLIENTS (50), BENCH_WARMUP (2),
# BENCH_REQUESTS (a request count instead of a duration), BENCH_GZIP=1,
# BENCH_TARGET_P99_MS (50). See crates/web/benches/load.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# The figures mean little while something else keeps the CPUs busy.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" >&2
cargo bench -p bienphong-web --bench load -- "$@"
