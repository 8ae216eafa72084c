"""The main job through the Python binding against xero-sim: configure, sign in, connections, tenant, pushes, reads."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from conftest import ORG, Sim, config, consent, debtor, invoice, new_state_dir

import xero_link
from xero_link.types import ErpLine, PushResponse


def test_version_and_abi() -> None:
    assert xero_link.abi_version() == xero_link.ABI_VERSION
    assert xero_link.version() == xero_link.call("version", {})["version"]
    assert xero_link.library_path.endswith(".so")


def test_the_administrators_setup_and_a_push(sim: Sim, caplog: pytest.LogCaptureFixture) -> None:
    conn = xero_link.Connection("xero-hugeerp-flow")
    configured = conn.configure(**config(sim.endpoints(), new_state_dir("flow")))
    assert "sim-secret" not in repr(configured)
    assert conn.status()["signed_in"] is False

    # "Authenticate sign in": the authorize URL, Xero's consent (automatic in the simulator), the callback.
    started = conn.authorize_url()
    assert started["url"].startswith(sim.info["endpoints"]["authorize"])
    caplog.set_level(logging.INFO, logger="xero_link")
    conn.authenticate(callback_url=consent(started["url"]))
    assert any(r.name == "xero_link" for r in caplog.records), "library log records reach Python's logging"

    orgs = conn.connections()["connections"]
    assert ORG in [c["tenant_name"] for c in orgs]
    # "Set Xero Tenant", once.
    conn.set_tenant(tenant_name=ORG)
    status = conn.status()
    assert status["signed_in"] is True and status["tenant"]["tenant_name"] == ORG
    assert "sim-secret" not in repr(status) and "eyJ" not in repr(status)  # no secret, no (JWT-shaped) token

    # The setup screen's pick lists.
    accounts = conn.get_accounts()["accounts"]
    assert {"200", "310"} <= {a["code"] for a in accounts}
    categories = {c["name"]: [o["name"] for o in c["options"]] for c in conn.get_tracking_categories()["tracking_categories"]}
    assert "North" in categories["Division"] and "Alice Brown" in categories["Sales Rep"]

    # A debtor, an item and an invoice, each pushed from the ERP's posting routines.
    events: list[dict[str, Any]] = []
    contacts = conn.push_contacts(contacts=[debtor("DF001", "Flow Builders Ltd")], progress=events.append)
    assert contacts["results"][0]["outcome"] == "created", contacts
    assert events and events[-1]["done"] == events[-1]["total"] == 1, events
    items = conn.push_items(items=[{"code": "BEAM-F6M", "name": "Steel beam 6 m", "sales_price": "19.9950",
                                    "purchase_price": "12.40", "tracked": False}])
    assert items["results"][0]["outcome"] == "created", items
    line: ErpLine = {"item": "BEAM-F6M", "description": "Steel beams", "quantity": "3", "unit_price": "19.995",
                     "tax_code": "OUTPUT"}
    pushed: PushResponse = conn.push_invoices(invoices=[{**invoice("SI-F1001", "DF001"), "lines": [line]}])
    result = pushed["results"][0]
    assert result["outcome"] == "created", pushed
    assert result["totals"] is not None and result["totals"]["total"] == "65.99"  # 59.99 + 10 % tax

    # Read back what Xero holds; push again: nothing is written twice.
    documents = conn.get_documents(documents=[{"type": "sales", "kind": "invoice", "number": "SI-F1001"}])
    assert documents["documents"][0]["found"] is True, documents
    # The same line, its price as a Decimal (sent as exact decimal text): the same record, unchanged.
    again = xero_link.call("push_invoices", {"connection": conn.name, "invoices": [
        {**invoice("SI-F1001", "DF001"), "lines": [{**line, "unit_price": Decimal("19.9950")}]}]})
    assert again["results"][0]["outcome"] == "unchanged", again
    assert again["summary"]["unchanged"] == 1


def test_call_runs_any_operation_by_name(ready: xero_link.Connection) -> None:
    answer = xero_link.call("push_contacts", {"connection": ready.name, "contacts": [debtor("D0100", "Call Co")],
                                              "request_id": "r-1"})
    assert answer["summary"]["created"] == 1
    envelope = xero_link.call_envelope("status", {"connection": ready.name, "request_id": 7})
    assert envelope["ok"] is True and envelope["request_id"] == 7


def test_a_dry_run_writes_nothing(ready: xero_link.Connection) -> None:
    answer = ready.push_invoices(dry_run=True, contacts=[debtor("D0200", "Dry Run Pty")], invoices=[invoice("SI-DRY", "D0200")])
    assert answer["dry_run"] is True
    assert ready.get_documents(documents=[{"type": "sales", "kind": "invoice", "number": "SI-DRY"}])["documents"][0]["found"] is False
