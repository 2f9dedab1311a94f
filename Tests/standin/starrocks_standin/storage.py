"""SQLite persistence in --data-dir: databases, tables, rows, transactions/labels.

Everything a commit changes (its row changes as one "segment" + the transaction's new state) is
written in one SQLite transaction, so a restart of the stand-in keeps exactly the committed loads
and their labels. A table's rows are the replay of its segments in order; the catalog compacts
them into a snapshot segment from time to time.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS databases (name TEXT PRIMARY KEY, created REAL);
CREATE TABLE IF NOT EXISTS tables (id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL,
                                   schema TEXT NOT NULL, created REAL, UNIQUE(db, name));
CREATE TABLE IF NOT EXISTS segments (tid INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
                                     PRIMARY KEY (tid, seq));
CREATE TABLE IF NOT EXISTS txns (txn_id INTEGER PRIMARY KEY, db TEXT, label TEXT, tbl TEXT,
                                 state TEXT, reason TEXT, created REAL, prepared REAL,
                                 committed REAL, finished REAL, be INTEGER, kind TEXT,
                                 timeout INTEGER);
CREATE INDEX IF NOT EXISTS txns_label ON txns (db, label);
"""


class Storage:
    def __init__(self, data_dir: str):
        os.makedirs(data_dir, exist_ok=True)
        self.path = os.path.join(data_dir, "standin.sqlite3")
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        self.lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def transaction(self):
        """Nested use joins the outer transaction."""
        with self.lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            ok = False
            try:
                yield self.conn
                ok = True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    if ok:
                        self.conn.execute("COMMIT")
                    else:
                        self.conn.execute("ROLLBACK")

    def query(self, sql: str, args=()):
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def get_meta(self, k: str, default=None):
        r = self.query("SELECT v FROM meta WHERE k = ?", (k,))
        return r[0][0] if r else default

    def set_meta(self, k: str, v) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", (k, str(v)))

    def close(self) -> None:
        with self.lock:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
