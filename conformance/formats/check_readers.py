"""Reads what `write_all` wrote with the clients astronomers use and compares every cell with
`expected.json`.

    python check_readers.py DIR [STILTS_CSV_DIR]

- VOTable (BINARY2, BINARY, TABLEDATA): astropy.io.votable values and units; pyvo's DALResults
  sees OK, OVERFLOW (DALOverflowWarning) and ERROR (DALQueryError with the message).
- CSV: astropy `ascii.csv`; TSV: Python's csv module; JSON: json.
- FITS: astropy `Table.read` values, units, TNULL/TZERO handling and the QSTATUS keyword.
- VOParquet: pyarrow values and the embedded VOTable (astropy), and astropy's
  `format="parquet.votable"` on `first_row.parquet` (astropy's Parquet reader cannot hold nulls).
- STILTS_CSV_DIR (optional): CSV files STILTS wrote from our FITS and CSV output.

Prints one line per failure and exits 1 if there is any.
"""

import csv
import io
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")

DIR = Path(sys.argv[1])
STILTS_DIR = Path(sys.argv[2]) if len(sys.argv) > 2 else None
EXPECTED = json.loads((DIR / "expected.json").read_text())["columns"]
FAILURES = []
CHECKED = {}


def fail(message):
    FAILURES.append(message)
    print("FAIL", message)


def expected_value(cell):
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, str):
        return int(cell)
    if "float" in cell:
        return float(cell["float"])
    if "text" in cell:
        return cell["text"]
    return [float(x) for x in cell["array"]]


def is_nan(x):
    return isinstance(x, float) and math.isnan(x)


def plain(value):
    """A reader's value as None, bool, int, float, str or list of floats."""
    if value is None or value is np.ma.masked:
        return None
    if isinstance(value, np.ma.MaskedArray):
        return [None if m else float(v) for v, m in zip(value.data.ravel(), np.ma.getmaskarray(value).ravel())]
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return [float(v) for v in value.ravel()]
    if isinstance(value, (list, tuple)):
        return [float("nan") if v is None else float(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def same(expected, actual, lenient):
    """Whether `actual` is an acceptable reading of `expected`; `lenient` names what the
    format or reader cannot distinguish."""
    if expected is None:
        if actual is None:
            return True
        empty = actual == "" or actual == [] or is_nan(actual)
        empty = empty or (isinstance(actual, list) and all(x is None or is_nan(x) for x in actual))
        if isinstance(actual, str) and actual.startswith("("):  # STILTS writes arrays as (a, b)
            empty = all(x.strip() == "NaN" for x in actual.strip("()").split(","))
        if "empty" in lenient and empty:
            return True
        return "null_bool_false" in lenient and actual is False
    if actual is None:
        if "empty" in lenient and (expected == "" or expected == []):
            return True
        return "nan_null" in lenient and (is_nan(expected) or (isinstance(expected, float) and math.isinf(expected)))
    if isinstance(expected, bool):
        if isinstance(actual, str):
            return actual.lower() == str(expected).lower()
        return actual == expected
    if isinstance(expected, (int, float)):
        if isinstance(actual, str):
            try:
                actual = float(actual)
            except ValueError:
                return False
        if isinstance(actual, bool):
            return False
        if is_nan(expected) or (isinstance(actual, float) and math.isnan(actual)):
            return is_nan(float(expected)) and math.isnan(float(actual))
        return float(actual) == float(expected) or actual == expected
    if isinstance(expected, str):
        if "ascii_text" in lenient:
            expected = "".join(c if " " <= c <= "~" else "?" for c in expected)
        if "utf8_as_latin1" in lenient:
            expected = expected.encode("utf-8").decode("latin-1")
        if "tab_space" in lenient:
            expected = expected.replace("\t", " ")
        return actual == expected
    # arrays
    if isinstance(actual, str):
        text = actual.strip().strip("()[]").replace(",", " ")
        actual = [float(x) for x in text.split()] if text else []
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    return all(same(e, a, lenient | {"nan_null"}) for e, a in zip(expected, actual))


def compare(label, columns, lenient=frozenset(), rows=None):
    """`columns`: {name: [values]} from a reader."""
    CHECKED[label] = 0
    for column in EXPECTED:
        name = column["name"]
        cells = [expected_value(c) for c in column["cells"]]
        if rows is not None:
            cells = [cells[r] for r in rows]
        if name not in columns:
            fail(f"{label}: column {name} missing")
            continue
        got = [plain(v) for v in columns[name]]
        if len(got) != len(cells):
            fail(f"{label}: column {name} has {len(got)} rows, expected {len(cells)}")
            continue
        for row, (e, a) in enumerate(zip(cells, got)):
            CHECKED[label] += 1
            if not same(e, a, lenient):
                fail(f"{label}: {name} row {row}: expected {e!r}, got {a!r}")


def check_units(label, units):
    for column in EXPECTED:
        if column["unit"] and str(units.get(column["name"])) != column["unit"]:
            fail(f"{label}: unit of {column['name']} is {units.get(column['name'])!r}, expected {column['unit']!r}")


def table_columns(table):
    return {name: list(table[name]) for name in table.colnames}


def check_votable():
    from astropy.io.votable import parse
    from pyvo.dal import DALOverflowWarning, DALQueryError, DALResults

    # astropy gives empty strings and arrays for null ones, whatever the serialization.
    for serialization in ("b2", "td", "b"):
        lenient = {"empty"}
        label = f"astropy VOTable {serialization}"
        table = parse(DIR / f"all.{serialization}.vot").get_first_table().to_table()
        compare(label, table_columns(table), frozenset(lenient | {"nan_null"}))
        check_units(label, {n: table[n].unit for n in table.colnames})
        empty = parse(DIR / f"empty.{serialization}.vot").get_first_table().to_table()
        if len(empty) != 0 or len(empty.colnames) != len(EXPECTED):
            fail(f"{label}: the empty result has {len(empty)} rows and {len(empty.colnames)} columns")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = DALResults(parse(DIR / f"overflow.{serialization}.vot"), url="file:overflow")
            if results.status[0] != "OVERFLOW" or not any(w.category is DALOverflowWarning for w in caught):
                fail(f"pyvo {serialization}: overflow not seen (status {results.status})")
        try:
            DALResults(parse(DIR / f"error.{serialization}.vot"), url="file:error")
            fail(f"pyvo {serialization}: no DALQueryError for QUERY_STATUS=ERROR")
        except DALQueryError as error:
            if "cancelled after 4 rows" not in str(error):
                fail(f"pyvo {serialization}: error message lost: {error}")


def check_csv():
    from astropy.table import Table

    table = Table.read(DIR / "all.csv", format="ascii.csv")
    compare("astropy CSV", table_columns(table), frozenset({"empty"}))
    empty = Table.read(DIR / "empty.csv", format="ascii.csv")
    if len(empty) != 0 or len(empty.colnames) != len(EXPECTED):
        fail("astropy CSV: the empty result is not 0 rows of every column")
    last = (DIR / "error.csv").read_text().splitlines()[-1]
    if last != "# ERROR: the query was cancelled after 4 rows":
        fail(f"CSV: error line is {last!r}")
    rows = list(csv.reader(io.StringIO((DIR / "all.tsv").read_text()), delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    columns = {name: [row[i] if row[i] != "" else None for row in body] for i, name in enumerate(header)}
    compare("python csv TSV", columns, frozenset({"empty", "tab_space"}))


def check_json():
    doc = json.loads((DIR / "all.json").read_text())
    names = [m["name"] for m in doc["metadata"]]
    columns = {name: [row[i] for row in doc["data"]] for i, name in enumerate(names)}
    compare("json", columns, frozenset({"nan_null"}))
    units = {m["name"]: m["unit"] for m in doc["metadata"]}
    check_units("json", {k: v for k, v in units.items() if v is not None})
    error = json.loads((DIR / "error.json").read_text())
    if (error["status"], error.get("message")) != ("ERROR", "the query was cancelled after 4 rows"):
        fail(f"json: error ending is {error['status']!r} {error.get('message')!r}")
    if json.loads((DIR / "overflow.json").read_text())["status"] != "OVERFLOW":
        fail("json: overflow not recorded")


def check_fits():
    from astropy.io import fits
    from astropy.table import Table

    table = Table.read(DIR / "all.fits", character_as_bytes=False)
    compare("astropy FITS", table_columns(table), frozenset({"empty", "nan_null", "ascii_text", "null_bool_false"}))
    check_units("astropy FITS", {n: table[n].unit for n in table.colnames})
    for name, status in (("all", "OK"), ("overflow", "OVERFLOW"), ("error", "ERROR")):
        header = fits.getheader(DIR / f"{name}.fits", 1)
        if header.get("QSTATUS") != status:
            fail(f"astropy FITS {name}: QSTATUS is {header.get('QSTATUS')!r}")
    message = fits.getheader(DIR / "error.fits", 1).get("QMESSAGE")
    if message != "the query was cancelled after 4 rows":
        fail(f"astropy FITS: QMESSAGE is {message!r}")
    if len(Table.read(DIR / "empty.fits")) != 0:
        fail("astropy FITS: the empty result has rows")


def check_parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        print("SKIP VOParquet: pyarrow is not installed")
        return
    from astropy.io.votable import parse

    table = pq.read_table(DIR / "all.parquet")
    compare("pyarrow VOParquet", {n: table[n].to_pylist() for n in table.column_names})
    for name, status in (("all", None), ("overflow", "OVERFLOW"), ("error", "ERROR")):
        meta = pq.ParquetFile(DIR / f"{name}.parquet").metadata.metadata
        if meta.get(b"IVOA.VOTable-Parquet.version") != b"1.0":
            fail(f"VOParquet {name}: version key is {meta.get(b'IVOA.VOTable-Parquet.version')!r}")
        votable = parse(io.BytesIO(meta[b"IVOA.VOTable-Parquet.content"]))
        resource = votable.resources[0]
        statuses = [info.value for info in list(resource.infos) + list(getattr(resource, "postinfos", []))
                    if info.name == "QUERY_STATUS"]
        if statuses[0] != "OK" or (status and status not in statuses) or (not status and len(statuses) != 1):
            fail(f"VOParquet {name}: QUERY_STATUS INFOs are {statuses}")
        fields = {f.name: f.unit for f in votable.get_first_table().fields}
        check_units(f"VOParquet {name} embedded VOTable", fields)
    try:
        from astropy.table import Table

        first = Table.read(DIR / "first_row.parquet", format="parquet.votable")
    except Exception as error:  # astropy without parquet.votable, pandas or pyarrow
        print(f"SKIP astropy parquet.votable: {type(error).__name__}: {error}")
        return
    columns = {n: list(first[n]) for n in first.colnames}
    columns["nothing"] = [None]
    compare("astropy parquet.votable", columns, rows=[0])
    check_units("astropy parquet.votable", {n: first[n].unit for n in first.colnames})


def check_stilts_csv():
    if STILTS_DIR is None:
        return
    for source in ("fits", "csv"):
        text = (STILTS_DIR / f"from_{source}.csv").read_text()
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
        columns = {name: [row[i] if row[i] != "" else None for row in body] for i, name in enumerate(header)}
        # This STILTS reads CSV bytes as Latin-1 (its CSV reader has no encoding option).
        lenient = {"empty", "nan_null"} | ({"ascii_text"} if source == "fits" else {"utf8_as_latin1"})
        compare(f"STILTS reading {source.upper()}", columns, frozenset(lenient))


for check in (check_votable, check_csv, check_json, check_fits, check_parquet, check_stilts_csv):
    try:
        check()
    except Exception as error:
        fail(f"{check.__name__} crashed: {type(error).__name__}: {error}")

for label, count in CHECKED.items():
    print(f"   {label}: {count} cells compared")
sys.exit(1 if FAILURES else 0)
