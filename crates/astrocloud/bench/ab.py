#!/usr/bin/env python3
"""Interleaved A/B benchmark of two TAP + SCS servers on the same data (two builds of
astrocloud: profiles.sh). Run one after the other, two servers drift apart with the machine
(page cache, other load, CPU frequency): the same binary measured first or second differed by
up to 1.5x here. So every measurement alternates: round k times A then B, round k+1 B then A,
and the medians over all rounds are compared.

    ab.py --a http://127.0.0.1:PORT_A --b http://127.0.0.1:PORT_B --names release,dist \
        --table anchor.stars --out ab.json

Single requests (a fresh connection each, bench.py's `fetch`): SCS cones, TAP sync TOP 100000 in
four formats, ADQL cones, an aggregate, COUNT(*), a 10,000-row upload cross-match. Throughput
(bench_more.py): wrk with 50 keep-alive SCS clients, 50 threads of small ADQL cones. Prints a
Markdown table whose ratio is A's speed as a multiple of B's (0.5: A takes twice as long).
Stdlib only, loopback only, every loop bounded.
"""
import argparse
import contextlib
import io
import json
import os
import statistics
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import bench_more  # noqa: E402


def request_cases(table, scs):
    """(label, fn(server) -> seconds) for the single-request measurements."""
    def scs_cone(ra, dec, radius):
        return lambda s: bench.fetch(s.base, scs, {"RA": ra, "DEC": dec, "SR": radius})[3]

    def tap(query, fmt=None, maxrec=None):
        def run(s):
            status, body, _, elapsed, _ = bench.tap_sync(s, query, fmt, maxrec)()
            assert status == 200, body[:300]
            return elapsed
        return run

    cases = [(f"SCS r={r:g} at RA={ra:g} DEC={dec:g}", scs_cone(ra, dec, r))
             for r in (0.1, 1.0) for ra, dec in bench.CONE_POSITIONS[:2]]
    top = f"SELECT TOP 100000 * FROM {table}"
    cases += [(f"TAP sync TOP 100000 * {fmt}", tap(top, fmt, 100000))
              for fmt in ("votable/b2", "votable/td", "csv", "fits")]
    for r in (0.1, 1.0):
        cone = f"SELECT * FROM {table} WHERE 1=CONTAINS(POINT('ICRS',ra,dec), CIRCLE('ICRS', 180, 0, {r:g}))"
        cases.append((f"TAP sync ADQL cone r={r:g}", tap(cone)))
    cases.append(("TAP sync COUNT/AVG WHERE mag<15",
                  tap(f"SELECT COUNT(*), AVG(phot_g_mean_mag) FROM {table} WHERE phot_g_mean_mag < 15")))
    cases.append(("TAP sync SELECT COUNT(*)", tap(f"SELECT COUNT(*) FROM {table}")))
    return cases


def upload_case(server, n=10000):
    """bench_more.py's cross-match: n catalogue positions uploaded inline, matched at 1 arcsec."""
    _, _, payload, headers = bench_more.xmatch_upload(server, n)

    def run(s):
        status, body, elapsed, _ = bench_more.request(s.base, "POST", s.tap + "/sync", body=payload, headers=headers)
        assert status == 200, body[:300]
        return elapsed
    return f"TAP {n}-row upload cross-match at 1\"", run


def throughput_cases(seconds):
    """(label, fn(server) -> per second) for the concurrent measurements; their output is hushed."""
    def hushed(fn):
        with contextlib.redirect_stdout(io.StringIO()):
            return fn()

    cases = []
    if bench_more.shutil_which("wrk"):
        cases.append(("SCS r=0.1, 50 keep-alive clients (wrk), req/s",
                      lambda s: hushed(lambda: bench_more.scs_wrk(s, 0.1, 50, seconds))["rps"]))
    else:
        print("wrk is not installed (Debian package wrk): the wrk row is not measured", flush=True)
    cases.append(("TAP 50 clients x 4 ADQL cones r=0.1, queries/s",
                  lambda s: hushed(lambda: bench_more.tap_concurrency(s, 50, 4, 0.1))["qps"]))
    return cases


def alternate(label, fn, a, b, rounds, per_round, scale):
    """Medians of fn over `rounds` rounds of `per_round` calls on each server, A and B taking
    turns to go first; one unrecorded warm-up call on each before."""
    fn(a), fn(b)
    samples = {"a": [], "b": []}
    for k in range(rounds):
        order = (("a", a), ("b", b)) if k % 2 == 0 else (("b", b), ("a", a))
        for side, server in order:
            samples[side] += [fn(server) for _ in range(per_round)]
    result = {"label": label, "a": statistics.median(samples["a"]), "b": statistics.median(samples["b"]),
              "n": len(samples["a"])}
    print(f"{label:52s} A {result['a'] * scale:9.2f}  B {result['b'] * scale:9.2f}", flush=True)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--names", default="A,B", help="two names, comma-separated (no comma inside a name)")
    ap.add_argument("--tap", default="/tap")
    ap.add_argument("--table", default="anchor.stars")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--per-round", type=int, default=3)
    ap.add_argument("--throughput-rounds", type=int, default=4)
    ap.add_argument("--wrk-seconds", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    name_a, name_b = args.names.split(",", 1)
    scs = f"/scs/{args.table}"
    a = SimpleNamespace(base=args.a, tap=args.tap, scs=scs, table=args.table)
    b = SimpleNamespace(base=args.b, tap=args.tap, scs=scs, table=args.table)

    print("medians: times in ms, throughput per second", flush=True)
    timed = request_cases(args.table, scs) + [upload_case(a)]
    times = [alternate(label, fn, a, b, args.rounds, args.per_round, 1e3) for label, fn in timed]
    rates = [alternate(label, fn, a, b, args.throughput_rounds, 1, 1)
             for label, fn in throughput_cases(args.wrk_seconds)]
    with open(args.out, "w") as f:
        json.dump({"names": [name_a, name_b], "times_s": times, "per_second": rates}, f, indent=1)

    print(f"\n| measurement | {name_a} | {name_b} | {name_a}'s speed as a multiple of {name_b}'s |")
    print("| --- | --- | --- | --- |")
    for r in times:
        print(f"| {r['label']} | {r['a'] * 1e3:.1f} ms | {r['b'] * 1e3:.1f} ms | **{r['b'] / r['a']:.2f}×** |")
    for r in rates:
        print(f"| {r['label']} | {r['a']:.0f} | {r['b']:.0f} | **{r['a'] / r['b']:.2f}×** |")


if __name__ == "__main__":
    main()
