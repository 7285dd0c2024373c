#!/usr/bin/env python3
"""Validate VOSI, VOResource and OAI-PMH documents against the official IVOA/OAI schemas.

Usage: validate_xsd.py FILE_OR_DIRECTORY...

The schemas are the copies in crates/vo-resource/resources/xsd; they are loaded by namespace
(never from the network), so every xsi:type extension (tr:TableAccess, cs:ConeSearch, ...) is
known. The schema set is built leniently because the STC 1.30 schema that VODataService imports
contains restrictions xmlschema rejects; the documents themselves are validated strictly.
Exits non-zero if any document is invalid.
"""
import glob
import os
import sys
from xml.etree import ElementTree

import xmlschema

HERE = os.path.dirname(os.path.abspath(__file__))
XSD_DIR = os.path.join(HERE, "..", "..", "crates", "vo-resource", "resources", "xsd")


def schema_locations():
    locations = []
    for path in sorted(glob.glob(os.path.join(XSD_DIR, "*.xsd"))):
        namespace = ElementTree.parse(path).getroot().get("targetNamespace")
        locations.append((namespace, path))
    return locations


_SCHEMAS = {}


def schema_for(namespace, locations):
    """One schema per root namespace, with every other namespace loaded alongside."""
    if namespace not in _SCHEMAS:
        paths = [path for ns, path in locations if ns == namespace]
        if not paths:
            raise ValueError(f"no schema for root namespace {namespace}")
        _SCHEMAS[namespace] = xmlschema.XMLSchema(
            paths[0], locations=locations, allow="local", validation="lax"
        )
    return _SCHEMAS[namespace]


def documents(arguments):
    for argument in arguments:
        if os.path.isdir(argument):
            yield from sorted(glob.glob(os.path.join(argument, "**", "*.xml"), recursive=True))
        else:
            yield argument


def main(arguments):
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    locations = schema_locations()
    failures = 0
    count = 0
    for path in documents(arguments):
        count += 1
        root = ElementTree.parse(path).getroot()
        namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        try:
            schema_for(namespace, locations).validate(path)
            print(f"valid   {path}")
        except (xmlschema.XMLSchemaException, ValueError) as error:
            failures += 1
            print(f"INVALID {path}: {str(error)[:2000]}")
    print(f"{count - failures} of {count} documents valid")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
