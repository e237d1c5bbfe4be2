#!/usr/bin/env bash
# Runs schemathesis (from PyPI: pip install schemathesis) against the served
# OpenAPI document, once with an administrator's token and once with a
# commune reader's, over a fresh copy of the Hà Giang demo store. Not part
# of CI: it takes minutes and its findings are read by people.
#   scripts/schemathesis.sh [EXTRA SCHEMATHESIS OPTIONS]
# Environment: ST_EXAMPLES (examples per operation, default 20), ST_PORT
# (default 18090). The sync routes take zstd bodies and are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v schemathesis >/dev/null || { echo "pip install schemathesis" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q -p bienphong
bin="$CARGO_TARGET_DIR/debug/bienphong"
port="${ST_PORT:-18090}"
base="http://127.0.0.1:$port"
data=$(mktemp -d)
log="$data/serve.log"
"$bin" --data "$data" serve --demo --listen "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do grep -q "tài khoản xa-lungcu" "$log" && break; sleep 1; done

# A token of USER, made as that user would: signed in, then POST /api/v1/tokens.
token_of() {
  local user=$1 password jar csrf
  password=$(grep "tài khoản $user " "$log" | sed 's/.*mật khẩu: //')
  jar="$data/$user.cookies"
  curl -s -c "$jar" -o /dev/null -d "username=$user&password=$password&next=/" "$base/login"
  csrf=$(curl -s -b "$jar" "$base/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'content-type: application/json' \
    -d '{"name":"schemathesis"}' "$base/api/v1/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# A refusal that depends on stored data (a unit the store does not know, a
# record of another unit) is a 422 of the operation that documents it, a
# stale If-Match a 412: schemathesis takes them as answers to valid data
# only for the operations whose document lists them, nowhere else.
config="$data/schemathesis.toml"
curl -s "$base/api/v1/openapi.json" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
defaults = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
for path, ops in sorted(doc["paths"].items()):
    for method, op in sorted(ops.items()):
        # 422: refused for what the store holds; 412: a stale If-Match.
        listed = [s for s in ("412", "422") if s in op.get("responses", {})]
        expected = defaults + listed
        if listed:
            print("[[operations]]")
            print(f"include-name = \"{method.upper()} {path}\"")
            print("[operations.checks.positive_data_acceptance]")
            print(f"expected-statuses = {json.dumps(expected)}")
            print()
' >"$config"

status=0
for user in admin xa-lungcu; do
  echo "== schemathesis as $user"
  schemathesis --config-file "$config" run "$base/api/v1/openapi.json" \
    -H "Authorization: Bearer $(token_of "$user")" \
    --max-examples "${ST_EXAMPLES:-20}" --request-timeout 30 \
    --exclude-path-regex '/sync/' "$@" || status=$?
done
exit $status
