#!/usr/bin/env python3
"""Regenerates resources/separations.csv: angular separations computed by astropy's
SkyCoord.separation, the reference the vo-geom tests (and vo-adql's DISTANCE UDF tests) check against.

Run with the project's venv:  /work/venv/bin/python scripts/make_separation_fixture.py
"""
import csv
import os

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

rng = np.random.default_rng(20240611)
rows = []
# Hand-picked cases: RA wrap, poles, antipodes, tiny and large separations.
special = [
    (0.0, 0.0, 0.0, 0.0),
    (359.9999, 0.0, 0.0001, 0.0),
    (0.0, 90.0, 180.0, 89.0),
    (10.0, -90.0, 250.0, -89.999),
    (0.0, 0.0, 180.0, 0.0),
    (12.0, 34.0, 192.0, -34.0),
    (45.0, 30.0, 45.0, 30.0 + 1e-7),
    (45.0, 30.0, 45.0 + 1e-7, 30.0),
    (123.456, -45.678, 123.456001, -45.678001),
    (0.0, 89.9999999, 180.0, 89.9999999),
]
rows.extend(special)
for _ in range(200):
    ra1, ra2 = rng.uniform(0, 360, 2)
    dec1, dec2 = np.degrees(np.arcsin(rng.uniform(-1, 1, 2)))
    rows.append((ra1, dec1, ra2, dec2))
for _ in range(100):
    ra1 = rng.uniform(0, 360)
    dec1 = np.degrees(np.arcsin(rng.uniform(-1, 1)))
    scale = 10 ** rng.uniform(-9, 0)
    ra2 = (ra1 + rng.normal() * scale) % 360
    dec2 = float(np.clip(dec1 + rng.normal() * scale, -90, 90))
    rows.append((ra1, dec1, ra2, dec2))

a = SkyCoord([r[0] for r in rows] * u.deg, [r[1] for r in rows] * u.deg, frame="icrs")
b = SkyCoord([r[2] for r in rows] * u.deg, [r[3] for r in rows] * u.deg, frame="icrs")
sep = a.separation(b).deg

out = os.path.join(os.path.dirname(__file__), "..", "resources", "separations.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["ra1", "dec1", "ra2", "dec2", "separation_deg"])
    for (ra1, dec1, ra2, dec2), s in zip(rows, sep):
        w.writerow([repr(float(ra1)), repr(float(dec1)), repr(float(ra2)), repr(float(dec2)), repr(float(s))])
print(f"wrote {len(rows)} separations to {out}")
