#!/usr/bin/env bash
# Query speed of two astrocloud builds (e.g. two Cargo profiles) on this machine in the same run:
# each binary ingests the DaCHS anchor CSV (timed), both serve it at once, and ab.py measures
# them in alternating rounds. Its table's ratio is A's speed as a multiple of B's (0.5: half).
#
#   crates/astrocloud/bench/profiles.sh A_BINARY B_BINARY [A_NAME B_NAME]
#
# Build the binaries first, each in a target dir of its own so that each build is clean and timed:
#   CARGO_TARGET_DIR=/tmp/t-release cargo build --release -p astrocloud --timings
#   CARGO_TARGET_DIR=/tmp/t-dist cargo build --profile dist -p astrocloud --timings
# ROWS (default 2,000,000) and PY as in run.sh. Writes to $OUT (default target dir/profile-bench).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
[[ $# -ge 2 ]] || { sed -n '2,11p' "$0"; exit 2; }
bins=("$(realpath "$1")" "$(realpath "$2")")
names="${3:-A},${4:-B}"
ROWS="${ROWS:-2000000}"
PY="${PY:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
OUT="${OUT:-$CARGO_TARGET_DIR/profile-bench}"
mkdir -p "$OUT"
source "$here/lib.sh"

csv="$OUT/stars-$ROWS.csv"
[[ -s "$csv" ]] || "$PY" "$here/gen_catalogue.py" --rows "$ROWS" --out "$csv"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
urls=()
for side in 0 1; do
  data="$OUT/data-$side"
  rm -rf "$data"
  /usr/bin/time -v "${bins[$side]}" --data-dir "$data" ingest --table anchor.stars --ra ra --dec dec \
    --meta "$here/anchor.toml" "$csv" >"$OUT/ingest-$side.log" 2>"$OUT/ingest-$side.time" \
    || { cat "$OUT/ingest-$side.log" "$OUT/ingest-$side.time"; exit 1; }
  echo "ingest by ${bins[$side]}: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/ingest-$side.time") wall"
done
for side in 0 1; do
  start_server "${bins[$side]}" "$OUT/data-$side" "$OUT/server-$side.log"
  pids+=("$SERVER_PID")
  urls+=("$SERVER_URL")
done
echo "== A ${bins[0]} at ${urls[0]}, B ${bins[1]} at ${urls[1]} (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
"$PY" "$here/ab.py" --a "${urls[0]}" --b "${urls[1]}" --names "$names" --out "$OUT/ab.json" | tee "$OUT/ab.md"
echo "== loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
