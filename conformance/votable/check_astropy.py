"""Checks that astropy reads every matrix document with the values the writer intended.

Usage: check_astropy.py MATRIX_DIR
Reads MATRIX_DIR/expected.json (written by `cargo run --example write_matrix`) and compares
astropy.io.votable's reading of every `<case>.<td|bin|bin2>.vot` with it. Exits non-zero and
prints every mismatch on failure.

Equivalences accepted (they are the standard's, not astropy quirks we paper over):
- a null cell may come back masked, NaN (floating types), empty (strings, variable arrays) or
  as all-null elements (fixed arrays in TABLEDATA are written as null elements);
- an empty string or empty array may come back masked in TABLEDATA, where empty means null;
- NaN may come back masked.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
from astropy.io.votable import parse

warnings.simplefilter("ignore")

# Cases where astropy disagrees with the standard's encoding (and with STILTS); see README.md:
# - variable-length bit arrays: astropy reads one *byte* per bit;
# - multi-dimensional variable arrays (2x*): astropy's count is of the last dimension, while the
#   count is of all elements for STILTS and this crate.
ASTROPY_SKIP = {"bit_var", "bit_4var", "bit_2xvar"} | {
    f"{t}_2xvar"
    for t in ("boolean", "unsignedByte", "short", "int", "long", "float", "double", "floatComplex", "doubleComplex")
}


# (case, serialization) pairs astropy reads wrongly: a scalar bit is the most significant bit of
# its byte (0x80), astropy reads and writes 0x08.
ASTROPY_SKIP_SERIALIZATION = {("bit_scalar", "bin"), ("bit_scalar", "bin2")}


def is_masked(value):
    return value is np.ma.masked or (np.ma.isMaskedArray(value) and value.size == 1 and bool(np.all(value.mask)))


def flatten(value):
    """Astropy cell value -> flat list of Python values (None for masked), complex split."""
    if isinstance(value, (str, bytes)):
        return [value]
    if np.ma.isMaskedArray(value) or isinstance(value, np.ndarray):
        arr = np.ma.asarray(value)
        mask = np.ma.getmaskarray(arr).ravel()
        out = []
        for item, masked in zip(arr.data.ravel(), mask):
            if np.iscomplexobj(item):
                out += [None, None] if masked else [float(item.real), float(item.imag)]
            else:
                out.append(None if masked else item.item() if hasattr(item, "item") else item)
        return out
    if np.iscomplexobj(value):
        return [float(value.real), float(value.imag)]
    return [value.item() if hasattr(value, "item") else value]


def same_number(expected, got, datatype):
    if expected is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if expected == "NaN":
        return got is None or (isinstance(got, float) and math.isnan(got))
    if expected in ("+Inf", "-Inf"):
        return got == (math.inf if expected == "+Inf" else -math.inf)
    if got is None:
        return False
    if isinstance(expected, bool) or datatype in ("boolean", "bit"):
        return bool(got) == bool(expected)
    if datatype in ("float", "floatComplex"):
        return float(np.float32(expected)) == float(np.float32(got))
    return expected == got


def check_cell(expected, got, datatype, arraysize, serialization):
    """Returns None when equivalent, else a description."""
    text = datatype in ("char", "unicodeChar")
    if expected is None:
        if is_masked(got):
            return None
        if text and (got == "" or got is None):
            return None
        flat = flatten(got)
        if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in flat):
            return None
        if datatype == "bit" and serialization != "bin2" and all(v in (0, False) for v in flat):
            return None  # bits have no null outside BINARY2
        return f"expected null, got {got!r}"
    if text:
        if is_masked(got):
            return None if expected == "" and serialization == "td" else f"expected {expected!r}, got masked"
        got_text = got.decode() if isinstance(got, bytes) else str(got)
        if arraysize is None:
            return None if got_text.strip() == expected.strip() else f"expected {expected!r}, got {got_text!r}"
        return None if got_text == expected else f"expected {expected!r}, got {got_text!r}"
    expected_flat = expected if isinstance(expected, list) else [expected]
    if is_masked(got):
        if expected_flat == [] or all(e is None or e == "NaN" for e in expected_flat):
            return None
        if "Complex" in datatype and len(expected_flat) == 2 and "NaN" in expected_flat:
            return None
        return f"expected {expected!r}, got masked"
    got_flat = flatten(got)
    if len(got_flat) != len(expected_flat):
        return f"expected {len(expected_flat)} values {expected!r}, got {len(got_flat)}: {got_flat!r}"
    for i, (e, g) in enumerate(zip(expected_flat, got_flat)):
        # astropy masks a complex number when either part is NaN.
        if g is None and "Complex" in datatype and "NaN" in expected_flat[i - i % 2 : i - i % 2 + 2]:
            continue
        if not same_number(e, g, datatype):
            return f"expected {expected!r}, got {got_flat!r}"
    return None


def main():
    matrix = Path(sys.argv[1])
    expected = json.loads((matrix / "expected.json").read_text())
    failures = []
    checked = 0
    for case, spec in sorted(expected.items()):
        if case in ASTROPY_SKIP:
            continue
        for serialization in ("td", "bin", "bin2"):
            if (case, serialization) in ASTROPY_SKIP_SERIALIZATION:
                continue
            path = matrix / f"{case}.{serialization}.vot"
            try:
                table = parse(str(path), verify="warn").get_first_table()
                column = table.array[case]
            except Exception as exc:  # noqa: BLE001 - report any astropy failure
                failures.append(f"{path.name}: astropy cannot read it: {exc}")
                continue
            if len(column) != len(spec["rows"]):
                failures.append(f"{path.name}: astropy read {len(column)} rows, expected {len(spec['rows'])}")
                continue
            for row, value in enumerate(spec["rows"]):
                problem = check_cell(value, column[row], spec["datatype"], spec["arraysize"], serialization)
                checked += 1
                if problem:
                    failures.append(f"{path.name} row {row}: {problem}")
    for f in failures:
        print("FAIL astropy:", f)
    print(f"astropy: {checked} cells checked, {len(failures)} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
