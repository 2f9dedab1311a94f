"""Routine Load's value path against a real Kafka: a COLUMNS expression that throws fails the task,
not a row (FileScanner::materialize → the scan fails; RoutineLoadJob.afterAborted pauses only for
a reason containing PAUSE or "Offset out of range", else the next task retries the same messages)."""
import json
import re

from test_routine_load import DB, create_job, new_topic, produce, rl, show, wait_for, wait_state  # noqa: F401


def guarded(message: str) -> str:
    return f"id, tmp, v = if(assert_true(tmp != 'bad', '{message}'), tmp, NULL)"


def test_assert_true_aborts_the_task_and_the_job_keeps_retrying(rl, kafka):
    topic = new_topic(kafka)
    rl.sql(f"CREATE TABLE {DB}.g (id INT, v VARCHAR(10)) DUPLICATE KEY(id)")
    produce(kafka, topic, [{"id": 1, "tmp": "ok"}, {"id": 2, "tmp": "bad"}])
    create_job(rl, kafka, "gjob", "g", topic, columns=guarded("pg2sr: bad value"),
               source={"kafka_partitions": "0", "kafka_offsets": "OFFSET_BEGINNING"})
    r = wait_for(lambda: (lambda x: x if json.loads(x["Statistic"])["abortedTaskNum"] >= 2 else None)(
        show(rl, f"{DB}.gjob")), 20, "two aborted tasks")
    assert r["State"] == "RUNNING"
    # setOtherMsg prefixes the time: "[yyyy-MM-dd HH:mm:ss] <reason>".
    assert re.fullmatch(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Expr evaluate meet error: pg2sr: bad value", r["OtherMsg"])
    assert r["Progress"] == '{"0":"OFFSET_ZERO"}'      # converted at scheduling; nothing of the batch was committed
    assert json.loads(r["Statistic"])["loadedRows"] == 0
    assert rl.sql(f"SELECT count(*) FROM {DB}.g") == [(0,)]
    rl.sql(f"STOP ROUTINE LOAD FOR {DB}.gjob")


def test_assert_true_with_pause_in_its_message_pauses_the_job(rl, kafka):
    topic = new_topic(kafka)
    rl.sql(f"CREATE TABLE {DB}.p (id INT, v VARCHAR(10)) DUPLICATE KEY(id)")
    produce(kafka, topic, [{"id": 1, "tmp": "bad"}])
    create_job(rl, kafka, "pjob", "p", topic, columns=guarded("PAUSE: pg2sr column v"),
               source={"kafka_partitions": "0", "kafka_offsets": "OFFSET_BEGINNING"})
    r = wait_state(rl, f"{DB}.pjob", "PAUSED")
    assert r["ReasonOfStateChanged"] == ("ErrorReason{errCode = 104, msg='be 10001 abort task with reason: "
                                         "Expr evaluate meet error: PAUSE: pg2sr column v'}")
    assert r["Progress"] == '{"0":"OFFSET_ZERO"}'
    rl.sql(f"STOP ROUTINE LOAD FOR {DB}.pjob")
