"""Fault injection and observability (reference §10.2.9).

Control endpoint (FE HTTP port, no auth):
  POST   /_standin/faults   JSON object, merged into the active faults
  DELETE /_standin/faults   clear all faults
  GET    /_standin/faults   active faults
  GET    /_standin/stats    counters (see Stats.snapshot)
  POST   /_standin/stats/reset

"nth" faults count BE stream-load requests (plain PUT _stream_load and transaction `load` calls)
that arrive *after* the fault was set: `{"fail_nth_load": 1}` hits the next one. Each fires once
and then disappears from the active set.

  fail_nth_load: N [+ status, message]   the Nth load reads its body, is aborted, and answers
                                          Status=<status> (default "Fail"), Message=<message>
  http_500_nth: N [+ http_500_phase: "header"|"body"]
                                          answer HTTP 500 (before 100-continue, or after the body)
  reset_mid_body_nth: N [+ reset_after_bytes]
                                          RST the connection after ~half the body (or the given
                                          byte count); the txn is aborted
  publish_timeout_nth: N                  commit, answer "Publish Timeout"; the label stays
                                          COMMITTED and the rows invisible for publish_delay_s
  commit_fail_but_committed_nth: N [+ commit_fail_cause]
                                          really commit, but answer Fail "Commit transaction fail
                                          cause ..., Transaction status unknown, you can retry
                                          with same label."
  busy_nth_load: N                        Fail "Stream Load exceed http cuncurrent limit ..."
  stall_before_reply_s: X                 every load sleeps X s after commit, before replying
  read_rate_bytes_per_s: R                every load reads its body at ≤ R bytes/s
  max_concurrent_loads: K                 loads beyond K concurrent fail with the BE busy message
  no_backend_alive: true                  FE answers "No backend alive."
  publish_delay_s: X                      override --publish-delay-s
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Dict

NTH_KEYS = ("fail_nth_load", "http_500_nth", "reset_mid_body_nth", "publish_timeout_nth",
            "commit_fail_but_committed_nth", "busy_nth_load")
PARAM_KEYS = ("status", "message", "http_500_phase", "reset_after_bytes", "commit_fail_cause")
GLOBAL_KEYS = ("stall_before_reply_s", "read_rate_bytes_per_s", "max_concurrent_loads",
               "no_backend_alive", "publish_delay_s")
ALL_KEYS = NTH_KEYS + PARAM_KEYS + GLOBAL_KEYS


class FaultError(ValueError):
    pass


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.active: Dict[str, Any] = {}
        self.base: Dict[str, int] = {}
        self.load_seq = 0

    def set(self, d: Dict[str, Any]) -> None:
        if not isinstance(d, dict):
            raise FaultError("faults must be a JSON object")
        unknown = [k for k in d if k not in ALL_KEYS]
        if unknown:
            raise FaultError(f"unknown fault keys: {unknown}; known: {list(ALL_KEYS)}")
        with self.lock:
            for k, v in d.items():
                if v is None or v is False:
                    self.active.pop(k, None)
                    continue
                if k in NTH_KEYS:
                    if not isinstance(v, int) or v < 1:
                        raise FaultError(f"{k} must be an integer >= 1")
                    self.base[k] = self.load_seq
                self.active[k] = v

    def clear(self) -> None:
        with self.lock:
            self.active.clear()
            self.base.clear()

    def snapshot(self) -> Dict[str, Any]:
        with self.lock:
            return dict(self.active)

    def get(self, key: str, default=None):
        with self.lock:
            return self.active.get(key, default)

    def on_load(self) -> Dict[str, Any]:
        """Called once per arriving BE load request; returns the nth faults that hit it."""
        with self.lock:
            self.load_seq += 1
            hit: Dict[str, Any] = {}
            for k in NTH_KEYS:
                if k in self.active and self.load_seq - self.base.get(k, 0) == self.active[k]:
                    hit[k] = True
                    del self.active[k]
            for k in PARAM_KEYS:
                if k in self.active:
                    hit["param_" + k] = self.active[k]
            return hit


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.requests = {"fe": 0, "be": 0, "mysql": 0}
            self.bytes = 0
            self.loads_committed = 0
            self.loads_aborted = 0
            self.concurrent_loads = 0
            self.peak_concurrent_loads = 0
            self.bytes_buffered = 0
            self.peak_bytes_buffered = 0
            self.loads = deque(maxlen=2000)
            self.labels: Dict[str, list] = {}
            self.started = time.time()

    def request(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def add_bytes(self, n: int) -> None:
        with self.lock:
            self.bytes += n

    def load_started(self) -> None:
        with self.lock:
            self.concurrent_loads += 1
            self.peak_concurrent_loads = max(self.peak_concurrent_loads, self.concurrent_loads)

    def load_ended(self) -> None:
        with self.lock:
            self.concurrent_loads -= 1

    def buffered_delta(self, delta: int) -> None:
        if not delta:
            return
        with self.lock:
            self.bytes_buffered += delta
            if self.bytes_buffered > self.peak_bytes_buffered:
                self.peak_bytes_buffered = self.bytes_buffered

    def outcome(self, db: str, label: str, txn_id: int, status: str, message: str, committed: bool,
                aborted: bool, rows: Dict[str, int], load_bytes: int, kind: str = "stream_load") -> None:
        with self.lock:
            if committed:
                self.loads_committed += 1
            if aborted:
                self.loads_aborted += 1
            rec = {"db": db, "label": label, "txn_id": txn_id, "status": status, "message": message,
                   "kind": kind, "load_bytes": load_bytes, **rows, "time": time.time()}
            self.loads.append(rec)
            self.labels.setdefault(f"{db}/{label}", []).append(status)

    def snapshot(self) -> Dict[str, Any]:
        with self.lock:
            return {"requests": dict(self.requests), "bytes": self.bytes,
                    "loads_committed": self.loads_committed, "loads_aborted": self.loads_aborted,
                    "concurrent_loads": self.concurrent_loads,
                    "peak_concurrent_loads": self.peak_concurrent_loads,
                    "bytes_buffered": self.bytes_buffered,
                    "peak_bytes_buffered": self.peak_bytes_buffered,
                    "labels": {k: list(v) for k, v in self.labels.items()},
                    "loads": list(self.loads)}
