"""Proves the real services work: PostgreSQL (logical decoding), Kafka (noida-db) and Debezium in a
Kafka Connect worker (end-to-end change capture). Run: python3 -m pytest Tests/support -v
(-m debezium / -m "not debezium" selects the Connect tests; the full suite runs them)."""
from __future__ import annotations

import json
import os
import pwd
import subprocess
import time

import pytest

from services import SCRIPTS, Kafka, PostgresCluster, ServiceError, free_port


# ---------------------------------------------------------------- PostgreSQL

def test_pg_settings(pg):
    with pg.connect() as c:
        settings = dict(c.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_replication_slots', "
            "'max_wal_senders', 'fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses', "
            "'unix_socket_directories', 'password_encryption', 'server_version_num', 'TimeZone')").fetchall())
    assert settings["wal_level"] == "logical"
    assert settings["max_replication_slots"] == "10" and settings["max_wal_senders"] == "10"
    assert (settings["fsync"], settings["synchronous_commit"], settings["full_page_writes"]) == ("off",) * 3
    assert settings["listen_addresses"] == "127.0.0.1" and settings["unix_socket_directories"] == ""
    assert settings["password_encryption"] == "scram-sha-256"
    assert settings["server_version_num"].startswith("15")
    assert settings["TimeZone"] == "UTC"
    # runs as the dedicated non-root user
    with open(f"/proc/{pg.pid}/status") as f:
        uid = next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
    assert pwd.getpwuid(uid).pw_name == "pg2srtest"


def test_pg_password_required(pg):
    import psycopg
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg.conninfo_nopw + " password=wrong", connect_timeout=5)


def test_pg_logical_slot_pgoutput(pg_db):
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY, v text); CREATE PUBLICATION p FOR TABLE t;")
    with pg_db.connect() as c:
        c.execute("SELECT pg_create_logical_replication_slot('s1', 'pgoutput')")
        c.execute("INSERT INTO t VALUES (1, 'x')")
        # synchronous_commit=off: decoding sees the commit once the WAL writer flushed it (~10 ms)
        deadline = time.monotonic() + 10
        while True:
            changes = c.execute("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('s1', NULL, NULL, "
                                "'proto_version', '1', 'publication_names', 'p')").fetchone()[0]
            if changes or time.monotonic() > deadline:
                break
            time.sleep(0.01)
    assert changes >= 3  # BEGIN, RELATION, INSERT, COMMIT


def test_pg_replication_connection_exports_snapshot(pg_db):
    # What pg2sr does for the handover: a slot created on a replication connection exports a
    # snapshot that other sessions can import while that connection stays open.
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
    with pg_db.replication_connect() as rc:
        r = rc.pgconn.exec_(b"CREATE_REPLICATION_SLOT s2 LOGICAL pgoutput (SNAPSHOT 'export')")
        slot, lsn, snapshot = (r.get_value(0, i).decode() for i in range(3))
        assert slot == "s2" and "/" in lsn and snapshot
        pg_db.psql("INSERT INTO t VALUES (2)")
        with pg_db.connect(autocommit=False) as c:
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            c.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            assert c.execute("SELECT count(*) FROM t").fetchone()[0] == 1


ENV = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}


def test_pg_cluster_script_restart_and_password_file(tmp_path):
    pwfile = tmp_path / "pw"
    pwfile.write_text("s3cret with spaces\n")
    d = f"/tmp/pg2sr-pgtest-{os.getpid()}"
    try:
        out = subprocess.run([SCRIPTS / "pg-cluster", "start", "--dir", d, "--password-file", pwfile,
                              "--shared-buffers", "128MB"], capture_output=True, text=True, check=True, env=ENV).stdout
        fields = dict(kv.split("=", 1) for kv in out.split()[1:])
        assert out.startswith("ready ") and fields["dir"] == d
        again = subprocess.run([SCRIPTS / "pg-cluster", "start", "--dir", d, "--password-file", pwfile],
                               capture_output=True, text=True, check=True, env=ENV).stdout
        assert again == out  # idempotent: same port and pid
        c = PostgresCluster(dir=d, password="s3cret with spaces")
        c.port = int(fields["port"])
        assert c.scalar("SHOW shared_buffers") == "128MB"
        subprocess.run([SCRIPTS / "pg-cluster", "stop", "--dir", d], check=True, capture_output=True)
        st = subprocess.run([SCRIPTS / "pg-cluster", "status", "--dir", d], capture_output=True, text=True)
        assert st.returncode == 3
        # a restart keeps the port when it is still free
        out2 = subprocess.run([SCRIPTS / "pg-cluster", "start", "--dir", d], capture_output=True, text=True,
                              check=True, env=ENV).stdout
        assert dict(kv.split("=", 1) for kv in out2.split()[1:])["port"] == fields["port"]
        bad = subprocess.run([SCRIPTS / "pg-cluster", "start", "--dir", d], capture_output=True, text=True,
                             env={**ENV, "PGPASSWORD": "other"})
        assert bad.returncode == 1 and "another password" in bad.stderr
    finally:
        subprocess.run([SCRIPTS / "pg-cluster", "stop", "--dir", d], capture_output=True)
        subprocess.run(["rm", "-rf", d])


# ---------------------------------------------------------------- Kafka

def test_kafka_produce_consume_offsets_for_times(kafka):
    from confluent_kafka import TopicPartition
    topic = "svc-test-times"
    kafka.create_topic(topic, partitions=1)
    base = int(time.time() * 1000) - 60_000  # recent: noida deletes messages older than 7 days
    p = kafka.producer()
    for i in range(10):
        p.produce(topic, key=str(i).encode(), value=json.dumps({"i": i}).encode(), timestamp=base + i * 1000)
    assert p.flush(10) == 0

    c = kafka.consumer()
    try:
        assert c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10) == (0, 10)
        found = c.offsets_for_times([TopicPartition(topic, 0, base + 4500)], timeout=10)
        assert found[0].offset == 5  # first message with timestamp >= the asked time
        past_end = c.offsets_for_times([TopicPartition(topic, 0, base + 60_000)], timeout=10)
        assert past_end[0].offset in (-1, 10)  # "no such message" (end)
    finally:
        c.close()
    msgs = kafka.read(topic, start=5)
    assert [json.loads(m.value())["i"] for m in msgs] == [5, 6, 7, 8, 9]
    assert msgs[0].timestamp()[1] == base + 5000


def test_kafka_script_idempotent_and_stop(tmp_path):
    k = Kafka(dir=tmp_path / "k")
    with k:
        first = (k.port, k.pid)
        again = subprocess.run([SCRIPTS / "kafka", "start", "--dir", k.dir], capture_output=True, text=True,
                               check=True).stdout.split()
        assert again == ["ready", f"port={k.port}", f"pid={k.pid}"]
        assert k.running
    assert not k.running and first[1] is not None


def test_free_port():
    import socket
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


# ---------------------------------------------------------------- Debezium

@pytest.mark.debezium
def test_debezium_worker_rest(connect):
    code, info = connect.request("GET", "/")
    assert code == 200 and info["version"].startswith("4.3")
    plugins = {p["class"]: p["version"] for p in connect.request("GET", "/connector-plugins")[1]}
    assert plugins["io.debezium.connector.postgresql.PostgresConnector"].startswith("3.6.3")
    # The connector listing answers with a JSON list of names, each of which the worker can report on.
    code, names = connect.request("GET", "/connectors")
    assert code == 200 and isinstance(names, list), (code, names)
    for name in names:
        assert connect.status(name) is not None, name


@pytest.mark.debezium
def test_debezium_end_to_end(pg_db, kafka, connect):
    pg_db.psql("""
        CREATE TABLE public.items (id int PRIMARY KEY, name text, price numeric(10,2),
                                   ts timestamptz DEFAULT now(), created timestamp);
        CREATE PUBLICATION items_pub FOR TABLE public.items;
    """)
    prefix = f"cdc_{pg_db.dbname}"
    topic = f"{prefix}.public.items"
    name = f"src-{pg_db.dbname}"
    cfg = connect.postgres_source(pg_db, name, slot=f"slot_{pg_db.dbname}", publication="items_pub",
                                  topic_prefix=prefix)
    connect.register(cfg)
    try:
        connect.wait_running(name)
        # the password is a ${file:...} reference, not in the REST API's view of the config
        assert pg_db.password not in json.dumps(connect.request("GET", f"/connectors/{name}/config")[1])
        pg_db.wait_slot_active(f"slot_{pg_db.dbname}")  # streaming has started

        with pg_db.connect() as c:
            c.execute("INSERT INTO items (id, name, price, created) VALUES (1, 'a', 12.5, '2026-01-02 03:04:05.123456')")
            c.execute("UPDATE items SET name = 'b', price = 13 WHERE id = 1")
            c.execute("DELETE FROM items WHERE id = 1")
        msgs = kafka.read(topic, count=4, timeout=60)
    finally:
        connect.delete(name)

    keys = [json.loads(m.key()) for m in msgs]
    assert keys == [{"id": 1}] * 4
    ins, upd, dele = (json.loads(m.value()) for m in msgs[:3])
    assert msgs[3].value() is None  # tombstone after the delete

    assert ins["op"] == "c" and ins["before"] is None
    assert ins["after"]["name"] == "a" and ins["after"]["price"] == "12.50"
    assert ins["after"]["created"] == 1767323045123456          # timestamp → epoch microseconds
    assert ins["after"]["ts"].endswith("Z")                    # timestamptz → ISO UTC string
    assert ins["source"]["table"] == "items" and ins["source"]["db"] == pg_db.dbname
    assert upd["op"] == "u" and upd["before"] is None and upd["after"]["price"] == "13.00"
    assert dele["op"] == "d" and dele["after"] is None and dele["before"]["id"] == 1
    assert dele["before"]["name"] is None                      # replica identity DEFAULT: key only
    for m, v in zip(msgs, (ins, upd, dele)):
        assert m.timestamp()[1] >= v["source"]["ts_ms"]         # record time = produce time ≥ commit time
    pg_db.wait_slot_active(f"slot_{pg_db.dbname}", active=False)  # deleting the connector releases it


@pytest.mark.debezium
def test_debezium_bad_connector_does_not_kill_worker(connect):
    with pytest.raises(ServiceError):
        connect.register({"name": "broken", "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
                          "snapshot.mode": "never", "topic.prefix": "x", "database.hostname": "127.0.0.1",
                          "database.port": "1", "database.user": "u", "database.dbname": "d",
                          "plugin.name": "pgoutput"})
    assert connect.running
    assert "broken" not in connect.connectors()
