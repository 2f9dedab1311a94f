"""The CDC type matrix: every type pg2sr maps, with its edge values, inserted, updated and deleted on
PostgreSQL 15 and carried by the real Debezium 3.6 connector through Kafka into the stand-in's Routine
Load, under both envelopes and against the oldest and the newest StarRocks profile. Afterwards each
table equals a fresh snapshot seed of the same rows, byte for byte, and `pg2sr verify` agrees; every
change the snapshot could not load either stops its job (PAUSED, `pg2sr status` exit 65 naming it)
or was refused by `pg2sr routine-load` before any job existed (docs/cdc-fidelity.md)."""
from __future__ import annotations

import json
import time

import pytest

from harness import StandIn, run_pg2sr

pytestmark = pytest.mark.debezium

CDC_DB = "cdca"      # the run seeded with --slot, then kept up to date by Routine Load
FRESH_DB = "seedb"   # a fresh seed of the same source rows, the reference
# Oldest and newest StarRocks release pg2sr supports (Tests/standin/README.md, version profiles).
PROFILES = ["3.3", "4.1"]

SCHEMA = r"""
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', '\N', 'with space');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE t_num (id int PRIMARY KEY, s smallint, i integer, b bigint, o oid, r real, d double precision,
    n12 numeric(12,2), n38 numeric(38,10), nneg numeric(5,-2), nu numeric, nwide numeric(80,5), mo money, bo boolean, dom posint);
CREATE TABLE t_text (id int PRIMARY KEY, ch char(5), vc varchar(10), tx text, ci citext, u uuid, en mood, ine inet, cid cidr,
    mac macaddr, mac8 macaddr8, by bytea, j json, jb jsonb, hs hstore);
CREATE TABLE t_time (id int PRIMARY KEY, da date, ts timestamp, tz timestamptz, ti time, ttz timetz, iv interval,
    b1 bit(1), b3 bit(3), b12 bit(12), b64 bit(64));
CREATE TABLE t_arr (id int PRIMARY KEY, ai int[], abig bigint[], ai2 smallint[], at text[], af float8[], af4 real[],
    anum numeric(10,2)[], anu numeric[], abo bool[], ad date[], ats timestamp[], atz timestamptz[], ach char(3)[],
    auu uuid[], ain inet[]);
CREATE TABLE t_nn (id int PRIMARY KEY, jb jsonb NOT NULL, by bytea NOT NULL, da date NOT NULL, ts timestamp NOT NULL,
    b1 bit(1) NOT NULL, b3 bit(3) NOT NULL, nu numeric NOT NULL, tx text NOT NULL, ai int[]);
CREATE TABLE t_keys (kd date, kt text, kts timestamp, v int, PRIMARY KEY (kd, kt, kts));
-- One table per change that must stop its job.
CREATE TABLE l_nu (id int PRIMARY KEY, v numeric);
CREATE TABLE l_nan (id int PRIMARY KEY, v numeric(10,2));
CREATE TABLE l_bc (id int PRIMARY KEY, v date);
CREATE TABLE l_inf (id int PRIMARY KEY, v timestamp);
CREATE TABLE l_json (id int PRIMARY KEY, v jsonb);
CREATE TABLE l_darr (id int PRIMARY KEY, v date[]);
CREATE TABLE l_toast (id int PRIMARY KEY, x int, v text);
"""

BIG = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 300) i)"  # 9.6 kB of md5s: stored out of line

BEFORE_SEED = rf"""
INSERT INTO t_num VALUES
  (1, 1, 1, 1, 1, 1.5, 1.5, 1.50, 1.5, 100, 1.5, 1.5, 1.5, true, 1),
  (2, 2, 2, 2, 2, 2.5, 2.5, 2.50, 2.5, 200, 2.5, 2.5, 2.5, false, 2),
  (3, 3, 3, 3, 3, 3.5, 3.5, 3.50, 3.5, 300, 3.5, 3.5, 3.5, NULL, 3);
INSERT INTO t_text (id, ch, vc, tx, ci, u, en, by, j, jb, hs) VALUES
  (1, 'a', 'a', 'a', 'a', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'sad', '\x01', '1', '1', 'a=>1'),
  (2, 'b', 'b', 'b', 'b', NULL, 'ok', '\x02', '{{}}', '{{}}', ''),
  (3, 'c', 'c', 'c', 'c', NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO t_text (id, tx, by, jb) SELECT 4, {BIG}, decode({BIG}, 'hex'), jsonb_build_object('big', {BIG});
INSERT INTO t_time VALUES
  (1, '2024-01-01', '2024-01-01 10:00', '2024-01-01 10:00+00', '10:00', '10:00+00', '1 day', B'1', B'101', B'000000000101', NULL),
  (2, '2024-01-02', '2024-01-02 10:00', '2024-01-02 10:00+00', '11:00', '11:00+00', '2 days', B'0', B'000', B'111111111111', NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO t_arr (id, ai, at, ad) VALUES (1, '{{1,2}}', '{{a,b}}', '{{2024-01-01}}'), (2, '{{}}', '{{}}', '{{}}'), (3, NULL, NULL, NULL);
INSERT INTO t_arr (id, ai, at) SELECT 4, array_agg(g), array_agg(md5(g::text)) FROM generate_series(1, 3000) g;
INSERT INTO t_nn VALUES (1, '{{}}', '\x01', '2024-01-01', '2024-01-01', B'1', B'101', 1, 't', '{{1}}'),
                        (2, '[]', '\x', '2024-01-02', '2024-01-02', B'0', B'000', 2, '', '{{}}');
INSERT INTO t_keys VALUES ('2024-01-01', 'a', '2024-01-01 10:00:00.5', 1), ('0001-01-01', '', '9999-12-31 23:59:59.999999', 2);
INSERT INTO l_nu VALUES (1, 1.5);
INSERT INTO l_nan VALUES (1, 1.5);
INSERT INTO l_bc VALUES (1, '2024-01-01');
INSERT INTO l_inf VALUES (1, '2024-01-01');
INSERT INTO l_json VALUES (1, '{{"n": 1}}');
INSERT INTO l_darr VALUES (1, '{{2024-01-01}}');
INSERT INTO l_toast SELECT 1, 0, {BIG};
"""

# Simulates tables published with the default identity (seed --slot refuses them): deletes carry only
# the key, Debezium fills NOT NULL columns with fallbacks, and an unchanged large value is a placeholder.
AFTER_SEED = """
ALTER TABLE t_nn REPLICA IDENTITY DEFAULT;
ALTER TABLE l_toast REPLICA IDENTITY DEFAULT;
"""

TEXTS = ["", "\\N", "\\N\\N", "N", "null", "NULL", 'comma, and "quotes"', "line\nbreak\r\nCR\r", "tab\there",
         "back\\slash\\", "emoji 😀 𝄞 ünï", "'single'", "  spaces  ", "a\x01b\x7f", "\u2028\u00a0zero\u200bwidth"]


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


CHANGES = [
    # numbers: range ends, NaN/±Infinity, precision limits, NULLs, updates, deletes, a key change
    "INSERT INTO t_num VALUES (10, -32768, -2147483648, -9223372036854775808, 0, '-Infinity', '-Infinity', -9999999999.99,"
    " '-9999999999999999999999999999.9999999999', -9999900, '-9999999999999999999999999999.9999999999',"
    " '-99999999999999999999999999999999999999999999999999999999999999999999999999.99999', '-92233720368547758.08', false, 2147483647)",
    "INSERT INTO t_num VALUES (11, 32767, 2147483647, 9223372036854775807, 4294967295, 'NaN', 'NaN', 9999999999.99,"
    " '9999999999999999999999999999.9999999999', 9999900, '9999999999999999999999999999.9999999999', 'NaN', '92233720368547758.07', true, 1)",
    "INSERT INTO t_num VALUES (12, NULL, NULL, NULL, NULL, 'Infinity', 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    "INSERT INTO t_num (id, r, d, nu, n38, nwide) VALUES (13, '-0', '5e-324', '1.50000000000000', '0.0000000001', '0.00001')",
    "INSERT INTO t_num (id, r, d, nu) VALUES (14, '1e-45', '1.7976931348623157e308', '0')",
    "INSERT INTO t_num (id, r, d, nu) VALUES (15, '3.4028235e38', '0.1', '-0.0000000001')",
    "UPDATE t_num SET s = NULL, d = NULL, nu = NULL, bo = NULL WHERE id = 1",
    "UPDATE t_num SET s = 7, nu = 12345678901234567890.1234567890, nneg = 12300 WHERE id = 2",
    "DELETE FROM t_num WHERE id = 3",
    "UPDATE t_num SET id = 20 WHERE id = 13",
    # text: every edge text in every textual column, bytea edges, JSON scalars, TOAST-sized values
    *[f"INSERT INTO t_text (id, ch, vc, tx, ci) VALUES ({100 + n}, {lit(t[:5])}, {lit(t[:10])}, {lit(t)}, {lit(t)})"
      for n, t in enumerate(TEXTS)],
    "INSERT INTO t_text (id, u, en, ine, cid, mac, mac8, by, j, jb, hs) VALUES (10, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\N',"
    " '::ffff:1.2.3.4/128', '2001:db8::/32', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '\\x', '123', '123',"
    " 'a=>1, \"b c\"=>NULL, \"😀\"=>\"\\\\N\"')",
    "INSERT INTO t_text (id, en, by, j, jb) VALUES (11, 'with space', '\\x00', 'true', 'true')",
    "INSERT INTO t_text (id, by, j, jb) VALUES (12, '\\x00ff10', 'false', 'false')",
    "INSERT INTO t_text (id, by, j, jb) VALUES (13, '\\xdeadbeef', 'null', 'null')",
    "INSERT INTO t_text (id, by, j, jb) VALUES (14, '\\x61626364', '\"a string\"', '\"a string\"')",  # hex 61626364 is valid base64
    "INSERT INTO t_text (id, j, jb) VALUES (15, '12.50', '-1.10')",
    "INSERT INTO t_text (id, j, jb) VALUES (16, " + lit('{"a": [1, "x", null, true], "u": "ü😀\\n"}') + ", "
    + lit('{"k": "v\\"q\\\\", "n": 1.10, "big": 9007199254740993, "neg": -1e-5, "deep": {"z": [[]], "a": {}}}') + ")",
    "INSERT INTO t_text (id, j, jb) VALUES (17, '[]', '[9223372036854775807, -9223372036854775808, 18446744073709551615]')",
    "UPDATE t_text SET ch = NULL, tx = NULL, by = NULL, jb = NULL WHERE id = 1",
    "UPDATE t_text SET by = '\\x', j = '0', jb = '0', hs = 'x=>y' WHERE id = 2",
    "DELETE FROM t_text WHERE id = 3",
    "UPDATE t_text SET ci = 'changed' WHERE id = 4",  # tx/by/jb unchanged and out of line (identity FULL)
    # time: range ends, µs, 24:00, zones, bits
    "INSERT INTO t_time VALUES (10, '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '00:00:00', '00:00:00+00',"
    " '-1 years -2 mons +3 days -04:05:06', B'0', B'000', B'000000000000', B'0000000000000000000000000000000000000000000000000000000000000000')",
    "INSERT INTO t_time VALUES (11, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '23:59:59.999999',"
    " '23:59:59.999999+14', '1 year 2 mons 3 days 04:05:06.789', B'1', B'111', B'100000000001',"
    " B'1000000000000000000000000000000000000000000000000000000000000001')",
    "INSERT INTO t_time (id, ts, tz, ti, ttz, iv) VALUES (12, '2024-01-01 00:00:00.000001', '2024-03-10 02:30:00 America/New_York',"
    " '24:00:00', '24:00:00-01', '1.003691 seconds')",
    "INSERT INTO t_time (id, tz, ti, ttz, iv) VALUES (13, '1945-10-14 23:30:00 Asia/Kolkata', '13:45:30.5', '13:45:30.5+02', '-0.5 seconds')",
    "UPDATE t_time SET da = NULL, b3 = B'010', b12 = B'000000000000', ts = '2024-06-01 12:00:00.5' WHERE id = 1",
    "DELETE FROM t_time WHERE id = 3",
    # arrays: NULL elements, empty, range ends, NaN/Infinity elements, precision limits, TOAST-sized
    "INSERT INTO t_arr VALUES (10, '{1,NULL,-2147483648,2147483647}', '{9223372036854775807,-9223372036854775808,NULL}', '{-32768,NULL}',"
    " '{\"a\",\"b c\",\"ü😀\",NULL,\"\",\"comma,here\",\"null\",\"[x]\"}', '{1.5,NaN,Infinity,-Infinity,NULL,-0,5e-324}',"
    " '{0.1,NaN,1e-45,NULL}', '{1.5,-99999999.99,NULL}', '{1.5,0.0000000001,-9999999999999999999999999999.9999999999,NULL}',"
    " '{true,false,NULL}', '{0001-01-01,9999-12-31,NULL}', '{\"2024-01-01 10:00:00.000001\",\"9999-12-31 23:59:59.999999\",NULL}',"
    " '{\"2024-03-10 02:30:00 America/New_York\",NULL}', '{ab,x,NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', '{10.0.0.1/8,NULL}')",
    "INSERT INTO t_arr (id, ai, at, af, ad) VALUES (11, '{}', '{}', '{}', '{}')",
    "UPDATE t_arr SET ai = NULL, at = '{\"\"}', ad = '{2024-02-29}' WHERE id = 1",
    "UPDATE t_arr SET ai2 = '{1}' WHERE id = 4",  # ai/at unchanged and out of line (identity FULL)
    "DELETE FROM t_arr WHERE id = 3",
    # NOT NULL expression columns: inserts, updates, and deletes whose before-image has only the key
    "INSERT INTO t_nn VALUES (3, 'null', '\\xff', '9999-12-31', '9999-12-31 23:59:59.999999', B'1', B'111', 0.5, '\\N', '{}')",
    "UPDATE t_nn SET jb = '123', by = '\\x' WHERE id = 1",
    "DELETE FROM t_nn WHERE id = 2",
    "DELETE FROM t_nn WHERE id = 3",
    # composite key of date, text and timestamp
    "INSERT INTO t_keys VALUES ('9999-12-31', 'z', '0001-01-01 00:00:00', 3)",
    "UPDATE t_keys SET v = 10 WHERE kt = 'a'",
    "UPDATE t_keys SET kt = 'moved' WHERE v = 2",
    "DELETE FROM t_keys WHERE kd = '9999-12-31'",
    # one change each that the snapshot would refuse: the job stops
    "UPDATE l_nu SET v = 1.00000000001 WHERE id = 1",
    "UPDATE l_nan SET v = 'NaN' WHERE id = 1",
    "UPDATE l_bc SET v = '0001-12-31 BC' WHERE id = 1",
    "UPDATE l_inf SET v = 'infinity' WHERE id = 1",
    "UPDATE l_json SET v = '{\"n\": 12345678901234567890123}' WHERE id = 1",
    "UPDATE l_darr SET v = '{infinity}' WHERE id = 1",
    "UPDATE l_toast SET x = 1 WHERE id = 1",  # v unchanged and out of line under REPLICA IDENTITY DEFAULT
]

GOOD = ["t_num", "t_text", "t_time", "t_arr", "t_nn", "t_keys"]
LOUD = {"l_nu": "1.5000000000", "l_nan": "1.50", "l_bc": "2024-01-01", "l_inf": "2024-01-01 00:00:00",
        "l_json": '{"n": 1}', "l_darr": '["2024-01-01"]', "l_toast": None}
KEYS = {"t_keys": "kd, kt, kts"}


@pytest.fixture(params=PROFILES, ids=lambda v: "sr" + v)
def profile_standin(request):
    # Routine Load batches every max_batch_interval (>= 5 s); the stand-in shortens only its waiting.
    with StandIn(password="sr-Secret_1", profile=request.param, extra_args=("--routine-load-batch-interval-scale", "0.05")) as instance:
        yield instance


def pg2sr(pg_db, standin, *args: str, timeout: float = 300):
    return run_pg2sr(*args, env={"PGPASSWORD": pg_db.password, **standin.env()}, timeout=timeout)


def target_rows(standin, db: str, table: str) -> tuple[list, list]:
    columns = standin.query(f"SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.columns "
                            f"WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION")
    order = KEYS.get(table, "id")
    rows = standin.query(f"SELECT * FROM `{db}`.`{table}` ORDER BY {order}")
    return columns, rows


def wait_for_jobs(pg_db, standin, kafka, run_id: str, prefix: str, timeout: float = 180) -> tuple[int, dict, str]:
    """Until every good table's job has consumed its topic and every loud one has paused."""
    deadline = time.time() + timeout
    while True:
        p = pg2sr(pg_db, standin, "status", "--target", standin.target_url(CDC_DB), "--run-id", run_id,
                  "--kafka", kafka.bootstrap, "--topic-prefix", prefix, "--output", "json")
        jobs = {j["table"].split(".")[-1]: j for j in json.loads(p.stdout)["jobs"]} if p.stdout.strip() else {}
        done = (all(jobs.get(t, {}).get("state") == "RUNNING" and jobs[t].get("lag") == 0 for t in GOOD)
                and all(jobs.get(t, {}).get("state") == "PAUSED" for t in LOUD))
        if done or time.time() > deadline:
            return p.returncode, jobs, p.stderr
        time.sleep(1)


@pytest.mark.parametrize("envelope", ["flat", "raw"])
def test_every_type_through_debezium_equals_a_fresh_seed(pg_db, kafka, connect, profile_standin, envelope):
    standin = profile_standin
    version = standin.profile.replace(".", "")
    run_id, prefix, slot = f"m-{envelope}-{version}", f"m{envelope}{version}", f"pg2sr_m_{envelope}_{version}"
    pg_db.psql(SCHEMA)
    pg_db.psql(BEFORE_SEED)
    tables = [a for t in GOOD + list(LOUD) for a in ("--table", t)]
    seeded = pg2sr(pg_db, standin, "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                   "--create-tables", "--replication-num", "1", "--progress", "none", *tables, "--slot", slot,
                   "--set-replica-identity-full", "--run-id", run_id)
    assert seeded.returncode == 0, seeded.stderr
    pg_db.psql(AFTER_SEED)
    registered = pg2sr(pg_db, standin, "debezium-config", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                       "--run-id", run_id, "--topic-prefix", prefix, "--envelope", envelope, "--register", connect.url)
    assert registered.returncode == 0, registered.stderr
    with pg_db.connect() as c:
        for statement in CHANGES:
            c.execute(statement)
    for table in GOOD + list(LOUD):
        kafka.wait_topic(f"{prefix}.public.{table}", timeout=60)
    created = pg2sr(pg_db, standin, "routine-load", "--target", standin.target_url(CDC_DB), "--run-id", run_id,
                    "--kafka", kafka.bootstrap, "--topic-prefix", prefix, "--envelope", envelope, "--output", "json")
    assert created.returncode == 0, created.stderr
    assert {r["action"] for r in json.loads(created.stdout)} == {"created"}, created.stdout

    status, jobs, stderr = wait_for_jobs(pg_db, standin, kafka, run_id, prefix)
    connect.delete(f"pg2sr-{run_id}")
    for table in GOOD:
        assert jobs[table]["state"] == "RUNNING" and jobs[table]["lag"] == 0, (table, jobs[table])

    # Every change the snapshot would refuse stopped its job, named by `status`, nothing of it loaded.
    assert status == 65, (status, stderr)
    for table, kept in LOUD.items():
        assert jobs[table]["state"] == "PAUSED" and jobs[table]["reason"], (table, jobs[table])
        assert jobs[table]["job"] in stderr, (table, stderr)
        rows = standin.query(f"SELECT v FROM `{CDC_DB}`.`{table}` WHERE id = 1")
        if kept is not None:
            assert [tuple(json.loads(v) if table in ("l_json", "l_darr") else v for v in r) for r in rows] == \
                   [(json.loads(kept) if table in ("l_json", "l_darr") else kept,)], (table, rows)
    assert len(standin.query(f"SELECT v FROM `{CDC_DB}`.`l_toast` WHERE v = '__debezium_unavailable_value'")) == 0

    # The reference: a fresh seed of the same source rows. Byte for byte the same, types included.
    fresh = pg2sr(pg_db, standin, "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(FRESH_DB),
                  "--create-tables", "--replication-num", "1", "--progress", "none",
                  *[a for t in GOOD for a in ("--table", t)], "--run-id", f"fresh-{run_id}")
    assert fresh.returncode == 0, fresh.stderr
    for table in GOOD:
        cdc_columns, cdc_rows = target_rows(standin, CDC_DB, table)
        fresh_columns, fresh_rows = target_rows(standin, FRESH_DB, table)
        assert cdc_columns == fresh_columns, table
        assert len(cdc_rows) == len(fresh_rows), (table, len(cdc_rows), len(fresh_rows))
        for cdc_row, fresh_row in zip(cdc_rows, fresh_rows):
            assert cdc_row == fresh_row, f"{table}: through CDC {cdc_row!r}\n fresh seed {fresh_row!r}"

    # Both paths could agree on a wrong value: the edge values spelled out.
    text = {int(r[0]): r[1:] for r in standin.query(f"SELECT id, j, jb, by FROM `{CDC_DB}`.`t_text` WHERE id BETWEEN 10 AND 14")}
    assert text[10] == ("123", "123", b"") and text[11] == ("true", "true", b"\x00") and text[12] == ("false", "false", b"\x00\xff\x10")
    assert text[13] == ("null", "null", b"\xde\xad\xbe\xef") and text[14] == ('"a string"', '"a string"', b"abcd")
    times = {int(r[0]): r[1:] for r in standin.query(f"SELECT id, ti, ttz, b1, b3, b12, b64 FROM `{CDC_DB}`.`t_time`")}
    assert times[12][:2] == ("00:00:00Z", "01:00:00Z") and times[1][2:5] == ("1", "010", "000000000000")
    assert times[11][2:] == ("1", "111", "100000000001", "1" + "0" * 62 + "1")
    nums = {int(r[0]): r[1:] for r in standin.query(f"SELECT id, nu, nwide, nneg FROM `{CDC_DB}`.`t_num` WHERE id IN (2, 11)")}
    assert nums[11][1] == "NaN" and nums[2] == ("12345678901234567890.1234567890", "2.50000", "12300")

    verified = pg2sr(pg_db, standin, "verify", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                     *[a for t in GOOD for a in ("--table", t)])
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("envelope", ["flat", "raw"])
def test_infinity_as_null_is_null_through_cdc_too(pg_db, kafka, connect, profile_standin, envelope):
    standin = profile_standin
    version = standin.profile.replace(".", "")
    run_id, prefix = f"inf-{envelope}-{version}", f"inf{envelope}{version}"
    pg_db.psql("""
        CREATE TABLE ev (id int PRIMARY KEY, at timestamptz NOT NULL, day date, ts timestamp);
        INSERT INTO ev VALUES (1, 'infinity', '-infinity', '2024-01-01'), (2, '2024-01-01 12:00+02', '2024-01-01', 'infinity');
    """)
    seeded = pg2sr(pg_db, standin, "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                   "--create-tables", "--replication-num", "1", "--progress", "none", "--table", "ev", "--infinity-as-null",
                   "--slot", f"pg2sr_{run_id.replace('-', '_')}", "--run-id", run_id)
    assert seeded.returncode == 0, seeded.stderr
    registered = pg2sr(pg_db, standin, "debezium-config", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                       "--run-id", run_id, "--topic-prefix", prefix, "--envelope", envelope, "--register", connect.url)
    assert registered.returncode == 0, registered.stderr
    with pg_db.connect() as c:
        c.execute("INSERT INTO ev VALUES (3, '-infinity', 'infinity', '-infinity'), (4, '2024-06-01', '0001-01-01', '9999-12-31 23:59:59')")
        c.execute("UPDATE ev SET day = 'infinity', ts = '2024-01-02' WHERE id = 2")
        c.execute("UPDATE ev SET at = '2024-01-01' WHERE id = 1")
        c.execute("DELETE FROM ev WHERE id = 4")
    kafka.wait_topic(f"{prefix}.public.ev", timeout=60)
    created = pg2sr(pg_db, standin, "routine-load", "--target", standin.target_url(CDC_DB), "--run-id", run_id,
                    "--kafka", kafka.bootstrap, "--topic-prefix", prefix, "--envelope", envelope)
    assert created.returncode == 0, created.stderr
    deadline = time.time() + 120
    while time.time() < deadline:
        p = pg2sr(pg_db, standin, "status", "--target", standin.target_url(CDC_DB), "--run-id", run_id,
                  "--kafka", kafka.bootstrap, "--topic-prefix", prefix, "--output", "json")
        job = json.loads(p.stdout)["jobs"][0] if p.stdout.strip() else {}
        if (job.get("state") == "RUNNING" and job.get("lag") == 0) or job.get("state") in ("PAUSED", "CANCELLED"):
            break
        time.sleep(1)
    connect.delete(f"pg2sr-{run_id}")
    assert p.returncode == 0 and job["state"] == "RUNNING" and job["lag"] == 0, (p.stderr, job)
    assert standin.query(f"SELECT id, at, day, ts FROM `{CDC_DB}`.`ev` ORDER BY id") == [
        ("1", "2024-01-01 00:00:00", None, "2024-01-01 00:00:00"),
        ("2", "2024-01-01 10:00:00", None, "2024-01-02 00:00:00"),
        ("3", None, None, None)]


def test_columns_debezium_cannot_carry_are_refused_before_any_job(pg_db, kafka, connect, standin):
    """`routine-load` names the first column it cannot stream and creates nothing; with
    --keep-unstreamed the job updates the other columns only, and the snapshot's values stay."""
    pg_db.psql("""
        CREATE TYPE pair AS (a int, b text);
        CREATE TABLE kept (id int PRIMARY KEY, v int, co pair, vb varbit(8), ti time[], iv interval[]);
        CREATE TABLE plain (id int PRIMARY KEY, v int);
        INSERT INTO kept VALUES (1, 1, ROW(1, 'x'), B'0010', '{10:00:00.123456}', '{1 day}');
        INSERT INTO plain VALUES (1, 1);
    """)
    seeded = pg2sr(pg_db, standin, "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                   "--create-tables", "--replication-num", "1", "--progress", "none", "--table", "plain", "--table", "kept",
                   "--slot", "pg2sr_kept", "--set-replica-identity-full", "--run-id", "kept")
    assert seeded.returncode == 0, seeded.stderr
    # Refused before Kafka is even asked (an unreachable broker would exit 70).
    refused = pg2sr(pg_db, standin, "routine-load", "--target", standin.target_url(CDC_DB), "--run-id", "kept",
                    "--kafka", "127.0.0.1:1", "--topic-prefix", "kept")
    assert refused.returncode == 64, refused.stderr
    line = refused.stderr.strip().splitlines()[-1]
    assert "public.kept.co" in line and "--keep-unstreamed" in line, line
    assert standin.query(f"SHOW ALL ROUTINE LOAD FROM `{CDC_DB}`") == []

    registered = pg2sr(pg_db, standin, "debezium-config", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(CDC_DB),
                       "--run-id", "kept", "--topic-prefix", "kept", "--register", connect.url)
    assert registered.returncode == 0, registered.stderr
    with pg_db.connect() as c:
        c.execute("UPDATE kept SET v = 2, co = ROW(2, 'y'), vb = B'1' WHERE id = 1")
        c.execute("INSERT INTO plain VALUES (2, 2)")
    kafka.wait_topic("kept.public.kept", timeout=60)
    kafka.wait_topic("kept.public.plain", timeout=60)
    created = pg2sr(pg_db, standin, "routine-load", "--target", standin.target_url(CDC_DB), "--run-id", "kept",
                    "--kafka", kafka.bootstrap, "--topic-prefix", "kept", "--keep-unstreamed", "--output", "json")
    assert created.returncode == 0, created.stderr
    deadline = time.time() + 120
    while time.time() < deadline and standin.query(f"SELECT v FROM `{CDC_DB}`.`kept`") != [("2",)]:
        time.sleep(1)
    connect.delete("pg2sr-kept")
    # v followed the source; the refused columns still hold the snapshot's values, not NULL.
    assert standin.query(f"SELECT v, co, vb, ti, iv FROM `{CDC_DB}`.`kept`") == [
        ("2", '{"a": 1, "b": "x"}', "0010", '["10:00:00.123456Z"]', '["P0Y0M1DT0H0M0S"]')]
    assert standin.query(f"SELECT id, v FROM `{CDC_DB}`.`plain` ORDER BY id") == [("1", "1"), ("2", "2")]
