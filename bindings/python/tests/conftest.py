"""Test setup: which xero_link and libxero_link are tested, a xero-sim child process, and connections signed in to it.

From a clone, after `cargo build` or `cargo test` (which build target/debug/libxero_link.so and the xero-sim
binary), the tests import this tree's xero_link with the workspace's library (CARGO_TARGET_DIR, else ./target).
XERO_LINK_LIBRARY picks another library; XERO_SIM another simulator binary. With XERO_LINK_TEST_INSTALLED=1 they
test the installed package with the library it was installed with (`pip install ./bindings/python`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BINDING = Path(__file__).resolve().parents[1]
REPO = BINDING.parents[1]
INSTALLED = os.environ.get("XERO_LINK_TEST_INSTALLED") == "1"
ERP_REDIRECT = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls"
ORG = "Huge ERP Test Ltd"
ALL_FUNCTIONS = ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"]


def target_dir() -> Path:
    configured = os.environ.get("CARGO_TARGET_DIR")
    return Path(configured) if configured else REPO / "target"


def newest(candidates: list[Path]) -> Path | None:
    present = [p for p in candidates if p.is_file()]
    return max(present, key=lambda p: p.stat().st_mtime) if present else None


def workspace_library() -> Path | None:
    t = target_dir()
    return newest([t / profile / sub / "libxero_link.so" for profile in ("debug", "release") for sub in ("", "deps")])


def simulator_binary() -> Path:
    configured = os.environ.get("XERO_SIM")
    if configured:
        return Path(configured)
    found = newest([target_dir() / profile / "xero-sim" for profile in ("debug", "release")])
    if found is None:
        raise RuntimeError(
            f"no xero-sim binary under {target_dir()}: run `cargo build -p xero-sim` (or `cargo test --workspace`) "
            "first, or set XERO_SIM"
        )
    return found


if not INSTALLED:
    sys.path.insert(0, str(BINDING))
    if "XERO_LINK_LIBRARY" not in os.environ:
        library = workspace_library()
        if library is not None:
            os.environ["XERO_LINK_LIBRARY"] = str(library)

import xero_link  # noqa: E402  (after the path and library are chosen)
from xero_link.types import ErpContact, ErpInvoice  # noqa: E402

if INSTALLED:
    assert Path(xero_link.__file__).parent != BINDING / "xero_link", "XERO_LINK_TEST_INSTALLED=1 imported the tree"


class Sim:
    """A running xero-sim: its start-up JSON and its control API."""

    def __init__(self, process: subprocess.Popen[bytes], info: dict[str, Any]) -> None:
        self.process = process
        self.info = info
        self.base_url: str = info["base_url"]

    def endpoints(self) -> dict[str, str]:
        e = self.info["endpoints"]
        return {k: e[k] for k in ("authorize", "token", "revocation", "connections", "accounting")}

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}/_sim{path}", data=data, method=method,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None


@contextlib.contextmanager
def running_sim() -> Iterator[Sim]:
    """xero-sim as a child on a free port, limits off (the library still paces itself), consent automatic."""
    process = subprocess.Popen(
        [str(simulator_binary()), "--listen", "127.0.0.1:0", "--no-limits", "--consent", "auto",
         "--exit-on-stdin-close"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise RuntimeError("xero-sim printed nothing")
    try:
        yield Sim(process, json.loads(line))
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def sim() -> Iterator[Sim]:
    """One simulator for the session: tests keep to their own record keys in its organisations."""
    with running_sim() as s:
        yield s


@pytest.fixture
def fresh_sim() -> Iterator[Sim]:
    """A simulator of the test's own, its organisations empty."""
    with running_sim() as s:
        yield s


_names = itertools.count(1)


def new_state_dir(tag: str) -> str:
    return tempfile.mkdtemp(prefix=f"xero-link-py-{tag}-")


def config(endpoints: dict[str, str], state_dir: str, **patch: Any) -> dict[str, Any]:
    """What the administrator enters in the API setup, pointed at the simulator."""
    c: dict[str, Any] = {
        "client_id": "sim-client",
        "client_secret": "sim-secret",
        "redirect_uri": ERP_REDIRECT,
        "functions": ALL_FUNCTIONS,
        "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
        "state_dir": state_dir,
        "endpoints": endpoints,
        # The simulator's limits are off; the library's own pacing gets a one-second minute, so a suite of
        # calls to one organisation is never held back.
        "limits": {"minute_ms": 1000},
        "timeouts": {"connect_ms": 2000, "request_ms": 10000, "default_deadline_ms": 30000},
    }
    c.update(patch)
    return c


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def consent(url: str) -> str:
    """What the administrator's browser does: opens the consent URL; returns where Xero sends it back."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code == 302, f"authorize answered {e.code}"
        return str(e.headers["Location"])
    raise AssertionError("authorize did not redirect")


def sign_in(conn: xero_link.Connection) -> None:
    """The "Authenticate sign in" button and the redirect page: authorize URL -> consent -> authenticate."""
    started = conn.authorize_url()
    callback = consent(started["url"])
    conn.authenticate(callback_url=callback)


@pytest.fixture
def ready(sim: Sim) -> xero_link.Connection:
    """A connection configured, signed in and set to the organisation "Huge ERP Test Ltd"."""
    conn = xero_link.Connection(f"xero-py{next(_names)}-{os.getpid()}")
    conn.configure(**config(sim.endpoints(), new_state_dir("ready")))
    sign_in(conn)
    conn.set_tenant(tenant_name=ORG)
    return conn


def invoice(number: str, debtor: str = "D0001", amount: str = "19.995") -> ErpInvoice:
    return {
        "number": number, "type": "sales", "debtor": debtor, "date": "2026-11-26", "due_date": "2026-12-26",
        "lines": [{"description": "Steel beams", "quantity": "3", "unit_price": amount, "tax_code": "OUTPUT"}],
    }


def debtor(code: str = "D0001", name: str = "Acme Builders Ltd") -> ErpContact:
    return {"code": code, "role": "debtor", "name": name, "email": "ap@acme.example"}
