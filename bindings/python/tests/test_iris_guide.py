"""Runs the Python listings of docs/iris.md, unchanged, against xero-sim and the IRIS stand-in."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import REPO, Sim, config, consent
from iris_standin import IrisStandIn

GUIDE = REPO / "docs" / "iris.md"


def listings() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def test_the_guide_has_python_listings() -> None:
    assert len(listings()) >= 2


def test_the_guides_python_listings_run(fresh_sim: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "iris-database"
    database.mkdir()
    monkeypatch.setitem(sys.modules, "iris", IrisStandIn(str(database)))  # what `import iris` gives inside IRIS
    api_setup = config(fresh_sim.endpoints(), str(tmp_path / "state"), state_store="host",
                       encryption_key="ab" * 32)
    namespace = {"api_setup": api_setup, "administrator_signs_in": consent}
    for listing in listings():
        exec(compile(listing, str(GUIDE), "exec"), namespace)
    # The sign-in is in the global, sealed.
    stored = IrisStandIn(str(database)).gref("^XeroLink").get(["auth/xero-hugeerp"])
    assert stored and "sim-secret" not in stored
