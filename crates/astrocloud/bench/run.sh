#!/usr/bin/env bash
# The server benchmark: the DaCHS anchor catalogue (gen_catalogue.py, the same rows DaCHS loads)
# ingested and served by astrocloud, measured with the anchor's own client (bench.py: fresh
# connection per request, median of N, 50-client concurrency), then compared with DaCHS
# (compare.py): live, in the same run, when DACHS_BASE points at a running DaCHS anchor
# (see the anchor kit's setup.sh), else against DaCHS's figures measured on this machine kind.
#
#   crates/astrocloud/bench/run.sh                 # 2,000,000 rows, release build
#   ROWS=200000 PROFILE=dev crates/astrocloud/bench/run.sh
#   DACHS_BASE=http://127.0.0.1:8080 crates/astrocloud/bench/run.sh
#   BIN=/path/to/astrocloud crates/astrocloud/bench/run.sh   # a binary built already
#
# Loopback only. Writes to $OUT (default target dir/server-bench): results.json and more.json
# (ours), dachs.json and dachs-more.json (DaCHS), their logs, ingest.log, compare.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
ROWS="${ROWS:-2000000}"
PROFILE="${PROFILE:-release}"
REPS="${REPS:-7}"
PY="${PY:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
OUT="${OUT:-$CARGO_TARGET_DIR/server-bench}"
mkdir -p "$OUT"

source "$here/lib.sh"
astrocloud_binary "${BIN:-}"
bin="$BIN_PATH"

csv="$OUT/stars-$ROWS.csv"
[[ -s "$csv" ]] || "$PY" "$here/gen_catalogue.py" --rows "$ROWS" --out "$csv"

data="$OUT/data"
rm -rf "$data"
echo "== ingest $ROWS rows (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -v "$bin" --data-dir "$data" ingest --table anchor.stars --ra ra --dec dec \
  --meta "$here/anchor.toml" "$csv" >"$OUT/ingest.log" 2>"$OUT/ingest.time" || { cat "$OUT/ingest.log" "$OUT/ingest.time"; exit 1; }
tail -3 "$OUT/ingest.log"
grep -E "Elapsed|Maximum resident" "$OUT/ingest.time"

start_server "$bin" "$data" "$OUT/server.log"
pid=$SERVER_PID
url=$SERVER_URL
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
echo "== astrocloud at $url (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
"$PY" "$here/bench.py" --base "$url" --tap /tap --scs /scs/anchor.stars --table anchor.stars \
  --reps "$REPS" --out "$OUT/results.json" | tee "$OUT/bench.log"
"$PY" "$here/bench_more.py" --base "$url" --tap /tap --scs /scs/anchor.stars --table anchor.stars \
  --out "$OUT/more.json" | tee "$OUT/more.log"
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "server peak RSS: $((peak_kb / 1024)) MB"

dachs_json=""
if [[ -n "${DACHS_BASE:-}" ]]; then
  echo "== DaCHS at $DACHS_BASE (same run)"
  "$PY" "$here/bench.py" --base "$DACHS_BASE" --tap /tap --scs /anchor/q/cone/scs.xml --table anchor.stars \
    --reps "$REPS" --out "$OUT/dachs.json" | tee "$OUT/dachs.log"
  "$PY" "$here/bench_more.py" --base "$DACHS_BASE" --tap /tap --scs /anchor/q/cone/scs.xml --table anchor.stars \
    --out "$OUT/dachs-more.json" | tee "$OUT/dachs-more.log"
  dachs_json="$OUT/dachs.json $OUT/more.json $OUT/dachs-more.json"
fi
echo "== loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$here/compare.py" "$OUT/results.json" $dachs_json | tee "$OUT/compare.md"
