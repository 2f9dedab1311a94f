"""Reliability of `pg2sr seed`: SIGKILL at random moments and resume, every injected stand-in fault,
a COPY backend terminated mid-chunk, a stand-in restart mid-run, SIGINT/SIGTERM. The data must be
exact afterwards: Primary Key tables equal to the source, Duplicate Key tables without a single
duplicated row and from one snapshot."""
from __future__ import annotations

import json
import random
import re
import shlex
import signal
import subprocess
import time

import pytest

from harness import compare as compare_tables, pg2sr_binary, run_pg2sr

DB = "sr"


def seed_args(pg_db, standin, *args: str, db: str = DB) -> list[str]:
    return ["seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(db), "--create-tables",
            "--replication-num", "1", "--progress", "none", *args]


def env_for(pg_db, standin) -> dict[str, str]:
    return {"PGPASSWORD": pg_db.password, **standin.env()}


def seed(pg_db, standin, *args: str, timeout: float = 300):
    return run_pg2sr(*seed_args(pg_db, standin, *args), env=env_for(pg_db, standin), timeout=timeout)


def start_seed(pg_db, standin, *args: str) -> subprocess.Popen:
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(env_for(pg_db, standin))
    return subprocess.Popen([pg2sr_binary(), *seed_args(pg_db, standin, *args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def compare(pg_db, standin, table: str, key: str = "id", source_rows=None) -> int:
    return compare_tables(pg_db, standin, table, table, key, db=DB, source_rows=source_rows)


def target_ids(standin, table: str) -> list[int]:
    return [int(r[0]) for r in standin.query(f"SELECT id FROM `{DB}`.`{table}` ORDER BY id")]


def run_record(standin, run_id: str) -> dict:
    row = standin.query(f"SELECT status, error, total_rows FROM `{DB}`.`pg2sr_runs` WHERE run_id = '{run_id}'")
    assert row, f"no run record for {run_id}"
    return {"status": row[0][0], "error": row[0][1], "total_rows": int(row[0][2] or 0)}


def make_pk(pg_db, name: str, rows: int, pad: int = 100):
    pg_db.psql(f"""
        CREATE TABLE {name} (id bigint PRIMARY KEY, v text, n numeric(12,2), t timestamptz);
        INSERT INTO {name} SELECT g, repeat('x', {pad}) || g, g * 0.5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
        FROM generate_series(1, {rows}) g;
    """)


def make_dk(pg_db, name: str, rows: int, pad: int = 100):
    """No primary key: a Duplicate Key table in StarRocks."""
    pg_db.psql(f"""
        CREATE TABLE {name} (id bigint NOT NULL, v text, batch int NOT NULL DEFAULT 0);
        INSERT INTO {name} SELECT g, repeat('d', {pad}) || g, 0 FROM generate_series(1, {rows}) g;
    """)


def wait_for(predicate, timeout: float = 30, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def active_copies(pg_db) -> list[int]:
    with pg_db.connect() as c:
        return [r[0] for r in c.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'pg2sr worker%%' AND query LIKE 'COPY%%' "
            "AND state = 'active' AND datname = %s", (pg_db.dbname,)).fetchall()]


# ------------------------------------------------------------------------------------------------
# SIGKILL at random moments, resume each time.

def test_sigkill_at_20_random_moments_then_resume_converges_without_duplicates(pg_db, standin):
    make_pk(pg_db, "pk_big", 12000)
    make_pk(pg_db, "pk_small", 300)
    make_dk(pg_db, "dk_big", 3000)
    make_dk(pg_db, "dk_small", 200)
    tables = ("--table", "pk_big", "--table", "pk_small", "--table", "dk_big", "--table", "dk_small")
    args = (*tables, "--run-id", "killme", "--jobs", "3", "--split-larger-than", "160kB", "--chunk-size", "160kB",
            "--max-rate", "100kB/s", "--sleep", "100ms", "--retries", "3", "--retry-max-wait", "1s")
    rng = random.Random(20)
    # The Duplicate Key tables grow between runs: each resume reads a different snapshot, and the
    # target must still hold exactly one of them, never a mix (PK tables stay still: without CDC
    # only an unchanged table can be compared exactly).
    boundaries = {"dk_big": [3000], "dk_small": [200]}
    kills = 0
    started_with = []
    for iteration in range(20):
        process = start_seed(pg_db, standin, *args, *(("--resume",) if iteration else ()))
        delay = rng.uniform(0.2, 2.0)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        started_with.append(delay)
        for name, marks in boundaries.items():
            start = marks[-1] + 1
            pg_db.psql(f"INSERT INTO {name} SELECT g, 'later ' || g, {iteration + 1} FROM generate_series({start}, {start + 49}) g")
            marks.append(start + 49)
        # Whatever the moment, nothing is ever duplicated.
        created = {row[0] for row in standin.query(
            f"SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = '{DB}'")}
        for name in ("pk_big", "pk_small", "dk_big", "dk_small"):
            if name not in created:
                continue  # killed before the target tables were created
            ids = target_ids(standin, name)
            assert len(ids) == len(set(ids)), f"{name} has duplicated rows after kill {iteration + 1}"
    final = seed(pg_db, standin, *args, "--resume")
    assert final.returncode == 0, final.stderr
    assert kills >= 15, f"only {kills} of 20 runs were killed before they finished"
    print(f"kill/resume: {kills} kills at {', '.join(f'{d:.2f}' for d in started_with)} s")
    assert compare(pg_db, standin, "pk_big") == 12000
    assert compare(pg_db, standin, "pk_small") == 300
    for name, marks in boundaries.items():
        ids = target_ids(standin, name)
        assert len(ids) == len(set(ids)), f"{name} has duplicated rows"
        assert ids and ids[-1] in marks and ids == list(range(1, ids[-1] + 1)), \
            f"{name}: the target is not one snapshot of the source (ids 1..{ids[-1] if ids else 0}, {len(ids)} rows)"
        with pg_db.connect() as c:
            rows = c.execute(f"SELECT id, v, batch FROM {name} WHERE id <= %s ORDER BY id", (ids[-1],)).fetchall()
        compare(pg_db, standin, name, source_rows=rows)
    assert run_record(standin, "killme")["status"] == "completed"


# ------------------------------------------------------------------------------------------------
# Injected faults: every one is survived, with the data exact.

FAULTS = {
    "fail_transient": ({"fail_nth_load": 2, "message": "tablet writer write failed, tablet_id=1, txn_id=2, err=Service unavailable"}, True),
    "http_500_header": ({"http_500_nth": 2, "http_500_phase": "header"}, True),
    "http_500_body": ({"http_500_nth": 2, "http_500_phase": "body"}, True),
    "reset_mid_body": ({"reset_mid_body_nth": 2}, True),
    "publish_timeout": ({"publish_timeout_nth": 2}, False),
    "commit_fail_but_committed": ({"commit_fail_but_committed_nth": 2}, True),
    "busy": ({"busy_nth_load": 2}, True),
    "max_concurrent_loads": ({"max_concurrent_loads": 1}, True),
    "stall_before_reply": ({"stall_before_reply_s": 1.5}, False),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_injected_fault_is_survived_with_exact_data(pg_db, standin, name):
    fault, retried = FAULTS[name]
    make_pk(pg_db, "facts", 6000)
    standin.set_faults(fault)
    p = seed(pg_db, standin, "--table", "facts", "--run-id", "faulty", "--jobs", "3", "--split-larger-than", "128kB",
             "--chunk-size", "128kB", "--retries", "10", "--retry-max-wait", "1s", "--output", "json")
    assert p.returncode == 0, p.stderr
    if retried:
        assert "retry 1/10" in p.stderr, p.stderr
    record = json.loads(p.stdout)
    assert record["status"] == "completed" and record["totalRows"] == 6000, record
    if name == "publish_timeout":
        time.sleep(2.5)  # the stand-in's publish delay: committed rows become visible
    assert compare(pg_db, standin, "facts") == 6000


def test_retries_exhausted_fail_with_the_promised_message(pg_db, standin):
    make_pk(pg_db, "facts", 500)
    standin.set_faults({"no_backend_alive": True})
    started = time.monotonic()
    p = seed(pg_db, standin, "--table", "facts", "--run-id", "doomed", "--retries", "2", "--retry-max-wait", "200ms")
    assert p.returncode == 69, p.stderr
    last = p.stderr.strip().splitlines()[-1]
    assert "failed after 3 attempts" in p.stderr and "No backend alive" in p.stderr, p.stderr
    assert "resume with: pg2sr seed" in p.stderr and "--resume --run-id doomed" in p.stderr
    assert last.startswith("pg2sr: error: target:"), last
    assert time.monotonic() - started < 30
    assert run_record(standin, "doomed")["status"] == "failed"
    standin.clear_faults()
    again = seed(pg_db, standin, "--table", "facts", "--run-id", "doomed", "--resume")
    assert again.returncode == 0, again.stderr
    assert compare(pg_db, standin, "facts") == 500


@pytest.mark.parametrize("message", ["Access denied for root@127.0.0.1", 'unknown table "sr.facts"'])
def test_permanent_failures_fail_fast_without_retrying(pg_db, standin, message):
    make_pk(pg_db, "facts", 200)
    standin.set_faults({"fail_nth_load": 1, "message": message})
    p = seed(pg_db, standin, "--table", "facts", "--retries", "5")
    assert p.returncode == 69, p.stderr
    assert "retry" not in p.stderr.replace("resume with", "")
    assert message in p.stderr


def test_rejected_rows_fail_fast_as_data_rejected(pg_db, standin):
    make_pk(pg_db, "facts", 200)
    standin.set_faults({"fail_nth_load": 1, "message": "too many filtered rows"})
    p = seed(pg_db, standin, "--table", "facts", "--retries", "5")
    assert p.returncode == 65, p.stderr
    assert "retry 1" not in p.stderr


# ------------------------------------------------------------------------------------------------
# The source breaks mid-chunk; the target restarts mid-run.

def test_copy_backend_terminated_mid_chunk_is_retried_from_the_chunk_start(pg_db, standin):
    # Chunks far larger than what the sockets between PostgreSQL and pg2sr hold: the COPYs are
    # still running in PostgreSQL when their backends are terminated.
    make_pk(pg_db, "pk_t", 16000, pad=1000)
    make_dk(pg_db, "dk_t", 16000, pad=1000)
    process = start_seed(pg_db, standin, "--table", "pk_t", "--table", "dk_t", "--run-id", "term", "--jobs", "2",
                         "--split-larger-than", "8MB", "--chunk-size", "8MB", "--max-rate", "4MB/s",
                         "--retries", "5", "--retry-max-wait", "500ms")
    try:
        terminated = 0
        deadline = time.monotonic() + 30
        with pg_db.connect() as c:
            while terminated < 2 and time.monotonic() < deadline and process.poll() is None:
                for pid in active_copies(pg_db)[:2 - terminated]:
                    terminated += bool(c.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0])
                time.sleep(0.05)
        out, err = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert terminated >= 1
    assert len(re.findall(r"PostgreSQL: .*; retry \d/5", err)) >= terminated, err
    assert "FATAL" not in err  # libpq's own notices stay out of pg2sr's output
    assert standin.stats()["loads_aborted"] >= terminated
    assert compare(pg_db, standin, "pk_t") == 16000
    assert target_ids(standin, "dk_t") == list(range(1, 16001))


def test_standin_restart_mid_run(pg_db, standin):
    make_pk(pg_db, "pk_t", 20000, pad=150)
    make_dk(pg_db, "dk_t", 8000, pad=150)
    process = start_seed(pg_db, standin, "--table", "pk_t", "--table", "dk_t", "--run-id", "bounce", "--jobs", "2",
                         "--split-larger-than", "400kB", "--chunk-size", "400kB", "--max-rate", "2MB/s",
                         "--retries", "8", "--retry-max-wait", "1s")
    try:
        wait_for(lambda: standin.stats()["loads_committed"] >= 2, what="two committed loads")
        standin.restart()
        out, err = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "retry" in err
    assert compare(pg_db, standin, "pk_t") == 20000
    assert target_ids(standin, "dk_t") == list(range(1, 8001))
    assert run_record(standin, "bounce")["status"] == "completed"


# ------------------------------------------------------------------------------------------------
# SIGINT / SIGTERM

@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_aborts_loads_marks_the_run_interrupted_and_prints_the_resume_command(pg_db, standin, signum, code):
    make_pk(pg_db, "pk_t", 20000, pad=150)
    make_dk(pg_db, "dk_t", 8000, pad=150)
    process = start_seed(pg_db, standin, "--table", "pk_t", "--table", "dk_t", "--run-id", "stopme", "--jobs", "2",
                         "--split-larger-than", "400kB", "--chunk-size", "400kB", "--max-rate", "1MB/s")
    try:
        wait_for(lambda: standin.stats()["loads_committed"] >= 1 and standin.stats()["concurrent_loads"] >= 1,
                 what="a committed load and one in flight")
        sent = time.monotonic()
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
        stopped_in = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err
    assert stopped_in < 10, stopped_in
    # The aborted loads are rolled back (the stand-in notices the dropped connections at once).
    wait_for(lambda: standin.stats()["concurrent_loads"] == 0, timeout=5, what="no load left in flight")
    assert standin.stats()["loads_aborted"] >= 1
    assert run_record(standin, "stopme")["status"] == "interrupted"
    assert f"interrupted by signal {int(signum)}" in err.strip().splitlines()[-1]
    match = re.search(r"resume with: (pg2sr seed .*)$", err, re.MULTILINE)
    assert match, err
    command = shlex.split(match.group(1))
    assert command[-3:] == ["--resume", "--run-id", "stopme"]
    assert len(target_ids(standin, "dk_t")) in (0, 8000)  # one transaction: nothing or everything
    resumed = run_pg2sr(*command[1:], env=env_for(pg_db, standin), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert compare(pg_db, standin, "pk_t") == 20000
    assert target_ids(standin, "dk_t") == list(range(1, 8001))


# ------------------------------------------------------------------------------------------------
# Resume and snapshots

def test_duplicate_key_table_is_one_transaction_and_is_reloaded_whole_from_a_new_snapshot(pg_db, standin):
    make_dk(pg_db, "dk_t", 12000, pad=150)
    args = ("--table", "dk_t", "--run-id", "dkrun", "--split-larger-than", "256kB", "--chunk-size", "256kB",
            "--sleep", "700ms")
    process = start_seed(pg_db, standin, *args)
    try:
        # Killed after the transaction received some chunks, before its commit.
        wait_for(lambda: standin.stats()["bytes"] > 600_000, what="two chunks sent")
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert target_ids(standin, "dk_t") == []  # nothing visible of an uncommitted transaction
    pg_db.psql("INSERT INTO dk_t SELECT g, 'new ' || g, 1 FROM generate_series(12001, 12500) g; DELETE FROM dk_t WHERE id <= 100;")
    p = seed(pg_db, standin, *args, "--resume")
    assert p.returncode == 0, p.stderr
    assert "no longer exists" in p.stderr and "reloaded whole" in p.stderr, p.stderr
    assert "rolling back the unfinished transaction" in p.stderr, p.stderr
    assert target_ids(standin, "dk_t") == list(range(101, 12501))
    compare(pg_db, standin, "dk_t")
    again = seed(pg_db, standin, *args, "--resume")
    assert again.returncode == 0 and "already completed" in again.stderr
    assert len(target_ids(standin, "dk_t")) == 12400


def test_resume_reads_inside_the_original_snapshot_while_it_exists(pg_db, standin):
    make_pk(pg_db, "pk_t", 12000, pad=150)
    with pg_db.connect() as c:
        before = c.execute("SELECT id, v, n, t FROM pk_t ORDER BY id").fetchall()
    holder = pg_db.connect(autocommit=False)
    try:
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
        args = ("--table", "pk_t", "--run-id", "keepsnap", "--split-larger-than", "256kB", "--chunk-size", "256kB",
                "--max-rate", "1MB/s")
        process = start_seed(pg_db, standin, *args, "--snapshot", snapshot)
        wait_for(lambda: standin.stats()["loads_committed"] >= 1, what="a committed chunk")
        process.send_signal(signal.SIGKILL)
        process.wait()
        pg_db.psql("UPDATE pk_t SET v = 'changed' WHERE id % 3 = 0; DELETE FROM pk_t WHERE id % 5 = 0;")
        p = seed(pg_db, standin, *args, "--resume")
        assert p.returncode == 0, p.stderr
        assert "resuming inside the run's original snapshot" in p.stderr, p.stderr
    finally:
        holder.close()
    assert compare(pg_db, standin, "pk_t", source_rows=before) == 12000


def test_resume_of_an_unknown_run_is_a_usage_error(pg_db, standin):
    make_pk(pg_db, "pk_t", 10)
    p = seed(pg_db, standin, "--table", "pk_t", "--run-id", "never-ran", "--resume")
    assert p.returncode == 64, p.stderr
    assert "no run never-ran" in p.stderr
