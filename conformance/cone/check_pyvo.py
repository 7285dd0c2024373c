"""Simple Cone Search through pyvo and plain HTTP, compared with a brute-force answer computed
here from the whole table (fetched over TAP).

    python check_pyvo.py BASE_URL OUT_DIR

Checks: pyvo `SCSService.search` for several cones (rows equal brute force), VERB=1/2/3 column
sets, SR=0 (the metadata query: columns, no rows), cones across RA=0 and at the poles, the SCS
error form for bad input (pyvo raises DALQueryError), the VOSI capabilities, and the /multi
extension over plain HTTP (a CSV of positions taken from the table, each matching its own star). VOTables it fetched are saved in OUT_DIR for votlint.
Prints one line per failure and exits 1 if there is any.
"""

import io
import sys
import warnings
from pathlib import Path

import numpy as np
import pyvo
import requests
from astropy.io.votable import parse

warnings.simplefilter("ignore")

BASE = sys.argv[1].rstrip("/")
OUT = Path(sys.argv[2])
OUT.mkdir(parents=True, exist_ok=True)
SCS = f"{BASE}/scs/demo.stars"
FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("FAIL", message)


def check(condition, message):
    if not condition:
        fail(message)
    return condition


def separation(ra0, dec0, ra, dec):
    ra0, dec0, ra, dec = map(np.radians, (ra0, dec0, ra, dec))
    h = np.sin((dec - dec0) / 2) ** 2 + np.cos(dec) * np.cos(dec0) * np.sin((ra - ra0) / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(h, 0, 1))))


tap = pyvo.dal.TAPService(f"{BASE}/tap")
total = int(tap.search("SELECT COUNT(*) AS n FROM demo.stars").to_table()["n"][0])
full = tap.search("SELECT source_id, ra, dec FROM demo.stars", maxrec=total + 1).to_table()
ids = np.asarray(full["source_id"], dtype=np.int64)
ra = np.asarray(full["ra"], dtype=float)
dec = np.asarray(full["dec"], dtype=float)

service = pyvo.dal.SCSService(SCS)
cones = [(180.0, 0.0, 5.0), (0.0, 0.0, 7.0), (359.5, -10.0, 6.0), (45.0, 89.5, 5.0), (200.0, -88.0, 4.0),
         (123.4, 45.6, 9.0)]
nonempty = 0
for ra0, dec0, r in cones:
    result = service.search(pos=(ra0, dec0), radius=r).to_table()
    got = set(int(x) for x in result["source_id"])
    d = separation(ra0, dec0, ra, dec)
    edge = np.abs(d - r) < 1e-9
    want = set(int(x) for x in ids[(d <= r) & ~edge])
    got -= set(int(x) for x in ids[edge])
    check(got == want, f"cone {ra0},{dec0},{r}: {len(got)} rows, brute force {len(want)}")
    nonempty += bool(want)
check(nonempty >= 4, f"only {nonempty} test cones hold stars: the comparison is vacuous")

# SR=0 is the SCS 1.03 metadata query: no error, the columns, and no rows, even centred exactly
# on a star (which a zero-radius cone would contain)
star = full[0]
result = service.search(pos=(float(star["ra"]), float(star["dec"])), radius=0).to_table()
check(len(result) == 0, f"SR=0: {len(result)} rows, the metadata query has none")
check({"source_id", "ra", "dec", "_r"} <= set(result.colnames), f"SR=0: columns missing from {result.colnames}")

# VERB: 1 is a subset of 2, which is a subset of 3; all hold the main id and position
columns = {}
for verb in (1, 2, 3):
    response = requests.get(SCS, params={"RA": 180, "DEC": 0, "SR": 1, "VERB": verb}, timeout=60)
    (OUT / f"verb{verb}.vot").write_bytes(response.content)
    table = parse(io.BytesIO(response.content)).get_first_table()
    columns[verb] = [f.name for f in table.fields]
    ucds = [f.ucd for f in table.fields]
    # SCS 1.03 §2: exactly one FIELD each with these UCD1 names (pyvo's record.pos and
    # record.id look them up by exactly these names).
    for ucd in ("ID_MAIN", "POS_EQ_RA_MAIN", "POS_EQ_DEC_MAIN"):
        check(ucds.count(ucd) == 1, f"VERB={verb}: {ucds.count(ucd)} columns with UCD {ucd}")
    check(any(u and u.startswith("phot.") for u in ucds) or verb == 1, f"VERB={verb}: other columns lost their UCD1+ UCDs: {ucds}")
check(set(columns[1]) <= set(columns[2]) <= set(columns[3]), f"VERB column sets not nested: {columns}")
check(len(columns[1]) < len(columns[3]), "VERB=1 and VERB=3 give the same columns")

# pyvo's SCS records find the position and identifier through the SCS UCDs
records = service.search(pos=(180.0, 0.0), radius=5.0)
first = records[0]
check(abs(first.pos.ra.deg - float(first["ra"])) < 1e-9 and abs(first.pos.dec.deg - float(first["dec"])) < 1e-9,
      f"pyvo record.pos {first.pos} differs from the ra/dec columns")
check(str(first.id) == str(first["source_id"]), f"pyvo record.id {first.id!r} is not the source_id")

# errors in the SCS form: a VOTable with INFO name="Error", which pyvo raises as DALQueryError
for name, params in [("missing-ra", {"DEC": 0, "SR": 1}), ("bad-dec", {"RA": 10, "DEC": 95, "SR": 1}),
                     ("bad-sr", {"RA": 10, "DEC": 0, "SR": "wide"}), ("negative-sr", {"RA": 10, "DEC": 0, "SR": -1})]:
    response = requests.get(SCS, params=params, timeout=30)
    (OUT / f"error-{name}.vot").write_bytes(response.content)
    check(b'name="Error"' in response.content, f"{name}: no INFO name=Error")
# pyvo checks DEC itself, so the server-side refusal it sees is SR above maxSR (10 degrees)
try:
    pyvo.dal.SCSQuery(SCS, pos=(10, 20), radius=50).execute()
    fail("pyvo: SR=50 raised nothing")
except pyvo.dal.DALQueryError as error:
    check("maximum" in str(error), f"pyvo: SR=50 error does not say why: {error}")
except Exception as error:  # noqa: BLE001
    fail(f"pyvo: SR=50 raised {type(error).__name__}: {error}")

# VOSI capabilities name the cone search standard and a test query that answers
caps = requests.get(f"{SCS}/capabilities", timeout=30)
check(caps.status_code == 200 and b"ivo://ivoa.net/std/ConeSearch" in caps.content, "capabilities lack ConeSearch")

# The multi-position extension (POST {table}/multi with a POSITIONS upload): every position taken
# from the table matches its own star at distance 0, with _in_row and _in_id naming the input row
picked = np.linspace(0, total - 1, 25).astype(int)
lines = ["name,ra,dec"] + [f"target-{k},{float(ra[i])!r},{float(dec[i])!r}" for k, i in enumerate(picked)]
response = requests.post(f"{SCS}/multi", data={"SR": "0.0001", "RESPONSEFORMAT": "votable"},
                         files={"POSITIONS": ("positions.csv", "\n".join(lines) + "\n", "text/csv")}, timeout=60)
(OUT / "multi.vot").write_bytes(response.content)
if check(response.status_code == 200, f"multi: HTTP {response.status_code}: {response.text[:300]}"):
    result = parse(io.BytesIO(response.content)).get_first_table().to_table()
    check({"_in_row", "_in_id", "source_id", "_r"} <= set(result.colnames), f"multi: columns {result.colnames}")
    own = {}
    for row in result:
        k = int(row["_in_row"])
        check(str(row["_in_id"]) == f"target-{k}", f"multi: row {k} has _in_id {row['_in_id']}")
        if int(row["source_id"]) == int(ids[picked[k]]):
            own[k] = float(row["_r"])
    missing = [k for k in range(len(picked)) if k not in own]
    check(not missing, f"multi: positions {missing} did not match their own star")
    far = {k: r for k, r in own.items() if not r < 1e-9}
    check(not far, f"multi: own stars at _r >= 1e-9: {far}")
    rows = [int(x) for x in result["_in_row"]]
    check(rows == sorted(rows), "multi: rows not sorted by _in_row")
# its errors are SCS error documents too
response = requests.post(f"{SCS}/multi", data={"SR": "1"}, timeout=30)
(OUT / "error-multi-no-positions.vot").write_bytes(response.content)
check(response.status_code == 400 and b'name="Error"' in response.content, "multi without positions: no SCS error")

print(f"pyvo cone checks: {len(FAILURES)} failure(s); {total} rows in demo.stars")
sys.exit(1 if FAILURES else 0)
