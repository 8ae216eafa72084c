"""Error envelopes come back as exceptions: one class per error code, with the envelope's details, no secrets."""

from __future__ import annotations

import json
import re
from typing import get_args

import pytest
from conftest import REPO, Sim, config, debtor, new_state_dir

import xero_link
from xero_link import types


def test_a_validation_error_is_raised_with_its_path(sim: Sim) -> None:
    conn = xero_link.Connection("xero-py-validation")
    bad = config(sim.endpoints(), new_state_dir("validation"), client_secret="TOP-SECRET-VALUE")
    bad["defaults"] = {**bad["defaults"], "sales_account": ""}
    with pytest.raises(xero_link.ValidationError) as caught:
        conn.configure(**bad)
    e = caught.value
    assert isinstance(e, xero_link.XeroLinkError)
    assert e.code == "validation"
    assert e.path == "defaults.sales_account"
    assert e.retryable is False
    assert e.message and e.message in str(e)
    assert "TOP-SECRET-VALUE" not in str(e) + repr(e) + json.dumps(e.error)


def test_a_function_not_ticked_is_function_disabled(sim: Sim) -> None:
    conn = xero_link.Connection("xero-py-disabled")
    conn.configure(**config(sim.endpoints(), new_state_dir("disabled"), functions=["sales_invoices"]))
    with pytest.raises(xero_link.FunctionDisabled) as caught:
        conn.push_contacts(contacts=[debtor()], request_id="r-9")
    assert caught.value.code == "function_disabled"
    assert caught.value.request_id == "r-9"
    assert caught.value.retryable is False


def test_other_codes_have_their_classes() -> None:
    with pytest.raises(xero_link.UnknownOperation):
        xero_link.call("no_such_operation", {})
    with pytest.raises(xero_link.NotConfigured):
        xero_link.Connection("xero-never-configured").status()
    with pytest.raises(xero_link.BadRequest) as caught:
        xero_link.call("status", {"connection": "x", "unknown_member": 1})
    assert caught.value.path is not None
    with pytest.raises(xero_link.InternalError):  # a panic inside the library, caught at its boundary
        xero_link.call("debug_panic", {"confirm": "panic"})


def test_every_code_of_the_library_has_a_class() -> None:
    source = (REPO / "src" / "error.rs").read_text(encoding="utf-8")
    rust_codes = set(re.findall(r'ErrorCode::\w+ => "(\w+)"', source))
    assert rust_codes, "codes found in src/error.rs"
    schema_codes = set(get_args(types.ErrorCode))
    assert rust_codes == schema_codes == set(xero_link.ERRORS)
    for code, cls in xero_link.ERRORS.items():
        e = xero_link.error_from({"code": code, "message": "m", "retryable": False})
        assert type(e) is cls and e.code == code
    later = xero_link.error_from({"code": "added_in_a_later_version", "message": "m"})
    assert type(later) is xero_link.XeroLinkError and later.code == "added_in_a_later_version"


def test_rate_limited_carries_its_details() -> None:
    e = xero_link.error_from({"code": "rate_limited", "message": "minute limit", "retryable": True,
                              "retry_after": 12, "limit": "minute", "http_status": 429})
    assert isinstance(e, xero_link.RateLimited)
    assert (e.retry_after, e.limit, e.http_status, e.retryable) == (12, "minute", 429, True)
