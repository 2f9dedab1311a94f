"""Source record → table row operation (Stream Load `columns`/`where`, §2, §2.2, §8.4).

This is the engine Routine Load (kafka_consumer.py) reuses: build a RowMapper once per job
(`RowMapper(table, parse_columns(text), parse_where(text), ...)`), then call `map()` for
every source record.

Source records are lists aligned with `mapper.source_names`:
  * CSV: each value is a str, or None for `\\N`;
  * JSON: each value is a Python JSON value (dict/list/str/int/Decimal/bool) or None (missing/null).

Semantics (BE CSVScanner / JsonScanner, FileScanner::materialize, tablet sink):
  1. A source column named like a table column is converted straight to the column type
     (values.parse_text / from_json_value). On failure: strict_mode → row filtered;
     otherwise the value becomes NULL (`invalid_field_as_null = !strict_mode`, §8.4).
  2. Derived columns `name = expr` are evaluated over the source values as text (the FE types
     those source slots VARCHAR; a JSON value arrives as json_text.as_text), and the result is
     CAST to the column type. A failing cast is NULL, in strict mode too: strict mode only
     covers the entries of `dest_sid_to_src_sid_without_trans` (FE finalizeParams) – the
     columns loaded as they are (FileScanner::materialize). A function that throws
     (assert_true, raise_error) fails the whole load (ExpressionFailure).
  3. `__op` (derived or positional): 0/'upsert' → upsert, 1/'delete' → delete (§2.2).
  4. `where` false/NULL → unselected row (NumberUnselectedRows, not counted as filtered).
  5. Missing columns get their DEFAULT (or NULL); NULL in a NOT NULL column → filtered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from . import values as V
from .catalog import Table
from . import json_text
from .expressions import (Col, Env, EvalError, Expr, ExprParser, cast_value, evaluate, column_refs, to_text,
                          truth, unknown_functions)
from .sqltokens import SqlError, TokenStream

OK, FILTERED, UNSELECTED = 0, 1, 2
OP_COL = "__op"


class PlanError(Exception):
    """Planning failed (bad columns/where/...): the load fails before reading data."""


@dataclass
class ColumnSpec:
    name: str
    expr: Optional[Expr] = None
    text: str = ""


def parse_columns(text: str) -> List[ColumnSpec]:
    try:
        ts = TokenStream(text)
        out: List[ColumnSpec] = []
        while True:
            start = ts.cur.pos
            name = ts.ident()
            if ts.accept_op("="):
                e = ExprParser(ts).parse()
                missing = unknown_functions(e)
                if missing:
                    raise PlanError(f"No matching function with signature: {missing[0]}.")
                out.append(ColumnSpec(name, e, text[start:ts.cur.pos].strip().rstrip(",")))
            else:
                out.append(ColumnSpec(name))
            if not ts.accept_op(","):
                break
        ts.expect_end()
        return out
    except SqlError as e:
        raise PlanError(f"Invalid columns: {text}. {e.msg}") from None


def parse_where(text: str) -> Optional[Expr]:
    if text is None or not text.strip():
        return None
    try:
        ts = TokenStream(text)
        e = ExprParser(ts).parse()
        ts.expect_end()
        return e
    except SqlError as e:
        raise PlanError(f"Invalid where: {text}. {e.msg}") from None


class _SourceEnv(Env):
    def __init__(self, names: dict, vals: list, tz: str, is_json: bool):
        self.names = names
        self.vals = vals
        self.timezone = tz
        self.is_json = is_json

    def lookup(self, name, qualifier):
        i = self.names.get(name.lower())
        if i is None:
            raise EvalError(f"unknown reference column {name}")
        v = self.vals[i]
        if self.is_json and v is not None:
            return json_text.as_text(v), None        # a VARCHAR source slot (binary_column.cpp)
        return v, None


class _WhereEnv(Env):
    def __init__(self, mapper: "RowMapper", row: list, src_env: _SourceEnv):
        self.m = mapper
        self.row = row
        self.src = src_env
        self.timezone = src_env.timezone

    def lookup(self, name, qualifier):
        ci = self.m.table.col_index(name)
        if ci is not None and ci in self.m.mapped:
            return self.row[ci], self.m.table.columns[ci].type
        if name.lower() in self.src.names:
            return self.src.lookup(name, qualifier)
        if ci is not None:
            c = self.m.table.columns[ci]
            return (c.default_value() if c.has_default() else None), c.type
        return self.src.lookup(name, qualifier)


def convert(t: V.ColumnType, v: Any, vtype: Optional[V.ColumnType]) -> Any:
    """A value of an INSERT/UPDATE (typed or text) → column type; raises V.ParseError."""
    if v is None:
        return None
    if vtype is not None:
        if vtype == t:
            return v
        if t.name == "VARBINARY" and isinstance(v, bytes):
            return v
        v = to_text(v, vtype)
    if isinstance(v, str):
        return V.parse_text(t, v)
    if isinstance(v, bytes):
        if t.name == "VARBINARY":
            return v
        return V.parse_text(t, v.decode("utf-8", "replace"))
    if isinstance(v, list):
        if t.name == "ARRAY":
            return [convert(t.item, e, None) for e in v]
        raise V.ParseError("array for scalar column")
    if isinstance(v, bool):
        return V.parse_text(t, "1" if v else "0")
    if isinstance(v, float):
        return V.parse_text(t, V.format_float("DOUBLE", v))
    return V.parse_text(t, str(v))


class TooLong(Exception):
    """OlapTableSink::_validate_data filters a string longer than its column (any strict mode)."""

    def __init__(self, text: str, nbytes: int, limit: int):
        super().__init__(text)
        self.text, self.nbytes, self.limit = text, nbytes, limit

    def reason(self, column: str) -> str:
        shown = self.text if len(self.text) <= 100 else self.text[:100] + "..."
        return f"String '{shown}'(length={self.nbytes}) is too long. The max length of '{column}' is {self.limit}"


def cast_to_column(t: V.ColumnType, v: Any, vtype: Optional[V.ColumnType]) -> Any:
    """An expression result → the column: the FE's castToSlot, so a failing cast is NULL; text
    needs no cast into CHAR/VARCHAR, and the tablet sink then rejects what is too long."""
    if v is None:
        return None
    if vtype is not None and vtype == t:
        return v
    if t.is_string:
        s = to_text(v, vtype)
        n = len(s.encode("utf-8"))
        if n > t.max_bytes:
            raise TooLong(s, n, t.max_bytes)
        return s
    return cast_value(v, vtype, t)


def _op_of(v: Any) -> Optional[str]:
    if v is None:
        return "upsert"
    if isinstance(v, bool):
        v = int(v)
    s = str(v).strip().lower()
    if s in ("0", "upsert"):
        return "upsert"
    if s in ("1", "delete"):
        return "delete"
    try:
        f = float(s)
        if f == 0:
            return "upsert"
        if f == 1:
            return "delete"
    except ValueError:
        pass
    return None


class RowMapper:
    def __init__(self, table: Table, columns: Optional[List[ColumnSpec]], where: Optional[Expr],
                 strict: bool = False, partial_update: bool = False, is_json: bool = False,
                 timezone: str = "Asia/Shanghai", merge_condition: Optional[str] = None):
        self.table = table
        self.strict = strict
        self.partial = partial_update
        self.is_json = is_json
        self.tz = timezone
        self.where = where
        cols = table.columns
        tname = table.name
        if columns is None:
            columns = [ColumnSpec(c.name) for c in cols]
            if is_json and table.is_pk:
                columns.append(ColumnSpec(OP_COL))       # an optional "__op" key in the document
            self.implicit_op = is_json and table.is_pk
        else:
            self.implicit_op = False
        seen = set()
        for spec in columns:
            k = spec.name.lower()
            if k in seen:
                raise PlanError(f"Duplicate column: {spec.name}")
            seen.add(k)
        self.source_names = [s.name for s in columns if s.expr is None]
        self.n_fields = len(self.source_names) - (1 if self.implicit_op else 0)
        self.src_index = {n.lower(): i for i, n in enumerate(self.source_names)}
        derived_targets = {s.name.lower() for s in columns if s.expr is not None}

        self.direct: List[Tuple[int, int]] = []        # (source index, column index)
        self.op_source: Optional[int] = None
        for i, n in enumerate(self.source_names):
            if n.lower() == OP_COL:
                self.op_source = i
                continue
            ci = table.col_index(n)
            if ci is not None and n.lower() not in derived_targets:
                self.direct.append((i, ci))
        self.derived: List[Tuple[Optional[int], Expr, str]] = []   # (column index | None for __op, expr, name)
        self.op_expr: Optional[Expr] = None
        for s in columns:
            if s.expr is None:
                continue
            for ref in column_refs(s.expr):
                if ref.name.lower() not in self.src_index:
                    raise PlanError(f"unknown reference column, column={s.name}, reference={ref.name}")
            if s.name.lower() == OP_COL:
                self.op_expr = s.expr
                continue
            ci = table.col_index(s.name)
            if ci is None:
                raise PlanError(f"Unknown column '{s.name}' in '{tname}'")
            self.derived.append((ci, s.expr, s.name))
        if (self.op_expr is not None or (self.op_source is not None and not self.implicit_op)) and not table.is_pk:
            raise PlanError(f"Table {tname} is not a primary key table, __op column is not supported")
        self.mapped = {ci for _, ci in self.direct} | {ci for ci, _, _ in self.derived}
        self.direct_conv = [(si, ci, V.converter_for(cols[ci].type)) for si, ci in self.direct]
        self.needs_env = bool(self.derived) or self.op_expr is not None or self.where is not None
        self.unmapped = [(ci, c) for ci, c in enumerate(cols) if ci not in self.mapped]
        self.not_null = [(ci, c) for ci, c in enumerate(cols) if not c.nullable]
        if self.where is not None:
            for ref in column_refs(self.where):
                if table.col_index(ref.name) is None and ref.name.lower() not in self.src_index:
                    raise PlanError(f"Column '{ref.name}' in where clause is not found")
        if partial_update:
            if not table.is_pk:
                raise PlanError("partial update is only supported by primary key table")
            missing = [table.columns[i].name for i in table.key_idx if i not in self.mapped]
            if missing:
                raise PlanError(f"partial update should include all key columns, missing: {missing[0]}")
        else:
            for ci, c in enumerate(cols):
                if ci not in self.mapped and not c.nullable and not c.has_default():
                    raise PlanError(f"Column has no default value. column: {c.name}")
        if merge_condition:
            self._check_merge_condition(merge_condition)
        self.merge_condition = merge_condition

    def _check_merge_condition(self, name: str) -> None:
        """Load.checkMergeCondition: over the loaded columns when partially updating (the FE passes
        the partial update's columns), else over the table's."""
        table = self.table
        if not table.is_pk:
            raise PlanError(f"Conditional update only support primary key table {table.name}")
        ci = table.col_index(name)
        if ci is None or (self.partial and ci not in self.mapped):
            raise PlanError(f"Merge condition column {name} does not exist. If you are doing partial update with "
                            f"condition update, please check condition column is in the given update columns. "
                            f"Otherwise please check condition column is in table {table.name}")
        col = table.columns[ci]
        if col.is_key:
            raise PlanError(f"Merge condition column {name} should not be primary key!")
        if col.type.name in ("CHAR", "VARCHAR", "STRING", "VARBINARY", "JSON") or col.type.item is not None:
            raise PlanError("Merge condition column has invalid type maybe bitmap/hll/percentile/json/varchar!")

    # ------------------------------------------------------------------------------------------
    def map(self, vals: List[Any]) -> Tuple[int, Any]:
        """Returns (OK, op-tuple for catalog.commit_ops) | (FILTERED, reason) | (UNSELECTED, None)."""
        table = self.table
        cols = table.columns
        row: List[Any] = [None] * len(cols)
        is_json = self.is_json
        for si, ci, conv in self.direct_conv:
            v = vals[si]
            if v is None:
                continue
            try:
                row[ci] = V.from_json_value(cols[ci].type, v) if is_json else conv(v)
            except V.ParseError:
                c = cols[ci]
                if self.strict:
                    txt = v if isinstance(v, str) else V.canonical_json(v) if not isinstance(v, bytes) else v.hex()
                    return FILTERED, (f"The field (name = {c.name}, pos = {si}) is out of range. "
                                      f"Type: {c.type.sql().upper()}, Value length: {len(txt.encode())}, "
                                      f"Value: {txt}")
                row[ci] = None
        if not self.needs_env:
            if self.op_source is not None:
                op = _op_of(vals[self.op_source])
                if op is None:
                    return FILTERED, f"Invalid __op value: {vals[self.op_source]}"
            else:
                op = "upsert"
            return self._finish(row, op)
        env = _SourceEnv(self.src_index, vals, self.tz, is_json)
        for ci, expr, name in self.derived:
            try:
                v, t = evaluate(expr, env)
            except EvalError:
                v, t = None, None
            try:
                row[ci] = cast_to_column(cols[ci].type, v, t)
            except TooLong as e:
                return FILTERED, e.reason(cols[ci].name)
        op = "upsert"
        if self.op_expr is not None or self.op_source is not None:
            try:
                ov = evaluate(self.op_expr, env)[0] if self.op_expr is not None else vals[self.op_source]
            except EvalError:
                ov = None
            op = _op_of(ov)
            if op is None:
                return FILTERED, f"Invalid __op value: {ov}"
        if self.where is not None:
            try:
                w = evaluate(self.where, _WhereEnv(self, row, env))[0]
            except EvalError:
                w = None
            if truth(w) is not True:
                return UNSELECTED, None
        return self._finish(row, op)

    def _finish(self, row: List[Any], op: str) -> Tuple[int, Any]:
        table = self.table
        cols = table.columns
        if self.partial:
            vals_by_ci = {}
            for ci in self.mapped:
                v = row[ci]
                if v is None and not cols[ci].nullable:
                    return FILTERED, f"NULL value in non-nullable column '{cols[ci].name}'"
                vals_by_ci[ci] = v
            if op == "delete":
                return OK, ("delete", vals_by_ci)
            return OK, ("partial", vals_by_ci)
        for ci, c in self.unmapped:
            row[ci] = c.default_value() if c.has_default() else None
        for ci, c in self.not_null:
            if row[ci] is None:
                return FILTERED, f"NULL value in non-nullable column '{c.name}'"
        if not table.is_pk:
            return OK, ("append", row)
        return OK, ("delete" if op == "delete" else "upsert", row)
