"""Bad input: one clear line naming the thing, the documented exit code of its class (usage 64,
data rejected 65, source 66, target 69, cdc 70), and never anything that looks like success."""
from __future__ import annotations

import socket

import pytest

from harness import run_pg2sr

DB = "sr"
USAGE, DATA, SOURCE, TARGET, CDC = 64, 65, 66, 69, 70


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expect_failure(p, code: int, *needles: str) -> str:
    """The run failed with `code`, its last stderr line is the one error line and names the thing."""
    assert p.returncode == code, f"exit {p.returncode}, wanted {code}:\n{p.stderr}"
    lines = [line for line in p.stderr.strip().splitlines() if line]
    assert lines, "no message"
    errors = [line for line in lines if line.startswith("pg2sr: error:")]
    assert len(errors) == 1 and errors[0] == lines[-1], p.stderr
    line = errors[0]
    assert len(line) < 600, line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    assert "completed" not in p.stderr and "completed" not in p.stdout
    return line


def nothing_loaded(standin, table: str = "t") -> None:
    """No Stream Load committed and the source table's target table not created."""
    assert standin.stats()["loads_committed"] == 0
    assert standin.query(f"SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = '{DB}' "
                         f"AND TABLE_NAME = '{table}'") == []


def seed(pg_db, standin, *args: str, source: str | None = None, target: str | None = None,
         env: dict[str, str] | None = None, create: bool = True):
    environment = {"PGPASSWORD": pg_db.password, **standin.env(), **(env or {})}
    return run_pg2sr("seed", "--source", source or pg_db.conninfo_nopw, "--target", target or standin.target_url(DB),
                     *(("--create-tables",) if create else ()), "--replication-num", "1", "--progress", "none", *args,
                     env=environment, timeout=120)


@pytest.fixture
def table_t(pg_db):
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a');")


def test_unreachable_source(pg_db, standin, table_t):
    port = closed_port()
    p = seed(pg_db, standin, "--table", "t", source=f"host=127.0.0.1 port={port} user=postgres dbname=x connect_timeout=5")
    expect_failure(p, SOURCE, "source:", "cannot connect to PostgreSQL", str(port))


def test_unreachable_target(pg_db, standin, table_t):
    port = closed_port()
    p = seed(pg_db, standin, "--table", "t", target=f"starrocks://root@127.0.0.1:{port}/{DB}?http_port={standin.fe_http_port}")
    expect_failure(p, TARGET, "target:", f"127.0.0.1:{port}")


def test_wrong_source_password(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", env={"PGPASSWORD": "not-the-password"})
    expect_failure(p, SOURCE, "source:", "password authentication failed")


def test_wrong_target_password(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", env={"STARROCKS_PASSWORD": "not-the-password"})
    line = expect_failure(p, TARGET, "target:", "root", "Access denied")
    assert "not-the-password" not in p.stderr


def test_missing_source_database(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", source=f"host=127.0.0.1 port={pg_db.port} user=postgres dbname=no_such_db")
    expect_failure(p, SOURCE, "source:", "no_such_db")


def test_missing_target_database_without_create_tables(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", create=False, target=standin.target_url("no_such_db"))
    expect_failure(p, TARGET, "target:", "no_such_db")


def test_missing_schema(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "nosuchschema.t")
    expect_failure(p, SOURCE, "source:", "nosuchschema.t", "does not exist")
    nothing_loaded(standin)


def test_missing_table(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "public.no_such_table")
    expect_failure(p, SOURCE, "source:", "no_such_table", "does not exist")
    nothing_loaded(standin)


def test_missing_column(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", "--cast", "public.t.no_such_column=varchar")
    expect_failure(p, USAGE, "usage:", "no_such_column")
    nothing_loaded(standin)


def _limited_role(pg_db, name: str, grant_select: bool) -> str:
    password = "Limited-pw-1"
    pg_db.psql(f"""
        DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
            CREATE ROLE {name} LOGIN PASSWORD '{password}'; END IF; END $$;
        GRANT CONNECT ON DATABASE {pg_db.dbname} TO {name};
        {"GRANT SELECT ON t TO " + name + ";" if grant_select else "REVOKE ALL ON t FROM " + name + ";"}
    """)
    return password


def test_missing_select_privilege(pg_db, standin, table_t):
    password = _limited_role(pg_db, "pg2sr_noselect", grant_select=False)
    p = seed(pg_db, standin, "--table", "t", env={"PGPASSWORD": password},
             source=f"host=127.0.0.1 port={pg_db.port} user=pg2sr_noselect dbname={pg_db.dbname}")
    expect_failure(p, SOURCE, "source:", "permission denied", "t")
    nothing_loaded(standin)


def test_missing_replication_privilege(pg_db, standin, table_t):
    password = _limited_role(pg_db, "pg2sr_norepl", grant_select=True)
    p = seed(pg_db, standin, "--table", "t", "--slot", "norepl_slot", env={"PGPASSWORD": password},
             source=f"host=127.0.0.1 port={pg_db.port} user=pg2sr_norepl dbname={pg_db.dbname}")
    expect_failure(p, SOURCE, "source:", "REPLICATION")
    nothing_loaded(standin)
    # Checked before acting: neither the publication nor the slot was created.
    assert pg_db.psql("SELECT count(*) FROM pg_publication WHERE pubname = 'pg2sr_norepl_slot'").strip() == "0"
    assert pg_db.psql("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'norepl_slot'").strip() == "0"


def test_wal_level_not_logical_when_a_slot_is_asked_for(standin):
    from services import PostgresCluster
    cluster = PostgresCluster(shared_buffers="32MB")
    (cluster.dir / "extra.conf").write_text("wal_level = replica\n")
    with cluster:
        cluster.psql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
        p = run_pg2sr("seed", "--source", cluster.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                      "--replication-num", "1", "--table", "t", "--slot", "s1",
                      env={"PGPASSWORD": cluster.password, **standin.env()}, timeout=120)
    expect_failure(p, SOURCE, "source:", "wal_level", "logical")


def test_conflicting_options(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", "--slot", "s1", "--snapshot", "00000003-00000002-1")
    expect_failure(p, USAGE, "usage:", "--slot", "--snapshot")
    nothing_loaded(standin)


def test_resume_without_run_id(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", "--resume")
    expect_failure(p, USAGE, "usage:", "--resume", "--run-id")
    nothing_loaded(standin)


def test_invalid_regular_expression(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--include", "public\\.(t")
    expect_failure(p, USAGE, "usage:", "regular expression", "public\\.(t")
    nothing_loaded(standin)


def test_malformed_target_url(pg_db, standin, table_t):
    p = seed(pg_db, standin, "--table", "t", target="mysql://root@127.0.0.1/sr")
    expect_failure(p, USAGE, "usage:", "--target")


def test_target_table_missing_without_create_tables(pg_db, standin, table_t):
    standin.execute(f"CREATE DATABASE {DB}")
    p = seed(pg_db, standin, "--table", "t", create=False)
    expect_failure(p, TARGET, "target:", "sr.t", "does not exist", "--create-tables")
    assert standin.stats()["loads_committed"] == 0


def test_incompatible_target_table(pg_db, standin, table_t):
    standin.execute(f"CREATE DATABASE {DB}")
    standin.execute(f"CREATE TABLE `{DB}`.`t` (id DATE NOT NULL, v VARCHAR(10)) PRIMARY KEY (id) DISTRIBUTED BY HASH (id) "
                    f"PROPERTIES (\"replication_num\" = \"1\")")
    p = seed(pg_db, standin, "--table", "t", create=False)
    expect_failure(p, TARGET, "target:", "sr.t", "does not fit", "id")
    assert standin.stats()["loads_committed"] == 0


def test_unsupported_type_without_a_cast(pg_db, standin):
    pg_db.psql("CREATE TABLE shapes (id int PRIMARY KEY, p point); INSERT INTO shapes VALUES (1, point(1, 2));")
    p = seed(pg_db, standin, "--table", "shapes")
    expect_failure(p, USAGE, "usage:", "shapes", "point", "--cast")
    nothing_loaded(standin, "shapes")
    fixed = seed(pg_db, standin, "--table", "shapes", "--cast", "public.shapes.p=varchar")
    assert fixed.returncode == 0, fixed.stderr


def test_rejected_data(pg_db, standin):
    pg_db.psql("CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'far too long for ten');")
    standin.execute(f"CREATE DATABASE {DB}")
    standin.execute(f"CREATE TABLE `{DB}`.`notes` (id INT NOT NULL, body VARCHAR(10)) PRIMARY KEY (id) "
                    f"DISTRIBUTED BY HASH (id) PROPERTIES (\"replication_num\" = \"1\")")
    p = seed(pg_db, standin, "--table", "notes", create=False)
    expect_failure(p, DATA, "data rejected:", "notes")
    assert standin.stats()["loads_committed"] == 0
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`notes`") == [("0",)]


def test_kafka_connect_unreachable(pg_db, standin, table_t):
    # A published table with out-of-line-able columns needs REPLICA IDENTITY FULL: refused before any side effect.
    refused = seed(pg_db, standin, "--table", "t", "--slot", "connect_slot", "--run-id", "withslot")
    expect_failure(refused, SOURCE, "source:", "public.t", "REPLICA IDENTITY DEFAULT", "--set-replica-identity-full")
    assert pg_db.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'connect_slot'") == 0
    assert pg_db.scalar("SELECT count(*) FROM pg_publication") == 0
    seeded = seed(pg_db, standin, "--table", "t", "--slot", "connect_slot", "--set-replica-identity-full", "--run-id", "withslot")
    assert seeded.returncode == 0, seeded.stderr
    port = closed_port()
    p = run_pg2sr("debezium-config", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                  "--run-id", "withslot", "--register", f"http://127.0.0.1:{port}",
                  env={"PGPASSWORD": pg_db.password, **standin.env()}, timeout=60)
    expect_failure(p, CDC, "cdc:", "Kafka Connect", f"127.0.0.1:{port}")
