"""A stand-in for IRIS's `iris` module, to test xero_link.iris without IRIS: globals and locks shared by processes.

It has the surface xero_link.iris uses (`gref(name).get/set/kill/data`, `lock`, `unlock`) and behaves like IRIS
where that matters: a global's node is one value, set atomically, visible at once to every process (here a SQLite
file stands for the database that ECP or mirroring shares between servers); a lock belongs to the process, is
incremental (`Lock +`), waits up to its timeout and answers False when not granted (POSIX record locks on a file:
per process, as IRIS's are, so two threads of one process are not excluded by it); `increment` is `$INCREMENT`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import threading
import time
from typing import Any


class Gref:
    def __init__(self, iris: IrisStandIn, name: str) -> None:
        self.iris = iris
        self.name = name

    def _subs(self, key: list[Any]) -> str:
        return "\x00".join(str(k) for k in key)

    def get(self, key: list[Any]) -> Any:
        with self.iris.db() as db:
            row = db.execute("SELECT value FROM node WHERE name = ? AND subs = ?", (self.name, self._subs(key))).fetchone()
        return None if row is None else row[0]

    def set(self, key: list[Any], value: Any) -> None:
        if len(str(value)) > 3_641_144:
            raise ValueError("<MAXSTRING>")
        with self.iris.db() as db:
            db.execute("INSERT OR REPLACE INTO node (name, subs, value) VALUES (?, ?, ?)",
                       (self.name, self._subs(key), value))

    def kill(self, key: list[Any]) -> None:
        with self.iris.db() as db:
            db.execute("DELETE FROM node WHERE name = ? AND subs = ?", (self.name, self._subs(key)))

    def data(self, key: list[Any]) -> int:
        return 0 if self.get(key) is None else 1

    def increment(self, key: list[Any], by: int = 1) -> int:
        """$INCREMENT: atomic without a lock."""
        with self.iris.db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT value FROM node WHERE name = ? AND subs = ?", (self.name, self._subs(key))).fetchone()
            value = (int(row[0]) if row else 0) + by
            db.execute("INSERT OR REPLACE INTO node (name, subs, value) VALUES (?, ?, ?)",
                       (self.name, self._subs(key), value))
            db.execute("COMMIT")
        return value


class IrisStandIn:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, "globals.sqlite")
        self._held: dict[str, tuple[int, int]] = {}  # lock name -> (fd, count), this process's
        self._guard = threading.Lock()
        with self.db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS node (name TEXT, subs TEXT, value, PRIMARY KEY (name, subs))")

    def db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        return db

    def gref(self, name: str) -> Gref:
        return Gref(self, name)

    def _file(self, name: str) -> str:
        return os.path.join(self.directory, "lock-" + hashlib.sha256(name.encode()).hexdigest()[:16])

    def lock(self, lock_list: list[str], timeout_value: float | None = None, locktype: str | None = None) -> bool:
        deadline = None if timeout_value is None else time.monotonic() + timeout_value
        for name in lock_list:
            while True:
                with self._guard:
                    if name in self._held:  # the process holds it: incremental, granted at once
                        fd, count = self._held[name]
                        self._held[name] = (fd, count + 1)
                        break
                    fd = os.open(self._file(name), os.O_RDWR | os.O_CREAT, 0o600)
                    try:
                        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        os.close(fd)
                    else:
                        self._held[name] = (fd, 1)
                        break
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                time.sleep(0.002)
        return True

    def unlock(self, lock_list: list[str], timeout_value: float | None = None, locktype: str | None = None) -> None:
        with self._guard:
            for name in lock_list:
                if name not in self._held:
                    continue
                fd, count = self._held[name]
                if count > 1:
                    self._held[name] = (fd, count - 1)
                else:
                    del self._held[name]
                    fcntl.lockf(fd, fcntl.LOCK_UN)
                    os.close(fd)
