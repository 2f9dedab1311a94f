"""Routine Load behaviour read from StarRocks' source and regression results, against a real Kafka:
fatal JSON parse errors (R/test_pause_on_fatal_parse_error), ALTER ROUTINE LOAD of load properties on a
PAUSED job, a target table that gains a column while the job runs, and partial updates."""
import json
import re

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
