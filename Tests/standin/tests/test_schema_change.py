"""ALTER TABLE ADD / DROP / MODIFY COLUMN and SHOW ALTER TABLE COLUMN as StarRocks' SchemaChangeHandler
does them (fast schema evolution for value columns, an async job otherwise), with its error texts."""
import json
import time
from decimal import Decimal

import pytest

from conftest import start_standin, unique

DB = "sc"
SHOW = ["JobId", "TableName", "CreateTime", "FinishTime", "IndexName", "IndexId", "OriginIndexId", "SchemaVersion",
        "TransactionId", "State", "Msg", "Progress", "Timeout"]


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--schema-change-seconds", "1.5", name="schema")
    s.sql(f"CREATE DATABASE {DB}")
    yield s
    s.stop()


def table(standin, ddl, rows=None):
    name = unique("t")
    standin.sql(ddl.format(t=f"{DB}.{name}"))
    if rows:
        standin.sql(f"INSERT INTO {DB}.{name} VALUES {rows}")
    return name


def desc(standin, name):
    return [tuple(r[:5]) for r in standin.sql(f"DESC {DB}.{name}")]


def jobs(standin, name):
    conn = standin.connect(DB)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SHOW ALTER TABLE COLUMN WHERE TableName = '{name}' ORDER BY JobId")
            assert [d[0] for d in cur.description] == SHOW
            return [dict(zip(SHOW, r)) for r in cur.fetchall()]
    finally:
        conn.close()


def wait_finished(standin, name, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        js = jobs(standin, name)
        if js and js[-1]["State"] in ("FINISHED", "CANCELLED"):
            return js[-1]
        time.sleep(0.1)
    raise AssertionError(jobs(standin, name))


def err(standin, sql):
    return standin.sql_error(sql)


def assert_refused(standin, t, cases):
    """Each clause fails with exactly its message (MySQL error 1064) and changes nothing."""
    before = desc(standin, t)
    for clause, message in cases.items():
        assert err(standin, f"ALTER TABLE {DB}.{t} {clause}") == (1064, message), clause
    assert desc(standin, t) == before and jobs(standin, t) == []


PK = "CREATE TABLE {t} (id INT NOT NULL, v VARCHAR(10), n DECIMAL(10,2)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)"


def test_add_columns_is_instant_and_fills_existing_rows(standin):
    t = table(standin, PK, "(1, 'a', 1.50), (2, 'b', NULL)")
    standin.sql(f"ALTER TABLE {DB}.{t} ADD COLUMN price DECIMAL(10,2) DEFAULT '0'",
                f"ALTER TABLE {DB}.{t} ADD COLUMN (x INT, y VARCHAR(5) NULL DEFAULT 'z')",
                f"ALTER TABLE {DB}.{t} ADD COLUMN w BIGINT AFTER v")
    assert jobs(standin, t) == []                       # fast schema evolution: no job
    assert desc(standin, t) == [("id", "int", "NO", "true", None), ("v", "varchar(10)", "YES", "false", None),
                                ("w", "bigint", "YES", "false", None), ("n", "decimal(10,2)", "YES", "false", None),
                                ("price", "decimal(10,2)", "YES", "false", "0"), ("x", "int", "YES", "false", None),
                                ("y", "varchar(5)", "YES", "false", "z")]
    rows = standin.sql(f"SELECT id, v, w, n, price, x, y FROM {DB}.{t} ORDER BY id")
    assert [tuple(str(x) if x is not None else None for x in r) for r in rows] == [
        ("1", "a", None, "1.50", "0.00", None, "z"), ("2", "b", None, None, "0.00", None, "z")]
    info = standin.sql(f"SELECT COLUMN_NAME, COLUMN_TYPE, ORDINAL_POSITION FROM information_schema.columns "
                       f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME = '{t}' ORDER BY ORDINAL_POSITION")
    assert [r[:2] for r in info] == [("id", "int(11)"), ("v", "varchar(10)"), ("w", "bigint(20)"),
                                     ("n", "decimal(10,2)"), ("price", "decimal(10,2)"), ("x", "int(11)"),
                                     ("y", "varchar(5)")]
    # loads see the new schema at once
    r = standin.be_load(DB, t, b"3,c,7,1.25,9.99,4,q\n", {"column_separator": ",", "label": unique("l")})
    assert r["Status"] == "Success"
    assert standin.sql(f"SELECT w, price, y FROM {DB}.{t} WHERE id = 3") == [(7, Decimal("9.99"), "q")]
    standin.sql(f"ALTER TABLE {DB}.{t} DROP COLUMN x")
    assert [d[0] for d in desc(standin, t)] == ["id", "v", "w", "n", "price", "y"]
    assert jobs(standin, t) == []


def test_modify_column_runs_a_job_then_widens(standin):
    t = table(standin, PK, "(1, 'abcdefghij', 12345678.91)")
    standin.sql(f"ALTER TABLE {DB}.{t} MODIFY COLUMN v VARCHAR(40)")
    first = jobs(standin, t)
    assert len(first) == 1 and first[0]["State"] in ("PENDING", "WAITING_TXN", "RUNNING")
    assert first[0]["FinishTime"] == "NULL" and first[0]["Timeout"] == "86400" and first[0]["IndexName"] == t
    assert desc(standin, t)[1] == ("v", "varchar(10)", "YES", "false", None)     # not yet
    code, msg = err(standin, f"ALTER TABLE {DB}.{t} ADD COLUMN z INT")
    assert (code, msg) == (1064, f"Table[{t}]'s state is not NORMAL. Do not allow doing ALTER ops")
    # loads go on during the job and are converted with the rest
    assert standin.be_load(DB, t, b"2,x,1.00\n", {"column_separator": ",", "label": unique("l")})["Status"] == "Success"
    done = wait_finished(standin, t)
    assert done["State"] == "FINISHED" and done["FinishTime"] != "NULL" and done["Msg"] == ""
    assert desc(standin, t)[1] == ("v", "varchar(40)", "YES", "false", None)
    long_value = "x" * 40
    assert standin.be_load(DB, t, f"3,{long_value},1.00\n".encode(),
                           {"column_separator": ",", "label": unique("l")})["Status"] == "Success"
    standin.sql(f"ALTER TABLE {DB}.{t} MODIFY COLUMN n DECIMAL(12,3)")
    wait_finished(standin, t)
    assert standin.sql(f"SELECT id, v, n FROM {DB}.{t} ORDER BY id")[0] == (1, "abcdefghij", Decimal("12345678.910"))
    assert [j["State"] for j in jobs(standin, t)] == ["FINISHED", "FINISHED"]


def test_what_modify_column_refuses(standin):
    t = table(standin, "CREATE TABLE {t} (id INT NOT NULL, v VARCHAR(10) NOT NULL DEFAULT 'd', n DECIMAL(10,2), "
                       "i INT, s VARCHAR(10)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) ORDER BY(s)")
    cases = {
        f"MODIFY COLUMN v VARCHAR(5) NOT NULL DEFAULT 'd'": "Cannot shorten string length",
        "MODIFY COLUMN id BIGINT": f"Can not modify key column: id for primary key table",
        "MODIFY COLUMN s VARCHAR(20)": "Can not modify sort column in primary data model table",
        "MODIFY COLUMN n DECIMAL(10,3)": "Can not change DECIMAL64(10,2) to DECIMAL64(10,3)",
        "MODIFY COLUMN n DECIMAL(9,2)": "Can not change DECIMAL64(10,2) to DECIMAL32(9,2)",
        "MODIFY COLUMN i DATETIME": "Can not change INT to DATETIME",
        "MODIFY COLUMN i SMALLINT": "Can not change INT to SMALLINT",
        "MODIFY COLUMN i INT NOT NULL DEFAULT '0'": "Can not change from nullable to non-nullable",
        "MODIFY COLUMN v VARCHAR(20) NOT NULL DEFAULT 'e'": "Can not change default value",
        "MODIFY COLUMN nope INT": "Column[nope] does not exists",
        "MODIFY COLUMN i BIGINT AFTER nope": "Column[nope] does not exists",
        "MODIFY COLUMN i BIGINT SUM": "Can not assign aggregation method on column in Primary data model table: i",
    }
    assert_refused(standin, t, cases)
    # the same statements that widen are accepted
    standin.sql(f"ALTER TABLE {DB}.{t} MODIFY COLUMN i BIGINT")
    assert wait_finished(standin, t)["State"] == "FINISHED"


def test_what_add_and_drop_refuse(standin):
    t = table(standin, PK)
    cases = {
        "ADD COLUMN k2 INT KEY": "Can not add key column: k2 for primary key table",
        "ADD COLUMN q INT NOT NULL": "Column 'q' has no default value",
        "ADD COLUMN v VARCHAR(10)": "Can not add column which already exists in base table: v",
        "ADD COLUMN v INT": ("Can not add column which already exists in column id: v, you can remove "
                             "`v` varchar(10) NULL COMMENT \"\" and try again."),
        "ADD COLUMN a INT AFTER nope": "Column[nope] does not found",
        "ADD COLUMN __op INT": "Column name '__op' is reserved for primary key table",
        "DROP COLUMN id": "Can not drop key column in primary data model table",
        "DROP COLUMN nope": "Column does not exists: nope",
    }
    assert_refused(standin, t, cases)
    assert [d[0] for d in desc(standin, t)] == ["id", "v", "n"]


def test_duplicate_key_tables_and_key_columns(standin):
    t = table(standin, "CREATE TABLE {t} (k1 INT, k2 VARCHAR(10), v INT) DUPLICATE KEY(k1, k2) "
                       "DISTRIBUTED BY HASH(k1)", "(1, 'a', 10)")
    assert err(standin, f"ALTER TABLE {DB}.{t} MODIFY COLUMN k1 BIGINT") == (
        1064, f"Invalid column order. value should be after key. index[{t}]")
    assert err(standin, f"ALTER TABLE {DB}.{t} MODIFY COLUMN k1 BIGINT KEY") == (
        1064, f"Can not modify distribution column[k1]. index[{t}]")
    # a key column is never fast: it runs a job, and lands after the last key
    standin.sql(f"ALTER TABLE {DB}.{t} ADD COLUMN k3 INT KEY DEFAULT '7'")
    assert wait_finished(standin, t)["State"] == "FINISHED"
    assert [d[:4] for d in desc(standin, t)] == [("k1", "int", "YES", "true"), ("k2", "varchar(10)", "YES", "true"),
                                                 ("k3", "int", "YES", "true"), ("v", "int", "YES", "false")]
    assert standin.sql(f"SELECT * FROM {DB}.{t}") == [(1, "a", 7, 10)]


def test_fast_schema_evolution_false_makes_add_a_job(standin):
    t = table(standin, PK + ' PROPERTIES ("fast_schema_evolution" = "false")', "(1, 'a', 1.00)")
    standin.sql(f"ALTER TABLE {DB}.{t} ADD COLUMN c INT DEFAULT '5'")
    assert [d[0] for d in desc(standin, t)] == ["id", "v", "n"]
    assert wait_finished(standin, t)["State"] == "FINISHED"
    assert standin.sql(f"SELECT id, c FROM {DB}.{t}") == [(1, 5)]


def test_a_job_whose_values_do_not_convert_is_cancelled(standin):
    t = table(standin, "CREATE TABLE {t} (id INT NOT NULL, s VARCHAR(10)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)",
              "(1, '12'), (2, 'twelve')")
    standin.sql(f"ALTER TABLE {DB}.{t} MODIFY COLUMN s INT")               # VARCHAR → INT is allowed
    job = wait_finished(standin, t)
    assert job["State"] == "CANCELLED" and "twelve" in job["Msg"]
    assert desc(standin, t)[1][:2] == ("s", "varchar(10)")
    standin.sql(f"ALTER TABLE {DB}.{t} ADD COLUMN ok INT")                  # the table is NORMAL again


def test_a_transaction_open_across_an_add_column_commits_into_the_new_schema(standin):
    t = table(standin, PK)
    label = unique("tx")
    hdr = {"label": label, "db": DB, "table": t}

    def op(name, body=None):
        extra = ("--data-binary", body, "-X", "PUT") if body else ("-X", "POST")
        code, out = standin.curl(standin.fe_url(f"/api/transaction/{name}"), None,
                                 {**hdr, "column_separator": ","} if body else hdr, extra=extra)
        return json.loads(out)
    assert op("begin")["Status"] == "OK"
    assert op("load", "5,e,5.00")["Status"] == "OK"
    standin.sql(f"ALTER TABLE {DB}.{t} ADD COLUMN extra INT DEFAULT '9' AFTER v")
    assert op("commit")["Status"] == "OK"
    assert standin.sql(f"SELECT id, v, extra, n FROM {DB}.{t}") == [(5, "e", 9, Decimal("5.00"))]


def test_jobs_survive_a_restart(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--schema-change-seconds", "3", name="schema_restart")
    try:
        s.sql(f"CREATE DATABASE {DB}", f"CREATE TABLE {DB}.r (id INT NOT NULL, v VARCHAR(5)) PRIMARY KEY(id) "
                                       f"DISTRIBUTED BY HASH(id)", f"INSERT INTO {DB}.r VALUES (1, 'a')",
              f"ALTER TABLE {DB}.r MODIFY COLUMN v VARCHAR(50)")
        s.restart()
        assert wait_finished(s, "r")["State"] == "FINISHED"
        assert desc(s, "r")[1][:2] == ("v", "varchar(50)") and s.sql(f"SELECT v FROM {DB}.r") == [("a",)]
    finally:
        s.stop()
