"""Passwords never show: not in logs, progress, error messages, the run record, printed configs, nor
in the process list (`/proc/*/cmdline`), whether they come from the environment or from files."""
from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from harness import StandIn, pg2sr_binary, run_pg2sr

DB = "sr"
PG_PASSWORD = "Pg-Pw-71d3aa-zq"
SR_PASSWORD = "Sr-Pw-9f2c1e-xk"
SECRETS = (PG_PASSWORD, SR_PASSWORD)


@pytest.fixture
def secret_standin():
    with StandIn(password=SR_PASSWORD) as instance:
        yield instance


@pytest.fixture
def secret_role(pg_db):
    pg_db.psql(f"""
        DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg2sr_secret') THEN
            CREATE ROLE pg2sr_secret LOGIN SUPERUSER REPLICATION; END IF; END $$;
        ALTER ROLE pg2sr_secret PASSWORD '{PG_PASSWORD}';
        CREATE TABLE facts (id int PRIMARY KEY, v text);
        ALTER TABLE facts REPLICA IDENTITY FULL;
        INSERT INTO facts SELECT g, repeat('s', 200) FROM generate_series(1, 20000) g;
    """)
    return f"host=127.0.0.1 port={pg_db.port} user=pg2sr_secret dbname={pg_db.dbname}"


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a password appears in {where}:\n{text}"


class CmdlineWatcher:
    """Samples the command lines of every process on the machine while a test runs."""

    def __init__(self):
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as f:
                            line = f.read().replace(b"\0", b" ").decode(errors="replace")
                    except OSError:
                        continue
                    if "pg2sr" in line or "postgres" in line or "standin" in line:
                        self.seen.add(line)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def test_passwords_from_files_and_environment_never_show(pg_db, secret_standin, secret_role, tmp_path):
    standin = secret_standin
    pg_file = tmp_path / "pg.pw"
    pg_file.write_text(PG_PASSWORD + "\n")
    sr_file = tmp_path / "sr.pw"
    sr_file.write_text(SR_PASSWORD + "\n")
    os.chmod(pg_file, 0o600)
    os.chmod(sr_file, 0o600)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "STARROCKS_PASSWORD"}
    outputs: list[tuple[str, str]] = []

    with CmdlineWatcher() as watcher:
        # 1. Passwords from files; a fault forces a retry warning, progress lines are printed.
        standin.set_faults({"fail_nth_load": 2, "message": "temporarily unavailable"})
        seed = subprocess.run(
            [pg2sr_binary(), "seed", "--source", secret_role, "--source-password-file", str(pg_file),
             "--target", standin.target_url(DB), "--target-password-file", str(sr_file), "--create-tables",
             "--replication-num", "1", "--table", "facts", "--slot", "secret_slot", "--run-id", "secrets",
             "--split-larger-than", "512kB", "--chunk-size", "512kB", "--max-rate", "2MB/s",
             "--progress", "plain", "--progress-interval", "0.3", "--output", "json"],
            env=base_env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert seed.returncode == 0, seed.stderr
        assert "retry 1/" in seed.stderr and "pg2sr: progress" in seed.stderr
        outputs.append(("seed", seed.stdout + seed.stderr))

        # 2. Passwords from the environment: plan, ddl, and the printed Debezium config (masked).
        env = {"PGPASSWORD": PG_PASSWORD, "STARROCKS_PASSWORD": SR_PASSWORD}
        for args in (("plan", "--source", secret_role, "--table", "facts"),
                     ("ddl", "--source", secret_role, "--table", "facts"),
                     ("debezium-config", "--source", secret_role, "--target", standin.target_url(DB), "--run-id", "secrets"),
                     ("debezium-config", "--source", secret_role, "--target", standin.target_url(DB), "--run-id", "secrets",
                      "--format", "properties")):
            p = run_pg2sr(*args, env=env, timeout=60)
            assert p.returncode == 0, p.stderr
            outputs.append((args[0], p.stdout + p.stderr))

        # 3. Failures: a wrong password on either side, and a run that breaks mid-way.
        wrong = run_pg2sr("seed", "--source", secret_role, "--target", standin.target_url(DB), "--table", "facts",
                          env={"PGPASSWORD": PG_PASSWORD + "x", "STARROCKS_PASSWORD": SR_PASSWORD}, timeout=60)
        assert wrong.returncode == 66
        outputs.append(("wrong source password", wrong.stdout + wrong.stderr))
        wrong = run_pg2sr("seed", "--source", secret_role, "--target", standin.target_url(DB), "--table", "facts",
                          env={"PGPASSWORD": PG_PASSWORD, "STARROCKS_PASSWORD": SR_PASSWORD + "x"}, timeout=60)
        assert wrong.returncode == 69
        outputs.append(("wrong target password", wrong.stdout + wrong.stderr))
        standin.set_faults({"no_backend_alive": True})
        failed = run_pg2sr("seed", "--source", secret_role, "--target", standin.target_url(DB), "--table", "facts",
                           "--run-id", "broken", "--retries", "1", "--retry-max-wait", "100ms", "--create-tables",
                           "--target-table", "public.facts=facts2", "--replication-num", "1", env=env, timeout=60)
        assert failed.returncode == 69, failed.stderr
        outputs.append(("failed run", failed.stdout + failed.stderr))
        standin.clear_faults()

        # 4. A password written into the conninfo itself is masked in everything pg2sr prints.
        inline = run_pg2sr("plan", "--source", f"{secret_role} password={PG_PASSWORD}", "--table", "no_such_table",
                           env={}, timeout=60)
        assert inline.returncode == 66
        outputs.append(("inline conninfo", inline.stdout + inline.stderr))

    for where, text in outputs:
        assert_clean(text, where)
    for config in (text for where, text in outputs if where == "debezium-config"):
        assert "database.password" in config and "****" in config, config  # masked, not left out
    records = standin.query(f"SELECT * FROM `{DB}`.`pg2sr_runs`")
    assert len(records) == 2
    assert_clean(repr(records), "the run record")
    statuses = {r[0]: r[1] for r in standin.query(f"SELECT run_id, status FROM `{DB}`.`pg2sr_runs`")}
    assert statuses == {"secrets": "completed", "broken": "failed"}
    pg2sr_lines = [line for line in watcher.seen if "pg2sr" in line]
    assert any(" seed " in line for line in pg2sr_lines), watcher.seen
    # Only the deliberately inline conninfo put a password on a command line.
    leaked = [line for line in watcher.seen if any(s in line for s in SECRETS) and "no_such_table" not in line]
    assert not leaked, leaked
