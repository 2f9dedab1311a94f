"""Transactions and labels (reference §3.3, §5).

* Labels are unique per database among non-ABORTED transactions; an ABORTED txn's label can be
  reused (DatabaseTransactionMgr.beginTransaction).
* ExistingJobStatus: PREPARE/PREPARED → RUNNING, COMMITTED/VISIBLE → FINISHED
  (LabelAlreadyUsedException).
* Finished (VISIBLE/ABORTED) labels are forgotten `label_keep_seconds` after they finished
  (FE label_keep_max_second, default 3 days); get_load_state then answers UNKNOWN.
* State is persisted with the rows (storage.Storage); on restart, unfinished transactions are
  aborted and COMMITTED ones (whose rows were already durable) become VISIBLE.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

from .storage import Storage

PREPARE, PREPARED, COMMITTED, VISIBLE, ABORTED = "PREPARE", "PREPARED", "COMMITTED", "VISIBLE", "ABORTED"
FINAL = (VISIBLE, ABORTED)
LABEL_RE = re.compile(r"^[-\w]{1,128}$", re.ASCII)   # FeNameFormat.checkLabel: ^[-\w]{1,128}$


@dataclass
class TxnRecord:
    txn_id: int
    db: str
    label: str
    table: str
    state: str = PREPARE
    reason: str = ""
    created: float = 0.0
    prepared: Optional[float] = None
    committed: Optional[float] = None
    finished: Optional[float] = None
    be: int = 0
    kind: str = "stream_load"
    timeout: int = 600

    @property
    def existing_job_status(self) -> str:
        return "FINISHED" if self.state in (COMMITTED, VISIBLE) else "RUNNING"


class LabelAlreadyExists(Exception):
    def __init__(self, rec: TxnRecord):
        super().__init__(f"Label [{rec.label}] has already been used.")
        self.rec = rec


class LabelRegistry:
    def __init__(self, storage: Storage, keep_seconds: float):
        self.storage = storage
        self.lock = storage.lock
        self.keep_seconds = keep_seconds
        self.by_label: Dict[tuple, List[TxnRecord]] = {}
        self.by_id: Dict[int, TxnRecord] = {}
        self.next_id = 1000
        self._load()

    def _load(self) -> None:
        rows = self.storage.query("SELECT txn_id, db, label, tbl, state, reason, created, prepared, "
                                  "committed, finished, be, kind, timeout FROM txns ORDER BY txn_id")
        for r in rows:
            rec = TxnRecord(*r)
            self._index(rec)
            self.next_id = max(self.next_id, rec.txn_id + 1)
        now = time.time()
        with self.storage.transaction() as c:
            for rec in list(self.by_id.values()):
                if rec.state in (PREPARE, PREPARED):
                    rec.state, rec.reason, rec.finished = ABORTED, "aborted by stand-in restart", now
                    self._persist(c, rec)
                elif rec.state == COMMITTED:
                    rec.state, rec.finished = VISIBLE, now
                    self._persist(c, rec)

    def _index(self, rec: TxnRecord) -> None:
        self.by_label.setdefault((rec.db, rec.label), []).append(rec)
        self.by_id[rec.txn_id] = rec

    def _persist(self, conn, rec: TxnRecord) -> None:
        conn.execute("INSERT OR REPLACE INTO txns (txn_id, db, label, tbl, state, reason, created, prepared, "
                     "committed, finished, be, kind, timeout) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (rec.txn_id, rec.db, rec.label, rec.table, rec.state, rec.reason, rec.created,
                      rec.prepared, rec.committed, rec.finished, rec.be, rec.kind, rec.timeout))

    def expired(self, rec: TxnRecord, now: Optional[float] = None) -> bool:
        now = time.time() if now is None else now
        return rec.state in FINAL and rec.finished is not None and now - rec.finished > self.keep_seconds

    # ------------------------------------------------------------------------------------------
    def begin(self, db: str, label: str, table: str, be: int = 0, kind: str = "stream_load",
              timeout: int = 600) -> TxnRecord:
        with self.lock:
            now = time.time()
            for rec in self.by_label.get((db, label), []):
                if rec.state != ABORTED and not self.expired(rec, now):
                    raise LabelAlreadyExists(rec)
            rec = TxnRecord(self.next_id, db, label, table, PREPARE, "", now, be=be, kind=kind, timeout=timeout)
            self.next_id += 1
            self._index(rec)
            with self.storage.transaction() as c:
                self._persist(c, rec)
            return rec

    def set_state(self, rec: TxnRecord, state: str, reason: str = "", conn=None) -> None:
        """Change state; pass `conn` to write inside an enclosing storage transaction."""
        with self.lock:
            now = time.time()
            rec.state = state
            if reason:
                rec.reason = reason
            if state == PREPARED:
                rec.prepared = now
            if state in (COMMITTED, VISIBLE) and rec.committed is None:
                rec.committed = now
            if state in FINAL:
                rec.finished = now
            if conn is not None:
                self._persist(conn, rec)
            else:
                with self.storage.transaction() as c:
                    self._persist(c, rec)

    def abort(self, rec: TxnRecord, reason: str) -> None:
        if rec.state not in FINAL:
            self.set_state(rec, ABORTED, reason)

    def find(self, db: str, label: str) -> Optional[TxnRecord]:
        """Latest non-expired transaction with this label (for get_load_state)."""
        with self.lock:
            recs = [r for r in self.by_label.get((db, label), []) if not self.expired(r)]
            if not recs:
                return None
            live = [r for r in recs if r.state != ABORTED]
            return (live or recs)[-1]

    def get(self, txn_id: int) -> Optional[TxnRecord]:
        return self.by_id.get(txn_id)

    def all(self) -> List[TxnRecord]:
        with self.lock:
            return list(self.by_id.values())
