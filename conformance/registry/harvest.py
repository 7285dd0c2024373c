#!/usr/bin/env python3
"""Harvest an OAI-PMH publishing registry completely with sickle and keep every raw response.

Usage: harvest.py OAI_ENDPOINT OUTPUT_DIRECTORY

Runs Identify, ListMetadataFormats, ListSets, ListIdentifiers and ListRecords (ivo_vor and
oai_dc, following every resumption token), GetRecord for a few identifiers, and one request per
error code that a live registry can be provoked into. Checks what XML Schema cannot: the Registry
record in Identify, the ivo_managed set, complete and duplicate-free lists that match
completeListSize, and the expected error codes. The responses are written to OUTPUT_DIRECTORY for
validate_xsd.py. Exits non-zero when a check fails.
"""
import os
import sys
from xml.etree import ElementTree

from sickle import Sickle
from sickle.iterator import OAIResponseIterator

MIN_PAGES = int(os.environ.get("REGISTRY_MIN_PAGES", "1"))

OAI = "{http://www.openarchives.org/OAI/2.0/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


class Harvest:
    def __init__(self, endpoint, directory):
        self.sickle = Sickle(endpoint, iterator=OAIResponseIterator, max_retries=2)
        self.directory = directory
        self.count = 0
        self.failures = []

    def keep(self, name, response):
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04d}-{name}.xml")
        with open(path, "wb") as out:
            out.write(response.raw.encode("utf-8"))
        return ElementTree.fromstring(response.raw.encode("utf-8"))

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print(f"FAIL {message}")

    def single(self, name, **arguments):
        return self.keep(name, self.sickle.harvest(**arguments))

    def full_list(self, verb, prefix):
        """All pages of a list; returns the header identifiers."""
        identifiers = []
        declared_sizes = set()
        pages = 0
        for page, response in enumerate(getattr(self.sickle, verb)(metadataPrefix=prefix)):
            pages = page + 1
            root = self.keep(f"{verb}-{prefix}-page{page + 1}", response)
            identifiers += [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
            token = root.find(f".//{OAI}resumptionToken")
            if token is not None and token.get("completeListSize"):
                declared_sizes.add(int(token.get("completeListSize")))
        self.check(len(identifiers) == len(set(identifiers)), f"{verb} {prefix}: duplicate identifiers")
        for size in declared_sizes:
            self.check(size == len(identifiers), f"{verb} {prefix}: completeListSize {size} but {len(identifiers)} harvested")
        # With MIN_PAGES set (conformance/run serves the registry with a small page size), the
        # harvest must have followed resumption tokens, not just received one page.
        self.check(pages >= MIN_PAGES, f"{verb} {prefix}: {pages} page(s), expected at least {MIN_PAGES}")
        print(f"{verb} {prefix}: {len(identifiers)} identifiers in {pages} page(s)")
        return identifiers

    def expect_error(self, code, **arguments):
        root = self.single(f"error-{code}", **arguments)
        codes = [e.get("code") for e in root.iter(f"{OAI}error")]
        self.check(code in codes, f"{arguments}: expected error {code}, got {codes}")

    def run(self):
        identify = self.single("Identify", verb="Identify")
        registries = [r for r in identify.iter("{http://www.ivoa.net/xml/RegistryInterface/v1.0}Resource")
                      if r.get(XSI_TYPE, "").endswith(":Registry")]
        self.check(len(registries) == 1, "Identify: the description must hold the vg:Registry record")
        formats = self.single("ListMetadataFormats", verb="ListMetadataFormats")
        prefixes = {f.findtext(f"{OAI}metadataPrefix") for f in formats.iter(f"{OAI}metadataFormat")}
        self.check({"ivo_vor", "oai_dc"} <= prefixes, f"ListMetadataFormats: {prefixes}")
        sets = self.single("ListSets", verb="ListSets")
        self.check("ivo_managed" in {s.findtext(f"{OAI}setSpec") for s in sets.iter(f"{OAI}set")},
                   "ListSets: ivo_managed missing")

        identifiers = self.full_list("ListIdentifiers", "ivo_vor")
        records = self.full_list("ListRecords", "ivo_vor")
        dublin_core = self.full_list("ListRecords", "oai_dc")
        self.check(sorted(identifiers) == sorted(records) == sorted(dublin_core),
                   "ListIdentifiers and ListRecords disagree")
        for identifier in identifiers[:5]:
            for prefix in ("ivo_vor", "oai_dc"):
                self.single(f"GetRecord-{prefix}", verb="GetRecord", identifier=identifier, metadataPrefix=prefix)

        self.expect_error("badVerb", verb="NoSuchVerb")
        self.expect_error("badArgument", verb="ListRecords")
        self.expect_error("badArgument", verb="ListRecords", metadataPrefix="ivo_vor", **{"from": "yesterday"})
        self.expect_error("cannotDisseminateFormat", verb="ListRecords", metadataPrefix="no_such_format")
        self.expect_error("idDoesNotExist", verb="GetRecord", identifier="ivo://invalid.invalid/none",
                          metadataPrefix="ivo_vor")
        self.expect_error("noRecordsMatch", verb="ListIdentifiers", metadataPrefix="ivo_vor", until="1900-01-01")
        self.expect_error("badResumptionToken", verb="ListRecords", resumptionToken="not-a-token")
        print(f"{self.count} responses kept in {self.directory}")
        return 1 if self.failures else 0


def main(arguments):
    if len(arguments) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, directory = arguments
    os.makedirs(directory, exist_ok=True)
    return Harvest(endpoint, directory).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
