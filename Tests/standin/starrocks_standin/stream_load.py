"""Stream Load: header validation, planning, body parsing, commit/abort and the reply JSON
(reference §1.3, §1.4, §2, §3, §10.2).

Order of checks (all answer HTTP 200 with the Fail JSON, before any `100 Continue`):
  header time (TxnId -1; `_on_header` in be/src/http/action/stream_load.cpp):
    BE concurrency limit, Basic auth header, Content-Length limit, format, JSON size,
    compression/Content-Encoding, timeout, boolean headers, skip_header, log_rejected_record_num,
    partitions vs temporary_partitions, mem limits
  begin txn (FE loadTxnBegin; TxnId -1 on failure):
    password, label format, database, table, label uniqueness (→ Label Already Exists)
  plan (FE streamLoadPut; the txn exists, so TxnId is set and the txn is aborted):
    separators, enclose/escape, jsonpaths/json_root, columns, where, merge_condition
Then the body is read and parsed while it streams (CSV) or buffered (JSON); rows are staged and
applied atomically at commit.
"""
from __future__ import annotations

import base64
import bz2
import json
import os
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from . import profiles
from . import values as V
from .catalog import Table
from .expressions import ExpressionFailure
from .csv_format import (CsvOptions, CsvReader, CsvRowCounter, DelimiterError, decode_delimiter,
                         iter_fields_text)
from .json_format import JsonPathError, JsonRows, count_rows, extract, parse_jsonpath, parse_jsonpaths_header, _MISSING
from .labels import (ABORTED, COMMITTED, LABEL_RE, LabelAlreadyExists, TxnRecord, VISIBLE)
from .row_mapping import OK, UNSELECTED, PlanError, RowMapper, parse_columns, parse_where

PUBLISH_TIMEOUT_MSG = "transaction commit successfully, BUT data will be visible later"
# A plain Stream Load still running after its `timeout`: the load's fragment (query_timeout = timeout) is
# cancelled; seen on 3.2.4 (issue #43612) and 4.0 (ClickBench PR #740: LoadTimeMs 606016 at the default
# 600 s, all counters 0, LoadBytes = what arrived).
LOAD_TIMEOUT_MSG = "Cancelled because of runtime state is cancelled"
MAX_STREAM_LOAD_TIMEOUT_S = 259200                                        # FE max_stream_load_timeout_second
COMMIT_UNKNOWN_FMT = ("Commit transaction fail cause {}, Transaction status unknown, "
                      "you can retry with same label.")                       # stream_load_executor.cpp
FORMATS = ("csv", "json", "gzip", "bzip2", "lz4", "deflate", "zstd")
BOOL_HEADERS = {"strict_mode": "Invalid strict mode format. Must be bool type",
                "trim_space": "Invalid trim space format. Must be bool type",
                "partial_update": "Invalid partial update flag format. Must be bool type"}


class LoadFail(Exception):
    def __init__(self, message: str, status: str = "Fail"):
        super().__init__(message)
        self.message = message
        self.status = status


class LoadAborted(LoadFail):
    """An expression threw (assert_true, raise_error): the scan fails, so the whole load does –
    a Stream Load answers Fail, a Routine Load task is aborted (kafka_consumer)."""


def parse_basic_auth(value: Optional[str]) -> Optional[Tuple[str, str]]:
    """be/src/http/utils.cpp parse_basic_auth: prefix `Basic ` (case-sensitive), split at the
    first ':', `user@cluster` keeps the user part."""
    if not value or not value.startswith("Basic "):
        return None
    try:
        raw = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    if ":" not in raw:
        return None
    user, _, pw = raw.partition(":")
    if user.count("@") == 1:
        user = user.split("@", 1)[0]
    return user, pw


def _hdr(headers, name: str) -> Optional[str]:
    """Header value; http.server decodes header bytes as latin-1, re-decode them as UTF-8
    (curl sends UTF-8 separators / column names verbatim)."""
    v = headers.get(name)
    if v is None:
        return None
    v = str(v)
    try:
        return v.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return v


def _bool_header(headers, name: str) -> bool:
    v = _hdr(headers, name)
    if v is None or v == "":
        return False
    low = v.strip().lower()
    if low == "true":
        return True
    if low == "false":
        return False
    raise LoadFail(BOOL_HEADERS[name])


def _strtod(text: Optional[str]) -> float:
    """max_filter_ratio is parsed with strtod: garbage → 0 (§2)."""
    if text is None:
        return 0.0
    t = text.strip()
    best = 0.0
    for end in range(len(t), 0, -1):
        try:
            best = float(t[:end])
            break
        except ValueError:
            continue
    return best


@dataclass
class LoadSpec:
    label: str
    label_given: bool
    fmt: str = "csv"
    compression: Optional[str] = None
    column_separator: str = "\\x09"
    row_delimiter: str = "\\x0A"
    column_separator_raw: Optional[str] = None
    row_delimiter_raw: Optional[str] = None
    enclose: Optional[int] = None
    escape: Optional[int] = None
    skip_header: int = 0
    trim_space: bool = False
    columns: Optional[str] = None
    where: Optional[str] = None
    max_filter_ratio: float = 0.0
    strict_mode: bool = False
    timezone: str = "Asia/Shanghai"
    timeout: int = 600
    partial_update: bool = False
    merge_condition: Optional[str] = None
    jsonpaths: Optional[str] = None
    json_root: Optional[str] = None
    strip_outer_array: bool = False
    ignore_json_size: bool = False
    raw: Dict[str, str] = field(default_factory=dict)

    def signature(self) -> tuple:
        """Parameters that must be identical across transaction `load` calls (§4)."""
        return tuple(sorted((k, v) for k, v in self.raw.items()
                            if k not in ("label", "db", "table", "content-length", "transfer-encoding",
                                         "expect", "authorization", "host", "user-agent", "accept",
                                         "connection")))


SIG_HEADERS = ("format", "column_separator", "row_delimiter", "enclose", "escape", "skip_header",
               "trim_space", "columns", "where", "max_filter_ratio", "strict_mode", "timezone",
               "partial_update", "partial_update_mode", "merge_condition", "jsonpaths", "json_root",
               "strip_outer_array", "compression", "partitions", "temporary_partitions", "negative")


def parse_load_headers(headers, content_length: Optional[int], cfg, label_header: str = "label") -> LoadSpec:
    """Header-time validation (TxnId -1 on failure)."""
    raw = {k: _hdr(headers, k) for k in SIG_HEADERS if headers.get(k) is not None}
    label = _hdr(headers, label_header)
    given = bool(label)
    if not label:
        label = str(uuid.uuid4())                   # generate_uuid_string()
    limit = cfg.max_body_mb * 1024 * 1024
    if content_length is not None and content_length > limit:
        raise LoadFail(f"body size {content_length} exceed limit: {limit}, You can increase the limit "
                       f"by setting streaming_load_max_mb in be.conf.")
    fmt = (_hdr(headers, "format") or "csv").strip().lower()
    if fmt not in FORMATS:
        raise LoadFail(f"unknown data format, format={_hdr(headers, 'format')}")
    ignore_json_size = (_hdr(headers, "ignore_json_size") or "").strip().lower() == "true"
    json_limit = cfg.json_max_mb * 1024 * 1024
    if fmt == "json" and content_length is not None and content_length > json_limit and not ignore_json_size:
        raise LoadFail(f"The size of this batch exceed the max size [{json_limit}] of json type data "
                       f" data [{content_length}]. Set ignore_json_size to skip the check, although it "
                       f"may lead huge memory consuming.")
    comp = _hdr(headers, "compression")
    cenc = _hdr(headers, "Content-Encoding")
    if comp and cenc:
        raise LoadFail("Only one of http header content-encoding and compression can be set")
    compression = (comp or cenc or "").strip().lower() or None
    if compression in ("identity",):
        compression = None
    if compression and compression not in ("gzip", "bzip2", "deflate", "lz4_frame", "lz4", "zstd"):
        raise LoadFail(f"Unsupported compression algorithm: {compression}")
    timeout = 600
    t = _hdr(headers, "timeout")
    if t is not None and t != "":
        try:
            timeout = int(t.strip())
            if timeout < 0:
                raise ValueError
        except ValueError:
            raise LoadFail("Invalid timeout format") from None
    flags = {k: _bool_header(headers, k) for k in BOOL_HEADERS}
    skip_header = 0
    sh = _hdr(headers, "skip_header")
    if sh:
        try:
            skip_header = int(sh.strip())
        except ValueError:
            raise LoadFail(f"Invalid skip_header format: {sh}") from None
        if skip_header < 0:
            raise LoadFail(f"skip_header must be greater than or equal to 0, but got {skip_header}")
    lr = _hdr(headers, "log_rejected_record_num")
    if lr:
        try:
            lrn = int(lr.strip())
        except ValueError:
            raise LoadFail(f"Invalid log_rejected_record_num format: {lr}") from None
        if lrn < -1:
            raise LoadFail(f"log_rejected_record_num should be >= -1, but got {lrn}")
    if _hdr(headers, "partitions") and _hdr(headers, "temporary_partitions"):
        raise LoadFail("Can not specify both partitions and temporary partitions")
    for k in ("load_mem_limit", "exec_mem_limit"):
        v = _hdr(headers, k)
        if v:
            try:
                n = int(v.strip())
            except ValueError:
                raise LoadFail(f"Invalid {k} format: {v}") from None
            if (k == "load_mem_limit" and n < 0) or (k == "exec_mem_limit" and n <= 0):
                raise LoadFail(f"Invalid {k}: {v}")

    def one_byte(name):
        v = headers.get(name)
        if v is None or v == "":
            return None
        return str(v).encode("latin-1", "replace")[0]   # first byte of the raw header value (§2)

    return LoadSpec(
        label=label, label_given=given, fmt=fmt, compression=compression,
        column_separator_raw=_hdr(headers, "column_separator"),
        row_delimiter_raw=_hdr(headers, "row_delimiter"),
        enclose=one_byte("enclose"), escape=one_byte("escape"), skip_header=skip_header,
        trim_space=flags["trim_space"], columns=_hdr(headers, "columns"), where=_hdr(headers, "where"),
        max_filter_ratio=_strtod(_hdr(headers, "max_filter_ratio")), strict_mode=flags["strict_mode"],
        timezone=_hdr(headers, "timezone") or "Asia/Shanghai", timeout=timeout,
        partial_update=flags["partial_update"], merge_condition=_hdr(headers, "merge_condition") or None,
        jsonpaths=_hdr(headers, "jsonpaths"), json_root=_hdr(headers, "json_root"),
        strip_outer_array=(_hdr(headers, "strip_outer_array") or "").strip().lower() == "true",
        ignore_json_size=ignore_json_size, raw=raw)


class _Frames:
    """One codec's members/frames back to back, each decoded by a fresh decompressor like the BE's
    decompressors reset at a stream end (a streaming compressor that flushes per chunk emits many)."""

    def __init__(self, factory):
        self.factory = factory
        self.d = factory()
        self.open = False                 # input taken by a member that has not ended

    def decompress(self, b: bytes) -> bytes:
        out = []
        while b:
            out.append(self.d.decompress(b))
            self.open = not self.d.eof
            if self.open:
                break
            b = self.d.unused_data
            self.d = self.factory()
        return b"".join(out)


def _codec(algo: str):
    if algo == "gzip":
        return lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)
    if algo == "deflate":
        return lambda: zlib.decompressobj(zlib.MAX_WBITS)
    if algo == "bzip2":
        return bz2.BZ2Decompressor
    if algo in ("lz4", "lz4_frame"):              # FORMAT_CSV_LZ4_FRAME: the LZ4 frame format
        import lz4.frame
        return lz4.frame.LZ4FrameDecompressor
    if algo == "zstd":
        import zstandard
        return zstandard.ZstdDecompressor().decompressobj
    raise LoadFail(f"Unsupported compression algorithm: {algo}")


class _Decompressor:
    def __init__(self, algo: str):
        self.algo = algo
        self.frames = _Frames(_codec(algo))

    def feed(self, b: bytes) -> bytes:
        try:
            return self.frames.decompress(b)
        except Exception as e:           # zlib.error, OSError, EOFError, lz4/zstd errors: a corrupt body
            raise LoadFail(f"Failed to decompress data: {e}") from None

    def finish(self) -> bytes:
        if self.frames.open:             # the body ended inside a member (text UNCONFIRMED)
            raise LoadFail(f"Failed to decompress data: the {self.algo} stream is truncated")
        return b""


class LoadSink:
    """Parses the (decompressed) body into staged row operations and counters.
    One sink per Stream Load, or per transaction for the transaction API (all `load` calls of a
    transaction feed the same sink, like the BE's single pipe)."""

    def __init__(self, spec: LoadSpec, table: Table, discard: bool, stats, error_log_lines: int):
        self.spec = spec
        self.table = table
        self.schema_version = table.schema_version       # rows are built for this schema (ALTER TABLE)
        self.discard = discard
        self.stats = stats
        self.max_err = error_log_lines
        self.ops: List[tuple] = []
        self.total = self.loaded = self.filtered = self.unselected = 0
        self.errors: List[str] = []
        self.json_buf: List[bytes] = []
        self.json_len = 0
        self._buffered = 0
        fmt = spec.fmt
        self.is_json = fmt == "json"
        algo = spec.compression
        if fmt in ("gzip", "bzip2", "lz4", "deflate", "zstd"):
            algo = fmt
        self.decomp = _Decompressor(algo) if algo else None
        try:
            sep = decode_delimiter(spec.column_separator_raw, "column separator") \
                if spec.column_separator_raw is not None else b"\t"
            dl = decode_delimiter(spec.row_delimiter_raw, "row delimiter") \
                if spec.row_delimiter_raw is not None else b"\n"
        except DelimiterError as e:
            raise LoadFail(str(e)) from None
        self.csv_opts = CsvOptions(sep, dl, spec.enclose, spec.escape, spec.trim_space, spec.skip_header)
        self.json_paths = None
        self.json_root = None
        if self.is_json:
            try:
                if spec.jsonpaths:
                    self.json_paths = parse_jsonpaths_header(spec.jsonpaths)
                if spec.json_root:
                    self.json_root = parse_jsonpath(spec.json_root)
            except JsonPathError as e:
                raise LoadFail(str(e)) from None
        self.mapper: Optional[RowMapper] = None
        if not discard:
            try:
                cols = parse_columns(spec.columns) if spec.columns and spec.columns.strip() else None
                where = parse_where(spec.where)
                self.mapper = RowMapper(table, cols, where, strict=spec.strict_mode,
                                        partial_update=spec.partial_update, is_json=self.is_json,
                                        timezone=spec.timezone, merge_condition=spec.merge_condition)
            except PlanError as e:
                raise LoadFail(str(e)) from None
        if self.is_json:
            self.reader = None
        elif discard:
            self.reader = CsvRowCounter(self.csv_opts)
        else:
            self.reader = CsvReader(self.csv_opts)

    # ------------------------------------------------------------------------------------------
    def _set_buffered(self, n: int) -> None:
        if self.stats is not None:
            self.stats.buffered_delta(n - self._buffered)
        self._buffered = n

    def feed(self, data: bytes) -> None:
        if self.decomp is not None:
            data = self.decomp.feed(data)
        self._feed_plain(data)

    def _feed_plain(self, data: bytes) -> None:
        if not data:
            return
        if self.is_json:
            self.json_buf.append(bytes(data))
            self.json_len += len(data)
            self._set_buffered(self.json_len)
            return
        if self.discard:
            self.reader.feed(data)
            self._set_buffered(self.reader.buffered)
            return
        recs = self.reader.feed(data)
        self._set_buffered(self.reader.buffered)
        self._csv_records(recs)

    def finish(self) -> None:
        if self.decomp is not None:
            self._feed_plain(self.decomp.finish())
        if self.is_json:
            body = b"".join(self.json_buf)
            self.json_buf = []
            if self.discard:
                n = count_rows(body, self.spec.strip_outer_array, self.json_root)
                self.total += n
                self.loaded += n
            else:
                self._json_rows(body)
            self._set_buffered(0)
            return
        if self.discard:
            self.reader.finish()
            self.total = self.loaded = self.reader.rows
            self._set_buffered(0)
            return
        self._csv_records(self.reader.finish())
        self._set_buffered(0)

    def release(self) -> None:
        self._set_buffered(0)
        self.ops = []

    def _error(self, reason: str, raw: str) -> None:
        self.filtered += 1
        if len(self.errors) < self.max_err:
            self.errors.append(f"Error: {reason}. Row: {raw}")

    def _csv_records(self, recs) -> None:
        m = self.mapper
        n = m.n_fields
        for fields, raw in recs:
            self.total += 1
            texts = iter_fields_text(fields)
            if texts is None:
                self._error("Invalid UTF-8 row", raw.decode("utf-8", "replace"))
                continue
            if len(texts) != n:
                self._error(f"Target column count: {n} doesn't match source value column count: {len(texts)}. "
                            f"Column separator: {_asc(self.csv_opts.column_sep)}, Row delimiter: {_asc(self.csv_opts.row_delim)}",
                            raw.decode("utf-8"))
                continue
            vals = [None if t == "\\N" else t for t in texts]     # `\N` (whole field) is NULL (§2.1)
            self._map(vals, raw)

    def _map(self, vals, raw) -> None:
        try:
            kind, payload = self.mapper.map(vals)
        except ExpressionFailure as e:
            raise LoadAborted(f"Expr evaluate meet error: {e.message}") from None
        if kind == OK:
            self.loaded += 1
            self.ops.append(payload)
        elif kind == UNSELECTED:
            self.unselected += 1
        else:
            self._error(payload, raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)

    def _json_rows(self, body: bytes) -> None:
        m = self.mapper
        names = m.source_names
        for obj, err, raw in JsonRows(self.spec.strip_outer_array, self.json_root).rows(body):
            self.total += 1
            if err is not None:
                self._error(err, raw)
                continue
            if self.json_paths is not None:
                vals = []
                for i, name in enumerate(names):
                    if i < len(self.json_paths):
                        v = extract(obj, self.json_paths[i])
                        vals.append(None if v is _MISSING else v)
                    else:
                        vals.append(None)
            else:
                if not isinstance(obj, dict):
                    self._error("JSON data is not an object", raw)
                    continue
                lower = None
                vals = []
                for name in names:
                    if name in obj:
                        vals.append(obj[name])
                    else:
                        if lower is None:
                            lower = {k.lower(): v for k, v in obj.items()}
                        vals.append(lower.get(name.lower()))
            self._map(vals, raw)

    def counts(self) -> Dict[str, int]:
        return {"NumberTotalRows": self.total, "NumberLoadedRows": self.loaded,
                "NumberFilteredRows": self.filtered, "NumberUnselectedRows": self.unselected}


def _asc(delimiter: bytes) -> str:
    """string_2_asc (be/src/exec/csv_scanner.cpp): how an error log shows a separator."""
    out = "".join("\\n" if b == 10 else "\\t" if b == 9 else chr(b) if 32 <= b < 127 else f"0x{b:x}"
                  for b in delimiter)
    return f"'{out}'"


def result_json(d: Dict[str, Any]) -> str:
    """Pretty-printed 4-space JSON like rapidjson's PrettyWriter (§3.2)."""
    return json.dumps(d, indent=4, ensure_ascii=False)


class StreamLoadJob:
    """One PUT /api/{db}/{table}/_stream_load on a BE."""

    def __init__(self, srv, be_index: int, db: str, table_name: str, headers, content_length: Optional[int],
                 client_ip: str):
        self.srv = srv
        self.cfg = srv.cfg
        self.be_index = be_index
        self.db = db
        self.table_name = table_name
        self.headers = headers
        self.content_length = content_length
        self.client_ip = client_ip
        self.t0 = time.monotonic()
        self.txn: Optional[TxnRecord] = None
        self.table: Optional[Table] = None
        self.sink: Optional[LoadSink] = None
        self.spec: Optional[LoadSpec] = None
        self.label = headers.get("label") or ""
        self.status = "Fail"
        self.message = ""
        self.existing: Optional[str] = None
        self.load_bytes = 0
        self.begin_ms = self.plan_ms = self.read_ms = self.write_ms = self.commit_ms = 0
        self.error_url: Optional[str] = None
        self.hits = srv.faults.on_load()
        self.done = False
        self.started_counted = False
        self.timed_out = False
        self._watchdog: Optional[threading.Timer] = None
        self._decide = threading.RLock()       # the watchdog never aborts a load that is committing

    # ------------------------------------------------------------------------------------------
    def start(self) -> Optional[str]:
        """Header validation, txn begin and planning. Returns the final reply JSON on failure."""
        srv = self.srv
        srv.stats.load_started()
        self.started_counted = True
        try:
            maxc = srv.faults.get("max_concurrent_loads")
            if self.hits.get("busy_nth_load") or (maxc is not None and srv.stats.concurrent_loads > int(maxc)):
                raise LoadFail(f"Stream Load exceed http cuncurrent limit {maxc if maxc is not None else 0}, "
                               f"please try again later")
            auth = parse_basic_auth(self.headers.get("Authorization"))
            if auth is None:
                raise LoadFail("no valid Basic authorization")
            self.spec = parse_load_headers(self.headers, self.content_length, self.cfg)
            self.label = self.spec.label
            # ---- begin (FE loadTxnBegin) ----
            tb = time.monotonic()
            user, pw = auth
            if not srv.check_password(user, pw):
                raise LoadFail(f"Access denied for {user}@{self.client_ip}")
            if not LABEL_RE.match(self.label):
                raise LoadFail(f"Label format error. regex: ^[-\\w]{{1,128}}$, label: {self.label}")
            if not srv.catalog.has_db(self.db):
                raise LoadFail(f"unknown database, database={self.db}")
            table = srv.catalog.find_table(self.db, self.table_name)
            if table is None:
                raise LoadFail(f"unknown table \"{self.db}.{self.table_name}\"")
            self.table = table
            if not 1 <= self.spec.timeout <= MAX_STREAM_LOAD_TIMEOUT_S:
                # FE StreamLoadTask (3.1/3.2 wording, issue #36869 / PR #34544); the task id is a new FE id
                raise LoadFail(f"STREAM_LOAD_TASK:{srv.labels.next_id}, label{{{self.label}}}, error_msg{{cancel "
                               f"stream task for exception: Invalid timeout. Timeout should between 1 and "
                               f"{MAX_STREAM_LOAD_TIMEOUT_S} seconds}}")
            try:
                self.txn = srv.labels.begin(self.db, self.label, table.name, be=self.be_index,
                                            kind="stream_load", timeout=self.spec.timeout)
            except LabelAlreadyExists as e:
                self.status = "Label Already Exists"
                self.existing = e.rec.existing_job_status
                self.message = f"Label [{self.label}] has already been used."
                return self._final(aborted=False)
            self.begin_ms = int((time.monotonic() - tb) * 1000)
            # ---- plan (FE streamLoadPut) ----
            tp = time.monotonic()
            self.sink = LoadSink(self.spec, table, self.cfg.discard, srv.stats, self.cfg.error_log_lines)
            self.plan_ms = int((time.monotonic() - tp) * 1000)
            self.read_t0 = time.monotonic()
            self._watchdog = threading.Timer(self.spec.timeout - (time.monotonic() - self.t0), self._time_out)
            self._watchdog.daemon = True
            self._watchdog.start()
            return None
        except LoadFail as e:
            self.status = e.status
            self.message = e.message
            return self._final(aborted=self.txn is not None)

    def feed(self, data: bytes) -> None:
        self.load_bytes += len(data)
        if self.sink is not None and not self.done and not self.timed_out:
            self.sink.feed(data)          # LoadFail (e.g. bad gzip) propagates to the handler

    def _time_out(self) -> None:
        """The `timeout` elapsed before the load finished: the transaction is aborted at once (the label
        is reusable); what still arrives is read and dropped (on_chunk_data returns early once the
        context failed) and the reply goes out when the body ends."""
        with self._decide:
            if self.done or self.timed_out:
                return
            self.timed_out = True
            if self.txn is not None:
                self.srv.labels.abort(self.txn, LOAD_TIMEOUT_MSG)

    def abort(self, reason: str) -> None:
        """Client went away (or we reset it): roll back; the label becomes reusable (§1.4)."""
        if self.done:
            return
        self.status, self.message = "Fail", reason
        self._final(aborted=True, reply=False)

    def fail(self, message: str, status: str = "Fail") -> str:
        self.status, self.message = status, message
        return self._final(aborted=True)

    def finish(self) -> str:
        """Body complete: decide, commit or abort, and build the reply."""
        with self._decide:
            return self._finish()

    def _finish(self) -> str:
        srv = self.srv
        self.read_ms = int((time.monotonic() - self.read_t0) * 1000)
        if self.timed_out or time.monotonic() - self.t0 > self.spec.timeout:
            self.timed_out = True
            return self.fail(LOAD_TIMEOUT_MSG)
        sink = self.sink
        try:
            tw = time.monotonic()
            sink.finish()
            self.write_ms = int((time.monotonic() - tw) * 1000)
        except LoadFail as e:
            return self.fail(e.message, e.status)
        if sink.filtered > 0 and sink.errors:
            self.error_url = srv.save_error_log(self.be_index, self.txn.txn_id, sink.errors)
        denom = sink.total - sink.unselected
        if sink.filtered > 0 and (denom <= 0 or sink.filtered / denom > self.spec.max_filter_ratio):
            return self.fail("too many filtered rows")           # exact text, §2 max_filter_ratio
        if sink.loaded == 0 and self.cfg.empty_load_as_error:
            return self.fail(profiles.current().empty_load_message)
        if self.hits.get("fail_nth_load"):
            return self.fail(str(self.hits.get("param_message", "injected failure (stand-in fault fail_nth_load)")),
                             str(self.hits.get("param_status", "Fail")))
        tc = time.monotonic()
        publish_later = bool(self.hits.get("publish_timeout_nth"))
        try:
            srv.commit_load(self.table, self.txn, sink.ops, publish_later, self.spec.merge_condition,
                            sink.schema_version)
        except Exception as e:   # storage problems → the load fails, nothing visible
            return self.fail(f"Commit transaction failed: {e}")
        self.commit_ms = int((time.monotonic() - tc) * 1000)
        if self.hits.get("commit_fail_but_committed_nth"):
            cause = self.hits.get("param_commit_fail_cause", "TTransportException: Read timed out")
            self.status, self.message = "Fail", COMMIT_UNKNOWN_FMT.format(cause)
        elif publish_later:
            self.status, self.message = "Publish Timeout", PUBLISH_TIMEOUT_MSG
        else:
            self.status, self.message = "Success", "OK"
        return self._final(aborted=False, committed=True)

    # ------------------------------------------------------------------------------------------
    def _final(self, aborted: bool, committed: bool = False, reply: bool = True) -> Optional[str]:
        if self.done:
            return self.reply_text() if reply else None
        self.done = True
        if self._watchdog is not None:
            self._watchdog.cancel()
        srv = self.srv
        if aborted and self.txn is not None and self.txn.state not in (VISIBLE, COMMITTED, ABORTED):
            srv.labels.abort(self.txn, self.message)
        if self.sink is not None:
            self.sink.release()
        if self.started_counted:
            srv.stats.load_ended()
            self.started_counted = False
        counts = self.sink.counts() if self.sink is not None else {}
        srv.stats.outcome(self.db, self.label, self.txn.txn_id if self.txn else -1, self.status, self.message,
                          committed, aborted and self.txn is not None, counts, self.load_bytes)
        return self.reply_text() if reply else None

    def reply_dict(self) -> Dict[str, Any]:
        c = self.sink.counts() if (self.sink is not None and self.existing is None and not self.timed_out) else {
            "NumberTotalRows": 0, "NumberLoadedRows": 0, "NumberFilteredRows": 0, "NumberUnselectedRows": 0}
        d: Dict[str, Any] = {"TxnId": self.txn.txn_id if (self.txn and self.existing is None) else -1,
                             "Label": self.label, "Status": self.status}
        if self.existing is not None:
            d["ExistingJobStatus"] = self.existing
        d["Message"] = self.message
        d.update(c)
        d["LoadBytes"] = self.load_bytes
        d["LoadTimeMs"] = int((time.monotonic() - self.t0) * 1000)
        d["BeginTxnTimeMs"] = self.begin_ms
        d["StreamLoadPlanTimeMs"] = self.plan_ms
        d["ReadDataTimeMs"] = self.read_ms
        d["WriteDataTimeMs"] = self.write_ms
        d["CommitAndPublishTimeMs"] = self.commit_ms
        if self.error_url:
            d["ErrorURL"] = self.error_url
        return d

    def reply_text(self) -> str:
        return result_json(self.reply_dict())
