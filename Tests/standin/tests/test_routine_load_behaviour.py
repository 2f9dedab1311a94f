"""Routine Load behaviour read from StarRocks' source and regression results, against a real Kafka:
fatal JSON parse errors (R/test_pause_on_fatal_parse_error), ALTER ROUTINE LOAD of load properties on a
PAUSED job, a target table that gains a column while the job runs, and partial updates."""
import json
import re
from decimal import Decimal

import pytest

from conftest import start_standin
from test_routine_load import SCALE, create_job, new_topic, produce, show, wait_for, wait_progress, wait_state

ARRAY_REASON = ("parse error. The value is array type in json document stream, you can set strip_outer_array=true "
                "to parse each element of the array as individual rows")
STAMP = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] "


@pytest.fixture(scope="module")
def rl(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--routine-load-batch-interval-scale", SCALE, name="rlb")
    s.sql("CREATE DATABASE rl")
    yield s
    s.stop()


def stats(r):
    return json.loads(r["Statistic"])


# ---- a JSON array where an object is expected: task-level parse error -------------------------------------
def test_array_message_stalls_a_running_job_and_pauses_one_that_asks(rl, kafka):
    """R/test_pause_on_fatal_parse_error: the default job stays RUNNING with the reason in OtherMsg, the
    one with pause_on_fatal_parse_error=true is PAUSED. Neither loads anything of the batch, and the
    running one retries the same offsets (its lag only grows)."""
    topic = new_topic(kafka)
    produce(kafka, topic, [{"k0": 1}, [{"k0": 2}], {"k0": 3}])
    for t in ("t_nopause", "t_pause"):
        rl.sql(f"CREATE TABLE rl.{t} (k0 INT NOT NULL) DUPLICATE KEY(k0) DISTRIBUTED BY HASH(k0) BUCKETS 10")
    begin = {"property.kafka_default_offsets": "OFFSET_BEGINNING"}
    create_job(rl, kafka, "none_pause_test", "t_nopause", topic, source=begin)
    create_job(rl, kafka, "pause_test", "t_pause", topic, props={"pause_on_fatal_parse_error": "true"}, source=begin)

    r = wait_state(rl, "rl.pause_test", "PAUSED")
    assert r["ReasonOfStateChanged"] == (f"ErrorReason{{errCode = 5611, msg='{ARRAY_REASON}. Check the 'TrackingSQL' "
                                         f"field for detailed information.'}}")
    assert re.fullmatch(STAMP + re.escape(ARRAY_REASON), r["OtherMsg"])
    assert json.loads(r["JobProperties"])["pause_on_fatal_parse_error"] == "true"

    r = wait_for(lambda: (lambda x: x if stats(x)["abortedTaskNum"] >= 2 else None)(show(rl, "rl.none_pause_test")),
                 what="two aborted tasks")
    assert r["State"] == "RUNNING" and r["ReasonOfStateChanged"] == ""
    assert re.fullmatch(STAMP + re.escape(ARRAY_REASON), r["OtherMsg"])
    assert r["Progress"] == '{"0":"OFFSET_ZERO"}'            # nothing consumed: the same offsets again
    assert (stats(r)["committedTaskNum"], stats(r)["loadedRows"], stats(r)["errorRows"]) == (0, 0, 0)
    assert rl.sql("SELECT count(*) FROM rl.t_nopause") == [(0,)] == rl.sql("SELECT count(*) FROM rl.t_pause")

    # the way out for the paused job: move past the bad message, resume
    rl.sql('ALTER ROUTINE LOAD FOR rl.pause_test FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "2")')
    rl.sql("RESUME ROUTINE LOAD FOR rl.pause_test")
    r = wait_progress(rl, "rl.pause_test", {"0": "2"})
    assert r["State"] == "RUNNING" and rl.sql("SELECT k0 FROM rl.t_pause") == [(3,)]
    rl.sql("STOP ROUTINE LOAD FOR rl.pause_test")
    rl.sql("STOP ROUTINE LOAD FOR rl.none_pause_test")


def test_scalar_and_non_json_messages_are_parse_errors_too(rl, kafka):
    topic = new_topic(kafka)
    produce(kafka, topic, [b"17"])
    rl.sql("CREATE TABLE rl.t_scalar (k0 INT) DUPLICATE KEY(k0)")
    create_job(rl, kafka, "scalar", "t_scalar", topic, props={"pause_on_fatal_parse_error": "true"},
               source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_state(rl, "rl.scalar", "PAUSED")
    assert "msg='parse error. The value should be object type in json document stream. Check" in \
        r["ReasonOfStateChanged"]
    rl.sql("STOP ROUTINE LOAD FOR rl.scalar")


def test_skip_on_fatal_parse_error_drops_the_message_and_keeps_going(rl, kafka):
    """Unreleased (open PR #78736): the bad message is skipped, its offset consumed, the rest loaded."""
    topic = new_topic(kafka)
    produce(kafka, topic, [{"k0": 1}, [{"k0": 2}], {"k0": 3}])
    rl.sql("CREATE TABLE rl.t_skip (k0 INT) DUPLICATE KEY(k0)")
    create_job(rl, kafka, "skipper", "t_skip", topic, props={"skip_on_fatal_parse_error": "true"},
               source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_progress(rl, "rl.skipper", {"0": "2"})
    assert r["State"] == "RUNNING" and rl.sql("SELECT k0 FROM rl.t_skip ORDER BY k0") == [(1,), (3,)]
    assert re.fullmatch(STAMP + re.escape("skipped partition 0 offset 1: " + ARRAY_REASON), r["OtherMsg"])
    assert (stats(r)["loadedRows"], stats(r)["errorRows"]) == (2, 0)
    rl.sql("STOP ROUTINE LOAD FOR rl.skipper")


# ---- ALTER ROUTINE LOAD of load properties on a PAUSED job -----------------------------------------------
def test_alter_columns_and_jsonpaths_apply_after_resume_without_skip_or_reapply(rl, kafka):
    """RoutineLoadJob.modifyJob replaces the job's COLUMNS (setRoutineLoadDesc) and jobProperties
    (jsonpaths); each task plans from the job and the table as they are (RoutineLoadJob.plan), so the
    messages after the pause point are read with the new mapping, none twice, none lost."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_alter (id INT NOT NULL, name VARCHAR(20)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    produce(kafka, topic, [{"id": 1, "name": "a", "price": "1.50"}, {"id": 2, "name": "b", "price": "2.50"}])
    create_job(rl, kafka, "alterjob", "t_alter", topic, columns="id, name",
               props={"jsonpaths": '["$.id","$.name"]'}, source={"kafka_partitions": "0", "kafka_offsets": "0"})
    wait_progress(rl, "rl.alterjob", {"0": "1"})
    code, msg = rl.sql_error("ALTER ROUTINE LOAD FOR rl.alterjob COLUMNS(id, name, price)")
    assert msg == "Only supports modification of PAUSED jobs"
    rl.sql("PAUSE ROUTINE LOAD FOR rl.alterjob")
    produce(kafka, topic, [{"id": 3, "name": "c", "price": "3.50"}])            # arrives while paused
    rl.sql("ALTER TABLE rl.t_alter ADD COLUMN price DECIMAL(10,2)")
    code, msg = rl.sql_error("ALTER ROUTINE LOAD FOR rl.alterjob PROPERTIES (\"format\" = \"csv\")")
    assert msg == "Getting analyzing error. Detail message: format is invalid property."
    rl.sql("ALTER ROUTINE LOAD FOR rl.alterjob COLUMNS(id, name, price) "
           "PROPERTIES (\"jsonpaths\" = '[\"$.id\",\"$.name\",\"$.price\"]')")
    r = show(rl, "rl.alterjob")
    assert json.loads(r["JobProperties"])["columnToColumnExpr"] == "id,name,price"
    assert json.loads(r["JobProperties"])["jsonpaths"] == '["$.id","$.name","$.price"]'
    assert r["Progress"] == '{"0":"1"}' and r["State"] == "PAUSED"
    rl.sql("RESUME ROUTINE LOAD FOR rl.alterjob")
    produce(kafka, topic, [{"id": 4, "name": "d", "price": "4.50"}])
    r = wait_progress(rl, "rl.alterjob", {"0": "3"})
    assert r["State"] == "RUNNING"
    assert rl.sql("SELECT id, name, price FROM rl.t_alter ORDER BY id") == [
        (1, "a", None), (2, "b", None), (3, "c", Decimal("3.50")), (4, "d", Decimal("4.50"))]
    assert json.loads(r["Statistic"])["loadedRows"] == 4                        # none applied twice
    rl.sql("STOP ROUTINE LOAD FOR rl.alterjob")


# ---- the target table gains a column while the job runs --------------------------------------------------
def test_a_running_job_keeps_running_when_its_table_gains_a_column(rl, kafka):
    """Each task plans against the current table: a job with COLUMNS leaves the new column to its
    default; a JSON job without COLUMNS (names matched to keys) loads it from the key at once."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_grow_cols (id INT NOT NULL, name VARCHAR(20)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    rl.sql("CREATE TABLE rl.t_grow_keys (id INT NOT NULL, name VARCHAR(20)) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    produce(kafka, topic, [{"id": 1, "name": "a", "qty": 1}])
    src = {"kafka_partitions": "0", "kafka_offsets": "0"}
    create_job(rl, kafka, "growcols", "t_grow_cols", topic, columns="id, name", source=src)
    create_job(rl, kafka, "growkeys", "t_grow_keys", topic, source=src)
    wait_progress(rl, "rl.growcols", {"0": "0"})
    wait_progress(rl, "rl.growkeys", {"0": "0"})
    rl.sql("ALTER TABLE rl.t_grow_cols ADD COLUMN qty INT DEFAULT '-1'", "ALTER TABLE rl.t_grow_keys ADD COLUMN qty INT")
    produce(kafka, topic, [{"id": 2, "name": "b", "qty": 2}])
    for job in ("growcols", "growkeys"):
        assert wait_progress(rl, f"rl.{job}", {"0": "1"})["State"] == "RUNNING"
    assert rl.sql("SELECT id, qty FROM rl.t_grow_cols ORDER BY id") == [(1, -1), (2, -1)]
    assert rl.sql("SELECT id, qty FROM rl.t_grow_keys ORDER BY id") == [(1, None), (2, 2)]
    rl.sql("STOP ROUTINE LOAD FOR rl.growcols")
    rl.sql("STOP ROUTINE LOAD FOR rl.growkeys")


# ---- partial updates ----------------------------------------------------------------------------------
def test_partial_update_touches_only_the_loaded_columns(rl, kafka):
    """partial_update (row mode: RoutineLoadJob.getPartialUpdateMode() is always "row") updates the
    COLUMNS of existing rows and leaves the others; a new key is inserted with defaults (NULL, or
    the zero value for NOT NULL without default); `__op` = 1 deletes."""
    topic = new_topic(kafka)
    rl.sql("CREATE TABLE rl.t_partial (id INT NOT NULL, a VARCHAR(10), b VARCHAR(10), c INT NOT NULL DEFAULT '7', "
           "d INT NOT NULL) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)")
    rl.sql("INSERT INTO rl.t_partial VALUES (1, 'a1', 'b1', 1, 10), (2, 'a2', 'b2', 2, 20), (3, 'a3', 'b3', 3, 30)")
    produce(kafka, topic, [{"id": 1, "a": "A1", "b": "ignored", "deleted": False},
                           {"id": 4, "a": "A4", "deleted": False},
                           {"id": 2, "a": "A2", "deleted": True}])
    create_job(rl, kafka, "partial", "t_partial", topic, columns="id, a, deleted, __op = if(deleted, 1, 0)",
               props={"partial_update": "true", "partial_update_mode": "column",
                      "jsonpaths": '["$.id","$.a","$.deleted"]'},
               source={"kafka_partitions": "0", "kafka_offsets": "0"})
    r = wait_progress(rl, "rl.partial", {"0": "2"})
    assert json.loads(r["JobProperties"])["partial_update"] == "true"
    assert rl.sql("SELECT id, a, b, c, d FROM rl.t_partial ORDER BY id") == [
        (1, "A1", "b1", 1, 10), (3, "a3", "b3", 3, 30), (4, "A4", None, 7, 0)]
    rl.sql("STOP ROUTINE LOAD FOR rl.partial")


def test_partial_update_needs_a_primary_key_table(rl, kafka):
    rl.sql("CREATE TABLE rl.t_partial_dup (id INT, a VARCHAR(10)) DUPLICATE KEY(id)")
    code, msg = rl.sql_error(
        f"CREATE ROUTINE LOAD rl.pdup ON t_partial_dup COLUMNS(id, a) PROPERTIES (\"format\" = \"json\", "
        f"\"partial_update\" = \"true\") FROM KAFKA (\"kafka_broker_list\" = \"{kafka.bootstrap}\", "
        f"\"kafka_topic\" = \"{new_topic(kafka)}\")")
    assert code == 1064 and msg == "partial update is only supported by primary key table"
