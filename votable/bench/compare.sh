#!/usr/bin/env bash
# Compares vo-votable with astropy and STILTS on the same benchmark table, in the same run.
#
#   votable/bench/compare.sh [ROWS]        (default 1000000)
#
# Environment: STILTS (default `stilts`), PYTHON (with astropy, default `python3`),
# CARGO_TARGET_DIR, VOTABLE_WORKSPACE (cargo workspace to build in, default the repository).
# Prints seconds, MB/s and rows/s per tool and operation, and how many times faster we are.
# STILTS times include JVM start-up (~0.5 s), which the table reports separately; its write time
# is (FITS → VOTable copy) − (FITS read).
set -euo pipefail

rows="${1:-1000000}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
STILTS="${STILTS:-stilts}"
PYTHON="${PYTHON:-python3}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

run_ours() {
  (cd "${VOTABLE_WORKSPACE:-$repo}" && cargo run -q --profile bench -p vo-votable --example bench_ops -- "$@")
}

echo "== generating $rows rows"
run_ours generate "$dir" "$rows"
td_mb=$(du -m --apparent-size "$dir/bench.td.vot" | cut -f1)
b2_mb=$(du -m --apparent-size "$dir/bench.bin2.vot" | cut -f1)

echo "== vo-votable (best of 3)"
run_ours time "$dir" "$rows" | tee "$dir/ours.txt"

echo "== astropy"
"$PYTHON" - "$dir" > "$dir/astropy.txt" <<'EOF'
import sys, time, io, warnings
from astropy.io.votable import parse
warnings.simplefilter("ignore")
d = sys.argv[1]
def timed(f):
    t = time.perf_counter(); r = f(); return time.perf_counter() - t, r
t_read_b2, vot = timed(lambda: parse(f"{d}/bench.bin2.vot"))
t_read_td, _ = timed(lambda: parse(f"{d}/bench.td.vot"))
table = vot.get_first_table()
def write(fmt):
    table.format = fmt
    out = io.BytesIO()
    vot.to_xml(out)
    return out
t_write_b2, _ = timed(lambda: write("binary2"))
t_write_td, _ = timed(lambda: write("tabledata"))
for op, t in [("write-binary2", t_write_b2), ("write-tabledata", t_write_td), ("read-binary2", t_read_b2), ("read-tabledata", t_read_td)]:
    print(op, f"{t:.4f}")
EOF
cat "$dir/astropy.txt"

echo "== STILTS"
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
"$STILTS" tcopy in="$dir/bench.bin2.vot" out="$dir/bench.fits" ofmt=fits > /dev/null 2>&1
t_jvm=$(seconds "$STILTS" tpipe in=":test:1" omode=count)
t_read_b2=$(seconds "$STILTS" tpipe in="$dir/bench.bin2.vot" ifmt=votable omode=count)
t_read_td=$(seconds "$STILTS" tpipe in="$dir/bench.td.vot" ifmt=votable omode=count)
t_fits=$(seconds "$STILTS" tpipe in="$dir/bench.fits" omode=count)
t_copy_b2=$(seconds "$STILTS" tcopy in="$dir/bench.fits" out=/dev/null ofmt="votable(format=BINARY2)")
t_copy_td=$(seconds "$STILTS" tcopy in="$dir/bench.fits" out=/dev/null ofmt="votable(format=TABLEDATA)")
{
  echo "write-binary2 $(echo "$t_copy_b2 - $t_fits + $t_jvm" | bc -l)"
  echo "write-tabledata $(echo "$t_copy_td - $t_fits + $t_jvm" | bc -l)"
  echo "read-binary2 $t_read_b2"
  echo "read-tabledata $t_read_td"
} > "$dir/stilts.txt"
cat "$dir/stilts.txt"
echo "   (JVM start-up alone: ${t_jvm}s, included in every STILTS figure)"

echo
echo "== summary ($rows rows; BINARY2 document ${b2_mb} MB, TABLEDATA ${td_mb} MB)"
"$PYTHON" - "$dir" "$rows" <<'EOF'
import sys
d, rows = sys.argv[1], int(sys.argv[2])
def load(name):
    return {l.split()[0]: l.split()[1:] for l in open(f"{d}/{name}.txt") if l.strip()}
ours, astropy, stilts = load("ours"), load("astropy"), load("stilts")
print(f"{'operation':16} {'ours s':>8} {'MB/s':>8} {'Mrows/s':>8} {'astropy s':>10} {'x astropy':>10} {'STILTS s':>9} {'x STILTS':>9}")
for op in ["write-binary2", "write-tabledata", "read-binary2", "read-tabledata"]:
    t, mb, _ = (float(x) for x in ours[op])
    ta, ts = float(astropy[op][0]), float(stilts[op][0])
    print(f"{op:16} {t:8.3f} {mb / t:8.0f} {rows / t / 1e6:8.2f} {ta:10.2f} {ta / t:10.1f} {ts:9.2f} {ts / t:9.1f}")
EOF
