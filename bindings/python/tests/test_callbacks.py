"""Log records reach Python's logging; progress reaches the caller's callable; a callback that raises harms nothing."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import debtor

import xero_link


class Boom(Exception):
    pass


def test_log_levels_map_to_logging(ready: xero_link.Connection, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(1, logger="xero_link")
    previous = xero_link.set_log_level("debug")["previous"]
    try:
        ready.status()
        ready.connections()
    finally:
        xero_link.set_log_level(previous)
    records = [r for r in caplog.records if r.name == "xero_link"]
    assert records, "the library's records arrive"
    assert {r.levelno for r in records} <= {logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG, 5}
    assert all(getattr(r, "xero_target", "").startswith("xero_link") for r in records)
    assert any("GET" in r.getMessage() and "/connections" in r.getMessage() for r in records), [
        r.getMessage() for r in records]


def test_a_progress_callable_that_raises_does_not_stop_the_push(
    ready: xero_link.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[dict[str, Any]] = []

    def progress(event: dict[str, Any]) -> None:
        calls.append(event)
        raise Boom("the host's progress bar broke")

    answer = ready.push_contacts(contacts=[debtor("D0300", "Raising Progress Ltd")], progress=progress)
    assert answer["results"][0]["outcome"] == "created"
    assert calls, "the callable was called"
    logged = [r for r in caplog.records if r.name == "xero_link" and r.exc_info]
    assert logged and logged[0].exc_info is not None and isinstance(logged[0].exc_info[1], Boom)


def test_a_log_handler_that_raises_does_not_stop_the_call(ready: xero_link.Connection) -> None:
    class Raising(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raise Boom("handler")

        def handleError(self, record: logging.LogRecord) -> None:
            raise Boom("even its error handling")

    log = logging.getLogger("xero_link")
    handler = Raising()
    log.addHandler(handler)
    previous_level = log.level
    log.setLevel(logging.DEBUG)
    try:
        assert ready.connections()["connections"]
    finally:
        log.removeHandler(handler)
        log.setLevel(previous_level)


def test_keyboard_interrupt_in_a_callback_is_raised_after_the_call(ready: xero_link.Connection) -> None:
    def progress(event: dict[str, Any]) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ready.push_contacts(contacts=[debtor("D0301", "Interrupted Ltd")], progress=progress)
    # The push itself completed: pushing again writes nothing.
    again = ready.push_contacts(contacts=[debtor("D0301", "Interrupted Ltd")])
    assert again["results"][0]["outcome"] == "unchanged"


def test_a_callback_must_not_call_the_library(ready: xero_link.Connection, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def progress(event: dict[str, Any]) -> None:
        try:
            ready.status()
        except RuntimeError as e:
            seen.append(str(e))

    ready.push_contacts(contacts=[debtor("D0302", "Reentrant Ltd")], progress=progress)
    assert seen and "must not call xero_link" in seen[0]


def test_progress_goes_only_to_the_calls_own_callable(ready: xero_link.Connection) -> None:
    mine: list[dict[str, Any]] = []
    ready.push_contacts(contacts=[debtor("D0303", "Mine Ltd")], progress=mine.append)
    ready.push_contacts(contacts=[debtor("D0304", "Nobody's Ltd")])  # no callable: nothing delivered to `mine`
    assert mine and mine[-1]["done"] == mine[-1]["total"] == 1, mine
    assert len({e["connection"] for e in mine}) == 1
