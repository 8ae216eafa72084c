"""Loads libxero_link and wraps the functions of include/xero_link.h with ctypes; no logic of the library lives here.

Which library: the one named by the environment variable XERO_LINK_LIBRARY, else the one built into this package
by `pip install` (libxero_link*.so beside this file). At import the library's ABI version is checked against
ABI_VERSION, the version this binding was written for; a mismatch is an ImportError naming both and the path.

Every string the library returns is copied, then freed with xero_string_free exactly once (in a `finally`).
ctypes releases the GIL for the duration of each foreign call, so Python threads call the library in parallel.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from .errors import error_from

# The ABI version of include/xero_link.h this binding was written for (XERO_ABI_VERSION); tests/test_abi.py fails
# when the header moves on, so the binding is reviewed before it accepts another ABI.
ABI_VERSION = 1
LIBRARY_ENV = "XERO_LINK_LIBRARY"

# Log levels of the header (XERO_LOG_*) -> Python's logging levels. TRACE has no name in logging: level 5.
LOG_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: 5}
STATE_OK, STATE_NOT_FOUND, STATE_CONFLICT, STATE_ERROR = 0, 1, 2, -1

logger = logging.getLogger("xero_link")

# The operations with a function of their own in the header (all are reachable through xero_call too).
OPERATION_FUNCTIONS = (
    "configure", "authorize_url", "authenticate", "connections", "set_tenant", "status", "disconnect",
    "push_invoice", "push_invoices", "push_contacts", "push_items", "push_credit_notes", "push_payments",
    "get_accounts", "get_tax_rates", "get_tracking_categories", "get_documents",
)

LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p)
PROGRESS_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)
STATE_LOAD_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int32, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64)
)
STATE_CAS_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_char_p)
STATE_FREE_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


def find_library() -> Path:
    """The library to load: $XERO_LINK_LIBRARY, else the one this package was installed with."""
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for pattern in ("libxero_link*.so", "libxero_link*.dylib", "xero_link*.dll", "libxero_link*.pyd"):
        found = sorted(here.glob(pattern))
        if found:
            return found[0]
    raise ImportError(
        f"xero_link: no libxero_link in {here} (the package was not installed with `pip install "
        f"./bindings/python`?); set {LIBRARY_ENV} to the path of libxero_link.so"
    )


def load(path: Path) -> ctypes.CDLL:
    """Opens the library at `path`, declares the header's functions and checks the ABI version."""
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as e:
        raise ImportError(f"xero_link: cannot load the library {path}: {e}") from e
    try:
        lib.xero_abi_version.argtypes = []
        lib.xero_abi_version.restype = ctypes.c_uint32
    except AttributeError as e:
        raise ImportError(f"xero_link: {path} is not libxero_link (no xero_abi_version)") from e
    found = int(lib.xero_abi_version())
    if found != ABI_VERSION:
        raise ImportError(
            f"xero_link: the library {path} has ABI version {found}, this binding was written for ABI version "
            f"{ABI_VERSION}; install the binding that matches the library (pip install ./bindings/python)"
        )
    try:
        _declare(lib)
    except AttributeError as e:
        raise ImportError(f"xero_link: the library {path} lacks a function of include/xero_link.h: {e}") from e
    return lib


def _declare(lib: ctypes.CDLL) -> None:
    """Declares the header's functions: argument and return types, so ctypes converts nothing by guesswork."""
    lib.xero_version.argtypes = []
    lib.xero_version.restype = ctypes.c_char_p
    # Returned strings are taken as raw pointers (c_void_p), so they can be freed after being copied.
    lib.xero_call.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.xero_call.restype = ctypes.c_void_p
    for name in OPERATION_FUNCTIONS:
        f = getattr(lib, f"xero_{name}")
        f.argtypes = [ctypes.c_char_p]
        f.restype = ctypes.c_void_p
    lib.xero_string_free.argtypes = [ctypes.c_void_p]
    lib.xero_string_free.restype = None
    lib.xero_set_log_callback.argtypes = [LOG_CALLBACK, ctypes.c_void_p]
    lib.xero_set_log_callback.restype = ctypes.c_int32
    lib.xero_set_progress_callback.argtypes = [PROGRESS_CALLBACK, ctypes.c_void_p]
    lib.xero_set_progress_callback.restype = ctypes.c_int32
    lib.xero_set_state_store.argtypes = [STATE_LOAD_CALLBACK, STATE_CAS_CALLBACK, STATE_FREE_CALLBACK, ctypes.c_void_p]
    lib.xero_set_state_store.restype = ctypes.c_int32


LIBRARY_PATH = find_library()
LIB = load(LIBRARY_PATH)

# Per thread: the progress callable of the call running on it, whether a callback is running (the library must
# not be re-entered from one), and a KeyboardInterrupt/SystemExit raised inside a callback, re-raised after it.
_local = threading.local()


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact: the library takes amounts as decimal strings
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # dates: YYYY-MM-DD
    raise TypeError(f"xero_link cannot send a {type(value).__name__} as JSON")


def dumps(request: Any) -> bytes:
    # ASCII-only JSON: a lone surrogate in a str travels as \ud800 text and comes back as a per-record error.
    return json.dumps(request, default=_encode, allow_nan=False, separators=(",", ":")).encode("ascii")


def _take(ptr: int | None) -> bytes:
    """Copies the library's answer and frees it, exactly once."""
    if not ptr:
        return b'{"ok":false,"error":{"code":"internal","message":"the library returned NULL","retryable":false}}'
    try:
        return ctypes.string_at(ptr)
    finally:
        LIB.xero_string_free(ptr)


def _run(invoke: Callable[[], int | None], progress: Callable[[dict[str, Any]], object] | None) -> bytes:
    if getattr(_local, "in_callback", False):
        raise RuntimeError("xero_link: a log, progress or state-store callback must not call xero_link")
    previous = getattr(_local, "progress", None)
    _local.progress = progress
    try:
        text = _take(invoke())
    finally:
        _local.progress = previous
    pending: BaseException | None = getattr(_local, "interrupt", None)
    if pending is not None:
        _local.interrupt = None
        raise pending
    return text


def raw(operation: str, body: bytes, progress: Callable[[dict[str, Any]], object] | None = None) -> bytes:
    """Runs `operation` on the JSON text `body` and returns the envelope's JSON text, as the library wrote it."""
    if operation in OPERATION_FUNCTIONS:
        f = getattr(LIB, f"xero_{operation}")
        return _run(lambda: f(body), progress)
    op = operation.encode("utf-8")
    return _run(lambda: LIB.xero_call(op, body), progress)


def envelope(
    operation: str, request: Any, progress: Callable[[dict[str, Any]], object] | None = None
) -> dict[str, Any]:
    """Runs `operation` and returns its whole envelope ({"ok": ..., "result" or "error": ...})."""
    answer: dict[str, Any] = json.loads(raw(operation, dumps(request), progress))
    return answer


def result(answer: dict[str, Any]) -> Any:
    """An envelope's `result`, or its error raised as the XeroLinkError subclass of its code."""
    if answer.get("ok") is True:
        return answer.get("result")
    raise error_from(answer.get("error") or {"code": "internal", "message": f"not an envelope: {answer!r}"},
                     answer.get("request_id"))


def _guarded(what: str, f: Callable[[], Any]) -> Any:
    """Runs a Python callback for the library: nothing it raises crosses into the library (see README)."""
    _local.in_callback = True
    try:
        return f()
    except Exception:
        try:
            logger.error("xero_link: the %s callback raised; ignored", what, exc_info=True)
        except Exception:
            pass
    except BaseException as e:  # KeyboardInterrupt, SystemExit: raised again once the library call returns
        _local.interrupt = e
    finally:
        _local.in_callback = False
    return None


def _on_log(_user_data: int | None, level: int, target: bytes | None, message: bytes | None) -> None:
    py_level = LOG_LEVELS.get(level, logging.INFO)
    if not logger.isEnabledFor(py_level) or getattr(_local, "in_callback", False):
        return
    text = (message or b"").decode("utf-8", "replace")
    where = (target or b"").decode("utf-8", "replace")
    _guarded("log", lambda: logger.log(py_level, "%s", text, extra={"xero_target": where}))


def _on_progress(_user_data: int | None, event_json: bytes | None) -> None:
    fn = getattr(_local, "progress", None)
    if fn is None or event_json is None:
        return
    _guarded("progress", lambda: fn(json.loads(event_json)))


# Installed once, for the life of the process (the ctypes objects must stay alive as long as the library may call).
_LOG_CALLBACK = LOG_CALLBACK(_on_log)
_PROGRESS_CALLBACK = PROGRESS_CALLBACK(_on_progress)
LIB.xero_set_log_callback(_LOG_CALLBACK, None)
LIB.xero_set_progress_callback(_PROGRESS_CALLBACK, None)


class StateStore(Protocol):
    """A host store for the sign-in state of connections configured with `"state_store": "host"`.

    `load(key)` returns `(value, revision)` or None when nothing is stored under `key`. `cas(key,
    expected_revision, value)` stores `value` with revision `expected_revision + 1` if and only if the key's
    revision is `expected_revision` (0: absent), atomically for every process and machine sharing the store,
    and returns True; False when the revision differs. Raising means the store failed (error `store`). Values are
    opaque JSON texts; keep them unchanged, and keep them out of logs and exception messages.
    """

    def load(self, key: str) -> tuple[str, int] | None: ...

    def cas(self, key: str, expected_revision: int, value: str) -> bool: ...


class _StoreCallbacks:
    """The C callbacks of one registered StateStore, kept alive while registered (and after: see README)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.buffers: dict[int, ctypes.Array[ctypes.c_char]] = {}
        self.load = STATE_LOAD_CALLBACK(self._load)
        self.cas = STATE_CAS_CALLBACK(self._cas)
        self.free = STATE_FREE_CALLBACK(self._free)

    def _load(self, _ud: int | None, key: bytes, value_out: Any, revision_out: Any) -> int:
        def run() -> int:
            got = self.store.load(key.decode("utf-8"))
            if got is None:
                return STATE_NOT_FOUND
            value, revision = got
            if not isinstance(value, str) or not isinstance(revision, int) or revision < 1:
                logger.error("xero_link: state store load(%s) returned no (str, revision >= 1) pair", key.decode())
                return STATE_ERROR
            buf = ctypes.create_string_buffer(value.encode("utf-8"))
            address = ctypes.addressof(buf)
            self.buffers[address] = buf  # freed by _free, which the library calls exactly once per value
            value_out[0] = address
            revision_out[0] = revision
            return STATE_OK

        answer = _guarded("state store load", run)
        return STATE_ERROR if answer is None else int(answer)

    def _cas(self, _ud: int | None, key: bytes, expected_revision: int, value: bytes) -> int:
        def run() -> int:
            written = self.store.cas(key.decode("utf-8"), int(expected_revision), value.decode("utf-8"))
            if written is True:
                return STATE_OK
            if written is False:
                return STATE_CONFLICT
            logger.error("xero_link: state store cas(%s) returned %r, not True or False", key.decode(), type(written))
            return STATE_ERROR

        # An exception is STATE_ERROR: never "written" (ctypes would otherwise return 0, which reads as OK).
        answer = _guarded("state store cas", run)
        return STATE_ERROR if answer is None else int(answer)

    def _free(self, _ud: int | None, value: int | None) -> None:
        if value:
            self.buffers.pop(value, None)


_stores: list[_StoreCallbacks] = []  # every store ever registered stays alive: running calls may still use it
_store_lock = threading.Lock()


def set_state_store(store: StateStore | None) -> None:
    """Registers `store` as the process's host state store (None removes it)."""
    with _store_lock:
        if store is None:
            LIB.xero_set_state_store(
                STATE_LOAD_CALLBACK(), STATE_CAS_CALLBACK(), STATE_FREE_CALLBACK(), None
            )
            return
        callbacks = _StoreCallbacks(store)
        _stores.append(callbacks)
        if LIB.xero_set_state_store(callbacks.load, callbacks.cas, callbacks.free, None) != 0:
            raise RuntimeError("xero_link: xero_set_state_store refused the callbacks")
