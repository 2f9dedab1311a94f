"""ALTER TABLE … ADD / DROP / MODIFY COLUMN and SHOW ALTER TABLE COLUMN, with StarRocks' rules and texts.

Sources: fe/…/alter/SchemaChangeHandler.java (processAddColumn(s), processDropColumn, processModifyColumn,
addColumnInternal, checkAndAddColumn, finalAnalyze), catalog/Column.checkSchemaChangeAllowed,
catalog/ColumnType (the type matrix and the DECIMAL v3 rule), OlapTable.checkNormalStateForAlter;
StarRocks' results test/sql/test_fast_schema_evolution/R/*.

* Shared-nothing, `fast_schema_evolution` (table property; FE enable_fast_schema_evolution = true):
  ADD/DROP of value columns is applied at once, no job (R/test_varchar_widen_native counts jobs before
  and after). A key column added or dropped, MODIFY COLUMN (fast only in shared-data mode), or a table
  with fast_schema_evolution=false runs a SchemaChangeJobV2: PENDING → WAITING_TXN → RUNNING →
  FINISHED, shown by SHOW ALTER TABLE COLUMN; meanwhile the table is not NORMAL and every other ALTER
  fails; loads go on and their rows are converted with the rest when the job finishes.
* Existing rows get the new column's default (NULL when it has none); DESC and information_schema
  show the new schema once it is applied.
* Errors are the FE's DdlException texts, bare (MySQL 1064), e.g. `Can not modify key column: k for
  primary key table`, `Cannot shorten string length`, `Can not change INT to DATETIME`.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Tuple

from . import values as V
from .catalog import DUPLICATE, PRIMARY, UNIQUE, Column, Table, TableDef
from .ddl import _column_def, _default_text
from .query import text_result
from .show_filter import ShowFilter
from .sqltokens import SqlError, TokenStream, analysis_error, syntax_error

SHOW_COLUMNS = ["JobId", "TableName", "CreateTime", "FinishTime", "IndexName", "IndexId", "OriginIndexId",
                "SchemaVersion", "TransactionId", "State", "Msg", "Progress", "Timeout"]
ALTER_TABLE_TIMEOUT_S = 86400                         # Config.alter_table_timeout_second
FORBIDDEN_PK_COLUMNS = ("__op", "__row")               # FeNameFormat.FORBIDDEN_COLUMN_NAMES (UNCONFIRMED list)
STATES = ("PENDING", "WAITING_TXN", "RUNNING", "FINISHED")

# ColumnType.schemaChangeMatrix (besides X → X): what MODIFY COLUMN may turn a type into
_MATRIX = {
    "TINYINT": {"SMALLINT", "INT", "BIGINT", "LARGEINT", "DOUBLE", "VARCHAR"},
    "SMALLINT": {"INT", "BIGINT", "LARGEINT", "DOUBLE", "VARCHAR"},
    "INT": {"BIGINT", "LARGEINT", "DOUBLE", "DATE", "VARCHAR"},
    "BIGINT": {"LARGEINT", "DOUBLE", "VARCHAR"},
    "LARGEINT": {"VARCHAR"},
    "FLOAT": {"DOUBLE", "VARCHAR"},
    "DOUBLE": {"VARCHAR"},
    "CHAR": {"VARCHAR", "CHAR"},
    "JSON": {"VARCHAR"},
    "VARCHAR": {"JSON", "TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT", "FLOAT", "DOUBLE", "DATE"},
    "DATETIME": {"DATE"},
    "DATE": {"DATETIME"},
}


def _primitive(t: V.ColumnType) -> str:
    return "VARCHAR" if t.name == "STRING" else t.name


def type_label(t: V.ColumnType) -> str:
    """Type.toString() as it appears in `Can not change X to Y` (DECIMAL v3 by its storage width)."""
    n = _primitive(t)
    if n == "DECIMAL":
        width = 32 if t.precision <= 9 else 64 if t.precision <= 18 else 128 if t.precision <= 38 else 256
        return f"DECIMAL{width}({t.precision},{t.scale})"
    if n in ("CHAR", "VARCHAR"):
        return f"{n}({t.max_bytes})"
    if n == "ARRAY":
        return f"ARRAY<{type_label(t.item)}>"
    return n


def schema_change_allowed(old: V.ColumnType, new: V.ColumnType) -> bool:
    """ColumnType.isSchemaChangeAllowed (+ isSchemaChangeAllowedInvolvingDecimalV3)."""
    a, b = _primitive(old), _primitive(new)
    if a == "DECIMAL" or b == "DECIMAL":
        if a == "DECIMAL" and b == "VARCHAR":
            return old.precision + 2 <= new.max_bytes          # getMysqlResultSetFieldLength ≤ length
        if a == "DECIMAL" and b == "DECIMAL":
            return old.scale <= new.scale and old.precision - old.scale <= new.precision - new.scale
        return a == "VARCHAR"
    if a == "ARRAY" or b == "ARRAY":
        return old == new
    return a == b or b in _MATRIX.get(a, ())


def column_sql(c: Column) -> str:
    """Column.toSql(), quoted in `Can not add column which already exists in column id` messages."""
    s = f"`{c.name}` {c.type.sql()} {'NULL' if c.nullable else 'NOT NULL'}"
    d = _default_text(c)
    if d is not None:
        s += " DEFAULT CURRENT_TIMESTAMP" if c.default_kind == "current_timestamp" else f' DEFAULT "{d}"'
    return s + f' COMMENT "{c.comment}"'


def _same_column(a: Column, b: Column) -> bool:
    return (a.name.lower() == b.name.lower() and a.type == b.type and a.nullable == b.nullable
            and a.is_key == b.is_key and (a.default_kind, a.default) == (b.default_kind, b.default)
            and a.comment == b.comment)


# ------------------------------------------------------------------------------------------------
@dataclass
class Clause:
    kind: str                                   # add | drop | modify
    columns: List[Tuple[Column, bool, Optional[str]]] = field(default_factory=list)   # (column, KEY, agg)
    name: str = ""                              # drop
    after: Optional[str] = None
    first: bool = False


@dataclass
class AlterJob:
    job_id: int
    db: str
    table: str
    table_id: int
    index_id: int
    create_time: float
    schema_version: int
    txn_id: int
    tdef: dict                                  # the new schema
    plan: List[Optional[int]]                   # per new column: old index or None (default)
    state: str = "PENDING"
    finish_time: float = 0.0
    msg: str = ""

    def row(self) -> List[str]:
        def ts(x):
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(x)) if x else "NULL"
        return [str(self.job_id), self.table, ts(self.create_time), ts(self.finish_time), self.table,
                str(self.index_id), str(self.table_id), f"{self.schema_version}:{(self.index_id * 7919) & 0x7fffffff}",
                str(self.txn_id), self.state, self.msg, "NULL", str(ALTER_TABLE_TIMEOUT_S)]


class SchemaChanges:
    def __init__(self, srv):
        self.srv = srv
        self.lock = threading.RLock()
        self.jobs: List[AlterJob] = [AlterJob(**d) for d in json.loads(srv.storage.get_meta("alter_jobs", "[]"))]
        self.seconds = float(getattr(srv.cfg, "schema_change_seconds", 1.0))
        self._timers: List[threading.Timer] = []
        for job in self.jobs:                                 # unfinished at the last stop: carry on
            if job.state not in ("FINISHED", "CANCELLED"):
                self._advance_later(job)

    def register(self, engine) -> None:
        engine.register(("ALTER", "TABLE"), self._alter)
        engine.register(("SHOW", "ALTER", "TABLE", "COLUMN"), self._show)

    def shutdown(self) -> None:
        for t in self._timers:
            t.cancel()

    def _persist(self) -> None:
        self.srv.storage.set_meta("alter_jobs", json.dumps([j.__dict__ for j in self.jobs]))

    # ---- parsing ---------------------------------------------------------------------------------
    def _column_def(self, ts: TokenStream) -> Tuple[Column, bool, Optional[str]]:
        """ddl._column_def over the column definition alone (it stops at ',' / ')'; the clause may go
        on with AFTER/FIRST); KEY is kept (it decides key vs value column here)."""
        start = ts.cur
        depth = 0
        while not ts.at_end():
            if ts.at_op("(", "<"):
                depth += 1
            elif ts.at_op(")", ">"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (ts.at_op(",") or ts.at_kw("AFTER", "FIRST", "TO", "FROM", "IN", "PROPERTIES")):
                break
            ts.next()
        text = ts.sql[start.pos:ts.cur.pos] if not ts.at_end() else ts.sql[start.pos:]
        sub = TokenStream(text + ")")
        col, agg, _ = _column_def(sub)
        key = any(t.is_kw("KEY") for t in sub.toks)
        return col, key, agg

    def _position(self, ts: TokenStream, clause: Clause) -> None:
        if ts.accept_kw("AFTER"):
            clause.after = ts.ident()
        elif ts.accept_kw("FIRST"):
            clause.first = True
        if ts.accept_kw("TO", "FROM", "IN"):
            raise analysis_error("Rollup indexes are not supported by the stand-in")
        if ts.accept_kw("PROPERTIES"):
            from .ddl import _properties
            _properties(ts)

    def _clauses(self, ts: TokenStream) -> List[Clause]:
        out = []
        while True:
            if ts.accept_kw("ADD"):
                ts.accept_kw("COLUMN")
                c = Clause("add")
                if ts.accept_op("("):
                    while True:
                        c.columns.append(self._column_def(ts))
                        if ts.accept_op(")"):
                            break
                        ts.expect_op(",")
                else:
                    c.columns.append(self._column_def(ts))
                self._position(ts, c)
            elif ts.accept_kw("DROP"):
                if not ts.accept_kw("COLUMN"):
                    raise analysis_error("Only ADD/DROP/MODIFY COLUMN are supported by the stand-in's ALTER TABLE")
                c = Clause("drop", name=ts.ident())
                self._position(ts, c)
            elif ts.accept_kw("MODIFY"):
                if not ts.accept_kw("COLUMN"):
                    raise analysis_error("Only ADD/DROP/MODIFY COLUMN are supported by the stand-in's ALTER TABLE")
                c = Clause("modify")
                c.columns.append(self._column_def(ts))
                self._position(ts, c)
            else:
                raise analysis_error("Only ADD/DROP/MODIFY COLUMN are supported by the stand-in's ALTER TABLE")
            out.append(c)
            if not ts.accept_op(","):
                break
        ts.expect_end()
        return out

    # ---- ALTER TABLE -----------------------------------------------------------------------------
    def _alter(self, engine, session, ts: TokenStream):
        db, name = ts.qualified_name()
        db = db or session.require_db()
        clauses = self._clauses(ts)
        srv = self.srv
        with self.lock:
            table = srv.catalog.get_table(db, name)
            if any(j.table_id == table.id and j.state not in ("FINISHED", "CANCELLED") for j in self.jobs):
                raise SqlError(f"Table[{table.name}]'s state is not NORMAL. Do not allow doing ALTER ops")
            cols = [Column(**{**c.__dict__}) for c in table.columns]          # working copy
            origin = [c.name.lower() for c in table.columns]
            added: set = set()
            fast = table.tdef.properties.get("fast_schema_evolution", "true").lower() == "true"
            for cl in clauses:
                if cl.kind == "add":
                    for col, key, agg in cl.columns:
                        fast &= self._add(table, cols, col, key, agg, cl, added)
                elif cl.kind == "drop":
                    fast &= self._drop(table, cols, cl.name)
                else:
                    col, key, agg = cl.columns[0]
                    self._modify(table, cols, col, key, agg, cl)
                    fast = False            # fast only for MODIFY in shared-data mode
            self._final_check(table, cols)
            plan = [origin.index(c.name.lower()) if c.name.lower() in origin and c.name.lower() not in added
                    else None for c in cols]
            if [c.name for c in cols] == [c.name for c in table.columns] and all(
                    _same_column(a, b) for a, b in zip(cols, table.columns)):
                return None                                             # nothing changes
            key_names = [c.name for c in cols if c.is_key]
            t = table.tdef
            tdef = TableDef(t.name, cols, t.keys_type, key_names, t.dist_cols, t.buckets, dict(t.properties),
                            t.comment, t.order_by, t.partition_text)
            if fast:
                self._apply(table, tdef, plan)
                return None
            job = AlterJob(job_id=srv.catalog.allocate_id(), db=db, table=table.name, table_id=table.id,
                           index_id=srv.catalog.allocate_id(), create_time=time.time(),
                           schema_version=table.schema_version + 1, txn_id=srv.labels.next_id,
                           tdef=tdef.to_json(), plan=plan)
            self.jobs.append(job)
            self._persist()
            self._advance_later(job)
        return None

    def _add(self, table: Table, cols: List[Column], col: Column, key: bool, agg: Optional[str], cl: Clause,
             added: set) -> bool:
        """processAddColumn(s) → buildColumnForAdd + addColumnInternal + checkAndAddColumn."""
        name = col.name
        if not col.nullable and not col.has_default():
            raise SqlError(f"Column '{name}' has no default value")             # ParserErrorMsg text UNCONFIRMED
        fast = not key
        kt = table.tdef.keys_type
        if kt == PRIMARY:
            if key:
                raise SqlError(f"Can not add key column: {name} for primary key table")
            if agg is not None and agg != "REPLACE":
                raise SqlError(f"Can not assign aggregation method on column in Primary data model table: {name}")
            if name in FORBIDDEN_PK_COLUMNS:
                raise SqlError(f"Column name '{name}' is reserved for primary key table")
        elif agg is not None:
            model = "Unique" if kt == UNIQUE else "Duplicate"
            raise SqlError(f"Can not assign aggregation method on column in {model} data model table: {name}")
        col.is_key = key
        found = next((c for c in table.columns if c.name.lower() == name.lower()), None)
        if found is not None and _same_column(found, col):
            raise SqlError(f"Can not add column which already exists in base table: {name}")
        if found is not None:
            raise SqlError(f"Can not add column which already exists in column id: {name}, you can remove "
                           f"{column_sql(found)} and try again.")
        pos = -1
        for i, c in enumerate(cols):
            if c.name.lower() == name.lower():
                if name.lower() not in added:
                    raise SqlError(f"Repeatedly add column: {name}")
                if not _same_column(c, col):
                    raise SqlError(f"Repeatedly add same column with different definition: {name}")
                return fast
            if cl.after is not None:
                if c.name.lower() == cl.after.lower():
                    pos = i
            elif c.is_key:
                pos = i
        if cl.after is not None and pos == -1:
            raise SqlError(f"Column[{cl.after}] does not found")
        if cl.first:
            cols.insert(0, col)
        elif cl.after is not None or key:
            cols.insert(pos + 1, col)
        else:
            cols.append(col)
        added.add(name.lower())
        return fast

    def _drop(self, table: Table, cols: List[Column], name: str) -> bool:
        """processDropColumn."""
        kt = table.tdef.keys_type
        is_key = any(c.is_key and c.name.lower() == name.lower() for c in cols)
        if kt == PRIMARY:
            if is_key:
                raise SqlError("Can not drop key column in primary data model table")
            if any(o.lower() == name.lower() for o in table.tdef.order_by):
                raise SqlError("Can not drop sort column in primary data model table")
        elif kt == UNIQUE and is_key:
            raise SqlError("Can not drop key column in Unique data model table")
        for i, c in enumerate(cols):
            if c.name.lower() == name.lower():
                del cols[i]
                return not is_key
        raise SqlError(f"Column does not exists: {name}")

    def _modify(self, table: Table, cols: List[Column], col: Column, key: bool, agg: Optional[str],
                cl: Clause) -> None:
        """processModifyColumn (shared-nothing: always a job)."""
        name = col.name
        kt = table.tdef.keys_type
        base = table.column(name)
        if kt == PRIMARY:
            if base is not None and base.is_key:
                raise SqlError(f"Can not modify key column: {name} for primary key table")
            if any(o.lower() == name.lower() for o in table.tdef.order_by):
                raise SqlError("Can not modify sort column in primary data model table")
            if agg is not None and agg != "REPLACE":
                raise SqlError(f"Can not assign aggregation method on column in Primary data model table: {name}")
        elif agg is not None:
            model = "Unique" if kt == UNIQUE else "Duplicate"
            raise SqlError(f"Can not assign aggregation method on column in {model} data model table: {name}")
        col.is_key = key if kt == DUPLICATE else (base is not None and base.is_key)
        idx = next((i for i, c in enumerate(cols) if c.name.lower() == name.lower()), None)
        if idx is None:
            raise SqlError(f"Column[{name}] does not exists")
        last = -1
        if cl.after is not None:
            last = next((i for i, c in enumerate(cols) if c.name.lower() == cl.after.lower()), -1)
            if last == -1:
                raise SqlError(f"Column[{cl.after}] does not exists")
        if cols[idx].auto_increment:
            raise SqlError("Can't not modify a AUTO_INCREMENT column")
        col.name = cols[idx].name
        if cl.after is not None or cl.first:
            if cl.first:
                last = -1
            if last > idx:
                cols.insert(last + 1, col)
                del cols[idx]
            elif last < idx:
                del cols[idx]
                cols.insert(last + 1, col)
            else:
                raise SqlError(f"Column[{cl.after}] modify position is invalid")
        else:
            cols[idx] = col

    def _final_check(self, table: Table, cols: List[Column]) -> None:
        """finalAnalyze: key/value order, a key left, Column.checkSchemaChangeAllowed, partition and
        distribution columns."""
        iname = table.name
        meet_value, has_key = False, False
        for c in cols:
            if c.is_key and meet_value:
                raise SqlError(f"Invalid column order. value should be after key. index[{iname}]")
            if not c.is_key:
                meet_value = True
            else:
                has_key = True
        if not has_key:
            raise SqlError(f"No key column left. index[{iname}]")
        by_name = {c.name.lower(): c for c in table.columns}
        for c in cols:
            old = by_name.get(c.name.lower())
            if old is None or _same_column(old, c):
                continue
            if not schema_change_allowed(old.type, c.type):
                raise SqlError(f"Can not change {type_label(old.type)} to {type_label(c.type)}")
            if old.nullable and not c.nullable:
                raise SqlError("Can not change from nullable to non-nullable")
            if (old.default_kind, old.default) != (c.default_kind, c.default) and not (
                    old.default_kind in (None, "null") and c.default_kind in (None, "null")):
                raise SqlError("Can not change default value")
            if _primitive(old.type) in ("CHAR", "VARCHAR") and _primitive(c.type) in ("CHAR", "VARCHAR") \
                    and old.type.max_bytes > c.type.max_bytes:
                raise SqlError("Cannot shorten string length")
            if old.type != c.type and c.name.lower() in (d.lower() for d in table.tdef.dist_cols):
                raise SqlError(f"Can not modify distribution column[{c.name}]. index[{iname}]")
            if old.type != c.type and table.tdef.partition_text and c.name.lower() in table.tdef.partition_text.lower():
                raise SqlError(f"Can not modify partition column[{c.name}]. index[{iname}]")

    # ---- applying --------------------------------------------------------------------------------
    def _plan_fns(self, table: Table, tdef: TableDef, plan: List[Optional[int]]) -> List[Tuple[Optional[int], Callable]]:
        out = []
        for i, oi in enumerate(plan):
            new = tdef.columns[i]
            if oi is None:
                out.append((None, lambda _v, c=new: c.default_value() if c.has_default() else None))
                continue
            old = table.columns[oi]
            if old.type == new.type:
                out.append((oi, lambda v: v))
            else:
                out.append((oi, lambda v, o=old, n=new: self._convert(o, n, v)))
        return out

    @staticmethod
    def _convert(old: Column, new: Column, v: Any) -> Any:
        if v is None:
            return None
        text = V.format_value(old.type, v)
        try:
            return V.parse_text(new.type, text if isinstance(text, str) else text.decode("utf-8", "replace"))
        except V.ParseError:
            raise ValueError(f"the value '{text}' of column {new.name} cannot be converted to "
                             f"{type_label(new.type)}") from None

    def _apply(self, table: Table, tdef: TableDef, plan: List[Optional[int]]) -> None:
        self.srv.catalog.alter_schema(table, tdef, self._plan_fns(table, tdef, plan))

    def _advance_later(self, job: AlterJob) -> None:
        t = threading.Timer(self.seconds / 3, self._advance, (job,))
        t.daemon = True
        self._timers.append(t)
        t.start()

    def _advance(self, job: AlterJob) -> None:
        """SchemaChangeJobV2: PENDING → WAITING_TXN → RUNNING → FINISHED (rows converted at the end)."""
        with self.lock:
            if job.state in ("FINISHED", "CANCELLED"):
                return
            if job.state != "RUNNING":
                job.state = STATES[STATES.index(job.state) + 1]
                self._persist()
                self._advance_later(job)
                return
            table = self.srv.catalog.find_table(job.db, job.table)
            if table is None or table.id != job.table_id:
                job.state, job.msg, job.finish_time = "CANCELLED", "table does not exist", time.time()
            else:
                tdef = TableDef.from_json(job.tdef)
                try:
                    self._apply(table, tdef, job.plan)
                    job.state, job.finish_time = "FINISHED", time.time()
                except ValueError as e:         # the BE cannot convert a value: the job fails (text UNCONFIRMED)
                    job.state, job.msg, job.finish_time = "CANCELLED", str(e), time.time()
            self._persist()

    # ---- SHOW ALTER TABLE COLUMN -----------------------------------------------------------------
    def _show(self, engine, session, ts: TokenStream):
        db = None
        if ts.accept_kw("FROM", "IN"):
            db = ts.ident()
        tail = ShowFilter.parse(ts)
        db = db or session.require_db()
        self.srv.catalog.get_db(db)
        with self.lock:
            rows = [j.row() for j in self.jobs if j.db == db]
        rows = tail.apply(engine, session, SHOW_COLUMNS, rows, numeric=("JobId",))
        return text_result(SHOW_COLUMNS, rows)
