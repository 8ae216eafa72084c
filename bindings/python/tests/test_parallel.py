"""Host threads push in parallel (calls release the GIL), and a forked child (a job server's worker) works."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from conftest import Sim, debtor, invoice

import xero_link


def test_eight_threads_push_in_parallel(sim: Sim, ready: xero_link.Connection) -> None:
    ready.push_contacts(contacts=[debtor()])
    # Each invoice write takes 300 ms at "Xero": 8 pushes one after another would take 2.4 s or more.
    fault = sim.control("POST", "/faults", {"method": "PUT", "path": "/api.xro/2.0/Invoices", "kind": "delay",
                                           "delay_ms": 300})
    answers: dict[int, Any] = {}
    errors: list[BaseException] = []

    def push(i: int) -> None:
        try:
            answers[i] = ready.push_invoices(invoices=[invoice(f"SI-T{i}")])
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=push, args=(i,)) for i in range(8)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        sim.control("DELETE", f"/faults/{fault['id']}")
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert sorted(answers) == list(range(8))
    assert all(a["results"][0]["outcome"] == "created" for a in answers.values()), answers
    # Xero's 5 concurrent calls per organisation: two rounds of 300 ms, not eight.
    assert elapsed < 2.0, f"8 pushes took {elapsed:.2f} s: were they serialised (the GIL held)?"


def test_a_forked_child_pushes(ready: xero_link.Connection) -> None:
    ready.push_contacts(contacts=[debtor()])  # the parent has used the library (its store, its HTTP client)
    pid = os.fork()
    if pid == 0:  # the child: its own SQLite connection and HTTP client, made on first use
        code = 1
        try:
            status = ready.status()
            answer = ready.push_invoices(invoices=[invoice("SI-FORK")])
            code = 0 if status["signed_in"] and answer["results"][0]["outcome"] == "created" else 2
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    _, wait_status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0
    # The parent goes on, and sees what the child pushed.
    again = ready.push_invoices(invoices=[invoice("SI-FORK")])
    assert again["results"][0]["outcome"] == "unchanged", again
