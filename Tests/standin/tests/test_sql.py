"""DDL validation, DML and queries over the MySQL protocol (reference §8.1, §8.3, §9, §10.3)."""
import pymysql
import pytest

from conftest import unique

DB = "sqldb"
ANALYZE = "Getting analyzing error. Detail message: "


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}")


def text_sql(standin, q, db=DB):
    conn = standin.connect(db, conv=dict(pymysql.converters.encoders))
    try:
        with conn.cursor() as cur:
            cur.execute(q)
            return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


# ---- DDL validation (§8.3) ---------------------------------------------------------------------------
@pytest.mark.parametrize("ddl,message", [
    ("CREATE TABLE bad1 (a INT, b INT NOT NULL) PRIMARY KEY(b) DISTRIBUTED BY HASH(b)",
     ANALYZE + "Key columns should be a ordered prefix of the schema.."),
    ("CREATE TABLE bad2 (a INT, b INT) DUPLICATE KEY(zz)", ANALYZE + "Key column(zz) doesn't exist.."),
    ("CREATE TABLE bad3 (id INT NULL, v INT) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)",
     ANALYZE + "primary key column[id] cannot be nullable."),
    ("CREATE TABLE bad4 (f FLOAT, v INT) DUPLICATE KEY(f)",
     ANALYZE + "Float or double can not used as a key, use decimal instead.."),
    ("CREATE TABLE bad5 (f DOUBLE NOT NULL, v INT) PRIMARY KEY(f) DISTRIBUTED BY HASH(f)",
     ANALYZE + "primary key column[f] type not supported: double."),
    ("CREATE TABLE bad6 (d DECIMAL(10,2) NOT NULL, v INT) PRIMARY KEY(d) DISTRIBUTED BY HASH(d)",
     ANALYZE + "primary key column[d] type not supported: decimal(10, 2)."),
    ("CREATE TABLE bad7 (j JSON, v INT) DUPLICATE KEY(j)",
     ANALYZE + "JsonType type should not be used in key column[j].."),
    ("CREATE TABLE bad8 (id INT NOT NULL, v INT) PRIMARY KEY(id)",
     ANALYZE + "Create olap table should contain distribution desc."),
    ("CREATE TABLE bad9 (a INT, a INT) DUPLICATE KEY(a)", ANALYZE + "Duplicate column name 'a'."),
    ("CREATE TABLE bad10 (a INT, v VARCHAR(1048577)) DUPLICATE KEY(a)",
     ANALYZE + "Varchar size must be between 1 and 1048576, but got 1048577."),
    ("CREATE TABLE bad11 (a INT, c CHAR(256)) DUPLICATE KEY(a)",
     ANALYZE + "Char size must be between 1 and 255, but got 256."),
    ("CREATE TABLE bad12 (a INT, d DECIMAL(77,2)) DUPLICATE KEY(a)",
     ANALYZE + "DECIMAL's precision should range from 1 to 76."),
    ("CREATE TABLE bad13 (a INT, v INT) DUPLICATE KEY(a) PROPERTIES('replication_num' = '3')",
     "Table replication num should be less than or equal to the number of available BE nodes. You can change "
     "this default by setting the replication_num table properties. Current alive backend is [10001]. "
     "table=bad13, properties.replication_num=3"),
    ("CREATE TABLE bad14 (id INT NOT NULL, k2 INT NOT NULL, v INT) PRIMARY KEY(id, k2) DISTRIBUTED BY HASH(v)",
     ANALYZE + "Distribution column[v] is not key column."),
], ids=["key-not-prefix", "key-missing", "pk-nullable", "float-key", "pk-double", "pk-decimal", "json-key",
        "pk-needs-distribution", "dup-column", "varchar-too-long", "char-too-long", "decimal-77",
        "replication-num", "pk-distribution-not-key"])
def test_ddl_validation(standin, ddl, message):
    code, msg = standin.sql_error(ddl, db=DB)
    assert code == 1064
    assert msg == message


def test_default_replication_num_three_fails_on_one_be(standin):
    standin.sql("ADMIN SET FRONTEND CONFIG ('default_replication_num' = '3')")
    try:
        code, msg = standin.sql_error("CREATE TABLE rn_default (a INT) DUPLICATE KEY(a)", db=DB)
        assert msg == ("Unexpected exception: Table replication num should be less than or equal to the number of "
                       "available BE nodes. You can change this default by setting the replication_num table "
                       "properties. Current alive backend is [10001]. , table=rn_default, default_replication_num=3")
    finally:
        standin.sql("ADMIN SET FRONTEND CONFIG ('default_replication_num' = '1')")
    standin.sql("CREATE TABLE rn_default (a INT) DUPLICATE KEY(a)", db=DB)


def test_create_drop_database_and_table_errors(standin):
    assert standin.sql_error(f"CREATE DATABASE {DB}")[1] == f"Can't create database '{DB}'; database exists"
    standin.sql(f"CREATE DATABASE IF NOT EXISTS {DB}")
    assert standin.sql_error("DROP DATABASE nodb_x")[1] == "Can't drop database 'nodb_x'; database doesn't exist"
    standin.sql("DROP DATABASE IF EXISTS nodb_x")
    standin.sql("CREATE TABLE dupt (a INT) DUPLICATE KEY(a)", db=DB)
    assert standin.sql_error("CREATE TABLE dupt (a INT) DUPLICATE KEY(a)", db=DB)[1] == "Table 'dupt' already exists"
    standin.sql("CREATE TABLE IF NOT EXISTS dupt (a INT) DUPLICATE KEY(a)", db=DB)
    standin.sql("DROP TABLE dupt", db=DB)
    assert standin.sql_error("DROP TABLE dupt", db=DB)[1] == "Unknown table 'dupt'"
    standin.sql("DROP TABLE IF EXISTS dupt", db=DB)
    assert standin.sql_error("SELECT * FROM nodb_y.t")[1] == ANALYZE + "Unknown database 'nodb_y'."
    assert standin.sql_error("SELECT * FROM nope", db=DB)[1] == ANALYZE + f"Unknown table '{DB}.nope'."
    assert standin.sql_error("SELECT * FROM t")[1] == ANALYZE + "No database selected."
    assert standin.sql_error("USE nodb_z")[1] == ANALYZE + "Unknown database 'nodb_z'."


def test_backtick_identifiers_with_spaces_and_non_ascii(standin):
    standin.sql("CREATE TABLE `my table` (`the id` INT NOT NULL, `名前` VARCHAR(30), `a``b` INT) "
                "PRIMARY KEY(`the id`) DISTRIBUTED BY HASH(`the id`) BUCKETS 1", db=DB)
    r = standin.be_load(DB, "my table", "1\tÄpfel\t5\n".encode(),
                        {"label": unique("bt"), "columns": "`the id`, `名前`, `a``b`".encode()})
    assert r["Status"] == "Success", r
    standin.sql("INSERT INTO `my table` (`the id`, `名前`) VALUES (2, 'zwei')", db=DB)
    assert standin.sql("SELECT `the id`, `名前`, `a``b` FROM `my table` ORDER BY `the id`", db=DB) == [
        (1, "Äpfel", 5), (2, "zwei", None)]
    assert ("my table",) in standin.sql("SHOW TABLES", db=DB)


# ---- DML / SELECT -------------------------------------------------------------------------------------
def test_insert_select_round_trip_and_value_printing(standin):
    standin.sql("""CREATE TABLE vals (id INT NOT NULL, b BOOLEAN, d DECIMAL(12,3), f DOUBLE, dt DATE, ts DATETIME,
                   s STRING, j JSON, a ARRAY<INT>, vb VARBINARY(8), big LARGEINT)
                   PRIMARY KEY(id) DISTRIBUTED BY HASH(id)""", db=DB)
    standin.sql("""INSERT INTO vals VALUES
        (1, true, 1.5, 0.25, '2024-02-29', '2024-02-29 12:34:56', 'x', '{"k": [1, 2]}', [1, 2, NULL], x'ABCD',
         170141183460469231731687303715884105727),
        (2, 0, -7, 1e20, '0000-01-01', '2024-01-01 00:00:00.123456', '', NULL, [], NULL, NULL),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""", db=DB)
    rows = text_sql(standin, "SELECT id, b, d, f, dt, ts, s, j, a, big FROM vals ORDER BY id")
    assert rows == [
        ("1", "1", "1.500", "0.25", "2024-02-29", "2024-02-29 12:34:56", "x", '{"k": [1, 2]}', "[1,2,null]",
         "170141183460469231731687303715884105727"),
        ("2", "0", "-7.000", "1e+20", "0000-01-01", "2024-01-01 00:00:00.123456", "", None, "[]", None),
        ("3", None, None, None, None, None, None, None, None, None)]
    assert standin.sql("SELECT vb FROM vals WHERE id = 1", db=DB) == [(b"\xab\xcd",)]
    # typed decoding by pymysql works too
    import datetime
    import decimal
    assert standin.sql("SELECT d, ts FROM vals WHERE id = 2", db=DB) == [
        (decimal.Decimal("-7.000"), datetime.datetime(2024, 1, 1, 0, 0, 0, 123456))]


def test_insert_upserts_pk_and_reports_affected_rows(standin):
    standin.sql("CREATE TABLE runs (run_id VARCHAR(64) NOT NULL, state VARCHAR(20), n BIGINT DEFAULT '0') "
                "PRIMARY KEY(run_id) DISTRIBUTED BY HASH(run_id)", db=DB)
    conn = standin.connect(DB)
    try:
        with conn.cursor() as cur:
            assert cur.execute("INSERT INTO runs (run_id, state) VALUES ('r1', 'started'), ('r2', 'started')") == 2
            cur.execute("INSERT INTO runs VALUES ('r1', 'done', 5)")
            cur.execute("SELECT run_id, state, n FROM runs ORDER BY run_id")
            assert cur.fetchall() == (("r1", "done", 5), ("r2", "started", 0))
            assert cur.execute("DELETE FROM runs WHERE run_id = 'r2'") == 1
            cur.execute("UPDATE runs SET n = n + 1, state = 'x' WHERE run_id = 'r1'")
            cur.execute("SELECT run_id, state, n FROM runs")
            assert cur.fetchall() == (("r1", "x", 6),)
    finally:
        conn.close()


def test_insert_errors(standin):
    standin.sql("CREATE TABLE ie (id INT NOT NULL, need INT NOT NULL, opt INT) DUPLICATE KEY(id)", db=DB)
    assert standin.sql_error("INSERT INTO ie (id) VALUES (1)", db=DB)[1] == \
        ANALYZE + "'need' must be explicitly mentioned in column permutation."
    assert standin.sql_error("INSERT INTO ie VALUES (1, 2)", db=DB)[1] == \
        ANALYZE + "Inserted target column count: 3 doesn't match select/value column count: 2."
    msg = standin.sql_error("INSERT INTO ie VALUES (1, 'abc', 3)", db=DB)[1]
    assert msg.startswith("Insert has filtered data in strict mode")
    assert standin.sql("SELECT count(*) FROM ie", db=DB) == [(0,)]
    standin.sql("SET enable_insert_strict = false")
    assert standin.sql_error("INSERT INTO ie (id, nope) VALUES (1, 2)", db=DB)[1] == \
        ANALYZE + "Unknown column 'nope' in 'ie'."


def test_select_features(standin):
    standin.sql("CREATE TABLE q (id INT, g VARCHAR(5), v INT) DUPLICATE KEY(id)", db=DB)
    standin.sql("INSERT INTO q VALUES (1,'a',10),(2,'a',20),(3,'b',NULL),(4,'b',40),(5,NULL,50)", db=DB)
    assert standin.sql("SELECT count(*) FROM q", db=DB) == [(5,)]
    assert standin.sql(f"SELECT COUNT(*) FROM {DB}.q WHERE v >= 20 AND v < 50") == [(2,)]
    assert standin.sql("SELECT id FROM q WHERE g = 'a' OR v IS NULL ORDER BY id DESC", db=DB) == [(3,), (2,), (1,)]
    assert standin.sql("SELECT id FROM q WHERE id IN (1, 4, 9) ORDER BY id", db=DB) == [(1,), (4,)]
    assert standin.sql("SELECT id FROM q WHERE g IS NOT NULL AND v <= 20 ORDER BY id", db=DB) == [(1,), (2,)]
    assert standin.sql("SELECT id, v FROM q ORDER BY v LIMIT 2", db=DB) == [(3, None), (1, 10)]
    assert standin.sql("SELECT id FROM q ORDER BY id LIMIT 2 OFFSET 3", db=DB) == [(4,), (5,)]
    assert standin.sql("SELECT t.id AS x FROM q t WHERE t.id = 2", db=DB) == [(2,)]
    assert standin.sql("SELECT g, count(*), sum(v), max(v) FROM q GROUP BY g ORDER BY g", db=DB) == [
        (None, 1, 50, 50), ("a", 2, 30, 20), ("b", 2, 40, 40)]
    assert standin.sql("SELECT * FROM q WHERE id = 1", db=DB) == [(1, "a", 10)]
    assert standin.sql_error("SELECT nope FROM q", db=DB)[1] == ANALYZE + "Column 'nope' cannot be resolved."


def test_information_schema(standin):
    standin.sql("CREATE TABLE info_pk (id BIGINT NOT NULL, name VARCHAR(40) NULL COMMENT 'n', amt DECIMAL(18,4)) "
                "PRIMARY KEY(id) DISTRIBUTED BY HASH(id)",
                "CREATE TABLE info_dup (k DATE, x JSON) DUPLICATE KEY(k)", db=DB)
    rows = standin.sql("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
                       "IS_NULLABLE, COLUMN_KEY FROM information_schema.columns "
                       f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME IN ('info_pk', 'info_dup') "
                       "ORDER BY TABLE_NAME, ORDINAL_POSITION")
    assert rows == [
        (DB, "info_dup", "k", 1, "date", "date", "YES", "DUP"),
        (DB, "info_dup", "x", 2, "json", "json", "YES", ""),
        (DB, "info_pk", "id", 1, "bigint", "bigint(20)", "NO", "PRI"),
        (DB, "info_pk", "name", 2, "varchar", "varchar(40)", "YES", ""),
        (DB, "info_pk", "amt", 3, "decimal", "decimal(18,4)", "YES", "")]
    t = standin.sql("SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.tables "
                    f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME = 'info_pk'")
    assert t == [("info_pk", "BASE TABLE", "StarRocks")]


def test_show_statements(standin):
    standin.sql("CREATE TABLE shw (id INT NOT NULL COMMENT 'the id', v ARRAY<INT>) PRIMARY KEY(id) "
                "DISTRIBUTED BY HASH(id) BUCKETS 3 PROPERTIES ('replication_num' = '1')", db=DB)
    assert (DB,) in standin.sql("SHOW DATABASES")
    assert ("shw",) in standin.sql("SHOW TABLES", db=DB)
    assert standin.sql(f"SHOW TABLES FROM {DB} LIKE 'sh%'") == [("shw",)]
    ct = standin.sql("SHOW CREATE TABLE shw", db=DB)[0]
    assert ct[0] == "shw"
    assert "`id` int(11) NOT NULL COMMENT \"the id\"" in ct[1]
    assert "PRIMARY KEY(`id`)" in ct[1] and "DISTRIBUTED BY HASH(`id`) BUCKETS 3" in ct[1]
    assert '"replication_num" = "1"' in ct[1]
    assert standin.sql("DESC shw", db=DB) == [("id", "int", "NO", "true", None, ""),
                                             ("v", "array<int(11)>", "YES", "false", None, "")]
    standin.sql("TRUNCATE TABLE shw", db=DB)


def test_session_functions_and_variables(standin):
    assert standin.sql("SELECT VERSION()") == [("8.0.33",)]
    assert standin.sql("SELECT current_version()") == [("4.1.0-standin",)]
    assert standin.sql("select @@version_comment limit 1") == [("StarRocks version 4.1.0-standin",)]
    assert standin.sql(f"USE {DB}", "SELECT DATABASE()") == [(DB,)]
    standin.sql("SET NAMES utf8mb4", "SET autocommit = 1", "SET SESSION query_timeout = 600",
                "SET time_zone = '+00:00'", "SET @x = 3")
    conn = standin.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SET query_timeout = 42")
            cur.execute("SELECT @@query_timeout, @@session.query_timeout")
            assert cur.fetchall() == (("42", "42"),)
    finally:
        conn.close()
    code, msg = standin.sql_error("SET default_storage_engine = InnoDB")
    assert (code, msg) == (1193, "Unknown system variable 'default_storage_engine'")
    assert standin.sql_error("SET group_concat_max_len = 1000")[1] == "Unknown system variable 'group_concat_max_len'"


def test_syntax_error_is_1064(standin):
    code, msg = standin.sql_error("SELEKT 1")
    assert code == 1064 and msg.startswith("Getting syntax error at line 1, column 0.")
