#!/usr/bin/env python3
"""Side-by-side table of two bench.py runs: astrocloud and DaCHS.

    compare.py OURS.json [DACHS.json [OURS_MORE.json DACHS_MORE.json]]

The optional second pair are bench_more.py runs (latency percentiles over 1,000 random cones,
wrk throughput, TAP concurrency, upload cross-match, async round trip), compared the same way.

Without DACHS.json, DaCHS's figures are those measured with the same bench.py on this machine
kind (DaCHS 2.7, PostgreSQL 15 + q3c, 2,000,000 rows, idle machine; the anchor kit's
RESULTS.md), and the table says so. Prints Markdown; ratios are DaCHS time / our time
(or our throughput / DaCHS throughput), so higher is better for us.
"""
import json
import statistics
import sys

# Medians in ms (throughput in req/s) from the DaCHS anchor's RESULTS.md.
DOCUMENTED = {
    "SCS r=0.1 (median of 5 positions)": 14.5,
    "SCS r=1 (median of 5 positions)": 20.5,
    "TAP sync TOP 100000 * fmt=votable/b2": 866,
    "TAP sync TOP 100000 * fmt=votable/td": 1283,
    "TAP sync TOP 100000 * fmt=default": 761,
    "TAP sync TOP 100000 * fmt=csv": 1048,
    "TAP sync TOP 100000 * fmt=fits": 774,
    "TAP sync ADQL cone r=1 fmt=default": 60.5,
    "TAP sync ADQL cone r=0.1 fmt=default": 56.9,
    "TAP sync aggregate COUNT/AVG mag<15": 277,
    "TAP sync SELECT COUNT(*) (full table)": 167,
    "TAP async round trip (aggregate)": 2380,
    "TAP async round trip (TOP 1)": 2070,
    "SCS r=0.1, 1 client x 50": (59.2, 16),
    "SCS r=0.1, 8 clients x 25": (35.6, 229),
    "SCS r=0.1, 50 clients x 4": (32.9, 1346),
    "SCS r=1, 50 clients x 4": (29.6, 1605),
}


def figures(path):
    """label -> median ms, or (req/s, p50 ms) for concurrency rows."""
    data = json.load(open(path))
    out, scs = {}, {}
    for r in data["results"]:
        label, ms = r["label"], 1e3 * r["total_s"]["median"]
        if label.startswith("SCS RA="):
            radius = label.rsplit("SR=", 1)[1]
            scs.setdefault(radius, []).append(ms)
        else:
            out[label] = ms
    for radius, values in scs.items():
        out[f"SCS r={radius} (median of 5 positions)"] = statistics.median(values)
    for c in data.get("concurrency", []):
        clients = "1 client" if c["threads"] == 1 else f"{c['threads']} clients"
        label = f"SCS r={c['radius_deg']:g}, {clients} x {c['requests_per_batch'] // c['threads']}"
        out[label] = (c["rps"]["median"], 1e3 * c["latency_s"]["p50"])
    return out


def more_figures(path):
    """label -> ("ms", value) or ("rps", value) from a bench_more.py run."""
    data = json.load(open(path))
    out = {}
    for r in data.get("scs_latency", []):
        out[f"SCS {r['n']} random cones r={r['radius_deg']:g}: p50"] = ("ms", r["p50_ms"])
        out[f"SCS {r['n']} random cones r={r['radius_deg']:g}: p99"] = ("ms", r["p99_ms"])
    for r in data.get("scs_wrk") or []:
        if r and "rps" in r:
            out[f"SCS r={r['radius_deg']:g}, {r['clients']} keep-alive clients (wrk)"] = ("rps", r["rps"])
    if "tap_concurrency" in data:
        r = data["tap_concurrency"]
        out[f"TAP {r['threads']} clients, small ADQL cones"] = ("rps", r["qps"])
    if "tap_upload_xmatch" in data:
        r = data["tap_upload_xmatch"]
        out[f"TAP {r['uploaded']}-row upload cross-match at 1\" ({r.get('mode', 'sync')})"] = ("ms", r["median_ms"])
    if "tap_async" in data:
        out["TAP async round trip with WAIT (TOP 1)"] = ("ms", data["tap_async"]["median_ms"])
    return out


ours = figures(sys.argv[1])
live = len(sys.argv) > 2
theirs = figures(sys.argv[2]) if live else DOCUMENTED
print(f"DaCHS figures: {'measured in this run' if live else 'documented (anchor RESULTS.md, same machine kind)'}\n")
print("| measurement | astrocloud | DaCHS 2.7 | ratio |")
print("| --- | --- | --- | --- |")
for label in DOCUMENTED:
    if label not in ours or label not in theirs:
        continue
    a, b = ours[label], theirs[label]
    if isinstance(a, tuple):
        print(f"| {label} | {a[0]:.0f} req/s, p50 {a[1]:.1f} ms | {b[0]:.1f} req/s, p50 {b[1]:.0f} ms "
              f"| **{a[0] / b[0]:.0f}×** throughput |")
    else:
        print(f"| {label} | {a:.1f} ms | {b:.1f} ms | **{b / a:.1f}×** |")

if len(sys.argv) > 4:
    ours_more, theirs_more = more_figures(sys.argv[3]), more_figures(sys.argv[4])
    print()
    print()
    print("| measurement (bench_more.py) | astrocloud | DaCHS 2.7 | ratio |")
    print("| --- | --- | --- | --- |")
    for label, (kind, a) in ours_more.items():
        theirs_label = next((t for t in theirs_more if t.split(" (")[0] == label.split(" (")[0]), None)
        if theirs_label is None:
            continue
        b = theirs_more[theirs_label][1]
        if kind == "rps":
            print(f"| {label} | {a:.0f}/s | {b:.0f}/s | **{a / b:.1f}×** |")
        else:
            note = f" ({theirs_label.split(' (')[1]}" if "(" in theirs_label and theirs_label != label else ""
            print(f"| {label} | {a:.1f} ms | {b:.1f} ms{note} | **{b / a:.1f}×** |")
