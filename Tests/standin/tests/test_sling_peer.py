"""A real peer that works against real StarRocks loads into the stand-in: Sling 1.4.11 (PyPI
`sling-linux-amd64`, installed by scripts/setup) copies a PostgreSQL table (test-bed.md "Peers").

Sling talks MySQL (information_schema lookups, DROP TABLE IF EXISTS, CREATE TABLE ... DISTRIBUTED BY,
count(*), INSERT INTO t SELECT ... FROM t_tmp) and Stream Load (chunked CSV PUTs without a label,
`enclose: "`, redirected FE → BE). Nothing in the stand-in knows about Sling.

What real StarRocks holds afterwards follows from Sling's CSV, not from the source alone:
* Sling writes NULL and the empty string both as an empty field. StarRocks reads an empty field as
  the empty string in a string column and as a parse failure → NULL (non-strict) elsewhere (§2.1,
  §8.4). So a NULL text becomes '' in the target, a NULL number/date stays NULL.
* A text that is exactly `\\N` is written unquoted and StarRocks reads `\\N` as NULL (§2.1).
* Timestamps are written as `2024-01-01 12:00:00.123456 +00` (UTC); StarRocks' datetime parser
  ignores the trailing offset (date::from_string, §8.2), so timestamptz arrives as UTC wall time.
* Sling's DDL maps int → BIGINT, boolean → CHAR(5) ('true'/'false'; NULL → '') and adds a
  `_sling_row_id` key column to a table without a primary key.
"""
import datetime
import json
import os
import subprocess
from decimal import Decimal

import pytest

DB = "slingdb"


def sling_binary() -> str:
    try:
        import sling_linux_amd64
    except ImportError:
        pytest.skip("PyPI sling-linux-amd64 is not installed (scripts/setup installs it)")
    return sling_linux_amd64.SLING_BIN


def run_sling(standin, pg_db, stream: str, target: str, tmp: str, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({
        "SLING_DISABLE_TELEMETRY": "true", "SLING_HOME_DIR": os.path.join(tmp, "home"),
        "SLING_TEMP_DIR": os.path.join(tmp, "tmp"),
        "PG": f"postgresql://{pg_db.user}:{pg_db.password}@{pg_db.host}:{pg_db.port}/{pg_db.dbname}?sslmode=disable",
        "SR": json.dumps({"type": "starrocks", "host": "127.0.0.1", "port": standin.mysql_port, "user": "root",
                          "password": standin.password, "database": DB,
                          "fe_url": f"http://127.0.0.1:{standin.fe_port}"}),
    })
    os.makedirs(env["SLING_TEMP_DIR"], exist_ok=True)
    return subprocess.run([sling_binary(), "run", "--src-conn", "PG", "--src-stream", stream, "--tgt-conn", "SR",
                           "--tgt-object", target, *extra], env=env, capture_output=True, text=True, timeout=120)


TEXTS = ["plain", "", None, "comma, and \"quotes\"", "line\nbreak\r\nand CR", "tab\there", "back\\slash", "\\N",
         "emoji 😀 ünïcödé", "'single'", "  spaces  "]


def expected_text(t):
    if t is None:
        return ""            # Sling: NULL → empty field → '' in a VARCHAR column
    if t == "\\N":
        return None          # an unquoted \N field is NULL in StarRocks
    return t


def test_sling_full_refresh_rows_equal_source(standin, pg_db, tmp_path):
    pg_db.psql("""
        CREATE TABLE src (id int PRIMARY KEY, small smallint, big bigint, amount numeric(12,3), ratio double precision,
                          note text, created timestamp, changed timestamptz, day date, flag boolean);
        INSERT INTO src SELECT g, (g % 300)::smallint, g * 100000007::bigint, (g * 1.125)::numeric(12,3), g / 8.0,
                               'row ' || g, timestamp '2024-01-01 00:00:00' + g * interval '1 hour 0.000123 seconds',
                               timestamptz '2024-03-31 00:30:00+02' + g * interval '37 minutes', date '2020-02-28' + g,
                               g % 3 = 0
                        FROM generate_series(100, 2099) g;
    """)
    with pg_db.connect() as c:
        for i, text in enumerate(TEXTS):
            c.execute("INSERT INTO src VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                      (i, None if i % 2 else -i, None if i % 3 else -(2 ** 62), None if i % 4 else Decimal("-0.001"),
                       None if i % 5 else -1.5e-7, text, None if i % 2 else datetime.datetime(1999, 12, 31, 23, 59, 59, 999999),
                       None if i % 3 else datetime.datetime(2024, 6, 1, 12, 0, 0, 500000, tzinfo=datetime.timezone.utc),
                       None if i % 4 else datetime.date(2000, 2, 29), None if i % 2 else True))
        source = c.execute("SELECT id, small, big, amount, ratio, note, created, changed AT TIME ZONE 'UTC', day, flag "
                           "FROM src ORDER BY id").fetchall()
    standin.sql(f"CREATE DATABASE IF NOT EXISTS {DB}")

    p = run_sling(standin, pg_db, "public.src", f"{DB}.dst", str(tmp_path), "--mode", "full-refresh")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "inserted 2011 rows" in p.stdout + p.stderr

    types = dict(standin.sql(f"SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns "
                             f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME = 'dst'"))
    assert types["id"] == "bigint(20)" and types["amount"] == "decimal(12,3)" and types["flag"] == "char(5)"
    assert [r[0] for r in standin.sql(f"SHOW TABLES FROM {DB}")] == ["dst"]          # dst_tmp was dropped
    target = standin.sql(f"SELECT id, small, big, amount, ratio, note, created, changed, day, flag FROM {DB}.dst "
                         f"ORDER BY id")
    assert len(target) == len(source) == 2011
    for src, dst in zip(source, target):
        i, small, big, amount, ratio, note, created, changed, day, flag = src
        want = (i, small, big, amount, ratio, expected_text(note), created, changed, day,
                "" if flag is None else str(flag).lower())
        assert dst == want, (src, dst)
    # the chunked, label-less Stream Load Sling sent is visible in the stand-in's stats
    loads = [ld for ld in standin.stats()["loads"] if ld["db"] == DB]
    assert loads and all(ld["status"] == "Success" for ld in loads) and sum(ld["NumberLoadedRows"] for ld in loads) == 2011
