"""Glue for InterSystems IRIS Embedded Python: the sign-in state in an IRIS global, and calls made from ObjectScript.

In IRIS (docs/iris.md):

    set xl = ##class(%SYS.Python).Import("xero_link.iris")
    do xl.install("^XeroLink")                                   ; once per process, before the first call
    set answer = {}.%FromJSON(xl.call("push_invoices", request.%ToJSON()))
    if 'answer.ok { ... answer.error.code, answer.error.message, answer.error.path, answer.error.retryable ... }

`GlobalStateStore` keeps each connection's sign-in state (tokens, tenant, refresh lease) in one node of a global,
`^XeroLink(key) = "<revision>:<value>"`, written only under `Lock +^XeroLink(key)`, so that IRIS servers sharing
the database (ECP, mirroring) share one sign-in. It needs only `iris.gref`, `iris.lock` and `iris.unlock`;
tests run it against a stand-in with the same surface (IRIS itself was not run: docs/iris.md says what was).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from . import _native, set_state_store

__all__ = ["GlobalStateStore", "install", "call", "IRIS_MAX_STRING"]

# The longest string an IRIS process holds (characters, long strings enabled): what ObjectScript can receive.
IRIS_MAX_STRING = 3_641_144


class _Gref(Protocol):
    def get(self, key: list[Any]) -> Any: ...

    def set(self, key: list[Any], value: Any) -> None: ...


class IrisModule(Protocol):
    """The part of IRIS's `iris` module this glue uses."""

    def gref(self, name: str) -> Any: ...

    def lock(self, lock_list: list[str], timeout_value: float | None = ..., locktype: str | None = ...) -> Any: ...

    def unlock(self, lock_list: list[str], timeout_value: float | None = ..., locktype: str | None = ...) -> Any: ...


class GlobalStateStore:
    """A xero_link.StateStore in the IRIS global `global_name` (default `^XeroLink`).

    load reads one node (one Set writes it, so a read never sees half a write). cas takes `Lock
    +^XeroLink(key):lock_timeout`, reads, compares the revision, sets, and unlocks. An IRIS lock belongs to the
    process, and the library calls the store from several threads of one process, so a process-local lock is
    taken around it too. A lock not granted within `lock_timeout` seconds is a store failure (the library's error
    `store`, retryable).
    """

    def __init__(self, global_name: str = "^XeroLink", iris_module: IrisModule | None = None,
                 lock_timeout: float = 5.0) -> None:
        if not global_name.startswith("^"):
            raise ValueError("global_name names a global, e.g. ^XeroLink")
        if iris_module is None:
            import iris  # type: ignore[import-not-found]  # IRIS's own module, present inside IRIS only

            iris_module = iris
        self.iris: IrisModule = iris_module
        self.global_name = global_name
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GlobalStateStore({self.global_name!r})"

    def _node(self) -> Any:
        return self.iris.gref(self.global_name)

    def _lock_name(self, key: str) -> str:
        return f'{self.global_name}("{key.replace(chr(34), chr(34) * 2)}")'

    def _read(self, key: str) -> tuple[str, int] | None:
        stored = self._node().get([key])
        if stored is None or stored == "":
            return None
        revision, _, value = str(stored).partition(":")
        return value, int(revision)

    def load(self, key: str) -> tuple[str, int] | None:
        return self._read(key)

    def cas(self, key: str, expected_revision: int, value: str) -> bool:
        name = self._lock_name(key)
        with self._thread_lock:
            if self.iris.lock([name], self.lock_timeout) is False:
                raise TimeoutError(f"Lock +{name} not granted within {self.lock_timeout} s")
            try:
                current = self._read(key)
                revision = current[1] if current else 0
                if revision != expected_revision:
                    return False
                self._node().set([key], f"{expected_revision + 1}:{value}")
                return True
            finally:
                self.iris.unlock([name])


_installed: GlobalStateStore | None = None


def install(global_name: str = "^XeroLink", iris_module: IrisModule | None = None) -> GlobalStateStore:
    """Registers a GlobalStateStore as the process's host store (idempotent for the same global)."""
    global _installed
    if _installed is None or _installed.global_name != global_name or iris_module is not None:
        _installed = GlobalStateStore(global_name, iris_module)
        set_state_store(_installed)
    return _installed


def call(operation: str, request_json: str) -> str:
    """For ObjectScript: runs `operation` on a JSON text and returns the whole envelope as JSON text, never raising
    for an error the library answers (`ok` false, `error` with code, message, path, retryable, details).

    An answer longer than IRIS's longest string (IRIS_MAX_STRING) cannot reach ObjectScript: push at most a few
    hundred records per call (docs/iris.md). A request that is not JSON comes back as the library's `bad_json`. (From Python, use xero_link.call.)
    """
    # The text goes to the library as it is (its decimals untouched); the library answers bad_json if it is not JSON.
    return _native.raw(operation, request_json.encode("utf-8", "surrogatepass")).decode("utf-8")
