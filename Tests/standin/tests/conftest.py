"""Fixtures: every test module starts its own stand-in subprocess (free ports, temp data dir,
stopped by PID at teardown)."""
from __future__ import annotations

import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import quote

import pymysql
import pytest

ROOT = Path(__file__).resolve().parents[3]
# Real services (noida-db Kafka, PostgreSQL) for the Routine Load and Sling tests: session fixtures
# `kafka`, `pg`, `pg_db` from Tests/support (started only when a test asks for them).
sys.path.insert(0, str(ROOT / "Tests" / "support"))
from conftest_services import *  # noqa: E402,F401,F403
LAUNCHER = ROOT / "scripts" / "starrocks-standin"
PASSWORD = "s3cr:et"          # contains ':' on purpose (split at the first ':', §1.2)


class Standin:
    def __init__(self, data_dir: str, args: List[str], password: str = PASSWORD, env: Optional[dict] = None):
        self.data_dir = data_dir
        self.args = list(args)
        self.password = password
        self.env = env
        self.proc: Optional[subprocess.Popen] = None
        self.mysql_port = self.fe_port = 0
        self.be_ports: List[int] = []
        self.ready_line = ""

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self, fixed_ports: bool = False) -> "Standin":
        env = dict(os.environ)
        env["STANDIN_PASSWORD"] = self.password
        env.update(self.env or {})
        if fixed_ports and self.mysql_port:
            ports = ["--mysql-port", str(self.mysql_port), "--fe-http-port", str(self.fe_port),
                     "--be-http-port", str(self.be_ports[0])]
        else:
            ports = ["--mysql-port", "0", "--fe-http-port", "0", "--be-http-port", "0"]
        self.stderr = open(os.path.join(self.data_dir, "stderr.log"), "ab")
        self.proc = subprocess.Popen([str(LAUNCHER), "--data-dir", self.data_dir, *ports, *self.args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        deadline = time.time() + 15
        line = b""
        while time.time() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        if not line.startswith(b"ready "):
            err = open(os.path.join(self.data_dir, "stderr.log"), "rb").read().decode(errors="replace")
            self.stop()
            raise RuntimeError(f"stand-in did not start: {line!r}\n{err[-3000:]}")
        self.ready_line = line.decode().strip()
        kv = dict(p.split("=", 1) for p in self.ready_line.split()[1:])
        self.mysql_port = int(kv["mysql"])
        self.fe_port = int(kv["fe_http"])
        self.be_ports = [int(p) for p in kv["be_http"].split(",")]
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start(fixed_ports=True)

    # ---- MySQL ------------------------------------------------------------------------------
    def connect(self, db: Optional[str] = None, password: Optional[str] = None, **kw) -> pymysql.Connection:
        return pymysql.connect(host="127.0.0.1", port=self.mysql_port, user="root",
                               password=self.password if password is None else password,
                               database=db, autocommit=True, **kw)

    def sql(self, *statements: str, db: Optional[str] = None) -> List[tuple]:
        conn = self.connect(db)
        try:
            rows: List[tuple] = []
            with conn.cursor() as cur:
                for s in statements:
                    cur.execute(s)
                    rows = list(cur.fetchall())
            return rows
        finally:
            conn.close()

    def sql_error(self, statement: str, db: Optional[str] = None) -> Tuple[int, str]:
        conn = self.connect(db)
        try:
            with conn.cursor() as cur:
                with pytest.raises(pymysql.MySQLError) as ei:
                    cur.execute(statement)
            return ei.value.args[0], ei.value.args[1]
        finally:
            conn.close()

    # ---- HTTP -------------------------------------------------------------------------------
    def fe_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.fe_port}{path}"

    def curl(self, url: str, data: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
             user: str = "root", password: Optional[str] = None, location_trusted: bool = True,
             follow: bool = True, expect: bool = True, extra: Tuple[str, ...] = ()) -> Tuple[int, str]:
        """Run curl like the StarRocks docs (PUT -T file, --location-trusted). Returns (code, body)."""
        pw = self.password if password is None else password
        cmd = ["curl", "-sS", "-u", f"{user}:{pw}", "-w", "\n%{http_code}"]
        if location_trusted:
            cmd.append("--location-trusted")
        elif follow:
            cmd.append("-L")
        if expect:
            cmd += ["-H", "Expect:100-continue"]
        for k, v in (headers or {}).items():
            cmd += ["-H", f"{k}:{v}"]
        tmp = None
        if data is not None:
            fd, tmp = tempfile.mkstemp(dir=self.data_dir)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            cmd += ["-T", tmp]
        cmd += list(extra)
        cmd.append(url)
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=30)
        finally:
            if tmp:
                os.unlink(tmp)
        text = out.stdout.decode("utf-8", "replace")
        body, _, code = text.rpartition("\n")
        return int(code or 0), body

    def curl_load(self, db: str, table: str, data: bytes, headers: Optional[Dict[str, str]] = None,
                  **kw) -> dict:
        code, body = self.curl(self.fe_url(f"/api/{db}/{table}/_stream_load"), data, headers, **kw)
        assert code == 200, (code, body)
        return json.loads(body)

    def be_load(self, db: str, table: str, data: bytes, headers: Optional[Dict[str, str]] = None,
                be: int = 0, password: Optional[str] = None, chunked: bool = False) -> dict:
        """PUT straight to a BE with http.client (no Expect) – fast path for parsing tests."""
        h = {"Authorization": basic("root", self.password if password is None else password)}
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.be_ports[be], timeout=30)
        path = f"/api/{quote(db)}/{quote(table)}/_stream_load"
        try:
            if chunked:
                conn.putrequest("PUT", path)
                for k, v in h.items():
                    conn.putheader(k, v)
                conn.putheader("Transfer-Encoding", "chunked")
                conn.endheaders()
                for i in range(0, len(data), 7):
                    part = data[i:i + 7]
                    conn.send(b"%x\r\n%s\r\n" % (len(part), part))
                conn.send(b"0\r\n\r\n")
            else:
                conn.request("PUT", path, body=data, headers=h)
            r = conn.getresponse()
            body = r.read().decode()
            assert r.status == 200, (r.status, body)
            return json.loads(body)
        finally:
            conn.close()

    def http(self, method: str, port: int, path: str, body: Optional[bytes] = None,
             headers: Optional[Dict[str, str]] = None) -> Tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def faults(self, d: dict) -> dict:
        code, _, body = self.http("POST", self.fe_port, "/_standin/faults", json.dumps(d).encode(),
                                  {"Content-Type": "application/json"})
        assert code == 200, body
        return json.loads(body)

    def clear_faults(self) -> None:
        code, _, body = self.http("DELETE", self.fe_port, "/_standin/faults")
        assert code == 200, body

    def stats(self) -> dict:
        code, _, body = self.http("GET", self.fe_port, "/_standin/stats")
        assert code == 200
        return json.loads(body)

    def load_state(self, db: str, label: str) -> dict:
        code, _, body = self.http("GET", self.fe_port, f"/api/{db}/get_load_state?label={label}",
                                  headers={"Authorization": basic("root", self.password)})
        assert code == 200, body
        return json.loads(body)


def basic(user: str, password: str) -> str:
    import base64
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def raw_exchange(port: int, request: bytes, read_timeout: float = 5.0, shut_wr: bool = False) -> bytes:
    """Send raw bytes, return everything received until the peer closes (or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(request)
        if shut_wr:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                d = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not d:
                break
            chunks.append(d)
        return b"".join(chunks)
    finally:
        s.close()


def start_standin(tmp_path_factory, *args: str, password: str = PASSWORD, name: str = "standin") -> Standin:
    d = str(tmp_path_factory.mktemp(name))
    return Standin(d, ["--default-replication-num", "1", *args], password=password).start()


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory)
    yield s
    s.stop()


_counter = [0]


def unique(prefix: str) -> str:
    _counter[0] += 1
    return f"{prefix}_{os.getpid()}_{_counter[0]}_{int(time.time() * 1000) % 100000}"
