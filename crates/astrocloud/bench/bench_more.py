#!/usr/bin/env python3
"""The measurements the SCS and TAP issues ask for beyond the DaCHS anchor's bench.py, run with
the same client against any TAP + SCS server (ours or DaCHS), so the two can be compared.

    bench_more.py --base http://127.0.0.1:PORT --tap /tap --scs /scs/anchor.stars \
        --table anchor.stars --out more.json

Sections (stdlib only, loopback only, every loop bounded):
- scs-latency: p50/p99 whole-request latency of 1,000 cones at random positions (fixed seed,
  uniform on the sphere) for radii 0.01°, 0.1° and 1°, a fresh connection per request (like
  curl), with the mean number of rows returned;
- scs-wrk: throughput of 50 concurrent keep-alive clients (wrk, 2 threads, random positions from
  a Lua script) for 0.1° cones, with latency percentiles and the error count;
- tap-concurrency: 50 Python threads each sending small ADQL cone queries (0.1°) to /sync;
- tap-upload-xmatch: 10,000 catalogue positions uploaded as a VOTable and cross-matched with the
  table at 1″ (each position finds at least its own star);
- tap-async: create a job, start it, block with WAIT until it ends, fetch the result: the round
  trip a pyvo `run_async` makes, with the same requests for every server.
"""
import argparse
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse

SEED = 20261201


def connect(base):
    u = urllib.parse.urlsplit(base)
    assert u.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=600)


def request(base, method, path, params=None, body=None, headers=None):
    """(status, body bytes, seconds, response) on a fresh connection."""
    headers = dict(headers or {})
    headers["Connection"] = "close"
    if params is not None and method == "GET":
        path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
    elif params is not None:
        body = urllib.parse.urlencode(params).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    t0 = time.perf_counter()
    conn = connect(base)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return resp.status, data, elapsed, resp


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(math.ceil(q * len(values))) - 1)]


def positions(n, seed=SEED):
    rng = random.Random(seed)
    return [(360.0 * rng.random(), math.degrees(math.asin(2.0 * rng.random() - 1.0))) for _ in range(n)]


def scs_latency(a, n):
    out = []
    for radius in (0.01, 0.1, 1.0):
        times, sizes, errors = [], [], 0
        for ra, dec in positions(n):
            status, body, elapsed, _ = request(a.base, "GET", a.scs,
                                               {"RA": f"{ra:.6f}", "DEC": f"{dec:.6f}", "SR": radius})
            errors += status != 200
            times.append(elapsed)
            sizes.append(len(body))
        r = {"radius_deg": radius, "n": n, "errors": errors, "p50_ms": 1e3 * percentile(times, 0.5),
             "p99_ms": 1e3 * percentile(times, 0.99), "mean_bytes": statistics.mean(sizes)}
        print(f"SCS latency r={radius:<5} {n} cones: p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
              f"mean {r['mean_bytes']:9.0f} bytes  errors {errors}", flush=True)
        out.append(r)
    return out


WRK_SCRIPT = """
math.randomseed(%d)
request = function()
  local ra = 360 * math.random()
  local dec = math.deg(math.asin(2 * math.random() - 1))
  return wrk.format("GET", string.format("%s?RA=%%.6f&DEC=%%.6f&SR=%g", ra, dec))
end
"""


def scs_wrk(a, radius, clients, seconds):
    if not shutil_which("wrk"):
        print("scs-wrk: wrk is not installed (Debian package wrk); section not run", flush=True)
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % (SEED, a.scs, radius))
        script = f.name
    try:
        cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", script,
               a.base + a.scs]
        text = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script)
    r = {"radius_deg": radius, "clients": clients, "seconds": seconds, "raw": text}
    for line in text.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            r["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            r["p" + parts[0].rstrip("%")] = parts[1]
        elif "Non-2xx" in line:
            r["non_2xx"] = int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            r["socket_errors"] = line.strip()
    print(f"SCS wrk r={radius} {clients} clients {seconds}s: {r.get('rps', 0):8.1f} req/s  p50 {r.get('p50')}  "
          f"p99 {r.get('p99')}  non-2xx {r.get('non_2xx', 0)}  {r.get('socket_errors', '')}", flush=True)
    return r


def shutil_which(name):
    import shutil
    return shutil.which(name)


def tap_concurrency(a, threads, per_thread, radius):
    pos = positions(threads * per_thread, SEED + 1)
    latencies, errors, lock = [], [0], threading.Lock()

    def worker(t):
        for j in range(per_thread):
            ra, dec = pos[t * per_thread + j]
            query = (f"SELECT * FROM {a.table} WHERE 1=CONTAINS(POINT('ICRS', ra, dec), "
                     f"CIRCLE('ICRS', {ra:.6f}, {dec:.6f}, {radius}))")
            status, _, elapsed, _ = request(a.base, "POST", a.tap + "/sync",
                                            {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query})
            with lock:
                latencies.append(elapsed)
                errors[0] += status != 200

    ths = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    t0 = time.perf_counter()
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    wall = time.perf_counter() - t0
    r = {"threads": threads, "requests": len(latencies), "qps": len(latencies) / wall, "errors": errors[0],
         "p50_ms": 1e3 * percentile(latencies, 0.5), "p99_ms": 1e3 * percentile(latencies, 0.99)}
    print(f"TAP {threads} clients x {per_thread} ADQL cones r={radius}: {r['qps']:7.1f} queries/s  "
          f"p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  errors {errors[0]}", flush=True)
    return r


def votable_of(rows):
    lines = ['<?xml version="1.0"?>',
             '<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>',
             '<FIELD name="uid" datatype="long"/><FIELD name="ra" datatype="double" unit="deg"/>',
             '<FIELD name="dec" datatype="double" unit="deg"/><DATA><TABLEDATA>']
    lines += [f"<TR><TD>{i}</TD><TD>{ra!r}</TD><TD>{dec!r}</TD></TR>" for i, ra, dec in rows]
    lines.append("</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>")
    return "\n".join(lines).encode()


def xmatch_upload(a, n):
    """The cross-match request: n catalogue positions (the first n by source_id of a fixed
    subset, the same for every server) as an inline VOTable upload, matched with the table at
    1 arcsec. Returns (rows uploaded, upload bytes, multipart body, headers)."""
    status, body, _, _ = request(a.base, "POST", a.tap + "/sync", {
        "REQUEST": "doQuery", "LANG": "ADQL", "RESPONSEFORMAT": "csv", "MAXREC": str(n),
        "QUERY": f"SELECT TOP {n} source_id, ra, dec FROM {a.table} WHERE phot_g_mean_mag < 20 ORDER BY source_id"})
    assert status == 200, body[:500]
    rows = [line.split(",") for line in body.decode().strip().splitlines()[1:]]
    upload = votable_of((int(r[0]), float(r[1]), float(r[2])) for r in rows)
    query = (f"SELECT u.uid, s.source_id FROM TAP_UPLOAD.mine AS u JOIN {a.table} AS s "
             "ON 1=CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', u.ra, u.dec, 1.0/3600))")
    boundary = "astrocloud-bench-boundary"
    fields = {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "UPLOAD": "mine,param:mine",
              "RESPONSEFORMAT": "csv", "MAXREC": str(10 * n)}
    parts = []
    for k, v in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"mine\"; filename=\"mine.vot\"\r\n"
                 "Content-Type: application/x-votable+xml\r\n\r\n".encode() + upload + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    payload = b"".join(parts)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return rows, upload, payload, headers


def tap_upload_xmatch(a, n, reps):
    rows, upload, payload, headers = xmatch_upload(a, n)
    # DaCHS refuses uploads to /sync ("Would only accept 0 bytes of upload here"): such a server
    # is measured through /async, with the same multipart body, as its users must.
    status, body, _, _ = request(a.base, "POST", a.tap + "/sync", body=payload, headers=headers)
    mode = "sync" if status == 200 else "async"
    times, matched = [], None
    for _ in range(reps + 1):  # the first is a warm-up
        if mode == "sync":
            status, body, elapsed, _ = request(a.base, "POST", a.tap + "/sync", body=payload, headers=headers)
        else:
            status, body, elapsed = async_job(a, payload, headers)
        assert status == 200, body[:500]
        times.append(elapsed)
        matched = len(body.decode().strip().splitlines()) - 1
    times = times[1:]
    r = {"mode": mode, "uploaded": len(rows), "upload_bytes": len(upload), "matched_rows": matched,
         "median_ms": 1e3 * statistics.median(times), "min_ms": 1e3 * min(times)}
    print(f"TAP upload cross-match {len(rows)} positions at 1\" ({mode}): median {r['median_ms']:8.1f} ms "
          f"(min {r['min_ms']:.1f}), {matched} rows", flush=True)
    return r


def async_job(a, payload, headers):
    """Creates a job from a multipart body, runs it, blocks until it ends, fetches the result:
    (status of the result, result bytes, seconds from creation to the last result byte)."""
    t0 = time.perf_counter()
    status, body, _, resp = request(a.base, "POST", a.tap + "/async", body=payload, headers=headers)
    location = resp.getheader("Location")
    assert status == 303 and location, (status, body[:300])
    job = urllib.parse.urlsplit(location).path
    request(a.base, "POST", job + "/phase", {"PHASE": "RUN"})
    phase, deadline = "", time.perf_counter() + 600
    while phase not in ("COMPLETED", "ERROR", "ABORTED") and time.perf_counter() < deadline:
        request(a.base, "GET", job, {"WAIT": "30"})
        phase = request(a.base, "GET", job + "/phase")[1].decode().strip()
    assert phase == "COMPLETED", phase
    status, body, _, _ = request(a.base, "GET", job + "/results/result")
    elapsed = time.perf_counter() - t0
    request(a.base, "POST", job, {"ACTION": "DELETE"})
    return status, body, elapsed


def tap_async(a, reps):
    query = f"SELECT TOP 1 * FROM {a.table}"
    times = []
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        status, _, _, resp = request(a.base, "POST", a.tap + "/async",
                                     {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query})
        location = resp.getheader("Location")
        assert status == 303 and location, status
        job = urllib.parse.urlsplit(location).path
        request(a.base, "POST", job + "/phase", {"PHASE": "RUN"})
        phase, deadline = "", time.perf_counter() + 120
        while phase not in ("COMPLETED", "ERROR", "ABORTED") and time.perf_counter() < deadline:
            # UWS 1.1 blocking: the server answers as soon as the job leaves the given phase.
            request(a.base, "GET", job, {"WAIT": "30"})
            phase = request(a.base, "GET", job + "/phase")[1].decode().strip()
        assert phase == "COMPLETED", phase
        status, _, _, _ = request(a.base, "GET", job + "/results/result")
        assert status == 200
        times.append(time.perf_counter() - t0)
        request(a.base, "POST", job, {"ACTION": "DELETE"})
    times = times[1:]
    r = {"median_ms": 1e3 * statistics.median(times), "min_ms": 1e3 * min(times), "max_ms": 1e3 * max(times)}
    print(f"TAP async round trip with WAIT (TOP 1): median {r['median_ms']:8.1f} ms (min {r['min_ms']:.1f}, "
          f"max {r['max_ms']:.1f})", flush=True)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--tap", default="/tap")
    ap.add_argument("--scs", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--cones", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--wrk-seconds", type=int, default=15)
    ap.add_argument("--skip", default="", help="comma list: scs-latency,scs-wrk,tap-concurrency,tap-upload-xmatch,tap-async")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    skip = set(a.skip.split(","))
    res = {"base": a.base, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if "scs-latency" not in skip:
        res["scs_latency"] = scs_latency(a, a.cones)
    if "scs-wrk" not in skip:
        res["scs_wrk"] = [scs_wrk(a, 0.1, 50, a.wrk_seconds), scs_wrk(a, 1.0, 50, a.wrk_seconds)]
    if "tap-concurrency" not in skip:
        res["tap_concurrency"] = tap_concurrency(a, 50, 4, 0.1)
    if "tap-upload-xmatch" not in skip:
        res["tap_upload_xmatch"] = tap_upload_xmatch(a, 10_000, a.reps)
    if "tap-async" not in skip:
        res["tap_async"] = tap_async(a, a.reps)
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
