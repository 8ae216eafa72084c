"""The generated types match schemas/, and mypy --strict accepts the package, its tests and its tools."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import BINDING


def test_generated_types_are_fresh() -> None:
    run = subprocess.run([sys.executable, str(BINDING / "tools" / "gen_types.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr + "\n(regenerate: python3 bindings/python/tools/gen_types.py)"


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (requirements-test.txt)")
def test_mypy_strict() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", str(BINDING / "pyproject.toml")],
                         cwd=BINDING, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
