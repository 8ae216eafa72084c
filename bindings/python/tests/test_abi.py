"""The binding refuses a library of another ABI version, and declares exactly the header's functions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BINDING, INSTALLED, REPO

import xero_link
from xero_link import _native

HEADER = REPO / "include" / "xero_link.h"


def test_the_binding_was_written_for_the_headers_abi() -> None:
    found = re.search(r"#define XERO_ABI_VERSION (\d+)", HEADER.read_text(encoding="utf-8"))
    assert found and int(found.group(1)) == xero_link.ABI_VERSION, (
        "include/xero_link.h has a new ABI version: review the binding, then raise ABI_VERSION in _native.py")


def test_the_binding_declares_the_headers_functions() -> None:
    header = set(re.findall(r"\b(xero_\w+)\(", HEADER.read_text(encoding="utf-8")))
    declared = {"xero_version", "xero_abi_version", "xero_call", "xero_string_free", "xero_set_log_callback",
                "xero_set_progress_callback", "xero_set_state_store"}
    declared |= {f"xero_{name}" for name in _native.OPERATION_FUNCTIONS}
    assert declared == header


@pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="needs a C compiler")
def test_a_library_of_another_abi_is_refused_at_import(tmp_path: Path) -> None:
    source = tmp_path / "other.c"
    source.write_text('unsigned int xero_abi_version(void) { return 999; }\n'
                      'const char *xero_version(void) { return "9.9.9"; }\n')
    library = tmp_path / "libxero_link_other.so"
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    env = {**os.environ, "XERO_LINK_LIBRARY": str(library)}
    path = [] if INSTALLED else [str(BINDING)]
    env["PYTHONPATH"] = os.pathsep.join(path + [env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-c", "import xero_link"], env=env, capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError" in run.stderr
    message = run.stderr.strip().splitlines()[-1]
    assert "999" in message and f"ABI version {xero_link.ABI_VERSION}" in message and str(library) in message, message
