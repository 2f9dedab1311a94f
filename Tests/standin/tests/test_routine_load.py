"""Routine Load against a real Kafka (noida-db) with Debezium-shaped messages (reference §6, §7, §10.3).

The stand-in runs with `--routine-load-batch-interval-scale 0.05`: the FE scheduler interval (10 s)
and max_batch_interval waits are 20× shorter; the SQL (e.g. max_batch_interval ≥ 5) is validated
exactly as StarRocks does.
"""
import json
import time
import urllib.request
import uuid

import pymysql
import pytest

from conftest import start_standin

DB = "rl"
ANALYZE = "Getting analyzing error. Detail message: "
SCALE = "0.05"
SHOW_COLUMNS = ["Id", "Name", "CreateTime", "PauseTime", "EndTime", "DbName", "TableName", "State", "DataSourceType",
                "CurrentTaskNum", "JobProperties", "DataSourceProperties", "CustomProperties", "Statistic", "Progress",
                "TimestampProgress", "ReasonOfStateChanged", "ErrorLogUrls", "TrackingSQL", "OtherMsg",
                "LatestSourcePosition"]
TOO_MANY_ERRORS = "ErrorReason{errCode = 102, msg='current error rows is more than max error num'}"


@pytest.fixture(scope="module")
def rl(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--routine-load-batch-interval-scale", SCALE, name="routine")
    s.sql(f"CREATE DATABASE {DB}")
    yield s
    s.stop()


# ---- helpers ---------------------------------------------------------------------------------------
def new_topic(kafka, partitions: int = 1) -> str:
    name = f"t_{uuid.uuid4().hex[:10]}"
    kafka.create_topic(name, partitions=partitions)
    return name


def produce(kafka, topic: str, values, partition: int = 0) -> None:
    p = kafka.producer()
    for v in values:
        if isinstance(v, (dict, list)):
            v = json.dumps(v).encode()
        elif isinstance(v, str):
            v = v.encode()
        p.produce(topic, value=v, partition=partition)
    assert p.flush(10) == 0


def show(s, target: str, all_: bool = False) -> dict:
    conn = s.connect(DB)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SHOW {'ALL ' if all_ else ''}ROUTINE LOAD FOR {target}")
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        assert len(rows) >= 1
        return dict(zip(names, rows[0]))
    finally:
        conn.close()


def wait_for(fn, timeout: float = 20.0, what: str = "condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last={last!r}")


def wait_state(s, job, state, timeout=20.0) -> dict:
    return wait_for(lambda: (lambda r: r if r["State"] == state else None)(show(s, job, all_=True)),
                    timeout, f"{job} {state}")


def wait_progress(s, job, progress: dict, timeout=20.0) -> dict:
    want = json.dumps(progress, separators=(",", ":"))
    return wait_for(lambda: (lambda r: r if r["Progress"] == want else None)(show(s, job, all_=True)),
                    timeout, f"{job} progress {want}")


def create_job(s, kafka, name, table, topic, columns=None, props=None, source=None, where=None):
    load = []
    if columns:
        load.append(f"COLUMNS({columns})")
    if where:
        load.append(f"WHERE {where}")
    p = {"format": "json", "max_batch_interval": "5"}
    p.update(props or {})
    src = {"kafka_broker_list": kafka.bootstrap, "kafka_topic": topic}
    src.update(source or {})
    q = lambda d: ", ".join(f'"{k}" = {json.dumps(v)}' for k, v in d.items())   # noqa: E731
    s.sql(f"CREATE ROUTINE LOAD {DB}.{name} ON {table} {', '.join(load)} PROPERTIES ({q(p)}) FROM KAFKA ({q(src)})")


# ---- validation (§6.1–§6.3, §10.3.3): one statement per case, exact texts ------------------------------
K = '"kafka_broker_list" = "127.0.0.1:9", "kafka_topic" = "t"'
VALIDATION = [
    ("job-name", f"CREATE ROUTINE LOAD rl.`bad-name` ON v PROPERTIES (\"format\"=\"json\") FROM KAFKA ({K})",
     ANALYZE + "Incorrect ROUTINE LOAD NAME name 'bad-name'."),
    ("unknown-property", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"max_batch_intervall\"=\"5\") FROM KAFKA ({K})",
     ANALYZE + "max_batch_intervall is invalid property."),
    ("envelope-not-in-3.x", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"envelope\"=\"debezium\") FROM KAFKA ({K})",
     ANALYZE + "envelope is invalid property."),
    ("unknown-kafka-key", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"group.id\" = \"g\")",
     ANALYZE + "group.id is invalid kafka custom property."),
    ("broker-required", "CREATE ROUTINE LOAD rl.j ON v FROM KAFKA (\"kafka_topic\" = \"t\")",
     ANALYZE + "kafka_broker_list is a required property."),
    ("topic-required", "CREATE ROUTINE LOAD rl.j ON v FROM KAFKA (\"kafka_broker_list\" = \"h:1\")",
     ANALYZE + "kafka_topic is a required property."),
    ("broker-pattern", "CREATE ROUTINE LOAD rl.j ON v FROM KAFKA (\"kafka_broker_list\" = \"h:1;\", \"kafka_topic\" = \"t\")",
     ANALYZE + "kafka_broker_list:h:1; not match pattern [-A-Za-z0-9+&@#/%?=~_|!:,.;]+[-A-Za-z0-9+&@#/%=~_|]."),
    ("offsets-count", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"kafka_partitions\" = \"0,1\", "
                      f"\"kafka_offsets\" = \"0\")",
     ANALYZE + "Partitions number should be equals to offsets number."),
    ("offsets-without-partitions", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"kafka_offsets\" = \"0\")",
     ANALYZE + "Partitions number should be equals to offsets number."),
    ("negative-offset", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"kafka_partitions\" = \"0\", "
                        f"\"kafka_offsets\" = \"-1\")",
     ANALYZE + "Can not specify offset smaller than 0."),
    ("timestamp-offset-rejected", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"kafka_partitions\" = \"0\", "
                                  f"\"kafka_offsets\" = \"2024-01-01 00:00:00\")",
     ANALYZE + "kafka offset must be a integer: 2024-01-0100:00:00."),
    ("timestamp-default-offset-rejected", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, "
                                          f"\"property.kafka_default_offsets\" = \"2024-01-01 00:00:00\")",
     ANALYZE + "kafka offset must be a integer: 2024-01-01 00:00:00."),
    ("partitions-not-numbers", f"CREATE ROUTINE LOAD rl.j ON v FROM KAFKA ({K}, \"kafka_partitions\" = \"a\")",
     ANALYZE + "kafka_partitions must be a number string with comma-separated."),
    ("max-batch-interval", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"max_batch_interval\" = \"4\") FROM KAFKA ({K})",
     ANALYZE + "max_batch_interval should >= 5."),
    ("max-batch-rows", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"max_batch_rows\" = \"199999\") FROM KAFKA ({K})",
     ANALYZE + "max_batch_rows should >= 200000."),
    ("desired-concurrency", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"desired_concurrent_number\" = \"0\") "
                            f"FROM KAFKA ({K})",
     ANALYZE + "desired_concurrent_number should > 0."),
    ("max-error-number", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"max_error_number\" = \"-1\") FROM KAFKA ({K})",
     ANALYZE + "max_error_number should >= 0."),
    ("max-filter-ratio", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"max_filter_ratio\" = \"1.5\") FROM KAFKA ({K})",
     ANALYZE + "max_filter_ratio must between 0.0 and 1.0.."),
    ("format", f"CREATE ROUTINE LOAD rl.j ON v PROPERTIES (\"format\" = \"xml\") FROM KAFKA ({K})",
     ANALYZE + "Format type is invalid. format=`xml`."),
    ("repeat-columns", f"CREATE ROUTINE LOAD rl.j ON v COLUMNS(a), COLUMNS(a) FROM KAFKA ({K})",
     ANALYZE + "repeat setting of columns info."),
    ("not-kafka", "CREATE ROUTINE LOAD rl.j ON v FROM KINESIS (\"x\" = \"y\")",
     ANALYZE + "routine load job does not support this type KINESIS."),
    ("unknown-db", f"CREATE ROUTINE LOAD nodb.j ON v FROM KAFKA ({K})", "Unknown database 'nodb'"),
    ("unknown-table", f"CREATE ROUTINE LOAD rl.j ON nosuch FROM KAFKA ({K})", "Unknown table 'nosuch'"),
    ("op-on-duplicate-table", f"CREATE ROUTINE LOAD rl.j ON v COLUMNS(a, __op = 0) FROM KAFKA ({K})",
     "Table v is not a primary key table, __op column is not supported"),
]


@pytest.mark.parametrize("sql,message", [c[1:] for c in VALIDATION], ids=[c[0] for c in VALIDATION])
def test_create_validation(rl, sql, message):
    rl.sql("CREATE TABLE IF NOT EXISTS rl.v (a INT, b VARCHAR(10)) DUPLICATE KEY(a)")
    code, msg = rl.sql_error(sql)
    assert msg == message


def test_no_database_selected(rl):
    code, msg = rl.sql_error(f"CREATE ROUTINE LOAD j ON v FROM KAFKA ({K})", db=None)
    assert msg == ANALYZE + "No database selected."
    assert rl.sql_error("SHOW ROUTINE LOAD", db=None)[1] == ANALYZE + "No database selected."
    assert rl.sql_error("PAUSE ROUTINE LOAD FOR j", db=None)[1] == ANALYZE + "No database selected."


def test_show_for_missing_job(rl):
    assert rl.sql_error("SHOW ROUTINE LOAD FOR rl.nojob")[1] == (
        "There is no running job named nojob in db rl. Include history? false, you can try `show all routine load "
        "job for job_name` if you want to list stopped and cancelled jobs")
    assert rl.sql_error("PAUSE ROUTINE LOAD FOR rl.nojob")[1] == "There is not operable routine load job with name nojob"


# ---- consumption from explicit offsets, Progress and SHOW columns (§6.3, §6.4) -----------------------------
def test_explicit_offsets_default_end_and_show(rl, kafka):
    topic = new_topic(kafka)
    produce(kafka, topic, [{"a": i, "b": f"m{i}"} for i in range(5)])
    for t in ("t_from3", "t_begin", "t_end", "t_zero"):
        rl.sql(f"CREATE TABLE rl.{t} (a INT, b VARCHAR(10)) DUPLICATE KEY(a)")
    create_job(rl, kafka, "from3", "t_from3", topic, source={"kafka_partitions": "0", "kafka_offsets": "3"})
    create_job(rl, kafka, "begin", "t_begin", topic, source={"kafka_partitions": "0", "kafka_offsets": "OFFSET_BEGINNING"})
    create_job(rl, kafka, "zero", "t_zero", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})
    create_job(rl, kafka, "fromend", "t_end", topic)                      # no offsets: OFFSET_END (§6.3)

    r = show(rl, "rl.from3")
    assert list(r) == SHOW_COLUMNS
    assert all(isinstance(v, str) for v in r.values())                    # §9: SHOW columns are strings
    assert r["State"] == "NEED_SCHEDULE" and r["CurrentTaskNum"] == "0"
    assert r["Progress"] == '{"0":"2"}'                                   # stored next offset 3 → shows 2
    assert r["PauseTime"] == "NULL" and r["EndTime"] == "NULL" and r["ReasonOfStateChanged"] == ""
    assert r["DbName"] == DB and r["TableName"] == "t_from3" and r["DataSourceType"] == "KAFKA"
    assert json.loads(r["DataSourceProperties"]) == {"topic": topic, "currentKafkaPartitions": "0",
                                                     "brokerList": kafka.bootstrap}
    assert json.loads(r["CustomProperties"])["group.id"].startswith("from3_")
    assert show(rl, "rl.begin")["Progress"] == '{"0":"OFFSET_BEGINNING"}'
    assert show(rl, "rl.zero")["Progress"] == '{"0":"OFFSET_ZERO"}'
    assert show(rl, "rl.fromend")["Progress"] == "{}"

    r = wait_progress(rl, "rl.from3", {"0": "4"})
    assert rl.sql("SELECT a, b FROM rl.t_from3 ORDER BY a") == [(3, "m3"), (4, "m4")]   # nothing before offset 3
    r = wait_state(rl, "rl.from3", "RUNNING")
    assert r["CurrentTaskNum"] == "1" and r["LatestSourcePosition"] == '{"0":"5"}'
    stat = json.loads(r["Statistic"])
    assert list(stat) == ["receivedBytes", "errorRows", "committedTaskNum", "loadedRows", "loadRowsRate",
                          "abortedTaskNum", "totalRows", "unselectedRows", "receivedBytesRate", "taskExecuteTimeMs"]
    assert (stat["totalRows"], stat["loadedRows"], stat["errorRows"], stat["committedTaskNum"]) == (2, 2, 0, 1)
    props = json.loads(r["JobProperties"])
    assert props["format"] == "json" and props["maxBatchIntervalS"] == "5" and props["maxErrorNum"] == "0"
    assert list(json.loads(r["TimestampProgress"])) == ["0"]

    wait_progress(rl, "rl.begin", {"0": "4"})
    wait_progress(rl, "rl.zero", {"0": "4"})
    assert rl.sql("SELECT count(*) FROM rl.t_begin") == [(5,)] and rl.sql("SELECT count(*) FROM rl.t_zero") == [(5,)]
    # OFFSET_END was resolved to the end of the partition when the job was scheduled: old messages stay out
    wait_progress(rl, "rl.fromend", {"0": "4"})
    produce(kafka, topic, [{"a": 5, "b": "m5"}, {"a": 6, "b": "m6"}])
    wait_progress(rl, "rl.fromend", {"0": "6"})
    assert rl.sql("SELECT a FROM rl.t_end ORDER BY a") == [(5,), (6,)]
    # SHOW without FOR lists the db's jobs; WHERE State filters
    names = [r[1] for r in rl.sql("SHOW ROUTINE LOAD WHERE State = 'RUNNING'", db=DB)]
    assert {"from3", "begin", "zero", "fromend"} <= set(names)
    for j in ("from3", "begin", "zero", "fromend"):
        rl.sql(f"STOP ROUTINE LOAD FOR rl.{j}")


def test_csv_messages_with_column_separator(rl, kafka):
    topic = new_topic(kafka)
    produce(kafka, topic, ["1,x\n2,y", "3,z"])                    # a message holds rows (§6.3)
    rl.sql("CREATE TABLE rl.t_csv (a INT, b VARCHAR(10)) DUPLICATE KEY(a)")
    rl.sql(f"CREATE ROUTINE LOAD rl.csvjob ON t_csv COLUMNS TERMINATED BY \",\", COLUMNS(a, b) "
           f"PROPERTIES (\"max_batch_interval\" = \"5\") FROM KAFKA (\"kafka_broker_list\" = \"{kafka.bootstrap}\", "
           f"\"kafka_topic\" = \"{topic}\", \"property.kafka_default_offsets\" = \"OFFSET_BEGINNING\")")
    r = wait_progress(rl, "rl.csvjob", {"0": "1"})
    assert json.loads(r["JobProperties"])["columnSeparator"] == "','"
    assert json.loads(r["CustomProperties"])["kafka_default_offsets"] == "OFFSET_BEGINNING"
    assert rl.sql("SELECT a, b FROM rl.t_csv ORDER BY a") == [(1, "x"), (2, "y"), (3, "z")]
    rl.sql("STOP ROUTINE LOAD FOR rl.csvjob")


def test_all_partitions_of_the_topic_when_not_pinned(rl, kafka):
    topic = new_topic(kafka, partitions=2)
    produce(kafka, topic, [{"a": 1}, {"a": 2}], partition=0)
    produce(kafka, topic, [{"a": 3}], partition=1)
    rl.sql("CREATE TABLE rl.t_parts (a INT) DUPLICATE KEY(a)")
    create_job(rl, kafka, "parts", "t_parts", topic, source={"property.kafka_default_offsets": "OFFSET_BEGINNING"})
    r = wait_progress(rl, "rl.parts", {"0": "1", "1": "0"})
    assert json.loads(r["DataSourceProperties"])["currentKafkaPartitions"] == "0,1"
    assert r["CurrentTaskNum"] == "1"                     # min(partitions, desired, alive BEs, 5)
    assert rl.sql("SELECT a FROM rl.t_parts ORDER BY a") == [(1,), (2,), (3,)]
    rl.sql("STOP ROUTINE LOAD FOR rl.parts")


def test_messages_arriving_during_tasks_are_neither_lost_nor_repeated(rl, kafka):
    """A steady writer: each message is applied exactly once although many arrive while a task is
    consuming (tasks read to the partition's end, never past a message they skipped)."""
    import threading
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_stream (a INT) DUPLICATE KEY(a)")
    create_job(rl, kafka, "stream", "t_stream", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})

    def writer():
        p = kafka.producer()
        for i in range(400):
            p.produce(topic, value=json.dumps({"a": i}).encode(), partition=0)
            if i % 5 == 0:
                p.flush(10)
                time.sleep(0.01)
        p.flush(10)
    t = threading.Thread(target=writer)
    t.start()
    t.join(60)
    wait_progress(rl, "rl.stream", {"0": "399"}, timeout=30)
    assert rl.sql("SELECT count(*), count(DISTINCT a), min(a), max(a) FROM rl.t_stream") == [(400, 400, 0, 399)]
    rl.sql("STOP ROUTINE LOAD FOR rl.stream")


# ---- Debezium shapes (test-bed.md, §7.2, §7.3) ------------------------------------------------------------
def test_flat_shape_upsert_then_delete_via_op(rl, kafka):
    """ExtractNewRecordState with delete.tombstone.handling.mode=rewrite: "__deleted":"true"|"false"."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.customers (id INT NOT NULL, first_name VARCHAR(20), email VARCHAR(40)) "
           "PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    produce(kafka, topic, [
        {"id": 1, "first_name": "Ann", "email": "ann@x", "__deleted": "false"},
        {"id": 2, "first_name": "Bob", "email": "bob@x", "__deleted": "false"},
        {"id": 1, "first_name": "Anna", "email": "anna@x", "__deleted": "false"},      # update
        {"id": 2, "first_name": "Bob", "email": "bob@x", "__deleted": "true"},        # delete (before-image)
        {"id": 3, "first_name": None, "email": "c@x", "__deleted": "false"},
    ])
    create_job(rl, kafka, "cust_cdc", "customers", topic,
               columns="id, first_name, email, deleted_flag, __op = IF(deleted_flag = 'true', 1, 0)",
               props={"jsonpaths": '["$.id","$.first_name","$.email","$.__deleted"]'},
               source={"property.kafka_default_offsets": "OFFSET_BEGINNING"})
    wait_progress(rl, "rl.cust_cdc", {"0": "4"})
    assert rl.sql("SELECT id, first_name, email FROM rl.customers ORDER BY id") == [(1, "Anna", "anna@x"),
                                                                                    (3, None, "c@x")]
    produce(kafka, topic, [{"id": 3, "first_name": "Cy", "email": "c@x", "__deleted": "true"}])
    wait_progress(rl, "rl.cust_cdc", {"0": "5"})
    assert rl.sql("SELECT id FROM rl.customers ORDER BY id") == [(1,)]
    rl.sql("STOP ROUTINE LOAD FOR rl.cust_cdc")


def envelope(op, before, after, lsn):
    return {"before": before, "after": after,
            "source": {"version": "3.6.3.Final", "connector": "postgresql", "name": "pg", "ts_ms": 1700000000000,
                       "db": "app", "schema": "public", "table": "orders", "lsn": lsn},
            "op": op, "ts_ms": 1700000000123, "transaction": None}


def test_raw_envelope_with_if_op_columns_and_type_mapping(rl, kafka):
    """Raw envelope, recipe B of §7.3: IF(op = 'd', before, after) per column; JSON values into typed
    columns: string → VARCHAR without quotes, decimal string → DECIMAL, number → INT, array → ARRAY,
    jsonb text → JSON via parse_json, ISO timestamp with Z → DATETIME (§8.2), hex → VARBINARY."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.orders (id INT NOT NULL, name VARCHAR(30), amount DECIMAL(12,2), tags ARRAY<INT>, "
           "doc JSON, created DATETIME, raw VARBINARY) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    a1 = {"id": 1, "name": "first, \"quoted\"", "amount": "1234.50", "tags": [1, 2], "doc": '{"k": [1, "v"]}',
          "created": "2024-01-01T12:00:00.123456Z", "raw": "00ff10"}
    a2 = {"id": 2, "name": "second", "amount": "-0.05", "tags": [], "doc": "[]", "created": "2024-02-29T23:59:59Z",
          "raw": None}
    produce(kafka, topic, [
        envelope("r", None, a1, 10),
        envelope("c", None, a2, 11),
        envelope("u", None, dict(a1, name="first again", amount=7), 12),
        # default replica identity: the before-image of a delete carries the key only
        envelope("d", {"id": 2, "name": None, "amount": None, "tags": None, "doc": None, "created": None,
                       "raw": None}, None, 13),
    ])
    cols = ("a_id, a_name, a_amount, a_tags, a_doc, a_created, a_raw, b_id, op, "
            "id = IF(op = 'd', b_id, a_id), name = IF(op = 'd', NULL, a_name), amount = IF(op = 'd', NULL, a_amount), "
            "tags = a_tags, doc = parse_json(a_doc), created = a_created, raw = to_binary(a_raw, 'hex'), "
            "__op = IF(op = 'd', 1, 0)")
    paths = ["$.after.id", "$.after.name", "$.after.amount", "$.after.tags", "$.after.doc", "$.after.created",
             "$.after.raw", "$.before.id", "$.op"]
    create_job(rl, kafka, "orders_cdc", "orders", topic, columns=cols, props={"jsonpaths": json.dumps(paths)},
               source={"kafka_partitions": "0", "kafka_offsets": "OFFSET_BEGINNING"})
    r = wait_progress(rl, "rl.orders_cdc", {"0": "3"})
    assert json.loads(r["Statistic"])["errorRows"] == 0
    conn = rl.connect(DB, conv=dict(pymysql.converters.encoders))       # text values as StarRocks prints them
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id, name, amount, tags, doc, created, hex(raw) FROM orders ORDER BY id")
            rows = [tuple(x) for x in cur.fetchall()]
    finally:
        conn.close()
    assert rows == [("1", "first again", "7.00", "[1,2]", '{"k": [1, "v"]}', "2024-01-01 12:00:00.123456", "00FF10")]
    rl.sql("STOP ROUTINE LOAD FOR rl.orders_cdc")


# ---- error rows, PAUSE reason, RESUME (§6.2 max_error_number, §6.4, §10.3.5) --------------------------------
def test_error_rows_pause_with_reason_then_resume(rl, kafka):
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_err (a INT NOT NULL, b VARCHAR(10)) DUPLICATE KEY(a)")
    produce(kafka, topic, [{"a": 1, "b": "ok"}, {"a": "not a number", "b": "bad"}, {"a": 2, "b": "ok"}])
    create_job(rl, kafka, "errjob", "t_err", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_state(rl, "rl.errjob", "PAUSED")
    assert r["ReasonOfStateChanged"] == TOO_MANY_ERRORS
    assert r["PauseTime"] != "NULL" and r["CurrentTaskNum"] == "0"
    stat = json.loads(r["Statistic"])
    assert (stat["totalRows"], stat["errorRows"], stat["loadedRows"], stat["committedTaskNum"]) == (3, 1, 2, 1)
    # like the FE (afterCommitted → updateNumOfData → PAUSED): the batch's good rows are committed and its
    # offsets advance – the bad row is skipped, not retried on RESUME (docs SHOW_ROUTINE_LOAD example)
    assert r["Progress"] == '{"0":"2"}'
    assert rl.sql("SELECT a FROM rl.t_err ORDER BY a") == [(1,), (2,)]
    url = r["ErrorLogUrls"]
    assert url.startswith("http://127.0.0.1:") and "_load_error_log?file=" in url
    assert r["TrackingSQL"] == f"select tracking_log from information_schema.load_tracking_logs where job_id={r['Id']}"
    log = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "NULL value in non-nullable column 'a'" in log
    code, msg = rl.sql_error("PAUSE ROUTINE LOAD FOR rl.errjob")
    assert msg == "Could not transform PAUSED to PAUSED"

    rl.sql("RESUME ROUTINE LOAD FOR rl.errjob")
    assert show(rl, "rl.errjob")["State"] == "NEED_SCHEDULE"
    produce(kafka, topic, [{"a": 3, "b": "ok"}])
    r = wait_progress(rl, "rl.errjob", {"0": "3"})
    assert r["State"] == "RUNNING" and r["ReasonOfStateChanged"] == ""
    assert rl.sql("SELECT a FROM rl.t_err ORDER BY a") == [(1,), (2,), (3,)]
    rl.sql("STOP ROUTINE LOAD FOR rl.errjob")


def test_tombstones_are_error_rows_within_max_error_number(rl, kafka):
    """A Debezium tombstone (null value) is an error row (§7.3 UNCONFIRMED; stand-in decision)."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_tomb (id INT NOT NULL, v VARCHAR(10)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    produce(kafka, topic, [{"id": 1, "v": "a"}, None])
    create_job(rl, kafka, "tomb", "t_tomb", topic, props={"max_error_number": "1"},
               source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_progress(rl, "rl.tomb", {"0": "1"})
    assert r["State"] == "RUNNING" and json.loads(r["Statistic"])["errorRows"] == 1
    produce(kafka, topic, [{"id": 2, "v": "b"}, b""])
    r = wait_state(rl, "rl.tomb", "PAUSED")                                 # 2 errors > max_error_number 1
    assert r["ReasonOfStateChanged"] == TOO_MANY_ERRORS and r["Progress"] == '{"0":"3"}'
    assert rl.sql("SELECT id FROM rl.t_tomb ORDER BY id") == [(1,), (2,)]
    rl.sql("STOP ROUTINE LOAD FOR rl.tomb")


def test_max_filter_ratio_rejects_the_whole_batch(rl, kafka):
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_ratio (a INT NOT NULL) DUPLICATE KEY(a)")
    produce(kafka, topic, [{"a": 1}, {"a": None}])
    create_job(rl, kafka, "ratio", "t_ratio", topic, props={"max_filter_ratio": "0.1", "max_error_number": "100"},
               source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_state(rl, "rl.ratio", "PAUSED")
    assert r["ReasonOfStateChanged"] == "ErrorReason{errCode = 102, msg='too many filtered rows'}"
    assert r["Progress"] == '{"0":"OFFSET_ZERO"}' and rl.sql("SELECT count(*) FROM rl.t_ratio") == [(0,)]
    assert json.loads(r["Statistic"])["abortedTaskNum"] == 1
    rl.sql("STOP ROUTINE LOAD FOR rl.ratio")


# ---- PAUSE / RESUME / STOP / ALTER, name reuse (§6.1, §6.5) ------------------------------------------------
def test_pause_alter_stop_and_name_reuse(rl, kafka):
    topic = new_topic(kafka)
    produce(kafka, topic, [{"a": i} for i in range(3)])
    rl.sql("CREATE TABLE rl.t_life (a INT) DUPLICATE KEY(a)")
    create_job(rl, kafka, "life", "t_life", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})
    wait_progress(rl, "rl.life", {"0": "2"})
    assert rl.sql_error("ALTER ROUTINE LOAD FOR rl.life PROPERTIES (\"max_error_number\" = \"5\")")[1] == \
        "Only supports modification of PAUSED jobs"
    assert rl.sql_error(f"CREATE ROUTINE LOAD rl.life ON t_life FROM KAFKA (\"kafka_broker_list\" = "
                        f"\"{kafka.bootstrap}\", \"kafka_topic\" = \"{topic}\")")[1] == "Name life already used in db rl"

    rl.sql("PAUSE ROUTINE LOAD FOR rl.life")
    r = show(rl, "rl.life")
    assert r["State"] == "PAUSED"
    assert r["ReasonOfStateChanged"] == "ErrorReason{errCode = 100, msg='User root pauses routine load job'}"
    assert rl.sql_error("ALTER ROUTINE LOAD FOR rl.life")[1] == ANALYZE + "No properties are specified."
    assert rl.sql_error("ALTER ROUTINE LOAD FOR rl.life PROPERTIES (\"max_batch_interval\" = \"4\")")[1] == \
        ANALYZE + "max_batch_interval should >= 5."
    assert rl.sql_error("ALTER ROUTINE LOAD FOR rl.life PROPERTIES (\"format\" = \"csv\")")[1] == \
        ANALYZE + "format is invalid property."
    assert rl.sql_error("ALTER ROUTINE LOAD FOR rl.life FROM KAFKA (\"kafka_partitions\" = \"1\", "
                        "\"kafka_offsets\" = \"0\")")[1] == "The specified partition 1 is not in the custom partitions"
    rl.sql("ALTER ROUTINE LOAD FOR rl.life PROPERTIES (\"max_error_number\" = \"5\") "
           "FROM KAFKA (\"kafka_partitions\" = \"0\", \"kafka_offsets\" = \"1\")")
    r = show(rl, "rl.life")
    assert json.loads(r["JobProperties"])["maxErrorNum"] == "5" and r["Progress"] == '{"0":"0"}'
    rl.sql("RESUME ROUTINE LOAD FOR rl.life")
    wait_progress(rl, "rl.life", {"0": "2"})                      # offsets 1 and 2 consumed again
    assert rl.sql("SELECT a FROM rl.t_life ORDER BY a") == [(0,), (1,), (1,), (2,), (2,)]
    assert [r[7] for r in rl.sql("SHOW ROUTINE LOAD FROM rl WHERE Name = 'life'")] == ["RUNNING"]

    rl.sql("STOP ROUTINE LOAD FOR rl.life")
    assert rl.sql_error("SHOW ROUTINE LOAD FOR rl.life")[1].startswith("There is no running job named life in db rl.")
    r = show(rl, "rl.life", all_=True)
    assert r["State"] == "STOPPED" and r["EndTime"] != "NULL" and r["ReasonOfStateChanged"] == ""
    assert rl.sql_error("RESUME ROUTINE LOAD FOR rl.life")[1] == "There is not operable routine load job with name life"
    old_id = r["Id"]
    create_job(rl, kafka, "life", "t_life", topic)                 # a STOPPED job's name can be reused (§6.1)
    ids = [row[0] for row in rl.sql("SHOW ALL ROUTINE LOAD FOR rl.life")]
    assert len(ids) == 2 and old_id in ids and show(rl, "rl.life")["Id"] != old_id
    rl.sql("STOP ROUTINE LOAD FOR rl.life")


def test_topic_that_does_not_exist_pauses_the_job(rl, kafka):
    rl.sql("CREATE TABLE rl.t_notopic (a INT) DUPLICATE KEY(a)")
    create_job(rl, kafka, "notopic", "t_notopic", f"missing_{uuid.uuid4().hex[:8]}")
    r = wait_state(rl, "rl.notopic", "PAUSED")
    assert r["ReasonOfStateChanged"].startswith(
        "ErrorReason{errCode = 4, msg='Job failed to fetch all current partition with error [unknown topic: missing_")
    rl.sql("STOP ROUTINE LOAD FOR rl.notopic")


def test_property_passthrough_reaches_librdkafka(rl, kafka):
    """property.* goes to the consumer (§6.3): a key librdkafka rejects pauses the job the way the BE
    reports it; passwords are masked in CustomProperties."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_props (a INT) DUPLICATE KEY(a)")
    create_job(rl, kafka, "props", "t_props", topic, source={
        "property.client.id": "standin-test", "property.sasl.password": "hunter2", "property.no.such.setting": "1"})
    r = wait_state(rl, "rl.props", "PAUSED")
    assert r["ReasonOfStateChanged"] == \
        "ErrorReason{errCode = 104, msg='be 10001 abort task with reason: PAUSE: failed to set 'no.such.setting''}"
    custom = json.loads(r["CustomProperties"])
    assert custom["client.id"] == "standin-test" and custom["sasl.password"] == "******"
    assert custom["group.id"].startswith("props_")
    rl.sql("STOP ROUTINE LOAD FOR rl.props")


# ---- persistence (restart: no re-apply, no skip) ---------------------------------------------------------
def test_jobs_survive_restart_without_reapply_or_skip(tmp_path_factory, kafka):
    s = start_standin(tmp_path_factory, "--routine-load-batch-interval-scale", SCALE, name="rl_restart")
    try:
        topic = new_topic(kafka)
        s.sql(f"CREATE DATABASE {DB}", "CREATE TABLE rl.dup (a INT) DUPLICATE KEY(a)",
              "CREATE TABLE rl.dup2 (a INT) DUPLICATE KEY(a)")
        produce(kafka, topic, [{"a": i} for i in range(5)])
        create_job(s, kafka, "keep", "dup", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})
        create_job(s, kafka, "paused", "dup2", topic, source={"kafka_partitions": "0", "kafka_offsets": "0"})
        s.sql("PAUSE ROUTINE LOAD FOR rl.paused")
        before = wait_progress(s, "rl.keep", {"0": "4"})
        s.stop()
        produce(kafka, topic, [{"a": i} for i in range(5, 8)])          # while the stand-in is down
        s.start(fixed_ports=True)
        r = wait_progress(s, "rl.keep", {"0": "7"})
        assert r["Id"] == before["Id"] and r["CreateTime"] == before["CreateTime"]
        assert s.sql("SELECT a FROM rl.dup ORDER BY a") == [(i,) for i in range(8)]     # each exactly once
        stat = json.loads(r["Statistic"])
        assert stat["totalRows"] == 8 and stat["committedTaskNum"] >= 2
        p = show(s, "rl.paused")
        assert p["State"] == "PAUSED" and p["Progress"] == '{"0":"OFFSET_ZERO"}'
        assert s.sql("SELECT count(*) FROM rl.dup2") == [(0,)]
    finally:
        s.stop()
