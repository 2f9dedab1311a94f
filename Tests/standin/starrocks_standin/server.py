"""Wiring: shared state + FE HTTP, BE HTTP (×N) and MySQL listeners."""
from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import socket
import sys
import threading
import time
import uuid
from typing import List, Optional

from .be_http import BEHandler
from .catalog import Catalog
from .config import Config
from .fe_http import FEHandler
from .faults import Faults, Stats
from .http_common import StandinHTTPServer
from .labels import COMMITTED, LabelRegistry, VISIBLE
from . import profiles
from .storage import Storage
from .transactions import TransactionManager


class StandinServer:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        profiles.activate(cfg.profile)
        self.storage = Storage(cfg.data_dir)
        self.catalog = Catalog(self.storage)
        self.labels = LabelRegistry(self.storage, cfg.label_keep_seconds)
        self.catalog.on_publish = self._on_publish
        self.faults = Faults()
        if cfg.faults:
            self.faults.set(cfg.faults)
        self.stats = Stats()
        self.error_dir = os.path.join(cfg.data_dir, "error_logs")
        os.makedirs(self.error_dir, exist_ok=True)
        self.be_ports: List[int] = []
        self._rr = itertools.count()
        self.http_servers: List[StandinHTTPServer] = []
        self.mysql_server = None
        self.mysql_port = 0
        self.fe_port = 0
        self.txn_mgr = TransactionManager(self)
        self.backend_ids = [10001 + i for i in range(cfg.be_count)]
        self.admin_config = {"default_replication_num": str(cfg.default_replication_num),
                             "empty_load_as_error": "true" if cfg.empty_load_as_error else "false",
                             "label_keep_max_second": str(int(cfg.label_keep_seconds))}
        self._timers: List[threading.Timer] = []
        self.tls = self._tls_context()

    def _tls_context(self):
        if not self.cfg.tls_cert:
            return None
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cfg.tls_cert, self.cfg.tls_key)
        return ctx

    # ---- helpers used by the handlers --------------------------------------------------------------
    def check_password(self, user: str, password: str) -> bool:
        return user == self.cfg.user and password == self.cfg.password

    def choose_be(self) -> int:
        return next(self._rr) % len(self.be_ports)

    def save_error_log(self, be_index: int, txn_id: int, lines: List[str]) -> str:
        name = f"error_log_{txn_id}_{uuid.uuid4().hex[:16]}"
        with open(os.path.join(self.error_dir, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        port = self.be_ports[be_index] if be_index < len(self.be_ports) else self.be_ports[0]
        return f"http://{self.cfg.advertise_host}:{port}/api/_load_error_log?file={name}"

    def read_error_log(self, name: str) -> Optional[str]:
        if not re.fullmatch(r"error_log_[0-9a-zA-Z_]+", name or ""):
            return None
        p = os.path.join(self.error_dir, name)
        try:
            with open(p, encoding="utf-8") as f:
                return f.read()
        except OSError:
            return None

    def commit_load(self, table, txn, ops, publish_later: bool, merge_condition=None, schema_version=None) -> None:
        """Atomically apply a load's rows and mark its transaction COMMITTED/VISIBLE."""
        state = COMMITTED if publish_later else VISIBLE

        def on_commit(conn):
            self.labels.set_state(txn, state, conn=conn)

        if self.cfg.discard:
            with self.storage.transaction() as c:
                on_commit(c)
            if publish_later:
                self._later(self._publish_discard, txn)
            return
        self.catalog.commit_ops(table, ops, on_commit, publish_later=publish_later, txn_id=txn.txn_id,
                                merge_condition=merge_condition, schema_version=schema_version)
        if publish_later:
            self._later(self._publish, table, txn)

    def _later(self, fn, *args) -> None:
        delay = float(self.faults.get("publish_delay_s", self.cfg.publish_delay_s))
        t = threading.Timer(delay, fn, args)
        t.daemon = True
        self._timers.append(t)
        t.start()

    def _publish(self, table, txn) -> None:
        if self.catalog.publish(table, txn.txn_id) and txn.state == COMMITTED:
            self.labels.set_state(txn, VISIBLE)

    def _publish_discard(self, txn) -> None:
        if txn.state == COMMITTED:
            self.labels.set_state(txn, VISIBLE)

    def _on_publish(self, txn_id: int) -> None:
        rec = self.labels.get(txn_id)
        if rec is not None and rec.state == COMMITTED:
            self.labels.set_state(rec, VISIBLE)

    # ---- lifecycle ------------------------------------------------------------------------------------
    def _bind_http(self, port: int, handler, role: str, be_index: int = -1) -> StandinHTTPServer:
        s = StandinHTTPServer((self.cfg.host, port), handler, self, role, be_index, tls=self.tls)
        self.http_servers.append(s)
        return s

    def start_http(self) -> None:
        fe = self._bind_http(self.cfg.fe_http_port, FEHandler, "fe")
        self.fe_port = fe.server_address[1]
        first = self._bind_http(self.cfg.be_http_port, BEHandler, "be0", 0)
        self.be_ports.append(first.server_address[1])
        for i in range(1, self.cfg.be_count):
            want = self.be_ports[0] + i if self.cfg.be_http_port else 0
            try:
                s = self._bind_http(want, BEHandler, f"be{i}", i)
            except OSError:
                s = self._bind_http(0, BEHandler, f"be{i}", i)
            self.be_ports.append(s.server_address[1])
        for s in self.http_servers:
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                             name=f"http-{s.role}", daemon=True).start()

    async def start_mysql(self) -> None:
        from .mysql_endpoint import make_mysql_server
        self.mysql_server = make_mysql_server(self)
        await self.mysql_server.start_server(host=self.cfg.host, port=self.cfg.mysql_port)
        self.mysql_port = self.mysql_server.sockets()[0].getsockname()[1]
        from .routine_load import RoutineLoadManager
        self.routine_load = RoutineLoadManager(self)
        self.routine_load.register(self.sql_engine)
        self.routine_load.start()
        from .schema_change import SchemaChanges
        self.schema_changes = SchemaChanges(self)
        self.schema_changes.register(self.sql_engine)

    def shutdown(self) -> None:
        if getattr(self, "routine_load", None) is not None:
            self.routine_load.shutdown()
        if getattr(self, "schema_changes", None) is not None:
            self.schema_changes.shutdown()
        self.txn_mgr.stop()
        for t in self._timers:
            t.cancel()
        for s in self.http_servers:
            try:
                s.shutdown()
                s.server_close()
            except Exception:
                pass
        self.storage.close()

    async def run(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        self.start_http()
        await self.start_mysql()
        ports = ",".join(str(p) for p in self.be_ports)
        sys.stdout.write(f"ready mysql={self.mysql_port} fe_http={self.fe_port} be_http={ports}\n")
        sys.stdout.flush()
        await stop.wait()
        self.mysql_server.close()
        try:
            await asyncio.wait_for(self.mysql_server.wait_closed(), 2)
        except Exception:
            pass
        await loop.run_in_executor(None, self.shutdown)
