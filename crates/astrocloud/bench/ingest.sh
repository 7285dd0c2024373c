#!/usr/bin/env bash
# The ingest benchmark: `astrocloud ingest` of the DaCHS anchor catalogue CSV (gen_catalogue.py,
# the 7-column file DaCHS's `dachs imp` loads in about 3.5 minutes for 2,000,000 rows) at several
# sizes, each under /usr/bin/time -v: wall time, rows/s, CPU time and peak RSS. Reading and
# indexing stream; the HEALPix sort holds rows in memory up to IngestOptions::sort_memory
# (512 MiB) and spills to disk beyond, so the peak RSS grows with the rows only until that cap.
#
#   crates/astrocloud/bench/ingest.sh                          # release build, 1M and 2M rows
#   PROFILE=dev crates/astrocloud/bench/ingest.sh              # the dev-profile build
#   crates/astrocloud/bench/ingest.sh "$CARGO_TARGET_DIR/debug/astrocloud"   # a binary built already
#   ROWS="1000000" crates/astrocloud/bench/ingest.sh BINARY
#
# Files go to $OUT (default target dir/ingest-bench): the generated CSVs (kept, they are slow to
# make), and per size the ingest's output (ingest-N.log) and /usr/bin/time's report
# (ingest-N.time). The data dir of each run is removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
ROWS="${ROWS:-1000000 2000000}"
PROFILE="${PROFILE:-release}"
PY="${PY:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
OUT="${OUT:-$CARGO_TARGET_DIR/ingest-bench}"
mkdir -p "$OUT"

source "$here/lib.sh"
astrocloud_binary "${1:-}"
bin="$BIN_PATH"
[[ -x "$bin" ]] || { echo "no astrocloud binary at $bin" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }

# "h:mm:ss" or "m:ss.ss" (GNU time's elapsed format) to seconds.
to_seconds() {
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"
}

echo "binary: $bin"
echo "cores: $(nproc), loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%10s %9s %11s %9s %13s %9s\n' rows seconds rows/s "CPU s" "peak RSS MB" "CSV MB"
for rows in $ROWS; do
  csv="$OUT/stars-$rows.csv"
  [[ -s "$csv" ]] || "$PY" "$here/gen_catalogue.py" --rows "$rows" --out "$csv" >/dev/null
  data="$OUT/data-$rows"
  rm -rf "$data"
  if ! /usr/bin/time -v "$bin" --data-dir "$data" ingest --table anchor.stars --ra ra --dec dec \
    --meta "$here/anchor.toml" "$csv" >"$OUT/ingest-$rows.log" 2>"$OUT/ingest-$rows.time"; then
    cat "$OUT/ingest-$rows.log" "$OUT/ingest-$rows.time" >&2
    exit 1
  fi
  grep -q "ingested anchor.stars: $rows rows" "$OUT/ingest-$rows.log" || {
    echo "the ingest did not report $rows rows:" >&2
    cat "$OUT/ingest-$rows.log" >&2
    exit 1
  }
  seconds=$(to_seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/ingest-$rows.time")")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$OUT/ingest-$rows.time")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/ingest-$rows.time")
  csv_mb=$(( $(stat -c %s "$csv") / 1048576 ))
  awk -v r="$rows" -v s="$seconds" -v u="$cpu" -v k="$rss_kb" -v c="$csv_mb" \
    'BEGIN { printf "%10d %9.1f %11.0f %9.1f %13.0f %9d\n", r, s, r / s, u, k / 1024, c }'
  rm -rf "$data"
done
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(seconds: wall clock of the whole process, start-up and commit included; CPU s: user + system,"
echo " which other work on a shared machine does not inflate; logs in $OUT)"
