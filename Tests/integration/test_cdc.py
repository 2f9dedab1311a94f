"""The seam under load: PostgreSQL → real Debezium (Kafka Connect) → noida-db Kafka → the stand-in's
Routine Load, with a writer running before, during and after the seed. After the writer stops and
the jobs catch up, every target table must equal its source table exactly."""
from __future__ import annotations

import json
import random
import threading
import time

import pytest

from harness import StandIn, run_pg2sr
from test_seed import compare

DB = "cdc"
pytestmark = pytest.mark.debezium

TABLES = """
CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric(14,2), note text, opened timestamptz,
                       flags jsonb, active boolean);
CREATE TABLE items (sku text PRIMARY KEY, qty int NOT NULL, price numeric(10,2), updated timestamp);
INSERT INTO accounts SELECT g, 'owner ' || g, g * 10.5, CASE WHEN g % 5 = 0 THEN NULL ELSE 'n' || g END,
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour', jsonb_build_object('tier', g % 3), g % 2 = 0
FROM generate_series(1, 400) g;
INSERT INTO items SELECT 'sku-' || g, g, g * 1.25, timestamp '2025-06-01' + g * interval '1 minute' FROM generate_series(1, 300) g;
"""


class Writer(threading.Thread):
    """Inserts, updates (PK changes, NULL transitions, large TOASTed text) and deletes until stopped."""

    def __init__(self, pg_db, seed: int):
        super().__init__(daemon=True)
        self.pg_db = pg_db
        self.random = random.Random(seed)
        self.stop_event = threading.Event()
        self.statements = 0
        self.error: Exception | None = None
        self.next_id = 10_000

    def run(self) -> None:
        try:
            with self.pg_db.connect() as c:
                while not self.stop_event.is_set():
                    self.step(c)
                    self.statements += 1
                    time.sleep(0.01)
        except Exception as error:  # surfaced by the test
            self.error = error

    def step(self, c) -> None:
        r = self.random.random()
        a = self.random.randint(1, 400)
        if r < 0.25:
            self.next_id += 1
            c.execute("INSERT INTO accounts VALUES (%s, %s, %s, %s, now(), %s, true)",
                      (self.next_id, f"new {self.next_id}", self.next_id / 7, "fresh", json.dumps({"tier": 9})))
        elif r < 0.45:
            c.execute("UPDATE accounts SET balance = balance + 1, note = CASE WHEN note IS NULL THEN 'was null' ELSE NULL END WHERE id = %s", (a,))
        elif r < 0.55:
            # Out-of-line TOASTed text (incompressible), then an update that leaves it unchanged.
            big = "".join(self.random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(9000))
            c.execute("UPDATE accounts SET note = %s WHERE id = %s", (big, a))
            c.execute("UPDATE accounts SET active = NOT active WHERE id = %s", (a,))
        elif r < 0.65:
            c.execute("DELETE FROM accounts WHERE id = %s", (a,))
        elif r < 0.72:
            # A primary-key change: a delete and an insert for Debezium.
            self.next_id += 1
            c.execute("UPDATE accounts SET id = %s WHERE id = %s", (self.next_id, a))
        elif r < 0.85:
            c.execute("UPDATE items SET qty = qty + 1, updated = now() WHERE sku = %s", (f"sku-{self.random.randint(1, 300)}",))
        elif r < 0.92:
            c.execute("INSERT INTO items VALUES (%s, 1, NULL, now()) ON CONFLICT (sku) DO UPDATE SET price = NULL",
                      (f"new-{self.random.randint(1, 200)}",))
        else:
            c.execute("DELETE FROM items WHERE sku = %s", (f"sku-{self.random.randint(1, 300)}",))


def wait_converged(pg_db, standin, timeout: float = 120) -> None:
    """Polls until both tables equal their sources (the jobs have caught up) or the time is up."""
    deadline = time.time() + timeout
    last: Exception | None = None
    while time.time() < deadline:
        try:
            compare(pg_db, standin, "accounts", "accounts", "id", db=DB)
            compare(pg_db, standin, "items", "items", "sku", db=DB)
            return
        except AssertionError as error:
            last = error
            time.sleep(1)
    raise AssertionError(f"target did not converge within {timeout}s: {last}")


@pytest.fixture
def rl_standin():
    # Routine Load batches every max_batch_interval (≥ 5 s, validated as in StarRocks); the stand-in
    # shortens only its own waiting so the test runs in seconds.
    with StandIn(password="sr-Secret_1", extra_args=("--routine-load-batch-interval-scale", "0.05")) as instance:
        yield instance


@pytest.mark.parametrize("envelope", ["flat", "raw"])
def test_exact_seam_with_the_slot_converges_under_load(pg_db, kafka, connect, rl_standin, envelope):
    standin = rl_standin
    pg_db.psql(TABLES)
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    writer = Writer(pg_db, seed=7)
    writer.start()
    time.sleep(1)
    try:
        run_id = f"seam-{envelope}"
        seed = run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                         "--replication-num", "1", "--progress", "none", "--table", "accounts", "--table", "items",
                         "--slot", f"pg2sr_{envelope}", "--set-replica-identity-full", "--run-id", run_id,
                         "--split-larger-than", "16kB", "--chunk-size", "16kB", "--jobs", "2", env=env)
        assert seed.returncode == 0, seed.stderr
        prefix = f"seam{envelope}"
        register = run_pg2sr("debezium-config", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                             "--run-id", run_id, "--topic-prefix", prefix, "--envelope", envelope, "--register", connect.url, env=env)
        assert register.returncode == 0, register.stderr
        assert pg_db.password not in register.stdout + register.stderr
        # Debezium creates a topic on a table's first change; the writer provides them.
        kafka.wait_topic(f"{prefix}.public.accounts", timeout=60)
        kafka.wait_topic(f"{prefix}.public.items", timeout=60)
        jobs = run_pg2sr("routine-load", "--target", standin.target_url(DB), "--run-id", run_id, "--kafka", kafka.bootstrap,
                         "--topic-prefix", prefix, "--envelope", envelope, "--output", "json", env=env)
        assert jobs.returncode == 0, jobs.stderr
        reports = json.loads(jobs.stdout)
        assert {r["action"] for r in reports} == {"created"}, reports
        again = run_pg2sr("routine-load", "--target", standin.target_url(DB), "--run-id", run_id, "--kafka", kafka.bootstrap,
                          "--topic-prefix", prefix, "--envelope", envelope, "--output", "json", env=env)
        assert again.returncode == 0 and {r["action"] for r in json.loads(again.stdout)} == {"exists"}, again.stdout + again.stderr
        time.sleep(3)
    finally:
        writer.stop_event.set()
        writer.join(timeout=30)
    assert writer.error is None, writer.error
    assert writer.statements > 100
    wait_converged(pg_db, standin)
    status = run_pg2sr("status", "--target", standin.target_url(DB), "--run-id", f"seam-{envelope}", "--kafka", kafka.bootstrap,
                       "--topic-prefix", f"seam{envelope}", "--output", "json", env=env)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert [j["state"] for j in report["jobs"]] == ["RUNNING", "RUNNING"] and all(j["lag"] == 0 for j in report["jobs"]), report["jobs"]
    connect.delete(f"pg2sr-seam-{envelope}")
    cleanup = run_pg2sr("cleanup", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--run-id", f"seam-{envelope}",
                        "--stop-jobs", env=env)
    assert cleanup.returncode == 0, cleanup.stderr
    assert pg_db.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = %s", (f"pg2sr_{envelope}",)) == 0


def test_connector_started_long_before_the_run_converges_via_timestamps(pg_db, kafka, connect, rl_standin):
    """No slot handoff: the topic already holds older history; the recorded start time minus the skew
    margin, resolved to offsets, is what makes the result exact."""
    standin = rl_standin
    pg_db.psql(TABLES + "ALTER TABLE accounts REPLICA IDENTITY FULL; ALTER TABLE items REPLICA IDENTITY FULL;"
               "CREATE PUBLICATION early_pub FOR TABLE accounts, items;")
    with pg_db.replication_connect() as rc:
        rc.execute("CREATE_REPLICATION_SLOT early_slot LOGICAL pgoutput")
    config = connect.postgres_source(pg_db, "early", slot="early_slot", publication="early_pub", topic_prefix="early",
                                     **{"time.precision.mode": "isostring", "binary.handling.mode": "hex",
                                        "transforms": "unwrap",
                                        "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
                                        "transforms.unwrap.delete.tombstone.handling.mode": "rewrite"})
    connect.register(config)
    connect.wait_running("early")
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    writer = Writer(pg_db, seed=11)
    writer.start()
    try:
        time.sleep(4)  # history in the topics from before the run
        seed = run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                         "--replication-num", "1", "--progress", "none", "--table", "accounts", "--table", "items",
                         "--run-id", "early", "--jobs", "2", env=env)
        assert seed.returncode == 0, seed.stderr
        time.sleep(2)
        jobs = run_pg2sr("routine-load", "--target", standin.target_url(DB), "--run-id", "early", "--kafka", kafka.bootstrap,
                         "--topic-prefix", "early", "--skew-margin", "2s", "--output", "json", env=env)
        assert jobs.returncode == 0, jobs.stderr
        offsets = [o for r in json.loads(jobs.stdout) for o in r["offsets"].values()]
        assert any(o > 0 for o in offsets), "the topics' older history must be skipped"
        time.sleep(3)
    finally:
        writer.stop_event.set()
        writer.join(timeout=30)
    assert writer.error is None, writer.error
    wait_converged(pg_db, standin)
    connect.delete("early")


def test_cdc_failures_are_clear(pg_db, kafka, rl_standin):
    standin = rl_standin
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a');")
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    seed = run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                     "--replication-num", "1", "--progress", "none", "--table", "t", "--run-id", "fails", env=env)
    assert seed.returncode == 0, seed.stderr
    base = ("routine-load", "--target", standin.target_url(DB), "--run-id", "fails", "--topic-prefix", "nothere")
    unreachable = run_pg2sr(*base, "--kafka", "127.0.0.1:1", env=env, timeout=60)
    assert unreachable.returncode == 70 and "127.0.0.1:1" in unreachable.stderr, unreachable.stderr
    missing = run_pg2sr(*base, "--kafka", kafka.bootstrap, env=env)
    assert missing.returncode == 70 and "nothere.public.t" in missing.stderr and "does not exist" in missing.stderr, missing.stderr
    # A job of the same name on another table: a clash, reported, nothing replaced.
    kafka.create_topic("clash.public.t")
    producer = kafka.producer()
    producer.produce("clash.public.t", value=b'{"id": 1, "v": "x", "__deleted": "false"}')
    producer.flush()
    name = json.loads(run_pg2sr(*base[:-1], "clash", "--kafka", kafka.bootstrap, "--dry-run", "--output", "json", env=env).stdout)[0]["job"]
    standin.execute(f"CREATE TABLE `{DB}`.`other` (id INT NOT NULL, v VARCHAR(10)) PRIMARY KEY (id) DISTRIBUTED BY HASH (id) "
                    "PROPERTIES (\"replication_num\" = \"1\")")
    standin.execute(f"CREATE ROUTINE LOAD `{DB}`.{name} ON `other` PROPERTIES (\"format\" = \"json\") "
                    f"FROM KAFKA (\"kafka_broker_list\" = \"{kafka.bootstrap}\", \"kafka_topic\" = \"clash.public.t\")")
    clash = run_pg2sr(*base[:-1], "clash", "--kafka", kafka.bootstrap, env=env)
    assert clash.returncode == 69 and "clash" in clash.stderr and "other" in clash.stderr, clash.stderr
    # StarRocks rejecting the statement: the target table was dropped after the seed.
    standin.execute(f"STOP ROUTINE LOAD FOR `{DB}`.{name}")
    standin.execute(f"DROP TABLE `{DB}`.`t`")
    rejected = run_pg2sr("routine-load", "--target", standin.target_url(DB), "--run-id", "fails", "--topic-prefix", "clash",
                         "--kafka", kafka.bootstrap, env=env)
    assert rejected.returncode == 69 and "rejected CREATE ROUTINE LOAD" in rejected.stderr, rejected.stderr
