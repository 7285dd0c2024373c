#!/usr/bin/env python3
"""Checks a live UWS job list with pyvo's own job client, and validates every UWS document
against resources/UWS.xsd.

    cargo run -p vo-actix --example embed &          # or any vo-uws job list
    /work/venv/bin/python crates/vo-uws/scripts/client_check.py http://127.0.0.1:8080/greeter/async NAME=Vega SECONDS=1

The job parameters after the URL are those of the service's jobs.
"""
import pathlib
import sys

import requests
import xmlschema
from pyvo.dal.tap import AsyncTAPJob

SCHEMA = xmlschema.XMLSchema(str(pathlib.Path(__file__).parent.parent / "resources" / "UWS.xsd"))


def validate(url):
    document = requests.get(url, timeout=30).text
    SCHEMA.validate(document)
    print(f"valid against UWS.xsd: {url}")


def main():
    list_url = sys.argv[1]
    params = dict(arg.split("=", 1) for arg in sys.argv[2:])
    created = requests.post(list_url, data=params, allow_redirects=False, timeout=30)
    assert created.status_code == 303, created.status_code
    job_url = created.headers["Location"]
    validate(list_url)
    validate(job_url)

    job = AsyncTAPJob(job_url)
    assert job.phase == "PENDING", job.phase
    job.execution_duration = 60
    assert requests.get(job_url + "/executionduration", timeout=30).text == "60"
    job.run()
    job.wait(timeout=60)
    assert job.phase == "COMPLETED", job.phase
    print("result:", requests.get(job.result_uri, timeout=30).text.strip())
    validate(job_url)
    validate(job_url + "/results")
    validate(job_url + "/parameters")
    job.delete()
    assert requests.get(job_url, timeout=30).status_code == 404
    print("pyvo job client: create, set execution duration, run, wait, fetch result, delete: OK")


if __name__ == "__main__":
    main()
