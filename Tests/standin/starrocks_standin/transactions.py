"""Stream Load transaction interface (reference §4, §10.2.10).

BE side (be/src/runtime/stream_load/transaction_mgr.cpp, transaction_stream_load.cpp):
  begin    label+db+table headers; the label must not be active on this BE
           (→ LABEL_ALREADY_EXISTS) nor used by a non-aborted txn (→ ExistingJobStatus)
  load     PUT, body appended to the txn's single pipe; calls must be sequential (a concurrent call
           gets TXN_IN_PROCESSING) and carry identical parameters ("load request not equal last.")
  prepare  2PC pre-commit: data staged, txn PREPARED; a later commit/rollback finishes it
  commit   finish the pipe and commit; no data → "transaction ... hasn't send any data yet"
  rollback "transaction is aborted by user."
  list     contexts on this BE
Any error in load/prepare/commit rolls the transaction back. A cleaner aborts transactions that
exceed `timeout` ("transaction is aborted by timeout N seconds.") or stay idle longer than
`idle_transaction_timeout` ("transaction is aborted by idle timeout N seconds.").
Reply `Status` is the TStatusCode name (OK, LABEL_ALREADY_EXISTS, TXN_NOT_EXISTS,
TXN_IN_PROCESSING, INVALID_ARGUMENT, INTERNAL_ERROR, ANALYSIS_ERROR for planning errors of `load`,
PUBLISH_TIMEOUT). The FE answers finished and unknown labels itself (txn_fe.py).
"""
from __future__ import annotations

import json
import threading
import time
from typing import Dict, Optional

from .http_common import BadChunk, BodyIncomplete, BodyTooLarge
from .labels import LABEL_RE, PREPARED, LabelAlreadyExists
from . import profiles
from .stream_load import (LoadFail, LoadSink, parse_basic_auth, parse_load_headers)


class TxnOpError(Exception):
    def __init__(self, code: str, message: str, rollback: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.rollback = rollback


class TxnContext:
    def __init__(self, label, db, table, rec, be_index, timeout, idle_timeout):
        self.label = label
        self.db = db
        self.table = table
        self.rec = rec
        self.be_index = be_index
        self.lock = threading.Lock()
        self.sig = None
        self.sink: Optional[LoadSink] = None
        self.load_bytes = 0
        self.begin_ts = time.time()
        self.last_active = time.time()
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.plan_ms = 0
        self.recv_ms = 0
        self.t0 = time.monotonic()


class TransactionManager:
    def __init__(self, srv):
        self.srv = srv
        self.lock = threading.Lock()
        self.contexts: Dict[tuple, TxnContext] = {}     # (db, label) → active context
        self.prepared: Dict[tuple, TxnContext] = {}
        self.label_be: Dict[tuple, int] = {}
        self._stop = threading.Event()
        self.cleaner = threading.Thread(target=self._clean_loop, name="txn-cleaner", daemon=True)
        self.cleaner.start()

    def stop(self):
        self._stop.set()

    # ---- FE side ---------------------------------------------------------------------------------
    def be_for_label(self, db: str, label: str) -> Optional[int]:
        with self.lock:
            return self.label_be.get((db, label))

    def remember_be(self, db: str, label: str, be: int) -> None:
        with self.lock:
            self.label_be[(db, label)] = be

    # ---- replies ----------------------------------------------------------------------------------
    def _reply(self, handler, d: dict) -> None:
        handler.send_json(json.dumps(d, indent=4, ensure_ascii=False))

    def _err(self, handler, label: str, code: str, message: str, txn_id: int = -1, early: bool = False):
        d = {"Status": code, "Message": message, "Label": label, "TxnId": txn_id}
        if early:
            handler.early_reply(json.dumps(d, indent=4, ensure_ascii=False))
        else:
            self._reply(handler, d)

    # ---- dispatch ----------------------------------------------------------------------------------
    def handle(self, handler, op: str) -> None:
        h = handler.headers
        label = h.get("label") or ""
        if op == "list":
            return self._list(handler)
        if op not in ("begin", "load", "prepare", "commit", "rollback"):
            return self._err(handler, label, "INVALID_ARGUMENT", f"Invalid transaction operation: {op}", early=True)
        if not label:
            return self._err(handler, label, "INVALID_ARGUMENT", "empty label", early=True)
        auth = parse_basic_auth(h.get("Authorization"))
        if auth is None:
            return self._err(handler, label, "INTERNAL_ERROR", "no valid Basic authorization", early=True)
        if not self.srv.check_password(*auth):
            return self._err(handler, label, "INTERNAL_ERROR",
                             f"Access denied for {auth[0]}@{handler.client_address[0]}", early=True)
        db = h.get("db") or ""
        try:
            if op == "begin":
                return self._begin(handler, label, db)
            if op == "load":
                return self._load(handler, label, db)
            if op in ("prepare", "commit"):
                return self._commit(handler, label, db, prepare=(op == "prepare"))
            return self._rollback(handler, label, db)
        except TxnOpError as e:
            ctx = self.contexts.get((db, label))
            txn_id = ctx.rec.txn_id if ctx else -1
            if e.rollback and ctx is not None:
                self._abort(ctx, e.message)
            self._err(handler, label, e.code, e.message, txn_id, early=(op != "load"))

    def _ctx(self, db: str, label: str, op: str) -> TxnContext:
        with self.lock:
            ctx = self.contexts.get((db, label))
            if ctx is None:
                for (d, l), c in self.contexts.items():
                    if l == label:
                        raise TxnOpError("INVALID_ARGUMENT", f"request db {db} transaction db {d} not match")
                raise TxnOpError("TXN_NOT_EXISTS", f"transaction with label {label} not exists")
            return ctx

    def _abort(self, ctx: TxnContext, reason: str) -> None:
        with self.lock:
            self.contexts.pop((ctx.db, ctx.label), None)
            self.prepared.pop((ctx.db, ctx.label), None)
        if ctx.sink is not None:
            ctx.sink.release()
        self.srv.labels.abort(ctx.rec, reason)
        self.srv.stats.outcome(ctx.db, ctx.label, ctx.rec.txn_id, "ABORTED", reason, False, True,
                               ctx.sink.counts() if ctx.sink else {}, ctx.load_bytes, kind="txn")

    # ---- operations -------------------------------------------------------------------------------
    def _begin(self, handler, label: str, db: str) -> None:
        srv = self.srv
        h = handler.headers
        table_name = h.get("table") or ""

        def int_header(name):
            v = h.get(name)
            if v is None or v == "":
                return None
            try:
                n = int(v.strip())
                if n < 0:
                    raise ValueError
                return n
            except ValueError:
                raise TxnOpError("INVALID_ARGUMENT", "Invalid timeout format")

        timeout = int_header("timeout") or 600
        idle = int_header("idle_transaction_timeout")
        with self.lock:
            if (db, label) in self.contexts or (db, label) in self.prepared:
                return self._err(handler, label, "LABEL_ALREADY_EXISTS", "", early=True)
        if not LABEL_RE.match(label):
            raise TxnOpError("INVALID_ARGUMENT", f"Label format error. regex: ^[-\\w]{{1,128}}$, label: {label}")
        if not srv.catalog.has_db(db):
            raise TxnOpError("INTERNAL_ERROR", f"unknown database, database={db}")
        table = srv.catalog.find_table(db, table_name)
        if table is None:
            raise TxnOpError("INTERNAL_ERROR", f"unknown table \"{db}.{table_name}\"")
        t0 = time.monotonic()
        try:
            rec = srv.labels.begin(db, label, table.name, be=handler.server.be_index, kind="txn", timeout=timeout)
        except LabelAlreadyExists as e:
            d = {"Status": "LABEL_ALREADY_EXISTS", "ExistingJobStatus": e.rec.existing_job_status,
                 "Message": f"Label [{label}] has already been used.", "Label": label, "TxnId": -1}
            return handler.early_reply(json.dumps(d, indent=4, ensure_ascii=False))
        ctx = TxnContext(label, db, table, rec, handler.server.be_index, timeout, idle)
        with self.lock:
            self.contexts[(db, label)] = ctx
        self.remember_be(db, label, handler.server.be_index)
        self._reply(handler, {"Status": "OK", "Message": "", "Label": label, "TxnId": rec.txn_id,
                              "BeginTxnTimeMs": int((time.monotonic() - t0) * 1000)})

    def _load(self, handler, label: str, db: str) -> None:
        srv = self.srv
        ctx = self._ctx(db, label, "load")
        h = handler.headers
        if h.get("table") and h.get("table") != ctx.table.name:
            raise TxnOpError("INVALID_ARGUMENT", f"request table {h.get('table')} transaction table "
                                                 f"{ctx.table.name} not match")
        if not ctx.lock.acquire(blocking=False):
            return self._err(handler, label, "TXN_IN_PROCESSING",
                             f"Transaction {label} is in processing, please retry later",
                             ctx.rec.txn_id, early=True)
        released = False
        try:
            hits = srv.faults.on_load()
            cl = handler.content_length()
            try:
                spec = parse_load_headers(h, cl, srv.cfg)
            except LoadFail as e:
                raise TxnOpError("INVALID_ARGUMENT", e.message, rollback=True)
            sig = spec.signature()
            t0 = time.monotonic()
            if ctx.sig is None:
                try:
                    ctx.sink = LoadSink(spec, ctx.table, srv.cfg.discard, srv.stats, srv.cfg.error_log_lines)
                except LoadFail as e:
                    # the FE's streamLoadPut fails the plan: TStatusCode ANALYSIS_ERROR (R/test_stream_load_
                    # exception_handling: `columns:id,name` without the NOT NULL column → ANALYSIS_ERROR)
                    raise TxnOpError("ANALYSIS_ERROR", e.message, rollback=True)
                ctx.sig = sig
                ctx.spec = spec
            elif ctx.sig != sig:
                raise TxnOpError("INTERNAL_ERROR", "load request not equal last.", rollback=True)
            ctx.plan_ms += int((time.monotonic() - t0) * 1000)
            if handler.expects_continue():
                handler.send_continue()
            tr = time.monotonic()
            n = 0
            rate = srv.faults.get("read_rate_bytes_per_s")
            try:
                for chunk in handler.iter_body(srv.cfg.max_body_mb * 1024 * 1024, float(rate) if rate else None):
                    srv.stats.add_bytes(len(chunk))
                    n += len(chunk)
                    ctx.sink.feed(chunk)
                    ctx.last_active = time.time()
            except (BodyIncomplete, BadChunk, OSError):
                ctx.lock.release()
                released = True
                self._abort(ctx, "receive body don't equal with body bytes")
                handler.close_connection = True
                return
            except BodyTooLarge:
                ctx.lock.release()
                released = True
                self._abort(ctx, "body too large")
                handler.send_text(413, "Request Entity Too Large", "Request Entity Too Large", close=True)
                return
            except LoadFail as e:
                raise TxnOpError("INTERNAL_ERROR", e.message, rollback=True)
            ctx.load_bytes += n
            ctx.recv_ms += int((time.monotonic() - tr) * 1000)
            ctx.last_active = time.time()
            d = {"Status": "OK", "Message": "", "Label": label, "TxnId": ctx.rec.txn_id, "LoadBytes": n,
                 "StreamLoadPlanTimeMs": ctx.plan_ms, "ReceivedDataTimeMs": ctx.recv_ms}
            # the BE releases the context lock *before* replying, so back-to-back calls work (§4)
            ctx.lock.release()
            released = True
            self._reply(handler, d)
        finally:
            if not released:
                ctx.lock.release()

    def _commit(self, handler, label: str, db: str, prepare: bool) -> None:
        srv = self.srv
        key = (db, label)
        with self.lock:
            pctx = self.prepared.get(key)
        if pctx is not None:
            if prepare:
                raise TxnOpError("INTERNAL_ERROR", f"transaction {pctx.rec.txn_id} is already prepared")
            return self._finish_commit(handler, pctx, from_prepared=True)
        ctx = self._ctx(db, label, "commit")
        if prepare:
            pt = handler.headers.get("prepared_timeout")
            if pt:
                try:
                    if int(pt) <= 0:
                        raise ValueError
                except ValueError:
                    raise TxnOpError("INVALID_ARGUMENT", f"Invalid prepared_timeout: {pt}")
        if not ctx.lock.acquire(blocking=False):
            return self._err(handler, label, "TXN_IN_PROCESSING",
                             f"Transaction {label} is in processing, please retry later", ctx.rec.txn_id, early=True)
        try:
            if ctx.sink is None:
                raise TxnOpError("INTERNAL_ERROR",
                                 f"transaction {ctx.rec.txn_id} hasn't send any data yet", rollback=True)
            tw = time.monotonic()
            try:
                ctx.sink.finish()
            except LoadFail as e:
                raise TxnOpError("INTERNAL_ERROR", e.message, rollback=True)
            ctx.write_ms = int((time.monotonic() - tw) * 1000)
            s = ctx.sink
            denom = s.total - s.unselected
            if s.filtered > 0 and s.errors:
                ctx.error_url = srv.save_error_log(ctx.be_index, ctx.rec.txn_id, s.errors)
            if s.filtered > 0 and (denom <= 0 or s.filtered / denom > ctx.spec.max_filter_ratio):
                raise TxnOpError("INTERNAL_ERROR", "too many filtered rows", rollback=True)
            if s.loaded == 0 and srv.cfg.empty_load_as_error:
                raise TxnOpError("INTERNAL_ERROR", profiles.current().empty_load_message, rollback=True)
            if prepare:
                srv.labels.set_state(ctx.rec, PREPARED)
                with self.lock:
                    self.contexts.pop((db, label), None)
                    self.prepared[(db, label)] = ctx
                d = self._summary(ctx, "OK", "")
                return self._reply(handler, d)
            with self.lock:
                self.contexts.pop((db, label), None)
            return self._finish_commit(handler, ctx, from_prepared=False)
        finally:
            ctx.lock.release()

    def _finish_commit(self, handler, ctx: TxnContext, from_prepared: bool) -> None:
        srv = self.srv
        tc = time.monotonic()
        try:
            srv.commit_load(ctx.table, ctx.rec, ctx.sink.ops, False, ctx.spec.merge_condition, ctx.sink.schema_version)
        except Exception as e:
            self._abort(ctx, f"Commit transaction failed: {e}")
            return self._err(handler, ctx.label, "INTERNAL_ERROR", f"Commit transaction failed: {e}", ctx.rec.txn_id)
        ctx.commit_ms = int((time.monotonic() - tc) * 1000)
        with self.lock:
            self.prepared.pop((ctx.db, ctx.label), None)
        srv.stats.outcome(ctx.db, ctx.label, ctx.rec.txn_id, "OK", "", True, False, ctx.sink.counts(),
                          ctx.load_bytes, kind="txn")
        d = self._summary(ctx, "OK", "")
        ctx.sink.release()
        self._reply(handler, d)

    def _summary(self, ctx: TxnContext, status: str, message: str) -> dict:
        d = {"Status": status, "Message": message, "Label": ctx.label, "TxnId": ctx.rec.txn_id}
        d.update(ctx.sink.counts())
        d.update({"LoadBytes": ctx.load_bytes, "LoadTimeMs": int((time.monotonic() - ctx.t0) * 1000),
                  "StreamLoadPlanTimeMs": ctx.plan_ms, "ReceivedDataTimeMs": ctx.recv_ms,
                  "WriteDataTimeMs": getattr(ctx, "write_ms", 0),
                  "CommitAndPublishTimeMs": getattr(ctx, "commit_ms", 0)})
        if getattr(ctx, "error_url", None):
            d["ErrorURL"] = ctx.error_url
        return d

    def _rollback(self, handler, label: str, db: str) -> None:
        key = (db, label)
        with self.lock:
            ctx = self.prepared.get(key)
        if ctx is None:
            ctx = self._ctx(db, label, "rollback")
        self._abort(ctx, "transaction is aborted by user.")
        handler.early_reply(json.dumps({"Status": "OK", "Message": "", "Label": label, "TxnId": ctx.rec.txn_id},
                                       indent=4, ensure_ascii=False))

    def _list(self, handler) -> None:
        out = []
        with self.lock:
            ctxs = list(self.contexts.values())
        for c in ctxs:
            busy = c.lock.locked()
            d = {"InProcessing": busy} if busy else {"Status": "OK", "InProcessing": False}
            d.update({"Label": c.label, "TxnId": c.rec.txn_id, "LoadBytes": c.load_bytes,
                      "BeginTimestamp": int(c.begin_ts), "LastActiveTimestamp": int(c.last_active),
                      "TransactionTimeoutSec": c.timeout,
                      "IdleTransactionTimeoutSec": c.idle_timeout if c.idle_timeout is not None else -1})
            out.append(d)
        handler.send_json(json.dumps(out, indent=4))

    # ---- cleaner ------------------------------------------------------------------------------------
    def _clean_loop(self) -> None:
        while not self._stop.wait(self.srv.cfg.txn_clean_interval_s):
            now = time.time()
            with self.lock:
                ctxs = list(self.contexts.values())
            for c in ctxs:
                reason = None
                if c.timeout and now - c.begin_ts > c.timeout:
                    reason = f"transaction is aborted by timeout {c.timeout} seconds."
                elif c.idle_timeout and now - c.last_active > c.idle_timeout:
                    reason = f"transaction is aborted by idle timeout {c.idle_timeout} seconds."
                if reason and c.lock.acquire(blocking=False):
                    try:
                        self._abort(c, reason)
                    finally:
                        c.lock.release()
