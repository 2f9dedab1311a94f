"""What pg2sr's integration tests share: the pg2sr binary, the StarRocks stand-in process, and
value canonicalization so that source rows and target rows compare exactly."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "support"))


def pg2sr_binary() -> str:
    """The binary under test: $PG2SR_BIN, else the debug build (scripts/test builds it)."""
    path = os.environ.get("PG2SR_BIN") or str(REPO / ".build" / "debug" / "pg2sr")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"pg2sr binary not found at {path}: run `swift build` first (scripts/test does)")
    return path


def run_pg2sr(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
              check: bool = False) -> subprocess.CompletedProcess:
    """Runs pg2sr; stdout/stderr captured as text. The environment carries the passwords."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    full_env.update(env or {})
    process = subprocess.run([pg2sr_binary(), *args], env=full_env, capture_output=True, text=True,
                             timeout=timeout, stdin=subprocess.DEVNULL)
    if check and process.returncode != 0:
        raise AssertionError(f"pg2sr {' '.join(args)} exited {process.returncode}:\n{process.stderr}")
    return process


def standin_profiles() -> list[str | None]:
    """The StarRocks releases the stand-in imitates for a test run: $PG2SR_STANDIN_PROFILES as a
    comma list (`3.3,4.1` = the oldest and the newest release pg2sr supports, see
    Tests/standin/README.md); unset means the stand-in's default, its newest profile."""
    listed = [p.strip() for p in os.environ.get("PG2SR_STANDIN_PROFILES", "").split(",") if p.strip()]
    return listed or [None]


class StandIn:
    """The StarRocks stand-in (scripts/starrocks-standin) in a subprocess on free ports, imitating
    release `profile` (`X.Y[.Z]`; None = the stand-in's default, the newest)."""

    def __init__(self, password: str = "", be_count: int = 2, extra_args: tuple[str, ...] = (),
                 data_dir: str | None = None, profile: str | None = None,
                 tls: tuple[str, str] | None = None):
        """`tls=(certificate, key)`: HTTPS on every HTTP port and TLS offered on the MySQL port."""
        self.tls = tls
        if tls:
            extra_args = (*extra_args, "--tls-cert", str(tls[0]), "--tls-key", str(tls[1]))
        self.password = password
        self.user = "root"
        self.be_count = be_count
        self.profile = profile
        self.extra_args = (("--starrocks-version", profile) if profile else ()) + tuple(extra_args)
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="pg2sr-standin-")
        self.process: subprocess.Popen | None = None
        self.ports: dict[str, str] = {}

    def start(self) -> "StandIn":
        env = dict(os.environ)
        env["STANDIN_PASSWORD"] = self.password
        args = [str(REPO / "scripts" / "starrocks-standin"), "--data-dir", self.data_dir,
                "--mysql-port", self.ports.get("mysql", "0"), "--fe-http-port", self.ports.get("fe_http", "0"),
                "--be-http-port", self.ports.get("be_http", "0").split(",")[0], "--be-count", str(self.be_count),
                "--user", self.user, *self.extra_args]
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("ready "):
                self.ports = dict(kv.split("=", 1) for kv in line.split()[1:])
                return self
            if not line and self.process.poll() is not None:
                break
        err = self.process.stderr.read() if self.process.poll() is not None else ""
        self.stop()
        raise RuntimeError(f"stand-in did not start: {err}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            import shutil
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> "StandIn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()

    # -- addresses
    @property
    def mysql_port(self) -> int:
        return int(self.ports["mysql"])

    @property
    def fe_http_port(self) -> int:
        return int(self.ports["fe_http"])

    def target_url(self, database: str, ca: str | None = None) -> str:
        """No password in it: tests pass STARROCKS_PASSWORD in the environment. `ca`: over TLS, verified with it."""
        url = f"starrocks://{self.user}@127.0.0.1:{self.mysql_port}/{database}?http_port={self.fe_http_port}"
        return url + (f"&http_scheme=https&ssl_ca={ca}" if ca else "")

    def env(self) -> dict[str, str]:
        return {"STARROCKS_PASSWORD": self.password}

    # -- MySQL protocol
    def connect(self, database: str | None = None):
        import pymysql
        import pymysql.converters
        # Keep the encoders, drop the decoders: every value comes back as the text StarRocks sent.
        text_only = {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}
        return pymysql.connect(host="127.0.0.1", port=self.mysql_port, user=self.user, password=self.password,
                               database=database, autocommit=True, conv=text_only,
                               ssl={"ca": str(self.tls[0])} if self.tls else None)

    def query(self, sql: str, database: str | None = None) -> list[tuple]:
        with self.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    def execute(self, sql: str, database: str | None = None) -> None:
        with self.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(sql)

    # -- control endpoint
    def _control(self, request) -> bytes:
        import ssl
        context = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else None
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.read()

    def _control_url(self, path: str) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.fe_http_port}{path}"

    def stats(self) -> dict:
        return json.loads(self._control(self._control_url("/_standin/stats")))

    def set_faults(self, faults: dict) -> None:
        self._control(urllib.request.Request(self._control_url("/_standin/faults"), data=json.dumps(faults).encode(),
                                             method="POST", headers={"Content-Type": "application/json"}))

    def clear_faults(self) -> None:
        self._control(urllib.request.Request(self._control_url("/_standin/faults"), method="DELETE"))


# ------------------------------------------------------------------------------------------------
# Canonical values: what a PostgreSQL value must look like once StarRocks holds it.

def canonical_source(value: Any) -> Any:
    """A psycopg value → the comparable form of what StarRocks must hold for it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, (dt.date, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict,)):
        return value
    if isinstance(value, list):
        return [canonical_source(v) for v in value]
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return str(value)


def canonical_target(text: Any, starrocks_type: str) -> Any:
    """A value read back over the MySQL protocol (text) → the same comparable form."""
    if text is None:
        return None
    if isinstance(text, bytes) and not starrocks_type.upper().startswith(("VARBINARY", "BINARY")):
        text = text.decode()
    kind = starrocks_type.upper()
    if kind.startswith(("TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT")):
        return int(text)
    if kind.startswith("BOOLEAN"):
        return text in ("1", "true")
    if kind.startswith("DECIMAL"):
        return decimal.Decimal(text)
    if kind.startswith(("FLOAT", "DOUBLE")):
        return float(text)
    if kind.startswith("DATETIME"):
        return dt.datetime.fromisoformat(text)
    if kind.startswith("DATE"):
        return dt.date.fromisoformat(text)
    if kind.startswith("JSON"):
        return json.loads(text)
    if kind.startswith("ARRAY"):
        return json.loads(text)
    return text


def assert_tables_equal(source_rows: list[tuple], target_rows: list[tuple], types: list[str], context: str = "") -> None:
    """Row-for-row, value-for-value equality after canonicalization (both sorted by key)."""
    assert len(source_rows) == len(target_rows), f"{context}: {len(source_rows)} source rows, {len(target_rows)} target rows"
    for index, (s, t) in enumerate(zip(source_rows, target_rows)):
        cs = [canonical_source(v) for v in s]
        ct = [canonical_target(v, types[i]) for i, v in enumerate(t)]
        assert cs == ct, f"{context}: row {index} differs:\n source {cs}\n target {ct}"


def target_types(standin, table: str, db: str) -> dict[str, str]:
    rows = standin.query(f"SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns "
                         f"WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION")
    return {name: ctype for name, ctype in rows}


def compare(pg_db, standin, source_table: str, target_table: str, key: str, db: str, source_rows=None) -> int:
    """The target table equals the source table (or `source_rows`), value for value."""
    types = target_types(standin, target_table, db)
    assert types, f"target table {target_table} missing"
    columns = list(types)
    quoted_pg = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    quoted_sr = ", ".join("`" + c + "`" for c in columns)
    if source_rows is None:
        with pg_db.connect() as connection:
            source_rows = connection.execute(f"SELECT {quoted_pg} FROM {source_table} ORDER BY \"{key}\"").fetchall()
    target_rows = standin.query(f"SELECT {quoted_sr} FROM `{db}`.`{target_table}` ORDER BY `{key}`")
    assert_tables_equal(source_rows, target_rows, [types[c] for c in columns], context=target_table)
    return len(target_rows)
