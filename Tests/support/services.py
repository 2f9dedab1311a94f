"""Real services for pg2sr's tests, demo and benchmarks: PostgreSQL 15, Kafka (noida-db) and a
Kafka Connect worker running the real Debezium PostgreSQL connector.

Each class drives the matching script in scripts/ (pg-cluster, kafka, debezium), is a context
manager, and stops only the process it started (the scripts stop by the PID they recorded).

    from services import PostgresCluster, Kafka, KafkaConnect

    with PostgresCluster() as pg, Kafka() as kafka, KafkaConnect(kafka) as connect:
        pg.psql("create table t (id int primary key, v text)")
        pg.psql("create publication p for table t")
        connect.register(connect.postgres_source(pg, "src", slot="s", publication="p", topic_prefix="x"))
        connect.wait_running("src")

Session-scoped pytest fixtures (pg, pg_db, kafka, connect) are in conftest_services.py; see the
README in this folder for how a test folder uses them.

Set PG2SR_KEEP_SERVICES=1 to leave the data directories behind after stop (for post-mortems).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
HOST = "127.0.0.1"

__all__ = ["ServiceError", "PostgresCluster", "PostgresDatabase", "Kafka", "KafkaConnect", "free_port"]


class ServiceError(RuntimeError):
    """A service failed to start, stop or answer."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _script_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    env["PYTHON"] = sys.executable  # skips pyenv shims in the scripts (~100 ms a call)
    if extra:
        env.update(extra)
    return env


def _run(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    cmd = [str(SCRIPTS / script), *args]
    try:
        p = subprocess.run(cmd, env=_script_env(env), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise ServiceError(f"{script} {' '.join(args)}: timed out after {timeout} s") from e
    if p.returncode != 0:
        raise ServiceError(f"{script} {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout


def _parse_ready(out: str) -> dict[str, str]:
    for line in out.splitlines():
        if line.startswith("ready "):
            return dict(kv.split("=", 1) for kv in line.split()[1:])
    raise ServiceError(f"no ready line in: {out!r}")


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except OSError:
        return False


def _keep() -> bool:
    return os.environ.get("PG2SR_KEEP_SERVICES", "") not in ("", "0")


class _Service:
    """Common start/stop/context-manager plumbing."""

    _prefix = "pg2sr-"

    def __init__(self, dir: str | os.PathLike | None):
        self._own_dir = dir is None
        # Under /tmp, not pytest's tmp_path: that one is mode 0700, which the pg2srtest user
        # that runs postgres cannot enter.
        self.dir = Path(tempfile.mkdtemp(prefix=self._prefix, dir="/tmp")) if dir is None else Path(dir)
        self.pid: int | None = None
        self.startup_seconds: float | None = None

    @property
    def running(self) -> bool:
        return _pid_alive(self.pid)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()

    def cleanup(self) -> None:
        """Removes the data directory when this object created it (unless PG2SR_KEEP_SERVICES)."""
        if self._own_dir and not self.running and not _keep():
            shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# PostgreSQL


class _PgTarget:
    """Connection helpers shared by a cluster (database postgres) and one of its databases."""

    host = HOST
    user = "postgres"
    port: int
    password: str
    dbname: str

    @property
    def dsn(self) -> str:
        """postgresql:// URL with the password (for libpq/psycopg; never put it on a command line)."""
        pw = urllib.parse.quote(self.password, safe="")
        return f"postgresql://{self.user}:{pw}@{self.host}:{self.port}/{self.dbname}"

    @property
    def conninfo(self) -> str:
        """libpq key=value string with the password."""
        return f"{self.conninfo_nopw} password={_conninfo_quote(self.password)}"

    @property
    def conninfo_nopw(self) -> str:
        """libpq key=value string without the password (pass it via env PGPASSWORD)."""
        return (f"host={self.host} port={self.port} user={self.user} "
                f"dbname={_conninfo_quote(self.dbname)}")

    def env(self) -> dict[str, str]:
        """PG* variables for a child process (e.g. the pg2sr binary, psql, pgbench)."""
        return {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user,
                "PGPASSWORD": self.password, "PGDATABASE": self.dbname}

    def connect(self, autocommit: bool = True, **kwargs: Any):
        """A psycopg 3 connection (autocommit by default)."""
        import psycopg
        return psycopg.connect(self.conninfo, autocommit=autocommit, **kwargs)

    def replication_connect(self, **kwargs: Any):
        """A psycopg 3 connection in logical replication mode (replication=database)."""
        import psycopg
        return psycopg.connect(self.conninfo + " replication=database", autocommit=True, **kwargs)

    def psql(self, sql: str, *args: str, timeout: float = 600) -> str:
        """Runs SQL through psql (-X -At, ON_ERROR_STOP); returns stdout, raises ServiceError."""
        env = dict(os.environ)
        env.update(self.env())
        p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *args, "-f", "-"],
                           input=sql, env=env, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise ServiceError(f"psql failed ({p.returncode}): {p.stderr.strip()}")
        return p.stdout

    def scalar(self, sql: str, params: Any = None) -> Any:
        """First column of the first row (or None)."""
        with self.connect() as c:
            row = c.execute(sql, params).fetchone()
        return None if row is None else row[0]


    def wait_slot_active(self, slot: str, active: bool = True, timeout: float = 30) -> None:
        """Waits until replication slot `slot` is (or, active=False, is no longer) in use. A
        Debezium task reports RUNNING ~0.1-0.3 s before its walsender holds the slot: changes
        committed before that are still streamed (from the slot's position), but wait for this
        before measuring latency."""
        deadline = time.monotonic() + timeout
        while bool(self.scalar("SELECT active FROM pg_replication_slots WHERE slot_name = %s", (slot,))) != active:
            if time.monotonic() > deadline:
                raise ServiceError(f"slot {slot} not {'active' if active else 'released'} after {timeout} s")
            time.sleep(0.02)


class PostgresDatabase(_PgTarget):
    """One database of a running PostgresCluster (same server, user and password)."""

    def __init__(self, cluster: "PostgresCluster", dbname: str):
        self.cluster = cluster
        self.dbname = dbname

    @property
    def port(self) -> int:  # type: ignore[override]
        return self.cluster.port

    @property
    def password(self) -> str:  # type: ignore[override]
        return self.cluster.password

    def drop(self) -> None:
        self.cluster.drop_database(self.dbname)


class PostgresCluster(_Service, _PgTarget):
    """A throwaway PostgreSQL 15 cluster (scripts/pg-cluster): 127.0.0.1 only, superuser postgres
    with a password, wal_level=logical, replication allowed from 127.0.0.1."""

    _prefix = "pg2sr-pg-"
    dbname = "postgres"

    def __init__(self, dir: str | os.PathLike | None = None, port: int = 0, password: str | None = None,
                 shared_buffers: str | None = None):
        super().__init__(dir)
        self.requested_port = port
        self.password = password or secrets.token_urlsafe(16)
        self.shared_buffers = shared_buffers
        self.port = 0

    def start(self) -> "PostgresCluster":
        args = ["start", "--dir", str(self.dir), "--port", str(self.requested_port)]
        if self.shared_buffers:
            args += ["--shared-buffers", self.shared_buffers]
        t0 = time.monotonic()
        ready = _parse_ready(_run("pg-cluster", *args, env={"PGPASSWORD": self.password}))
        self.startup_seconds = time.monotonic() - t0
        self.port, self.pid = int(ready["port"]), int(ready["pid"])
        return self

    def stop(self) -> None:
        if self.pid is None:
            return
        _run("pg-cluster", "stop", "--dir", str(self.dir))
        self.pid = None

    @property
    def log_path(self) -> Path:
        return self.dir / "postgresql.log"

    def database(self, dbname: str) -> PostgresDatabase:
        return PostgresDatabase(self, dbname)

    def create_database(self, dbname: str | None = None) -> PostgresDatabase:
        """CREATE DATABASE (a fresh random name by default); returns a handle to it."""
        from psycopg import sql
        dbname = dbname or f"t_{secrets.token_hex(4)}"
        with self.connect() as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        return PostgresDatabase(self, dbname)

    def drop_database(self, dbname: str) -> None:
        """Drops a database with its replication slots, ending any session still using it."""
        from psycopg import sql
        with self.connect() as c:
            for (slot, pid) in c.execute("SELECT slot_name, active_pid FROM pg_replication_slots "
                                         "WHERE database = %s", (dbname,)).fetchall():
                if pid:
                    c.execute("SELECT pg_terminate_backend(%s)", (pid,))
                for _ in range(100):
                    try:
                        c.execute("SELECT pg_drop_replication_slot(%s)", (slot,))
                        break
                    except Exception:  # still active for a moment after the terminate
                        time.sleep(0.05)
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


# --------------------------------------------------------------------------------------------
# Kafka


class Kafka(_Service):
    """A throwaway Kafka broker (noida-db, scripts/kafka) on 127.0.0.1."""

    _prefix = "pg2sr-kafka-"

    def __init__(self, dir: str | os.PathLike | None = None, port: int = 0):
        super().__init__(dir)
        self.requested_port = port
        self.port = 0

    def start(self) -> "Kafka":
        t0 = time.monotonic()
        ready = _parse_ready(_run("kafka", "start", "--dir", str(self.dir), "--port", str(self.requested_port)))
        self.startup_seconds = time.monotonic() - t0
        self.port, self.pid = int(ready["port"]), int(ready["pid"])
        return self

    def stop(self, kill: bool = False) -> None:
        """SIGTERM (noida saves its data first); kill=True: SIGKILL at once."""
        if self.pid is None:
            return
        _run("kafka", "stop", "--dir", str(self.dir), *(["--kill"] if kill else []))
        self.pid = None

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    def admin(self, **conf: Any):
        from confluent_kafka.admin import AdminClient
        return AdminClient({"bootstrap.servers": self.bootstrap, **conf})

    def producer(self, **conf: Any):
        from confluent_kafka import Producer
        return Producer({"bootstrap.servers": self.bootstrap, **conf})

    def consumer(self, group_id: str | None = None, **conf: Any):
        """A consumer with a group.id (librdkafka 2.0.2 needs one even for assign()), no auto commit."""
        from confluent_kafka import Consumer
        return Consumer({"bootstrap.servers": self.bootstrap, "group.id": group_id or f"g-{secrets.token_hex(4)}",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest", **conf})

    def create_topic(self, name: str, partitions: int = 1, config: dict[str, str] | None = None,
                     timeout: float = 10) -> None:
        from confluent_kafka.admin import NewTopic
        admin = self.admin()  # keep a reference: the futures fail once the client is collected
        fs = admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1,
                                           config=config or {})], operation_timeout=timeout)
        fs[name].result(timeout)

    def topics(self, timeout: float = 10) -> set[str]:
        return set(self.admin().list_topics(timeout=timeout).topics)

    def wait_topic(self, name: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while name not in self.topics():
            if time.monotonic() > deadline:
                raise ServiceError(f"topic {name} did not appear within {timeout} s")
            time.sleep(0.05)

    def read(self, topic: str, partition: int = 0, count: int | None = None, timeout: float = 30,
             start: int | None = None) -> list:
        """Messages of one partition from `start` (default: low watermark): `count` of them, or (count
        None) all up to the high watermark seen at call time. Waits for the topic to exist."""
        from confluent_kafka import TopicPartition
        self.wait_topic(topic, timeout)
        c = self.consumer()
        try:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout)
            first = lo if start is None else start
            want = (hi - first) if count is None else count
            out: list = []
            if want <= 0:
                return out
            c.assign([TopicPartition(topic, partition, first)])
            deadline = time.monotonic() + timeout
            while len(out) < want:
                if time.monotonic() > deadline:
                    raise ServiceError(f"{topic}[{partition}]: got {len(out)} of {want} messages in {timeout} s")
                m = c.poll(0.1)
                if m is None:
                    continue
                if m.error():
                    raise ServiceError(f"{topic}[{partition}]: {m.error()}")
                out.append(m)
            return out
        finally:
            c.close()


# --------------------------------------------------------------------------------------------
# Kafka Connect + Debezium


class KafkaConnect(_Service):
    """A real Kafka Connect 4.3 standalone worker with Debezium 3.6.3 (scripts/debezium), no
    connector at start; register connectors over REST. JsonConverter key/value without schemas."""

    _prefix = "pg2sr-connect-"

    def __init__(self, kafka: "Kafka | str", dir: str | os.PathLike | None = None, rest_port: int = 0):
        super().__init__(dir)
        self.kafka = kafka
        self.requested_port = rest_port
        self.port = 0

    @property
    def bootstrap(self) -> str:
        return self.kafka if isinstance(self.kafka, str) else self.kafka.bootstrap

    def start(self) -> "KafkaConnect":
        t0 = time.monotonic()
        ready = _parse_ready(_run("debezium", "start", "--dir", str(self.dir), "--kafka", self.bootstrap,
                                  "--rest-port", str(self.requested_port)))
        self.startup_seconds = time.monotonic() - t0
        self.url = ready["rest"]
        self.port, self.pid = int(self.url.rsplit(":", 1)[1]), int(ready["pid"])
        return self

    def stop(self, timeout: int = 30) -> None:
        """SIGTERM (connectors stop and commit offsets), SIGKILL after `timeout` seconds."""
        if self.pid is None:
            return
        _run("debezium", "stop", "--dir", str(self.dir), "--timeout", str(timeout), timeout=timeout + 30)
        self.pid = None

    @property
    def log_path(self) -> Path:
        return self.dir / "connect.log"

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    # ---- REST ----
    def request(self, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def register(self, config: dict[str, Any]) -> dict:
        """POST /connectors. `config` is {"name": ..., "config": {...}} or a flat dict with "name"."""
        if "config" not in config:
            config = {"name": config["name"], "config": {k: v for k, v in config.items() if k != "name"}}
        config = {"name": config["name"], "config": {k: str(v) for k, v in config["config"].items()}}
        code, body = self.request("POST", "/connectors", config)
        if code not in (200, 201):
            raise ServiceError(f"register {config['name']}: HTTP {code}: {body}")
        return body

    def connectors(self) -> list[str]:
        return self.request("GET", "/connectors")[1]

    def status(self, name: str) -> dict | None:
        code, body = self.request("GET", f"/connectors/{name}/status")
        return body if code == 200 else None

    def wait_running(self, name: str, timeout: float = 60) -> dict:
        """Waits until the connector and all its tasks (at least one) are RUNNING; raises with the
        trace when one FAILED or on timeout."""
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            if not self.running:
                raise ServiceError(f"Connect worker died; see {self.log_path}")
            st = self.status(name)
            if st:
                states = [st["connector"]["state"]] + [t["state"] for t in st.get("tasks", [])]
                if "FAILED" in states:
                    traces = [st["connector"].get("trace")] + [t.get("trace") for t in st.get("tasks", [])]
                    raise ServiceError(f"connector {name} failed: {next(t for t in traces if t)}")
                if st.get("tasks") and all(s == "RUNNING" for s in states):
                    return st
            time.sleep(0.05)
        raise ServiceError(f"connector {name} not running after {timeout} s: {st}")

    def delete(self, name: str, timeout: float = 30) -> None:
        """DELETE /connectors/<name> and waits until it is gone (offsets stay in the offsets file)."""
        code, body = self.request("DELETE", f"/connectors/{name}")
        if code not in (200, 204, 404):
            raise ServiceError(f"delete {name}: HTTP {code}: {body}")
        deadline = time.monotonic() + timeout
        while name in self.connectors():
            if time.monotonic() > deadline:
                raise ServiceError(f"connector {name} still listed after {timeout} s")
            time.sleep(0.05)

    def secret_ref(self, name: str, key: str, value: str) -> str:
        """Stores `value` in a 0600 file of this worker and returns a ${file:...} reference for a
        connector config, so the secret never shows in the REST API's config output."""
        secrets_dir = self.dir / "secrets"
        secrets_dir.mkdir(mode=0o700, exist_ok=True)
        path = secrets_dir / f"{name}.properties"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"{key}={_escape_properties(value)}\n")
        return "${file:%s:%s}" % (path, key)

    def postgres_source(self, pg: _PgTarget, name: str, *, slot: str, publication: str, topic_prefix: str,
                        **overrides: Any) -> dict:
        """The Debezium PostgreSQL source config pg2sr's tests use: pgoutput, snapshot.mode=no_data,
        the given slot and pre-existing publication (autocreate disabled), decimals as strings,
        poll.interval.ms=10. Keyword overrides use '_' for '.' (e.g. table_include_list=...)."""
        cfg: dict[str, Any] = {
            "name": name,
            "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
            "tasks.max": "1",
            "database.hostname": pg.host,
            "database.port": str(pg.port),
            "database.user": pg.user,
            "database.password": self.secret_ref(name, "password", pg.password),
            "database.dbname": pg.dbname,
            "plugin.name": "pgoutput",
            "snapshot.mode": "no_data",
            "slot.name": slot,
            "publication.name": publication,
            "publication.autocreate.mode": "disabled",
            "topic.prefix": topic_prefix,
            "decimal.handling.mode": "string",
            "poll.interval.ms": "10",
        }
        for k, v in overrides.items():
            cfg[k.replace("_", ".") if "." not in k else k] = str(v)
        return cfg


def _conninfo_quote(v: str) -> str:
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _escape_properties(v: str) -> str:
    out = []
    for ch in v:
        if ch in "\\:=#! ":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)
