"""One "IRIS server" of tests/test_iris.py, as its own process: the xero_link.iris glue over the IRIS stand-in.

Usage: python iris_server.py JOB_JSON, where JOB is {"standin", "endpoints", "state_dir", "connection", "step"}
and step is `sign_in` (configure, "Authenticate sign in", "Set Xero Tenant"), `push` (status and a debtor) or
`hammer` (4 threads calling connections, each call possibly refreshing the token). Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from conftest import ORG, config, debtor, sign_in
from iris_standin import IrisStandIn

import xero_link
import xero_link.iris


def main(job: dict[str, Any]) -> dict[str, Any]:
    iris = IrisStandIn(job["standin"])
    xero_link.iris.install("^XeroLink", iris_module=iris)  # what each IRIS process does once
    conn = xero_link.Connection(job["connection"])
    conn.configure(**config(job["endpoints"], job["state_dir"], state_store="host",
                            encryption_key="11" * 32))
    if job["step"] == "sign_in":
        sign_in(conn)
        conn.set_tenant(tenant_name=ORG)
        return {"status": conn.status()}
    if job["step"] == "push":
        status = conn.status()
        answer = conn.push_contacts(contacts=[debtor("D0900", "Second Server Ltd")])
        return {"status": status, "outcome": answer["results"][0]["outcome"]}
    if job["step"] == "hammer":
        errors: list[str] = []

        def hammer() -> None:
            for _ in range(10):
                try:
                    conn.connections()
                except xero_link.XeroLinkError as e:
                    errors.append(f"{e.code}: {e.message}")

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {"errors": errors, "status": conn.status()}
    raise ValueError(job["step"])


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
