"""Routine Load tasks against a real Kafka (confluent-kafka / librdkafka), one thread per scheduled job
(reference §6.2–§6.4, §7, §10.3.5).

Life of a job thread (FE RoutineLoadScheduler + KafkaTaskInfo + BE KafkaDataConsumerGroup):
  1. NEED_SCHEDULE: the FE scheduler picks the job up `routine_load_scheduler_interval` (10 s)
     later; it fetches the topic's partitions (unless `kafka_partitions` pins them; failure →
     PAUSED, errCode 4), converts OFFSET_BEGINNING / OFFSET_END to the partition's low / high
     watermark *now* (KafkaProgress.convertOffset – so a job without offsets starts at the end as
     of its first scheduling, §6.3) and goes RUNNING.
  2. Each task starts `max_batch_interval` after the previous one (immediately when the previous
     one could not catch up), consumes every partition in order from its committed offset until its
     end (partition EOF) or until `task_consume_second` / `max_batch_size` run out – a fetched
     message is never skipped –, decodes each message as one JSON document (§6.3; CSV: rows + the row delimiter the BE
     appends), maps rows with the Stream Load engine (stream_load.LoadSink → RowMapper: jsonpaths,
     COLUMNS expressions, WHERE, __op) and applies the batch atomically together with the new
     progress and statistics.
  3. Error rows: counted in `Statistic.errorRows` and in the error window of
     RoutineLoadJob.updateNumOfData (max_batch_rows × 10 rows); when the window's error rows exceed
     `max_error_number` the job is PAUSED with ErrorReason{errCode = 102, msg='current error rows
     is more than max error num'}. As in the FE (afterCommitted: "txn already committed before
     calling afterCommitted ... check currentErrorRows > maxErrorRows, paused job"), the batch's
     good rows are committed and its offsets advance first – error rows are skipped, not retried
     (docs SHOW_ROUTINE_LOAD example: errorRows 10, loadedRows 6, committedTaskNum 1, PAUSED).
     A batch whose rows are all bad aborts its transaction ("no load data"), but its progress and
     counters still advance (KafkaRoutineLoadJob.checkCommitInfo, NO_PARTITIONS).
     With `max_filter_ratio` < 1 the BE fails the task when the batch's ratio is exceeded: nothing
     of the batch is applied, offsets stay, the job pauses (errCode 102, 'too many filtered rows';
     wording UNCONFIRMED).
  4. A JSON message the parser cannot turn into rows (an array without strip_outer_array, a scalar,
     malformed JSON) fails the whole task with "parse error. ..." (json_fatal.py): nothing of the batch
     is applied, progress stays, OtherMsg shows `[time] <reason>`, the job stays RUNNING and retries
     the same offsets unless `pause_on_fatal_parse_error` (then PAUSED, errCode 5611).
  5. A Kafka message with an empty/null value (Debezium tombstone) is one error row with reason
     "JSON parse error: empty message (Kafka tombstone)" (§7.3 UNCONFIRMED; decision: treat it
     like an unparseable document so a pipeline that forgets `tombstones.on.delete=false` notices).
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Dict, List, Optional

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from . import routine_load as RL
from .json_fatal import fatal_parse_error
from .labels import ABORTED

_log = logging.getLogger("standin.routine_load")
TOMBSTONE_REASON = "JSON parse error: empty message (Kafka tombstone)"
NO_DATA_REASON = "all partitions have no load data"          # TxnStatusChangeReason.NO_PARTITIONS
ALTER_DOC_URL = "https://docs.starrocks.io/docs/sql-reference/sql-statements/data-manipulation/ALTER_ROUTINE_LOAD"
ERR_LOAD_DATA_PARSE_ERROR = 5611            # ErrorCode.ERR_LOAD_DATA_PARSE_ERROR "%s. Check the 'TrackingSQL' ..."


def other_msg(reason: str) -> str:
    """RoutineLoadJob.setOtherMsg: `[yyyy-MM-dd HH:mm:ss] <msg>` (afterAborted sets it for every aborted task)."""
    return f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] {reason}"


class KafkaMetaError(Exception):
    pass


class ConsumerInitError(Exception):
    pass


def make_consumer(broker_list: str, props: Dict[str, str]) -> Consumer:
    """KafkaDataConsumer::init: group.id etc. from the job's custom properties (§6.3 passthrough).
    librdkafka needs a group.id even for assign() (test-bed.md)."""
    conf = {"bootstrap.servers": broker_list, "enable.auto.commit": False, "enable.partition.eof": True,
            "auto.offset.reset": "error", "logger": _log}
    conf["group.id"] = f"standin_{uuid.uuid4().hex}"
    conf.update(props)
    try:
        return Consumer(conf)
    except (KafkaException, ValueError, TypeError) as e:
        for k in props:                       # which key did librdkafka reject?
            try:
                Consumer({"bootstrap.servers": broker_list, "group.id": "probe", "logger": _log, k: props[k]}).close()
            except (KafkaException, ValueError, TypeError):
                raise ConsumerInitError(f"PAUSE: failed to set '{k}'") from None
        raise ConsumerInitError(f"PAUSE: failed to create kafka consumer: {e}") from None


def partitions_of(consumer: Consumer, topic: str, timeout: float = 5.0) -> List[int]:
    """KafkaDataConsumer::get_partition_meta."""
    try:
        md = consumer.list_topics(topic, timeout=timeout)
    except KafkaException as e:
        raise KafkaMetaError(f"failed to get kafka topic: {topic} meta, err: {e.args[0].str() if e.args else e}") \
            from None
    t = md.topics.get(topic)
    if t is None:
        raise KafkaMetaError(f"unknown topic: {topic}")
    if t.error is not None:
        if t.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
            raise KafkaMetaError(f"unknown topic: {topic}")
        raise KafkaMetaError(f"err: {t.error.str()}")
    if not t.partitions:
        raise KafkaMetaError(f"there is no partition in topic: {topic}")
    return sorted(t.partitions)


def topic_partitions(broker_list: str, topic: str, props: Dict[str, str]) -> List[int]:
    c = make_consumer(broker_list, props)
    try:
        return partitions_of(c, topic)
    finally:
        c.close()


def watermarks(consumer: Consumer, topic: str, partitions: List[int], timeout: float = 5.0) -> Dict[int, tuple]:
    out = {}
    for p in partitions:
        try:
            r = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout, cached=False)
        except KafkaException as e:
            raise KafkaMetaError(f"failed to get offset of partition: {p} in topic: {topic}, err: "
                                 f"{e.args[0].str() if e.args else e}") from None
        if r is None:
            raise KafkaMetaError(f"failed to get offset of partition: {p} in topic: {topic}, err: timed out")
        out[p] = r
    return out


class JobRunner(threading.Thread):
    def __init__(self, mgr: "RL.RoutineLoadManager", job_id: int, generation: int):
        super().__init__(name=f"routine-load-{job_id}", daemon=True)
        self.mgr = mgr
        self.srv = mgr.srv
        self.job_id = job_id
        self.gen = generation
        self.cancelled = threading.Event()
        self.consumer: Optional[Consumer] = None

    # ---- plumbing ---------------------------------------------------------------------------
    def cancel(self) -> None:
        self.cancelled.set()

    def _alive(self) -> bool:
        return not self.cancelled.is_set() and not self.mgr.stopping.is_set()

    def _sleep(self, seconds: float) -> bool:
        if seconds > 0:
            self.cancelled.wait(seconds)
        return self._alive()

    def _job(self) -> Optional["RL.Job"]:
        """Caller holds mgr.lock. The job, if this runner still owns it."""
        job = self.mgr.jobs.get(self.job_id)
        if job is None or job.generation != self.gen or not self._alive():
            return None
        return job

    def _pause(self, code: int, msg: str, states=(RL.RUNNING, RL.NEED_SCHEDULE)) -> None:
        with self.mgr.lock:
            job = self._job()
            if job is not None and job.state in states:
                self.mgr.set_state(job, RL.PAUSED, [code, msg])

    def _be_abort(self, reason: str) -> str:
        return f"be {self.srv.backend_ids[0]} abort task with reason: {reason}"

    # ---- main loop --------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._run()
        except Exception as e:           # never die silently: surface it like the FE does
            _log.exception("routine load job %s failed", self.job_id)
            self._pause(RL.ERR_INTERNAL, f"stand-in routine load task failed: {e!r}")
        finally:
            if self.consumer is not None:
                try:
                    self.consumer.close()
                except Exception:
                    pass

    def _run(self) -> None:
        if not self._sleep(self.mgr.scheduler_interval()):
            return
        if not self._prepare():
            return
        keeping_up = True
        while True:
            with self.mgr.lock:
                job = self._job()
                if job is None or job.state != RL.RUNNING:
                    return
                interval = job.props["max_batch_interval"] * self.mgr.scale
            if not self._sleep(interval if keeping_up else 0):
                return
            r = self._task()
            if r is None:
                return
            keeping_up = r

    # ---- NEED_SCHEDULE → RUNNING ------------------------------------------------------------
    def _prepare(self) -> bool:
        with self.mgr.lock:
            job = self._job()
            if job is None or job.state != RL.NEED_SCHEDULE:
                return False
            broker, topic = job.broker_list, job.topic
            props = job.converted_properties()
            custom = list(job.custom_partitions)
            progress = dict(job.progress)
            default = job.default_offset
            desired = job.props["desired_concurrent_number"]
        try:
            self.consumer = make_consumer(broker, props)
        except ConsumerInitError as e:
            self._pause(RL.ERR_TASKS_ABORT, self._be_abort(str(e)))
            return False
        try:
            parts = custom or partitions_of(self.consumer, topic)
        except KafkaMetaError as e:
            # KafkaRoutineLoadJob.unprotectNeedReschedule on a NEED_SCHEDULE job (PARTITIONS_ERR)
            self._pause(RL.ERR_PARTITIONS, f"Job failed to fetch all current partition with error [{e}]")
            return False
        for p in parts:
            if p not in progress:                      # updateNewPartitionProgress
                progress[p] = default if default is not None else RL.OFFSET_END_VAL
        todo = [p for p in parts if progress[p] < 0]
        if todo:
            try:
                wm = watermarks(self.consumer, topic, todo)
            except KafkaMetaError as e:
                self._pause(103, f"failed to prepare routine load job: {e}")        # CREATE_TASKS_ERR
                return False
            for p in todo:                              # KafkaProgress.convertOffset
                progress[p] = wm[p][0] if progress[p] == RL.OFFSET_BEGINNING_VAL else wm[p][1]
        with self.mgr.lock:
            job = self._job()
            if job is None or job.state != RL.NEED_SCHEDULE:
                return False
            job.progress.update({p: progress[p] for p in parts})
            job.current_partitions = list(parts)
            job.current_task_num = min(len(parts), desired, len(self.srv.backend_ids), RL.MAX_TASK_CONCURRENT_NUM)
            job.state = RL.RUNNING                       # divideRoutineLoadJob
            self.mgr.persist(job)
        return True

    # ---- one task ---------------------------------------------------------------------------
    def _task(self) -> Optional[bool]:
        """Returns None when the job stopped running, else whether it keeps up."""
        t0 = time.monotonic()
        mgr, srv = self.mgr, self.srv
        with mgr.lock:
            job = self._job()
            if job is None or job.state != RL.RUNNING:
                return None
            db, table_name, topic = job.db, job.table, job.topic
            props, desc = dict(job.props), RL.LoadDesc(**job.desc.to_json())
            custom = list(job.custom_partitions)
            parts = list(job.current_partitions)
            progress = {p: job.progress[p] for p in parts}
            default = job.default_offset
            name = job.name
        # the target table must still exist (RoutineLoadJob.update: db/table gone → CANCELLED)
        if not srv.catalog.has_db(db) or srv.catalog.find_table(db, table_name) is None:
            with mgr.lock:
                job = self._job()
                if job is not None and not job.is_final:
                    what = (RL.ERR_TABLE, "table does not exist") if srv.catalog.has_db(db) else (5, "db does not exist")
                    mgr.set_state(job, RL.CANCELLED, list(what))
            return None
        table = srv.catalog.find_table(db, table_name)
        c = self.consumer
        # partitions added to the topic later start at kafka_default_offsets or OFFSET_END
        if not custom:
            try:
                now_parts = partitions_of(c, topic)
            except KafkaMetaError:
                now_parts = parts
            new = [p for p in now_parts if p not in progress]
            if new:
                try:
                    wm = watermarks(c, topic, new)
                except KafkaMetaError:
                    wm = {}
                for p in new:
                    if p in wm:
                        start = default if default is not None else RL.OFFSET_END_VAL
                        progress[p] = wm[p][0] if start == RL.OFFSET_BEGINNING_VAL else (
                            wm[p][1] if start == RL.OFFSET_END_VAL else start)
                parts = sorted(progress)
        try:
            wm = watermarks(c, topic, parts)
        except KafkaMetaError as e:
            self._abort_task(str(e))
            return True
        for p in parts:
            lo, hi = wm[p]
            if progress[p] < lo or progress[p] > hi:
                # KafkaDataConsumer::group_consume, ERR_OFFSET_OUT_OF_RANGE → the job pauses
                self._pause(RL.ERR_TASKS_ABORT, self._be_abort(
                    f"Broker: Offset out of range, this is no data in partition: {p} at offset: {progress[p]}. "
                    f"you can modify kafka_offsets by alter routine load, then resume the job. refer to {ALTER_DOC_URL}"))
                return None
        pending = {p: wm[p][1] for p in parts if progress[p] < wm[p][1]}
        latest = {p: wm[p][1] for p in parts}
        if not pending:
            # no new data: the task is not started (RoutineLoadTaskInfo.readyToExecute)
            with mgr.lock:
                job = self._job()
                if job is None or job.state != RL.RUNNING:
                    return None
                if job.current_partitions != parts or any(job.progress.get(p) != progress[p] for p in parts):
                    job.current_partitions = parts
                    job.progress.update(progress)
                    mgr.persist(job)
                job.latest_position = latest
            return True
        # ---- consume (BE KafkaDataConsumerGroup::start_all): every assigned partition in order until
        # its EOF (or task_consume_second / max_batch_size); nothing fetched is ever skipped ----
        c.assign([TopicPartition(topic, p, progress[p]) for p in pending])
        msgs = []
        nbytes = 0
        next_off = {p: progress[p] for p in pending}
        done: set = set()
        deadline = t0 + max(props["task_consume_second"] * mgr.scale, 0.5)
        try:
            while len(done) < len(pending) and nbytes < props["max_batch_size"] and self._alive():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                for m in c.consume(1000, timeout=min(0.2, left)):
                    err = m.error()
                    p = m.partition()
                    if err is not None:
                        if err.code() == KafkaError._PARTITION_EOF:
                            # the EOF offset is the next offset; beyond the last message when the log
                            # has gaps (transaction markers) – data_consumer_group.cpp uses it likewise
                            if p in next_off and m.offset() >= next_off[p]:
                                next_off[p] = m.offset()
                                done.add(p)
                            continue
                        if err.code() in (KafkaError._AUTO_OFFSET_RESET, KafkaError.OFFSET_OUT_OF_RANGE):
                            self._pause(RL.ERR_TASKS_ABORT, self._be_abort(
                                f"{err.str()}, this is no data in partition: {p}. you can modify "
                                f"kafka_offsets by alter routine load, then resume the job. refer to {ALTER_DOC_URL}"))
                            return None
                        if err.code() in (KafkaError._TRANSPORT, KafkaError._TIMED_OUT):
                            continue
                        self._abort_task(f"kafka consume failed, err: {err.str()}")
                        return True
                    if p not in next_off or m.offset() < next_off[p]:
                        continue                  # a stale prefetched message of an earlier assignment
                    msgs.append(m)
                    next_off[p] = m.offset() + 1
                    nbytes += len(m.value() or b"")
        finally:
            try:
                c.unassign()
            except KafkaException:
                pass
        if not self._alive():
            return None
        keeping_up = len(done) >= len(pending)
        if not msgs and all(next_off[p] == progress[p] for p in pending):
            return keeping_up
        # ---- parse and map (the Stream Load engine) ----
        from .stream_load import LoadAborted, LoadFail, LoadSink
        label = f"{name}-{uuid.uuid4().hex[:16]}-{uuid.uuid4().hex[:16]}"
        if props["format"] == "json":
            msgs, fatal = self._fatal_parse_errors(msgs, props)
            if fatal is not None:
                self._parse_error_abort(table, label, fatal)
                return True
        try:
            sink = LoadSink(RL.load_spec(desc, props, label), table, False, None, srv.cfg.error_log_lines)
        except LoadFail as e:
            self._pause(RL.ERR_TASKS_ABORT, self._be_abort(e.message))
            return None
        consumed: Dict[int, int] = {}
        stamps: Dict[int, int] = {}
        is_json = props["format"] == "json"
        delim = b"\n"
        if not is_json and desc.row_delimiter:
            from .csv_format import decode_delimiter, DelimiterError
            try:
                delim = decode_delimiter(desc.row_delimiter, "row delimiter")[:1]
            except DelimiterError:
                delim = desc.row_delimiter.encode("utf-8")[:1]
        for m in msgs:
            v = m.value()
            consumed[m.partition()] = m.offset()
            ts_type, ts = m.timestamp()
            if ts_type != 0 and ts is not None:
                stamps[m.partition()] = ts
            try:
                if is_json:
                    if not v:
                        sink.total += 1
                        sink._error(TOMBSTONE_REASON, "")
                        continue
                    sink._json_rows(v)
                else:
                    sink.feed((v or b"") + delim)
            except LoadAborted as e:
                return self._task_failed(e.message)
            except LoadFail as e:
                sink.total += 1
                sink._error(e.message, "")
        try:
            sink.finish()
        except LoadAborted as e:
            return self._task_failed(e.message)
        except LoadFail as e:
            sink._error(e.message, "")
        new_progress = dict(progress)
        new_progress.update(next_off)
        self._commit(table, sink, label, new_progress, stamps, latest, nbytes, t0)
        if consumed:
            try:
                c.commit(offsets=[TopicPartition(topic, p, o + 1) for p, o in consumed.items()], asynchronous=True)
            except KafkaException:
                pass
        return keeping_up

    def _task_failed(self, reason: str) -> Optional[bool]:
        """The task's scan failed: its transaction aborts with the error as reason, nothing of the
        batch is applied, the offsets stay. RoutineLoadJob.afterAborted pauses the job only for a
        reason containing TxnStatusChangeReason OFFSET_OUT_OF_RANGE ("Offset out of range") or
        PAUSE; otherwise the job stays RUNNING and the next task retries the same messages."""
        if "PAUSE" in reason or "Offset out of range" in reason:
            self._pause(RL.ERR_TASKS_ABORT, self._be_abort(reason))
            return None
        self._abort_task(reason)
        return True

    def _abort_task(self, reason: str) -> None:
        with self.mgr.lock:
            job = self._job()
            if job is not None and job.state == RL.RUNNING:
                job.stats["abortedTaskNum"] += 1
                job.other_msg = other_msg(reason)
                self.mgr.persist(job)

    def _fatal_parse_errors(self, msgs, props):
        """(messages to load, the task-aborting reason or None). With the unreleased
        `skip_on_fatal_parse_error` (open PR #78736: "skip the bad message and keep going") such a
        message is dropped instead – its offset still advances, it counts as no row."""
        kept = []
        for m in msgs:
            reason = fatal_parse_error(m.value(), bool(props.get("strip_outer_array")))
            if reason is None:
                kept.append(m)
            elif props.get("skip_on_fatal_parse_error"):
                with self.mgr.lock:
                    job = self._job()
                    if job is not None:
                        job.other_msg = other_msg(f"skipped partition {m.partition()} offset {m.offset()}: {reason}")
            else:
                return msgs, reason
        return kept, None

    def _parse_error_abort(self, table, label, reason: str) -> None:
        """The task's transaction is aborted with a PARSE_ERROR reason: nothing of the batch is
        applied and progress stays (KafkaRoutineLoadJob.checkCommitInfo updates it only for committed
        tasks and NO_PARTITIONS), OtherMsg carries the reason; PAUSED only with pause_on_fatal_parse_error."""
        mgr, srv = self.mgr, self.srv
        with mgr.lock:
            job = self._job()
            if job is None or job.state != RL.RUNNING:
                return
            txn = srv.labels.begin(job.db, label, table.name, be=0, kind="routine_load",
                                   timeout=int(job.props["task_timeout_second"]))
            with srv.storage.transaction() as conn:
                srv.labels.set_state(txn, ABORTED, reason, conn=conn)
                job.stats["abortedTaskNum"] += 1
                job.other_msg = other_msg(reason)
                if job.props.get("pause_on_fatal_parse_error"):
                    mgr.set_state(job, RL.PAUSED, [ERR_LOAD_DATA_PARSE_ERROR, f"{reason}. Check the 'TrackingSQL' "
                                                   f"field for detailed information."], conn=conn)
                else:
                    mgr.persist(job, conn)
            srv.stats.outcome(job.db, label, txn.txn_id, "Fail", reason, False, True, {}, 0, kind="routine_load")

    def _commit(self, table, sink, label, new_progress, stamps, latest, nbytes, t0) -> None:
        mgr, srv = self.mgr, self.srv
        with mgr.lock:
            job = self._job()
            if job is None or job.state != RL.RUNNING:
                return          # paused/stopped meanwhile: the task's txn is rejected (executeBeforeCheck)
            props = job.props
            total, loaded = sink.total, sink.loaded
            filtered, unselected = sink.filtered, sink.unselected
            txn = srv.labels.begin(job.db, label, table.name, be=0, kind="routine_load",
                                   timeout=int(props["task_timeout_second"]))
            url = srv.save_error_log(0, txn.txn_id, sink.errors) if filtered and sink.errors else None
            denom = total - unselected
            ratio_exceeded = (props["max_filter_ratio"] < 1.0 and filtered > 0 and
                              (denom <= 0 or filtered / denom > props["max_filter_ratio"]))
            exec_ms = int((time.monotonic() - t0) * 1000)
            with srv.storage.transaction() as conn:
                if ratio_exceeded:
                    # BE: "too many filtered rows" → txn aborted, progress NOT updated (checkCommitInfo)
                    srv.labels.set_state(txn, ABORTED, "too many filtered rows", conn=conn)
                    job.stats["abortedTaskNum"] += 1
                    job.other_msg = other_msg("too many filtered rows")
                    if url:
                        job.error_log_urls = (job.error_log_urls + [url])[-3:]
                    mgr.set_state(job, RL.PAUSED, [RL.ERR_TOO_MANY_FAILURE_ROWS, "too many filtered rows"], conn=conn)
                    status = "Fail"
                else:
                    if loaded > 0:
                        srv.commit_load(table, txn, sink.ops, False, props.get("merge_condition") or None,
                                        sink.schema_version)
                        job.stats["committedTaskNum"] += 1
                        status = "Success"
                    else:
                        srv.labels.set_state(txn, ABORTED, NO_DATA_REASON, conn=conn)
                        job.stats["abortedTaskNum"] += 1
                        job.other_msg = other_msg(NO_DATA_REASON)
                        status = "Fail"
                    # RoutineLoadJob.updateNumOfData + KafkaProgress.update
                    st = job.stats
                    st["totalRows"] += total
                    st["errorRows"] += filtered
                    st["unselectedRows"] += unselected
                    st["receivedBytes"] += nbytes
                    st["taskExecuteTimeMs"] += exec_ms
                    job.progress.update(new_progress)
                    job.timestamp_progress.update(stamps)
                    job.latest_position = latest
                    if url:
                        job.error_log_urls = (job.error_log_urls + [url])[-3:]
                    job.current_error_rows += filtered
                    job.current_total_rows += total
                    pause = False
                    if job.current_total_rows > props["max_batch_rows"] * 10:
                        pause = job.current_error_rows > props["max_error_number"]
                        job.current_error_rows = job.current_total_rows = 0
                    elif job.current_error_rows > props["max_error_number"]:
                        pause = True
                        job.current_error_rows = job.current_total_rows = 0
                    if pause:
                        mgr.set_state(job, RL.PAUSED, [RL.ERR_TOO_MANY_FAILURE_ROWS, RL.TOO_MANY_ERROR_ROWS_MSG],
                                      conn=conn)
                    else:
                        mgr.persist(job, conn)
            srv.stats.outcome(job.db, label, txn.txn_id, status, "OK" if status == "Success" else
                              job.other_msg.partition("] ")[2],
                              status == "Success", status != "Success", sink.counts(), nbytes, kind="routine_load")
