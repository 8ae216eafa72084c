"""`pip install ./bindings/python` in a fresh venv gives a working package, its library inside, no env var needed.

Slow (a venv, pip, a cargo build), so it runs in CI (CI set) or with XERO_LINK_TEST_PIP_INSTALL=1. It builds the
dev profile into the workspace's target directory, so after `cargo test` only xero-link itself is compiled; the
default `pip install ./bindings/python` builds the release profile (measured in bindings/python/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BINDING, INSTALLED, Sim, target_dir

ENABLED = bool(os.environ.get("CI")) or os.environ.get("XERO_LINK_TEST_PIP_INSTALL") == "1"

SMOKE = """
import os, sys, xero_link
assert "XERO_LINK_LIBRARY" not in os.environ and "LD_LIBRARY_PATH" not in os.environ
assert xero_link.library_path.startswith(os.path.dirname(xero_link.__file__)), xero_link.library_path
conn = xero_link.Connection("xero-pip-smoke")
conn.configure(client_id="sim-client", client_secret="sim-secret", state_dir=sys.argv[1],
               redirect_uri="https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
               endpoints={k: sys.argv[2] + p for k, p in [("authorize", "/identity/connect/authorize"),
                          ("token", "/connect/token"), ("revocation", "/connect/revocation"),
                          ("connections", "/connections"), ("accounting", "/api.xro/2.0")]})
assert "signed_in" in conn.status()
try:
    conn.push_contacts(contacts=[{"code": "P1", "role": "debtor", "name": "Pip Ltd"}])
except xero_link.FunctionDisabled as e:
    print("ok", xero_link.version(), e.code)
"""


@pytest.mark.skipif(not ENABLED or INSTALLED, reason="slow: runs in CI, or with XERO_LINK_TEST_PIP_INSTALL=1")
def test_pip_install_in_a_fresh_venv(tmp_path: Path, sim: Sim) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("XERO_LINK_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH")}
    env.update(SETUPTOOLS_RUST_CARGO_PROFILE="dev", CARGO_TARGET_DIR=str(target_dir()))
    started = time.monotonic()
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(BINDING)], env=env,
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stdout + install.stderr
    print(f"pip install ./bindings/python (dev profile, warm target dir): {time.monotonic() - started:.0f} s")
    run = subprocess.run([str(python), "-c", SMOKE, str(tmp_path / "state"), sim.base_url], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith("ok "), run.stdout + run.stderr
