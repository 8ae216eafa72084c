"""xero_link.iris against the IRIS stand-in: the compare-and-swap on a global under Lock, and two "IRIS servers"
(processes with their own state_dir, one shared database) sharing one sign-in through the host store callbacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from conftest import BINDING, INSTALLED, Sim
from iris_standin import IrisStandIn

import xero_link
import xero_link.iris

HERE = Path(__file__).resolve().parent


def test_cas_on_a_global_under_lock(tmp_path: Path) -> None:
    store = xero_link.iris.GlobalStateStore("^XeroLink", iris_module=IrisStandIn(str(tmp_path)))
    assert store.load("auth/x") is None
    assert store.cas("auth/x", 0, '{"a":1}') is True
    assert store.cas("auth/x", 0, '{"a":2}') is False  # exists already
    assert store.load("auth/x") == ('{"a":1}', 1)
    assert store.cas("auth/x", 2, "{}") is False  # stale revision: nothing written
    assert store.cas("auth/x", 1, '{"a":"b:c"}') is True
    assert store.load("auth/x") == ('{"a":"b:c"}', 2)
    assert "a" not in repr(store).replace("GlobalStateStore", "")  # no value in its repr


def _count(store: xero_link.iris.GlobalStateStore, n: int) -> None:
    for _ in range(n):
        while True:
            current = store.load("counter")
            value, revision = current if current else ("0", 0)
            if store.cas("counter", revision, str(int(value) + 1)):
                break


def test_no_update_is_lost_across_threads_and_processes(tmp_path: Path) -> None:
    iris = IrisStandIn(str(tmp_path))
    store = xero_link.iris.GlobalStateStore("^XeroLink", iris_module=iris)
    pid = os.fork()
    if pid == 0:  # a second "server": its own process, the same database
        code = 1
        try:
            child = xero_link.iris.GlobalStateStore("^XeroLink", iris_module=IrisStandIn(str(tmp_path)))
            threads = [threading.Thread(target=_count, args=(child, 25)) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            code = 0
        finally:
            os._exit(code)
    threads = [threading.Thread(target=_count, args=(store, 25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.load("counter") == ("200", 200)


def _server(job: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ)
    if not INSTALLED:
        env["PYTHONPATH"] = os.pathsep.join([str(BINDING), str(HERE), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, str(HERE / "iris_server.py"), json.dumps(job)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    answer: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return answer


def test_two_iris_servers_share_one_sign_in(sim: Sim, tmp_path: Path) -> None:
    standin = tmp_path / "database"
    standin.mkdir()
    job = {"standin": str(standin), "endpoints": sim.endpoints(), "connection": "xero-hugeerp-ecp"}
    a = _server({**job, "state_dir": str(tmp_path / "server-a"), "step": "sign_in"})
    assert a["status"]["signed_in"] is True and a["status"]["state_store"] == "host"
    # Server B never signed in: it finds the sign-in and the tenant in the shared global.
    b = _server({**job, "state_dir": str(tmp_path / "server-b"), "step": "push"})
    assert b["status"]["signed_in"] is True and b["status"]["tenant"]["tenant_name"] == "Huge ERP Test Ltd"
    assert b["outcome"] == "created"
    # The stored value is sealed: no token in the global in plain text.
    stored = IrisStandIn(str(standin)).gref("^XeroLink").get(["auth/xero-hugeerp-ecp"])
    assert stored and "eyJ" not in stored  # JWT-shaped access tokens start with eyJ
    # Every access token expires; both servers refresh at once, 4 threads each: one refresh token, rotated
    # under the CAS, never used twice (Xero would answer invalid_grant).
    before = sim.control("GET", "/counters")
    sim.control("POST", "/tokens/expire")
    results: list[dict[str, Any]] = []
    servers = [threading.Thread(target=lambda s=s: results.append(
        _server({**job, "state_dir": str(tmp_path / s), "step": "hammer"}))) for s in ("server-a", "server-b")]
    for t in servers:
        t.start()
    for t in servers:
        t.join()
    after = sim.control("GET", "/counters")
    assert len(results) == 2 and all(not r["errors"] for r in results), results
    assert all(r["status"]["signed_in"] and not r["status"]["reauth_required"] for r in results)
    assert after["invalid_grant"] == before["invalid_grant"]
    refreshes = after["refreshes"] - before["refreshes"]
    print(f"refreshes after the expiry, 2 servers x 4 threads: {refreshes}")
    assert refreshes == 1, "one refresh for both servers: the lease and the token are shared through the global"


def test_call_returns_the_envelope_as_text_for_objectscript() -> None:
    answer = json.loads(xero_link.iris.call("status", '{"connection": "xero-iris-nothing", "request_id": "r-2"}'))
    assert answer["ok"] is False and answer["error"]["code"] == "not_configured" and answer["request_id"] == "r-2"
    bad = json.loads(xero_link.iris.call("status", "{not json"))
    assert bad["error"]["code"] == "bad_json"
    assert json.loads(xero_link.iris.call("version", "{}"))["result"]["abi_version"] == xero_link.ABI_VERSION
