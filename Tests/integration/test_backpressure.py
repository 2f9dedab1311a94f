"""Backpressure: with the stand-in reading Stream Load bodies at a capped rate, pg2sr's memory stays
flat (it holds the row in hand and libcurl's upload buffer, never the chunk), the PostgreSQL
backends wait in ClientWrite, and nothing times out."""
from __future__ import annotations

import os
import subprocess
import threading
import time

from harness import pg2sr_binary

DB = "sr"


def _status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_measured(pg_db, standin, *args: str, watch_backends: bool = False) -> dict:
    """Runs a seed, sampling pg2sr's RSS (and its PostgreSQL backends' wait events) until it exits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({"PGPASSWORD": pg_db.password, **standin.env()})
    process = subprocess.Popen([pg2sr_binary(), "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                                "--create-tables", "--replication-num", "1", "--progress", "none", *args],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    peak = {"rss_kb": 0, "hwm_kb": 0}
    waits: dict[str, int] = {}
    stop = threading.Event()

    def sample():
        connection = pg_db.connect() if watch_backends else None
        while not stop.is_set():
            rss = _status_kb(process.pid, "VmRSS")
            hwm = _status_kb(process.pid, "VmHWM")
            if rss:
                peak["rss_kb"] = max(peak["rss_kb"], rss)
            if hwm:
                peak["hwm_kb"] = max(peak["hwm_kb"], hwm)
            if connection is not None:
                for (event,) in connection.execute(
                        "SELECT coalesce(wait_event, 'running') FROM pg_stat_activity WHERE application_name LIKE 'pg2sr worker%%' "
                        "AND query LIKE 'COPY%%' AND state = 'active'").fetchall():
                    waits[event] = waits.get(event, 0) + 1
            time.sleep(0.05)
        if connection is not None:
            connection.close()

    sampler = threading.Thread(target=sample)
    started = time.monotonic()
    sampler.start()
    out, err = process.communicate(timeout=600)
    stop.set()
    sampler.join()
    return {"returncode": process.returncode, "stderr": err, "seconds": time.monotonic() - started,
            "peak_kb": max(peak["rss_kb"], peak["hwm_kb"]), "waits": waits}


def test_memory_stays_flat_and_postgres_waits_when_starrocks_reads_slowly(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE tiny (id int PRIMARY KEY, v text); INSERT INTO tiny VALUES (1, 'x');
        CREATE TABLE wide (id bigint PRIMARY KEY, v text);
        INSERT INTO wide SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 40000) g;   -- ~42 MB as CSV
    """)
    baseline = run_measured(pg_db, standin, "--table", "tiny")
    assert baseline["returncode"] == 0, baseline["stderr"]

    rate = 3 * 1024 * 1024
    standin.set_faults({"read_rate_bytes_per_s": rate})
    slow = run_measured(pg_db, standin, "--table", "wide", "--jobs", "2", "--split-larger-than", "16MB", "--chunk-size", "16MB",
                        "--load-timeout", "120", watch_backends=True)
    assert slow["returncode"] == 0, slow["stderr"]
    stats = standin.stats()
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`wide`") == [("40000",)]
    data_mb = stats["bytes"] / 1e6
    print(f"\nbackpressure: {data_mb:.1f} MB at {rate / 1e6:.1f} MB/s per load in {slow['seconds']:.1f} s; "
          f"peak RSS {slow['peak_kb'] / 1024:.1f} MiB (baseline run {baseline['peak_kb'] / 1024:.1f} MiB); "
          f"COPY backends sampled: {slow['waits']}")
    # The loads really were throttled by the stand-in...
    assert slow["seconds"] > data_mb * 1e6 / (2 * rate) * 0.8
    # ...pg2sr's memory did not grow with the data it streamed (42 MB went through)...
    assert slow["peak_kb"] - baseline["peak_kb"] < 24 * 1024, (slow["peak_kb"], baseline["peak_kb"])
    # ...and PostgreSQL waited for pg2sr to read rather than pg2sr buffering what PostgreSQL sent.
    assert slow["waits"].get("ClientWrite", 0) > 0.5 * sum(slow["waits"].values()), slow["waits"]
