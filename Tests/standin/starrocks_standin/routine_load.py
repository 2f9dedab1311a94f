"""Routine Load over the MySQL endpoint (reference §6, §7, §9, §10.3.2–§10.3.5).

Statements: CREATE ROUTINE LOAD, SHOW [ALL] ROUTINE LOAD, PAUSE / RESUME / STOP ROUTINE LOAD FOR,
ALTER ROUTINE LOAD FOR. Validation order and texts follow the FE sources named in the comments
(`CreateRoutineLoadAnalyzer`, `CreateRoutineLoadStmt.checkJobProperties/checkKafkaProperties`,
`KafkaRoutineLoadJob.fromCreateStmt`, `RoutineLoadMgr`, `AlterRoutineLoadStmt`, `ShowExecutor`).
Analyzer errors come back as `Getting analyzing error. Detail message: <msg>.`; executor errors
(DdlException, MetaNotFoundException, ShowExecutor's AnalysisException) as the bare message.

Jobs are persisted in the stand-in's SQLite file (table `routine_load_jobs`, one JSON document per
job). A batch's rows, the job's new progress (next offsets) and statistics are written in ONE
SQLite transaction, so a restarted stand-in resumes exactly after the last applied batch (no
re-apply, no skip). Consumption itself is in kafka_consumer.py (one thread per scheduled job).
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from .java_json import gson
from .show_filter import ShowFilter
from .ddl import _ident_list, _properties, _skip_balanced
from .expressions import ExprParser
from .query import text_result
from .sqltokens import SqlError, TokenStream, analysis_error, syntax_error

# ---- states (§6.4) ----------------------------------------------------------------------------
NEED_SCHEDULE, RUNNING, PAUSED, STOPPED, CANCELLED = "NEED_SCHEDULE", "RUNNING", "PAUSED", "STOPPED", "CANCELLED"
FINAL_STATES = (STOPPED, CANCELLED)

# KafkaProgress (§6.4): stored values are the NEXT offset to consume; -2/-1 are librdkafka's
# OFFSET_BEGINNING / OFFSET_END until the scheduler converts them (KafkaProgress.convertOffset).
OFFSET_BEGINNING_VAL, OFFSET_END_VAL = -2, -1

# InternalErrorCode (fe common/InternalErrorCode.java)
ERR_INTERNAL, ERR_PARTITIONS, ERR_TABLE = 2, 4, 6
ERR_MANUAL_PAUSE, ERR_MANUAL_STOP, ERR_TOO_MANY_FAILURE_ROWS, ERR_TASKS_ABORT = 100, 101, 102, 104
TOO_MANY_ERROR_ROWS_MSG = "current error rows is more than max error num"        # §6.4, §10.3.5

# FeNameFormat.COMMON_NAME_REGEX, checked with checkCommonName("ROUTINE LOAD NAME", name) (§6.1)
JOB_NAME_RE = re.compile(r"^[a-zA-Z]\w{0,63}$|^_[a-zA-Z0-9]\w{0,62}$", re.ASCII)
# CreateRoutineLoadStmt.ENDPOINT_REGEX (§6.3), used with Pattern.matches (whole string)
ENDPOINT_RE = re.compile(r"[-A-Za-z0-9+&@#/%?=~_|!:,.;]+[-A-Za-z0-9+&@#/%=~_|]")
JAVA_LONG_RE = re.compile(r"[+-]?\d+")

# CreateRoutineLoadStmt.PROPERTIES_SET (+ the v3.1+ task_* and newer parse-error switches, §6.2)
CREATE_PROPERTIES = ("desired_concurrent_number", "max_error_number", "max_filter_ratio", "max_batch_interval",
                     "max_batch_rows", "max_batch_size", "format", "jsonpaths", "strip_outer_array", "json_root",
                     "strict_mode", "timezone", "partial_update", "partial_update_mode", "merge_condition",
                     "trim_space", "enclose", "escape", "log_rejected_record_num", "enable_profile",
                     "task_consume_second", "task_timeout_second", "pause_on_fatal_parse_error",
                     "skip_on_fatal_parse_error")
# AlterRoutineLoadStmt.CONFIGURABLE_PROPERTIES_SET (§6.5)
ALTER_PROPERTIES = ("desired_concurrent_number", "max_error_number", "max_filter_ratio", "max_batch_interval",
                    "max_batch_rows", "max_batch_size", "jsonpaths", "json_root", "strip_outer_array",
                    "task_timeout_second", "task_consume_second", "pause_on_fatal_parse_error",
                    "skip_on_fatal_parse_error", "strict_mode", "timezone")
KAFKA_KEYS = ("kafka_broker_list", "kafka_topic", "kafka_partitions", "kafka_offsets", "confluent.schema.registry.url")
ALTER_KAFKA_KEYS = ("kafka_partitions", "kafka_offsets", "confluent.schema.registry.url")

MAX_TASK_CONCURRENT_NUM = 5          # FE Config.max_routine_load_task_concurrent_num (§6.2 code default)
DEFAULT_MAX_BATCH_INTERVAL = 10      # RoutineLoadJob.DEFAULT_TASK_SCHED_INTERVAL_SECOND
DEFAULT_MAX_BATCH_ROWS = 200000
DEFAULT_MAX_BATCH_SIZE = 100 * 1024 * 1024
DEFAULT_TASK_CONSUME_SECOND = 15     # docs SHOW_ROUTINE_LOAD example: taskConsumeSecond 15, taskTimeoutSecond 60
DEFAULT_TASK_TIMEOUT_SECOND = 60
TASK_TIMEOUT_CONSUME_RATIO = 4       # CreateRoutineLoadStmt.TASK_TIMEOUT_SECOND_TASK_CONSUME_SECOND_RATIO
SCHEDULER_INTERVAL_S = 10.0          # FE routine_load_scheduler_interval_millisecond = 10000
TRACKING_SQL = "select tracking_log from information_schema.load_tracking_logs where job_id={}"

SHOW_COLUMNS = ["Id", "Name", "CreateTime", "PauseTime", "EndTime", "DbName", "TableName", "State", "DataSourceType",
                "CurrentTaskNum", "JobProperties", "DataSourceProperties", "CustomProperties", "Statistic", "Progress",
                "TimestampProgress", "ReasonOfStateChanged", "ErrorLogUrls", "TrackingSQL", "OtherMsg",
                "LatestSourcePosition"]                                        # §6.4 (recent docs)


# ------------------------------------------------------------------------------------------------
# Job model
# ------------------------------------------------------------------------------------------------
@dataclass
class LoadDesc:
    """RoutineLoadDesc: the load properties of §6.1."""
    column_separator: Optional[str] = None
    row_delimiter: Optional[str] = None
    columns: Optional[str] = None          # text inside COLUMNS( ... )
    where: Optional[str] = None
    partitions: Optional[List[str]] = None
    temporary_partitions: bool = False

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @staticmethod
    def from_json(d: dict) -> "LoadDesc":
        return LoadDesc(**d)


@dataclass
class Job:
    id: int
    name: str
    db: str
    table: str
    create_time: float
    state: str
    desc: LoadDesc
    props: Dict[str, Any]
    broker_list: str
    topic: str
    custom_partitions: List[int]
    progress: Dict[int, int]                        # partition → next offset (or -1/-2)
    custom_properties: List[List[str]]              # insertion-ordered [key, value] (property.* stripped)
    default_offset: Optional[int] = None            # property.kafka_default_offsets
    current_partitions: List[int] = field(default_factory=list)
    pause_time: float = 0.0
    end_time: float = 0.0
    stats: Dict[str, int] = field(default_factory=lambda: {
        "totalRows": 0, "errorRows": 0, "unselectedRows": 0, "receivedBytes": 0, "taskExecuteTimeMs": 0,
        "committedTaskNum": 0, "abortedTaskNum": 0})
    current_error_rows: int = 0
    current_total_rows: int = 0
    pause_reason: Optional[List[Any]] = None        # [code, msg]
    cancel_reason: Optional[List[Any]] = None
    error_log_urls: List[str] = field(default_factory=list)
    other_msg: str = ""
    timestamp_progress: Dict[int, int] = field(default_factory=dict)
    latest_position: Dict[int, int] = field(default_factory=dict)
    current_task_num: int = 0
    schema_registry_url: Optional[str] = None
    # runtime only
    generation: int = 0

    # ---- persistence ----
    def to_json(self) -> str:
        d = {k: v for k, v in self.__dict__.items() if k not in ("generation", "desc")}
        d["desc"] = self.desc.to_json()
        d["progress"] = {str(k): v for k, v in self.progress.items()}
        d["timestamp_progress"] = {str(k): v for k, v in self.timestamp_progress.items()}
        d["latest_position"] = {str(k): v for k, v in self.latest_position.items()}
        return json.dumps(d, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> "Job":
        d = json.loads(text)
        d["desc"] = LoadDesc.from_json(d["desc"])
        for k in ("progress", "timestamp_progress", "latest_position"):
            d[k] = {int(p): v for p, v in d.get(k, {}).items()}
        return Job(**d)

    # ---- helpers ----
    def group_id(self) -> str:
        return dict(self.custom_properties).get("group.id", "")

    def converted_properties(self) -> Dict[str, str]:
        """KafkaRoutineLoadJob.convertCustomProperties: the librdkafka passthrough, without
        kafka_default_offsets."""
        return {k: v for k, v in self.custom_properties if k != "kafka_default_offsets"}

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


def error_reason(r: Optional[List[Any]]) -> str:
    """ErrorReason.toString() (§6.4)."""
    if not r:
        return ""
    return f"ErrorReason{{errCode = {r[0]}, msg='{r[1]}'}}"


def _time_str(ts: float) -> str:
    """TimeUtils.longToTimeString: FeConstants.NULL_STRING ("NULL") when unset (§6.4: UNCONFIRMED
    whether SQL NULL or the string; the string is what the FE code returns)."""
    if not ts or ts <= 0:
        return "NULL"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


# ------------------------------------------------------------------------------------------------
# Property analysis
# ------------------------------------------------------------------------------------------------
def _long_prop(props: dict, key: str, default: int, pred, hint: str) -> int:
    """Util.getLongPropertyOrDefault: empty → default; not a long or predicate false → hint."""
    v = props.get(key)
    if v is None or v == "":
        return default
    if not JAVA_LONG_RE.fullmatch(v) or not (-(1 << 63) <= int(v) < (1 << 63)):
        raise analysis_error(hint)
    n = int(v)
    if not pred(n):
        raise analysis_error(hint)
    return n


def _java_bool(v: Optional[str], default: bool) -> bool:
    """Boolean.parseBoolean (Util.getBooleanPropertyOrDefault never fails)."""
    if v is None or v == "":
        return default
    return v.lower() == "true"


def _java_double(v: str) -> Optional[float]:
    try:
        s = v.strip()
        if s.lower().endswith(("d", "f")):
            s = s[:-1]
        return float(s)
    except ValueError:
        return None


def check_timezone(value: str) -> str:
    """TimeUtils.checkTimeZoneValidAndStandardize."""
    m = re.fullmatch(r"([+-]?)(\d{1,2}):(\d{2})", value or "")
    if m:
        sign = "-" if m.group(1) == "-" else "+"
        value = f"{sign}{int(m.group(2)):02d}:{int(m.group(3)):02d}"
        tz = int(value[1:3]) * 100 + int(value[4:6])
        if (sign == "-" and tz > 1200) or (sign == "+" and tz > 1400):
            raise analysis_error(f"Unknown or incorrect time zone: '{value}'")
        return value
    if value in ("CST", "PRC"):
        return value
    try:
        from zoneinfo import ZoneInfo
        ZoneInfo(value)
        return value
    except Exception:
        raise analysis_error(f"Unknown or incorrect time zone: '{value}'") from None


def _task_seconds(props: dict, out: dict) -> None:
    """task_consume_second / task_timeout_second (AlterRoutineLoadStmt.checkJobProperties logic)."""
    def parse(key):
        v = props[key]
        if not JAVA_LONG_RE.fullmatch(v or ""):
            raise analysis_error(f"Incorrect format of {key}")
        n = int(v)
        if n <= 0:
            raise analysis_error(f"{key} must be greater than 0")
        return n
    has_c, has_t = "task_consume_second" in props, "task_timeout_second" in props
    if has_c and has_t:
        c, t = parse("task_consume_second"), parse("task_timeout_second")
        if c >= t:
            raise analysis_error("task_timeout_second must be larger than task_consume_second")
        out["task_consume_second"], out["task_timeout_second"] = c, t
    elif has_c:
        c = parse("task_consume_second")
        out["task_consume_second"], out["task_timeout_second"] = c, c * TASK_TIMEOUT_CONSUME_RATIO
    elif has_t:
        t = parse("task_timeout_second")
        out["task_consume_second"], out["task_timeout_second"] = t // TASK_TIMEOUT_CONSUME_RATIO, t


def analyze_create_properties(props: dict, session_tz: str) -> Dict[str, Any]:
    """CreateRoutineLoadStmt.checkJobProperties (§6.2)."""
    for k in props:
        if k not in CREATE_PROPERTIES:
            raise analysis_error(f"{k} is invalid property")
    out: Dict[str, Any] = {}
    out["desired_concurrent_number"] = _long_prop(props, "desired_concurrent_number", MAX_TASK_CONCURRENT_NUM,
                                                  lambda v: v > 0, "desired_concurrent_number should > 0")
    out["max_error_number"] = _long_prop(props, "max_error_number", 0, lambda v: v >= 0,
                                         "max_error_number should >= 0")
    out["max_filter_ratio"] = 1.0
    if "max_filter_ratio" in props:
        r = _java_double(props["max_filter_ratio"])
        if r is None:
            raise analysis_error("Incorrect format of max_filter_ratio")
        if r < 0.0 or r > 1.0:
            raise analysis_error("max_filter_ratio must between 0.0 and 1.0.")
        out["max_filter_ratio"] = r
    out["max_batch_interval"] = _long_prop(props, "max_batch_interval", DEFAULT_MAX_BATCH_INTERVAL,
                                           lambda v: v >= 5, "max_batch_interval should >= 5")
    out["max_batch_rows"] = _long_prop(props, "max_batch_rows", DEFAULT_MAX_BATCH_ROWS, lambda v: v >= 200000,
                                       "max_batch_rows should >= 200000")
    mbs = props.get("max_batch_size")            # deprecated: accepted, unparsed values ignored
    out["max_batch_size"] = int(mbs) if mbs and JAVA_LONG_RE.fullmatch(mbs) and int(mbs) > 0 else DEFAULT_MAX_BATCH_SIZE
    out["log_rejected_record_num"] = _long_prop(props, "log_rejected_record_num", 0, lambda v: v >= -1,
                                                "log_rejected_record_num should >= -1")
    out["strict_mode"] = _java_bool(props.get("strict_mode"), False)          # RoutineLoadJob.DEFAULT_STRICT_MODE
    out["partial_update"] = _java_bool(props.get("partial_update"), False)
    out["merge_condition"] = props.get("merge_condition")
    out["partial_update_mode"] = props.get("partial_update_mode")
    out["task_consume_second"], out["task_timeout_second"] = DEFAULT_TASK_CONSUME_SECOND, DEFAULT_TASK_TIMEOUT_SECOND
    _task_seconds(props, out)
    out["timezone"] = check_timezone(props.get("timezone", session_tz))
    fmt = props.get("format")
    out["jsonpaths"], out["json_root"], out["strip_outer_array"] = "", "", False
    if fmt is None or fmt.lower() == "csv":
        out["format"] = "csv"
    elif fmt.lower() == "json":
        out["format"] = "json"
        out["jsonpaths"] = props.get("jsonpaths") or ""
        out["json_root"] = props.get("json_root") or ""
        out["strip_outer_array"] = _java_bool(props.get("strip_outer_array", "false"), False)
    elif fmt.lower() == "avro":
        out["format"] = "avro"
        out["jsonpaths"] = props.get("jsonpaths") or ""
    else:
        raise analysis_error(f"Format type is invalid. format=`{fmt}`")
    out["trim_space"] = _java_bool(props.get("trim_space", "false"), False)
    out["enclose"] = props["enclose"][:1] if props.get("enclose") else None
    out["escape"] = props["escape"][:1] if props.get("escape") else None
    out["pause_on_fatal_parse_error"] = _java_bool(props.get("pause_on_fatal_parse_error"), False)
    out["skip_on_fatal_parse_error"] = _java_bool(props.get("skip_on_fatal_parse_error"), False)
    return out


def analyze_alter_properties(props: dict) -> Dict[str, Any]:
    """AlterRoutineLoadStmt.checkJobProperties (§6.5) – including its own hint texts."""
    for k in props:
        if k not in ALTER_PROPERTIES:
            raise analysis_error(f"{k} is invalid property")
    out: Dict[str, Any] = {}
    if "desired_concurrent_number" in props:
        out["desired_concurrent_number"] = _long_prop(props, "desired_concurrent_number", -1, lambda v: v > 0,
                                                      "desired_concurrent_number should > 0")
    if "max_error_number" in props:
        out["max_error_number"] = _long_prop(props, "max_error_number", -1, lambda v: v >= 0,
                                             "max_error_number should >= 0")
    if "max_filter_ratio" in props:
        r = _java_double(props["max_filter_ratio"])
        if r is None:
            raise analysis_error("Incorrect format of max_filter_ratio")
        if r < 0.0 or r > 1.0:
            raise analysis_error("max_filter_ratio must between 0.0 and 1.0.")
        out["max_filter_ratio"] = r
    _task_seconds(props, out)
    if "max_batch_interval" in props:
        out["max_batch_interval"] = _long_prop(props, "max_batch_interval", -1, lambda v: v >= 5,
                                               "max_batch_interval should >= 5")
    if "max_batch_rows" in props:
        # the ALTER analyzer's hint says "> 200000" although it accepts 200000 (source quirk)
        out["max_batch_rows"] = _long_prop(props, "max_batch_rows", -1, lambda v: v >= 200000,
                                           "max_batch_rows should > 200000")
    mbs = props.get("max_batch_size")
    if mbs and JAVA_LONG_RE.fullmatch(mbs) and int(mbs) > 0:
        out["max_batch_size"] = int(mbs)
    if "strict_mode" in props:
        out["strict_mode"] = props["strict_mode"].lower() == "true"
    if "timezone" in props:
        out["timezone"] = check_timezone(props["timezone"])
    for k in ("jsonpaths", "json_root"):
        if k in props:
            out[k] = props[k]
    for k in ("strip_outer_array", "pause_on_fatal_parse_error", "skip_on_fatal_parse_error"):
        if k in props:
            out[k] = props[k].lower() == "true"
    return out


def get_kafka_offset(text: str) -> int:
    """CreateRoutineLoadStmt.getKafkaOffset: a long ≥ 0, OFFSET_BEGINNING or OFFSET_END (any case).
    Timestamps/datetimes are rejected (§6.3, issue #49327) – they are not longs."""
    if text == "":
        err = "kafka offset could not be a empty string"
    elif JAVA_LONG_RE.fullmatch(text) and -(1 << 63) <= int(text) < (1 << 63):
        if int(text) >= 0:
            return int(text)
        err = "Can not specify offset smaller than 0"
    else:
        err = f"kafka offset must be a integer: {text}"
    if text.upper() == "OFFSET_BEGINNING":
        return OFFSET_BEGINNING_VAL
    if text.upper() == "OFFSET_END":
        return OFFSET_END_VAL
    raise analysis_error(err)


def _java_int(text: str, prop: str) -> int:
    if text == "":
        raise analysis_error(f"{prop} could not be a empty string")
    if not JAVA_LONG_RE.fullmatch(text) or not (-(1 << 31) <= int(text) < (1 << 31)):
        raise analysis_error(f"{prop} must be a integer")
    return int(text)


@dataclass
class KafkaSource:
    broker_list: str = ""
    topic: str = ""
    partition_offsets: List[List[int]] = field(default_factory=list)   # [[partition, offset], ...]
    custom: List[List[str]] = field(default_factory=list)
    schema_registry_url: Optional[str] = None


def _custom_properties(src: dict) -> List[List[str]]:
    """analyzeKafkaCustomProperties: property.<x> → x; kafka_default_offsets is checked."""
    out: List[List[str]] = []
    for k, v in src.items():
        if k.startswith("property."):
            if len([p for p in k.split(".") if p]) < 2:
                raise analysis_error("kafka property value could not be a empty string")
            key = k[k.index(".") + 1:]
            out = [kv for kv in out if kv[0] != key] + [[key, v]]
    d = dict(out)
    if "kafka_default_offsets" in d:
        get_kafka_offset(d["kafka_default_offsets"])
    return out


def _partitions_and_offsets(src: dict, custom: List[List[str]]) -> List[List[int]]:
    po: List[List[int]] = []
    parts = src.get("kafka_partitions")
    if parts is not None:
        parts = parts.replace(" ", "")
        if parts == "":
            raise analysis_error("kafka_partitions could not be a empty string")
        d = dict(custom)
        default = get_kafka_offset(d["kafka_default_offsets"]) if "kafka_default_offsets" in d else OFFSET_END_VAL
        for s in parts.split(","):
            try:
                po.append([_java_int(s, "kafka_partitions"), default])
            except SqlError:
                raise analysis_error("kafka_partitions must be a number string with comma-separated") from None
    offs = src.get("kafka_offsets")
    if offs is not None:
        offs = offs.replace(" ", "")          # note: "2024-01-01 00:00:00" becomes "2024-01-0100:00:00"
        if offs == "":
            raise analysis_error("kafka_offsets could not be a empty string")
        items = offs.split(",")
        if len(items) != len(po):
            raise analysis_error("Partitions number should be equals to offsets number")
        for i, s in enumerate(items):
            po[i][1] = get_kafka_offset(s)
    return po


def analyze_kafka_source(type_name: str, src: dict, fmt: str) -> KafkaSource:
    """CreateRoutineLoadStmt.checkDataSourceProperties / checkKafkaProperties (§6.3)."""
    if type_name.upper() != "KAFKA":
        if type_name.upper() == "PULSAR":
            raise analysis_error("PULSAR routine load is not supported by the stand-in")
        raise analysis_error(f"routine load job does not support this type {type_name.upper()}")
    for k in src:
        if k not in KAFKA_KEYS and not k.startswith("property."):
            raise analysis_error(f"{k} is invalid kafka custom property")
    ks = KafkaSource()
    ks.broker_list = (src.get("kafka_broker_list") or "").replace(" ", "")
    if not ks.broker_list:
        raise analysis_error("kafka_broker_list is a required property")
    for broker in ks.broker_list.split(","):
        if not ENDPOINT_RE.fullmatch(broker):
            raise analysis_error(f"kafka_broker_list:{broker} not match pattern {ENDPOINT_RE.pattern}")
    ks.topic = (src.get("kafka_topic") or "").replace(" ", "")
    if not ks.topic:
        raise analysis_error("kafka_topic is a required property")
    ks.custom = _custom_properties(src)
    ks.partition_offsets = _partitions_and_offsets(src, ks.custom)
    ks.schema_registry_url = src.get("confluent.schema.registry.url")
    if ks.schema_registry_url is None and fmt == "avro":
        raise analysis_error("confluent.schema.registry.url is a required property")
    return ks


def analyze_alter_kafka_source(type_name: str, src: dict) -> KafkaSource:
    """RoutineLoadDataSourceProperties.analyze for ALTER (§6.5)."""
    if type_name.upper() != "KAFKA":
        raise analysis_error(f"routine load job does not support this type {type_name.upper()}")
    for k in src:
        if k not in ALTER_KAFKA_KEYS and not k.startswith("property."):
            raise analysis_error(f"{k} is invalid kafka custom property")
    if "kafka_partitions" in src and "kafka_offsets" not in src:
        # text UNCONFIRMED (RoutineLoadDataSourceProperties); the FE requires both together
        raise analysis_error("Partition and offset must be specified at the same time")
    ks = KafkaSource()
    ks.custom = _custom_properties(src)
    ks.partition_offsets = _partitions_and_offsets(src, ks.custom)
    ks.schema_registry_url = src.get("confluent.schema.registry.url")
    return ks


# ------------------------------------------------------------------------------------------------
# Statement parsing
# ------------------------------------------------------------------------------------------------
def _job_name(ts: TokenStream, session) -> Tuple[str, str]:
    db, name = ts.qualified_name()
    db = db or session.database
    if not db:
        raise analysis_error("No database selected")          # ErrorCode.ERR_NO_DB_ERROR
    return db, name


def _check_name(name: str) -> None:
    if not JOB_NAME_RE.match(name):
        raise analysis_error(f"Incorrect ROUTINE LOAD NAME name '{name}'")   # ERR_WRONG_NAME_FORMAT



def parse_load_properties(ts: TokenStream) -> Tuple[LoadDesc, Optional[str]]:
    """load_property [[,] load_property]... (§6.1). Returns the desc and the first
    buildLoadDesc error ("repeat setting of ..."), raised later in analyzer order."""
    desc = LoadDesc()
    err: Optional[str] = None

    def dup(attr, what):
        nonlocal err
        if getattr(desc, attr) is not None and err is None:
            err = f"repeat setting of {what}"

    while not (ts.at_end() or ts.at_kw("PROPERTIES", "FROM")):
        if ts.accept_kws("COLUMNS", "TERMINATED", "BY"):
            dup("column_separator", "column separator")
            desc.column_separator = ts.string()
        elif ts.accept_kws("ROWS", "TERMINATED", "BY"):
            dup("row_delimiter", "row delimiter")
            desc.row_delimiter = ts.string()
        elif ts.accept_kw("COLUMNS"):
            if not ts.at_op("("):
                raise syntax_error(ts.cur)
            dup("columns", "columns info")
            desc.columns = _skip_balanced(ts)[1:-1].strip()
        elif ts.accept_kw("WHERE"):
            dup("where", "where predicate")
            start = ts.cur.pos
            ExprParser(ts).parse()
            desc.where = ts.sql[start:ts.cur.pos].strip()
        elif ts.accept_kws("TEMPORARY", "PARTITION"):
            dup("partitions", "partition names")
            desc.partitions, desc.temporary_partitions = _ident_list(ts), True
        elif ts.accept_kw("PARTITION", "PARTITIONS"):
            dup("partitions", "partition names")
            desc.partitions = _ident_list(ts)
        else:
            raise syntax_error(ts.cur)
        ts.accept_op(",")
    return desc, err


def _kv_block(ts: TokenStream) -> dict:
    return _properties(ts) if ts.at_op("(") else {}


# ------------------------------------------------------------------------------------------------
# Manager
# ------------------------------------------------------------------------------------------------
class RoutineLoadManager:
    def __init__(self, srv):
        self.srv = srv
        self.lock = threading.RLock()
        self.jobs: Dict[int, Job] = {}
        self.runners: Dict[int, Any] = {}
        self.stopping = threading.Event()
        self.scale = float(getattr(srv.cfg, "routine_load_batch_interval_scale", 1.0))
        with srv.storage.lock:
            srv.storage.conn.executescript(
                "CREATE TABLE IF NOT EXISTS routine_load_jobs (id INTEGER PRIMARY KEY, data TEXT NOT NULL);")
        for (data,) in srv.storage.query("SELECT data FROM routine_load_jobs ORDER BY id"):
            job = Job.from_json(data)
            if job.state == RUNNING:
                # tasks do not survive an FE restart; the job is scheduled again from its progress
                job.state, job.current_task_num = NEED_SCHEDULE, 0
            self.jobs[job.id] = job

    # ---- lifecycle ----------------------------------------------------------------------------
    def register(self, engine) -> None:
        engine.register(("CREATE", "ROUTINE", "LOAD"), self._create)
        engine.register(("SHOW", "ROUTINE", "LOAD"), lambda e, s, ts: self._show(e, s, ts, False))
        engine.register(("SHOW", "ALL", "ROUTINE", "LOAD"), lambda e, s, ts: self._show(e, s, ts, True))
        engine.register(("PAUSE", "ROUTINE", "LOAD"), self._pause)
        engine.register(("RESUME", "ROUTINE", "LOAD"), self._resume)
        engine.register(("STOP", "ROUTINE", "LOAD"), self._stop)
        engine.register(("ALTER", "ROUTINE", "LOAD"), self._alter)

    def start(self) -> None:
        with self.lock:
            for job in self.jobs.values():
                if job.state == NEED_SCHEDULE:
                    self._schedule(job)

    def shutdown(self) -> None:
        self.stopping.set()
        with self.lock:
            runners = list(self.runners.values())
        for r in runners:
            r.cancel()
        for r in runners:
            r.join(5)

    def scheduler_interval(self) -> float:
        return SCHEDULER_INTERVAL_S * self.scale

    def _schedule(self, job: Job) -> None:
        """Start a runner thread for a NEED_SCHEDULE job (kafka_consumer.JobRunner)."""
        from .kafka_consumer import JobRunner
        old = self.runners.pop(job.id, None)
        if old is not None:
            old.cancel()
        job.generation += 1
        if self.stopping.is_set():
            return
        r = JobRunner(self, job.id, job.generation)
        self.runners[job.id] = r
        r.start()

    def _unschedule(self, job: Job) -> None:
        job.generation += 1
        r = self.runners.pop(job.id, None)
        if r is not None:
            r.cancel()

    # ---- persistence --------------------------------------------------------------------------
    def persist(self, job: Job, conn=None) -> None:
        data = job.to_json()
        if conn is not None:
            conn.execute("INSERT OR REPLACE INTO routine_load_jobs (id, data) VALUES (?, ?)", (job.id, data))
            return
        with self.srv.storage.transaction() as c:
            c.execute("INSERT OR REPLACE INTO routine_load_jobs (id, data) VALUES (?, ?)", (job.id, data))

    def _next_id(self) -> int:
        return self.srv.catalog.allocate_id()

    # ---- state changes (RoutineLoadJob.updateState) --------------------------------------------
    def set_state(self, job: Job, state: str, reason: Optional[List[Any]] = None, conn=None) -> None:
        """Caller holds self.lock."""
        if job.state == PAUSED and state == PAUSED:
            raise SqlError(f"Could not transform {job.state} to {state}")
        if job.is_final:
            raise SqlError(f"Could not transform {job.state} to {state}")
        now = time.time()
        job.state = state
        if state == PAUSED:
            job.pause_time, job.pause_reason, job.current_task_num = now, reason, 0
            self._unschedule(job)
        elif state == NEED_SCHEDULE:
            job.current_task_num = 0
            self._schedule(job)
        elif state in FINAL_STATES:
            job.end_time, job.current_task_num = now, 0
            if state == CANCELLED:
                job.cancel_reason = reason
            self._unschedule(job)
        self.persist(job, conn)

    def _find(self, db: str, name: str, include_history: bool = False) -> List[Job]:
        """RoutineLoadMgr.getJob(db, name, includeHistory): non-final first, then by id."""
        out = [j for j in self.jobs.values() if j.db == db and j.name == name and
               (include_history or not j.is_final)]
        return sorted(out, key=lambda j: (j.is_final, j.id))

    def _operable(self, db: str, name: str) -> Job:
        """RoutineLoadMgr.checkPrivAndGetJob."""
        if not self.srv.catalog.has_db(db):
            raise SqlError(f"failed to find database by dbFullName {db}")
        jobs = self._find(db, name)
        if not jobs:
            raise SqlError(f"There is not operable routine load job with name {name}")
        return jobs[0]

    # ---- CREATE ROUTINE LOAD --------------------------------------------------------------------
    def _create(self, engine, session, ts: TokenStream):
        job_db, name = _job_name(ts, session)
        ts.expect_kw("ON")
        table_name = ts.ident()
        desc, desc_err = parse_load_properties(ts)
        props = _properties(ts) if ts.accept_kw("PROPERTIES") else {}
        ts.expect_kw("FROM")
        type_name = ts.ident()
        src = _kv_block(ts)
        ts.expect_end()
        # CreateRoutineLoadAnalyzer.analyze
        _check_name(name)
        if desc_err:
            raise analysis_error(desc_err)
        analyzed = analyze_create_properties(props, session.variables.get("time_zone", "Asia/Shanghai"))
        ks = analyze_kafka_source(type_name, src, analyzed["format"])
        if analyzed["format"] == "avro":
            raise analysis_error("format avro is not supported by the stand-in")
        # KafkaRoutineLoadJob.fromCreateStmt
        cat = self.srv.catalog
        if not cat.has_db(job_db):
            raise SqlError(f"Unknown database '{job_db}'")                  # ERR_BAD_DB_ERROR
        table = cat.find_table(job_db, table_name)
        if table is None:
            raise SqlError(f"Unknown table '{table_name}'")                 # ERR_BAD_TABLE_ERROR
        self.check_plan(table, desc, analyzed)
        custom = [list(kv) for kv in ks.custom]
        if not any(k == "group.id" for k, _ in custom):
            custom.append(["group.id", f"{name}_{uuid.uuid4()}"])          # setDefaultKafkaGroupID
        d = dict(custom)
        default_offset = get_kafka_offset(d["kafka_default_offsets"]) if "kafka_default_offsets" in d else None
        custom_parts = [p for p, _ in ks.partition_offsets]
        if custom_parts:
            from .kafka_consumer import topic_partitions
            try:
                existing = topic_partitions(ks.broker_list, ks.topic, {k: v for k, v in custom
                                                                       if k != "kafka_default_offsets"})
            except Exception as e:
                raise SqlError(str(e)) from None
            for p in custom_parts:
                if p not in existing:
                    raise SqlError(f"there is a custom kafka partition {p} which is invalid for topic {ks.topic}")
        with self.lock:
            # RoutineLoadMgr.addRoutineLoadJob → isNameUsed: unique among non-final jobs of the db.
            # (3.x formats the db NAME here; older releases printed the db id – reference §6.1)
            if self._find(job_db, name):
                raise SqlError(f"Name {name} already used in db {job_db}")
            job = Job(id=self._next_id(), name=name, db=job_db, table=table.name, create_time=time.time(),
                      state=NEED_SCHEDULE, desc=desc, props=analyzed, broker_list=ks.broker_list, topic=ks.topic,
                      custom_partitions=custom_parts, progress={p: o for p, o in ks.partition_offsets},
                      custom_properties=custom, default_offset=default_offset,
                      current_partitions=list(custom_parts), schema_registry_url=ks.schema_registry_url)
            self.jobs[job.id] = job
            self.persist(job)
            self._schedule(job)
        return None

    def check_plan(self, table, desc: LoadDesc, props: Dict[str, Any]) -> None:
        """Plan the load once (columns / where / jsonpaths / merge condition) so mistakes fail the
        statement, as the FE's StreamLoadPlanner does."""
        from .stream_load import LoadFail, LoadSink
        try:
            LoadSink(load_spec(desc, props, "check"), table, False, None, 1)
        except LoadFail as e:
            raise SqlError(e.message) from None

    # ---- PAUSE / RESUME / STOP -------------------------------------------------------------------
    def _target(self, ts: TokenStream, session) -> Tuple[str, str]:
        ts.expect_kw("FOR")
        db, name = _job_name(ts, session)
        ts.expect_end()
        return db, name

    def _set_state_by_user(self, session, ts: TokenStream, state: str, reason=None):
        db, name = self._target(ts, session)
        with self.lock:
            self.set_state(self._operable(db, name), state, reason)
        return None

    def _pause(self, engine, session, ts: TokenStream):
        return self._set_state_by_user(session, ts, PAUSED, [ERR_MANUAL_PAUSE, f"User {session.user} pauses routine load job"])

    def _resume(self, engine, session, ts: TokenStream):
        return self._set_state_by_user(session, ts, NEED_SCHEDULE)

    def _stop(self, engine, session, ts: TokenStream):
        # Two spaces after "User", as StarRocks writes it.
        return self._set_state_by_user(session, ts, STOPPED, [ERR_MANUAL_STOP, f"User  {session.user} stop routine load job"])

    # ---- ALTER ROUTINE LOAD ----------------------------------------------------------------------
    def _alter(self, engine, session, ts: TokenStream):
        ts.expect_kw("FOR")
        db, name = _job_name(ts, session)
        desc, desc_err = parse_load_properties(ts)
        props = _properties(ts) if ts.accept_kw("PROPERTIES") else {}
        ks: Optional[KafkaSource] = None
        src: dict = {}
        type_name = None
        if ts.accept_kw("FROM"):
            type_name = ts.ident()
            src = _kv_block(ts)
        ts.expect_end()
        _check_name(name)
        if desc_err:
            raise analysis_error(desc_err)
        analyzed = analyze_alter_properties(props)
        if type_name is not None:
            ks = analyze_alter_kafka_source(type_name, src)
        has_src = ks is not None and (ks.partition_offsets or ks.custom or ks.schema_registry_url)
        has_desc = any(v is not None for k, v in desc.__dict__.items() if k != "temporary_partitions")
        if not analyzed and not has_src and not has_desc:
            raise analysis_error("No properties are specified")
        with self.lock:
            job = self._operable(db, name)
            if job.state != PAUSED:
                raise SqlError("Only supports modification of PAUSED jobs")   # RoutineLoadMgr.alterRoutineLoadJob
            if ks is not None and ks.partition_offsets:
                if job.custom_partitions:
                    for p, _ in ks.partition_offsets:
                        if p not in job.custom_partitions:
                            raise SqlError(f"The specified partition {p} is not in the custom partitions")
                else:
                    known = set(job.current_partitions) | set(job.progress)
                    for p, _ in ks.partition_offsets:
                        if p not in known:
                            raise SqlError("The specified partition is not in the consumed partitions ")
            new_desc = LoadDesc(**job.desc.to_json())
            for k, v in desc.__dict__.items():
                if v is not None and k != "temporary_partitions":
                    setattr(new_desc, k, v)
            if desc.partitions is not None:
                new_desc.temporary_partitions = desc.temporary_partitions
            new_props = dict(job.props)
            new_props.update(analyzed)
            table = self.srv.catalog.find_table(job.db, job.table)
            if table is not None and (has_desc or analyzed):
                self.check_plan(table, new_desc, new_props)
            job.desc, job.props = new_desc, new_props
            if ks is not None:
                for p, o in ks.partition_offsets:                  # KafkaProgress.modifyOffset
                    job.progress[p] = o
                if ks.custom:
                    cp = [list(kv) for kv in job.custom_properties]
                    for k, v in ks.custom:
                        cp = [kv for kv in cp if kv[0] != k] + [[k, v]]
                    job.custom_properties = cp
                    d = dict(cp)
                    if "kafka_default_offsets" in d:
                        job.default_offset = get_kafka_offset(d["kafka_default_offsets"])
                if ks.schema_registry_url:
                    job.schema_registry_url = ks.schema_registry_url
            self.persist(job)
        return None

    # ---- SHOW [ALL] ROUTINE LOAD -----------------------------------------------------------------
    def _show(self, engine, session, ts: TokenStream, include_history: bool):
        name = None
        db = None
        if ts.accept_kw("FOR"):
            db, name = ts.qualified_name()
        elif ts.accept_kw("FROM", "IN"):
            db = ts.ident()
        db = db or session.database
        if not db:
            raise analysis_error("No database selected")
        tail = ShowFilter.parse(ts)
        if not self.srv.catalog.has_db(db):
            raise SqlError(f"failed to find database by dbFullName {db}")
        with self.lock:
            if name is not None:
                jobs = self._find(db, name, include_history)
            else:
                jobs = [j for j in self.jobs.values() if j.db == db and (include_history or not j.is_final)]
                jobs.sort(key=lambda j: j.id)
            rows = [self.show_row(j) for j in jobs]
        rows = tail.apply(engine, session, SHOW_COLUMNS, rows, numeric=("Id", "CurrentTaskNum"))
        if name is not None and not rows:
            raise SqlError(f"There is no running job named {name} in db {db}. Include history? "
                           f"{'true' if include_history else 'false'}, you can try `show all routine load job for "
                           f"job_name` if you want to list stopped and cancelled jobs")
        return text_result(SHOW_COLUMNS, rows)

    def show_row(self, job: Job) -> List[str]:
        """RoutineLoadJob.getShowInfo (§6.4); all values are strings."""
        st = job.stats
        t = st["taskExecuteTimeMs"]
        loaded = st["totalRows"] - st["errorRows"] - st["unselectedRows"]
        statistic = [("totalRows", st["totalRows"]), ("loadedRows", loaded), ("errorRows", st["errorRows"]),
                     ("unselectedRows", st["unselectedRows"]), ("receivedBytes", st["receivedBytes"]),
                     ("taskExecuteTimeMs", t),
                     ("receivedBytesRate", (st["receivedBytes"] // t) * 1000 if t else 0),
                     ("loadRowsRate", (loaded // t) * 1000 if t else 0),
                     ("committedTaskNum", st["committedTaskNum"]), ("abortedTaskNum", st["abortedTaskNum"])]
        progress = []
        for p, v in job.progress.items():                       # KafkaProgress.getReadableProgress
            progress.append((p, "OFFSET_ZERO" if v == 0 else "OFFSET_END" if v == -1 else
                             "OFFSET_BEGINNING" if v == -2 else str(v - 1)))
        reason = ""
        if job.state == PAUSED:
            reason = error_reason(job.pause_reason)
        elif job.state == CANCELLED:
            reason = error_reason(job.cancel_reason)
        masked = [(k, "******" if ("password" in k or "secret" in k) else v) for k, v in job.custom_properties]
        ds = [("brokerList", job.broker_list), ("topic", job.topic),
              ("currentKafkaPartitions", ",".join(str(p) for p in sorted(job.current_partitions)))]
        if job.schema_registry_url:
            ds.append(("confluent.schema.registry.url", job.schema_registry_url))
        return [str(job.id), job.name, _time_str(job.create_time), _time_str(job.pause_time), _time_str(job.end_time),
                job.db, job.table, job.state, "KAFKA", str(job.current_task_num), self.job_properties(job),
                gson(ds), gson(masked), gson(statistic), gson(progress),
                gson([(p, str(v)) for p, v in job.timestamp_progress.items()]), reason,
                ", ".join(job.error_log_urls), TRACKING_SQL.format(job.id) if job.error_log_urls else "",
                job.other_msg, gson([(p, str(v)) for p, v in job.latest_position.items()])]

    @staticmethod
    def job_properties(job: Job) -> str:
        """RoutineLoadJob.jobPropertiesToJsonString (keys/values as in the docs example)."""
        p, d = job.props, job.desc
        cols = d.columns
        if cols:
            cols = ",".join(c.strip() for c in _split_top_level(cols))
        items = [
            ("partitions", ",".join(d.partitions) if d.partitions else "*"),
            ("rowDelimiter", f"'{d.row_delimiter}'" if d.row_delimiter is not None else "\t"),
            ("partial_update", str(p["partial_update"]).lower()),
            ("columnToColumnExpr", cols or ""),
            ("maxBatchIntervalS", str(p["max_batch_interval"])),
            ("partial_update_mode", str(p.get("partial_update_mode") or "null")),
            ("whereExpr", d.where or "*"),
            ("timezone", p["timezone"]),
            ("format", p["format"]),
            ("columnSeparator", f"'{d.column_separator}'" if d.column_separator is not None else "\t"),
            ("log_rejected_record_num", str(p["log_rejected_record_num"])),
            ("taskTimeoutSecond", str(p["task_timeout_second"])),
            ("json_root", p["json_root"] or ""),
            ("maxFilterRatio", repr(float(p["max_filter_ratio"]))),
            ("strict_mode", str(p["strict_mode"]).lower()),
            ("jsonpaths", p["jsonpaths"] or ""),
            ("taskConsumeSecond", str(p["task_consume_second"])),
            ("desireTaskConcurrentNum", str(p["desired_concurrent_number"])),
            ("maxErrorNum", str(p["max_error_number"])),
            ("strip_outer_array", str(p["strip_outer_array"]).lower()),
            ("currentTaskConcurrentNum", str(job.current_task_num)),
            ("maxBatchRows", str(p["max_batch_rows"])),
            ("pause_on_fatal_parse_error", str(bool(p.get("pause_on_fatal_parse_error"))).lower()),
        ]
        if p.get("merge_condition"):
            items.append(("merge_condition", p["merge_condition"]))
        return gson(items)


def _split_top_level(text: str) -> List[str]:
    out, depth, cur, q = [], 0, [], None
    for ch in text:
        if q:
            cur.append(ch)
            if ch == q:
                q = None
            continue
        if ch in "'\"`":
            q = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def load_spec(desc: LoadDesc, props: Dict[str, Any], label: str):
    """The Stream Load plan a Routine Load task uses (StreamLoadInfo.fromRoutineLoadJob): the
    same LoadSpec/LoadSink/RowMapper as Stream Load (§6.1 COLUMNS/WHERE, §2.2 __op)."""
    from .stream_load import LoadSpec
    return LoadSpec(
        label=label, label_given=True, fmt=props["format"],
        column_separator_raw=desc.column_separator, row_delimiter_raw=desc.row_delimiter,
        enclose=ord(props["enclose"]) if props.get("enclose") else None,
        escape=ord(props["escape"]) if props.get("escape") else None,
        trim_space=bool(props.get("trim_space")), columns=desc.columns, where=desc.where,
        max_filter_ratio=1.0, strict_mode=bool(props["strict_mode"]), timezone=props["timezone"],
        partial_update=bool(props["partial_update"]), merge_condition=props.get("merge_condition") or None,
        jsonpaths=props.get("jsonpaths") or None, json_root=props.get("json_root") or None,
        strip_outer_array=bool(props.get("strip_outer_array")))
