"""SELECT / INSERT / DELETE / UPDATE and the information_schema views (reference §9, §10.3).

SELECT subset: `SELECT [DISTINCT] list [FROM [db.]t [alias]] [WHERE] [GROUP BY] [HAVING]
[ORDER BY] [LIMIT n [OFFSET m] | LIMIT m, n]`, aggregates COUNT/SUM/MIN/MAX/AVG, no joins or
subqueries. Values are returned as text the way StarRocks prints them (values.format_value).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from . import values as V
from .catalog import Table
from .expressions import (Col, Env, EvalError, Expr, ExprParser, Func, Lit, Star, compare, evaluate,
                          has_aggregate, infer_type, truth)
from .labels import LABEL_RE, LabelAlreadyExists, VISIBLE
from .row_mapping import convert
from .sqltokens import SqlError, TokenStream, analysis_error, syntax_error


@dataclass
class Result:
    columns: Optional[List[Tuple[str, V.ColumnType]]] = None
    rows: Optional[List[list]] = None       # formatted cells: str | bytes | None
    affected: int = 0
    info: str = ""


VARCHAR = V.ColumnType("VARCHAR", length=V.MAX_VARCHAR)
BIGINT = V.ColumnType("BIGINT")
DATETIME = V.ColumnType("DATETIME")


def text_result(names: List[str], rows: List[list]) -> Result:
    return Result([(n, VARCHAR) for n in names], [[None if v is None else str(v) for v in r] for r in rows])


# ------------------------------------------------------------------------------------------------
# Row sources
# ------------------------------------------------------------------------------------------------
class Source:
    def __init__(self, names: List[str], types: List[V.ColumnType], rows: List[list], qualifiers: set):
        self.names = names
        self.types = types
        self.rows = rows
        self.index = {n.lower(): i for i, n in enumerate(names)}
        self.qualifiers = {q.lower() for q in qualifiers}


def _fmt_time(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) + ".000000"


def information_schema(engine, name: str) -> Source:
    cat = engine.srv.catalog
    n = name.lower()
    if n == "schemata":
        names = ["CATALOG_NAME", "SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME", "DEFAULT_COLLATION_NAME", "SQL_PATH"]
        rows = [["def", d, "utf8", "utf8_general_ci", None] for d in sorted(cat.dbs)]
        rows.append(["def", "information_schema", "utf8", "utf8_general_ci", None])
        return Source(names, [VARCHAR] * 5, rows, {"schemata"})
    if n == "tables":
        names = ["TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "ENGINE", "VERSION", "ROW_FORMAT",
                 "TABLE_ROWS", "AVG_ROW_LENGTH", "DATA_LENGTH", "MAX_DATA_LENGTH", "INDEX_LENGTH", "DATA_FREE",
                 "AUTO_INCREMENT", "CREATE_TIME", "UPDATE_TIME", "CHECK_TIME", "TABLE_COLLATION", "CHECKSUM",
                 "CREATE_OPTIONS", "TABLE_COMMENT"]
        types = [VARCHAR] * 7 + [BIGINT] * 7 + [DATETIME] * 3 + [VARCHAR, BIGINT, VARCHAR, VARCHAR]
        rows = []
        with cat.lock:
            for dname in sorted(cat.dbs):
                for t in sorted(cat.dbs[dname].tables.values(), key=lambda x: x.name):
                    rows.append(["def", dname, t.name, "BASE TABLE", "StarRocks", None, None, len(t.rows), 0, 0,
                                 None, None, None, None, _fmt_time(t.created), _fmt_time(t.updated), None,
                                 "utf8_general_ci", None, None, t.tdef.comment or "OLAP"])
        return Source(names, types, rows, {"tables"})
    if n == "columns":
        names = ["TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION",
                 "COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH",
                 "CHARACTER_OCTET_LENGTH", "NUMERIC_PRECISION", "NUMERIC_SCALE", "DATETIME_PRECISION",
                 "CHARACTER_SET_NAME", "COLLATION_NAME", "COLUMN_TYPE", "COLUMN_KEY", "EXTRA", "PRIVILEGES",
                 "COLUMN_COMMENT", "COLUMN_SIZE", "DECIMAL_DIGITS", "GENERATION_EXPRESSION", "SRS_ID"]
        types = [VARCHAR] * 4 + [BIGINT] + [VARCHAR] * 3 + [BIGINT] * 5 + [VARCHAR] * 7 + [BIGINT] * 2 + [VARCHAR, BIGINT]
        rows = []
        key_word = {"PRIMARY_KEYS": "PRI", "DUPLICATE_KEYS": "DUP", "UNIQUE_KEYS": "UNI", "AGG_KEYS": "AGG"}
        with cat.lock:
            for dname in sorted(cat.dbs):
                for t in sorted(cat.dbs[dname].tables.values(), key=lambda x: x.name):
                    for pos, c in enumerate(t.columns, 1):
                        ct = c.type
                        char_len = ct.max_bytes if ct.is_string else None
                        num_p = ct.precision if ct.name == "DECIMAL" else (
                            {"TINYINT": 3, "SMALLINT": 5, "INT": 10, "BIGINT": 19, "LARGEINT": 39,
                             "FLOAT": 12, "DOUBLE": 22, "BOOLEAN": 3}.get(ct.name))
                        num_s = ct.scale if ct.name == "DECIMAL" else (0 if ct.is_integer else None)
                        default = c.default if c.default_kind == "literal" else (
                            "CURRENT_TIMESTAMP" if c.default_kind == "current_timestamp" else None)
                        rows.append(["def", dname, t.name, c.name, pos, default,
                                     "YES" if c.nullable else "NO", ct.data_type(), char_len, char_len,
                                     num_p, num_s, 6 if ct.name == "DATETIME" else None,
                                     "utf8" if ct.is_string else None,
                                     "utf8_general_ci" if ct.is_string else None, ct.sql(),
                                     key_word[t.tdef.keys_type] if c.is_key else "", "", "SELECT,INSERT,UPDATE,REFERENCES",
                                     c.comment, char_len or num_p, num_s, None, None])
        return Source(names, types, rows, {"columns"})
    raise analysis_error(f"Unknown table 'information_schema.{name}'")


def table_source(engine, table: Table, alias: Optional[str]) -> Source:
    quals = {table.name, f"{table.db}.{table.name}"}
    if alias:
        quals.add(alias)
    with engine.srv.catalog.lock:
        rows = table.scan()
    return Source([c.name for c in table.columns], [c.type for c in table.columns], rows, quals)


# ------------------------------------------------------------------------------------------------
# Environments
# ------------------------------------------------------------------------------------------------
class SessionEnv(Env):
    def __init__(self, engine, session):
        self.engine = engine
        self.session = session
        self.timezone = session.variables.get("time_zone", "Asia/Shanghai")

    def variable(self, name):
        return self.session.get_variable(name)

    def function(self, name, args):
        return self.engine.session_function(self.session, name, args)


class RowEnv(SessionEnv):
    def __init__(self, engine, session, src: Source, row: list, aliases: Optional[dict] = None):
        super().__init__(engine, session)
        self.src = src
        self.row = row
        self.aliases = aliases or {}

    def lookup(self, name, qualifier):
        if qualifier is not None and qualifier.lower() not in self.src.qualifiers:
            raise EvalError(f"Column '{qualifier}.{name}' cannot be resolved")
        i = self.src.index.get(name.lower())
        if i is None:
            if qualifier is None and name.lower() in self.aliases:
                return self.aliases[name.lower()]
            raise EvalError(f"Column '{name}' cannot be resolved")
        return self.row[i], self.src.types[i]


class GroupEnv(RowEnv):
    def __init__(self, engine, session, src, rows: List[list], aliases=None):
        super().__init__(engine, session, src, rows[0] if rows else [None] * len(src.names), aliases)
        self.group = rows

    def aggregate(self, f: Func):
        name = f.name
        if f.star:
            if name != "COUNT":
                raise EvalError(f"{name}(*) is not supported")
            return len(self.group), BIGINT
        vals = []
        typ = None
        for r in self.group:
            v, t = evaluate(f.args[0], RowEnv(self.engine, self.session, self.src, r))
            typ = typ or t
            if v is not None:
                vals.append(v)
        if f.distinct:
            uniq = []
            for v in vals:
                if not any(compare((v, typ), (u, typ)) == 0 for u in uniq):
                    uniq.append(v)
            vals = uniq
        if name == "COUNT":
            return len(vals), BIGINT
        if not vals:
            return None, typ
        if name in ("MIN", "MAX", "ANY_VALUE"):
            best = vals[0]
            for v in vals[1:]:
                c = compare((v, typ), (best, typ))
                if c is not None and ((c < 0) if name == "MIN" else (c > 0) if name == "MAX" else False):
                    best = v
            return best, typ
        nums = [v if not isinstance(v, str) else Decimal(v) for v in vals]
        if name == "SUM":
            s = sum(nums)
            if typ is not None and typ.is_integer:
                return s, V.ColumnType("BIGINT") if abs(s) < (1 << 63) else V.ColumnType("LARGEINT")
            if typ is not None and typ.name == "DECIMAL":
                return s, V.ColumnType("DECIMAL", precision=38, scale=typ.scale)
            return float(s) if isinstance(s, float) else s, None
        if name == "AVG":
            if any(isinstance(x, float) for x in nums):
                return sum(float(x) for x in nums) / len(nums), V.ColumnType("DOUBLE")
            return Decimal(sum(nums)) / len(nums), None
        raise EvalError(f"unknown aggregate {name}")


def _eval(e: Expr, env: Env):
    try:
        return evaluate(e, env)
    except EvalError as err:
        raise analysis_error(str(err))


# ------------------------------------------------------------------------------------------------
# SELECT
# ------------------------------------------------------------------------------------------------
def _parse_limit(ts: TokenStream) -> Tuple[Optional[int], int]:
    def num():
        t = ts.next()
        if t.kind != "num":
            raise syntax_error(t)
        return int(t.text)
    a = num()
    if ts.accept_op(","):
        return num(), a
    if ts.accept_kw("OFFSET"):
        return a, num()
    return a, 0


def select(engine, session, ts: TokenStream) -> Result:
    distinct = ts.accept_kw("DISTINCT")
    ts.accept_kw("ALL")
    items: List[Tuple[Expr, Optional[str], str]] = []
    while True:
        start = ts.cur.pos
        e = ExprParser(ts).parse()
        text = ts.sql[start:ts.cur.pos].strip()
        alias = None
        if ts.accept_kw("AS"):
            alias = ts.next().text
        elif ts.cur.kind in ("ident", "qident", "str") and not ts.cur.is_kw(
                "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "INTO", "FOR"):
            alias = ts.next().text
        items.append((e, alias, text))
        if not ts.accept_op(","):
            break
    src: Optional[Source] = None
    if ts.accept_kw("FROM"):
        if ts.at_op("("):
            raise analysis_error("Subqueries are not supported by the stand-in")
        db, name = ts.qualified_name()
        alias = None
        if ts.accept_kw("AS"):
            alias = ts.ident()
        elif ts.cur.kind in ("ident", "qident") and not ts.cur.is_kw(
                "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "JOIN", "INNER", "LEFT", "RIGHT", "FOR"):
            alias = ts.ident()
        if ts.at_kw("JOIN", "INNER", "LEFT", "RIGHT", "CROSS") or ts.at_op(","):
            raise analysis_error("Joins are not supported by the stand-in")
        if db is None and name.lower() == "dual":
            src = None
        elif (db or "").lower() == "information_schema" or (db is None and (session.database or "").lower() == "information_schema"):
            src = information_schema(engine, name)
            if alias:
                src.qualifiers.add(alias.lower())
        else:
            dbn = db or session.database
            if not dbn:
                raise analysis_error("No database selected")
            cat = engine.srv.catalog
            if not cat.has_db(dbn):
                raise analysis_error(f"Unknown database '{dbn}'")
            t = cat.find_table(dbn, name)
            if t is None:
                raise analysis_error(f"Unknown table '{dbn}.{name}'")
            src = table_source(engine, t, alias)
    where = None
    if ts.accept_kw("WHERE"):
        where = ExprParser(ts).parse()
    group_by: List[Expr] = []
    if ts.accept_kws("GROUP", "BY"):
        group_by.append(ExprParser(ts).parse())
        while ts.accept_op(","):
            group_by.append(ExprParser(ts).parse())
    having = None
    if ts.accept_kw("HAVING"):
        having = ExprParser(ts).parse()
    order: List[Tuple[Expr, bool]] = []
    if ts.accept_kws("ORDER", "BY"):
        while True:
            e = ExprParser(ts).parse()
            desc = False
            if ts.accept_kw("DESC"):
                desc = True
            else:
                ts.accept_kw("ASC")
            order.append((e, desc))
            if not ts.accept_op(","):
                break
    limit, offset = None, 0
    if ts.accept_kw("LIMIT"):
        limit, offset = _parse_limit(ts)
    ts.accept_kws("FOR", "UPDATE")
    ts.expect_end()
    return run_select(engine, session, items, src, where, group_by, having, order, limit, offset, distinct)


def _expand_star(items, src: Optional[Source]):
    out = []
    for e, alias, text in items:
        if isinstance(e, Star):
            if src is None:
                raise analysis_error("No tables used")
            if e.qualifier and e.qualifier.lower() not in src.qualifiers:
                raise analysis_error(f"Unknown table '{e.qualifier}'")
            for n in src.names:
                out.append((Col(n), None, n))
        else:
            out.append((e, alias, text))
    return out


def _col_name(e: Expr, alias: Optional[str], text: str, src: Optional[Source]) -> str:
    if alias is not None:
        return alias
    if isinstance(e, Col) and src is not None and e.name.lower() in src.index:
        return src.names[src.index[e.name.lower()]]
    return text


def run_select(engine, session, items, src, where, group_by, having, order, limit, offset, distinct) -> Result:
    items = _expand_star(items, src)
    rows = src.rows if src is not None else [[]]
    s = src or Source([], [], [[]], set())
    if where is not None:
        rows = [r for r in rows if truth(_eval(where, RowEnv(engine, session, s, r))[0]) is True]
    aggregate = bool(group_by) or any(has_aggregate(e) for e, _, _ in items) or (having is not None)
    out_cells: List[List[Tuple[Any, Optional[V.ColumnType]]]] = []
    order_keys: List[list] = []
    names = [_col_name(e, a, t, src) for e, a, t in items]

    def emit(env_factory):
        env = env_factory(None)
        cells = [_eval(e, env) for e, _, _ in items]
        aliases = {}
        for (e, a, t), c in zip(items, cells):
            aliases[(a or t).lower()] = c
            if a:
                aliases[a.lower()] = c
        env2 = env_factory(aliases)
        if having is not None and truth(_eval(having, env2)[0]) is not True:
            return
        keys = []
        for e, desc in order:
            if isinstance(e, Lit) and isinstance(e.value, int) and 1 <= e.value <= len(cells):
                keys.append(cells[e.value - 1])
            else:
                keys.append(_eval(e, env2))
        out_cells.append(cells)
        order_keys.append(keys)

    if aggregate:
        groups: Dict[tuple, List[list]] = {}
        order_of: List[tuple] = []
        if group_by:
            for r in rows:
                env = RowEnv(engine, session, s, r)
                k = tuple(_hashable(_eval(g, env)[0]) for g in group_by)
                if k not in groups:
                    groups[k] = []
                    order_of.append(k)
                groups[k].append(r)
        else:
            groups[()] = list(rows)
            order_of.append(())
        for k in order_of:
            g = groups[k]
            emit(lambda al, g=g: GroupEnv(engine, session, s, g, al))
    else:
        for r in rows:
            emit(lambda al, r=r: RowEnv(engine, session, s, r, al))
    idx = list(range(len(out_cells)))
    if order:
        import functools

        def cmp(a, b):
            for k, (e, desc) in enumerate(order):
                x, y = order_keys[a][k], order_keys[b][k]
                if x[0] is None and y[0] is None:
                    c = 0
                elif x[0] is None:
                    c = -1             # NULLs first in ascending order
                elif y[0] is None:
                    c = 1
                else:
                    c = compare(x, y) or 0
                if desc:
                    c = -c
                if c:
                    return c
            return 0
        idx.sort(key=functools.cmp_to_key(cmp))
    # result types
    types: List[V.ColumnType] = []
    for j in range(len(items)):
        t = None
        for i in idx:
            v, vt = out_cells[i][j]
            if vt is not None:
                t = vt
                break
            if v is not None:
                t = infer_type(v)
                break
        types.append(t or VARCHAR)
    result_rows = []
    seen = set()
    for i in idx:
        cells = out_cells[i]
        row = []
        for j, (v, vt) in enumerate(cells):
            row.append(_format(v, vt or types[j]))
        if distinct:
            key = tuple(row)
            if key in seen:
                continue
            seen.add(key)
        result_rows.append(row)
    if offset:
        result_rows = result_rows[offset:]
    if limit is not None:
        result_rows = result_rows[:limit]
    return Result(list(zip(names, types)), result_rows)


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v


def _format(v, t: V.ColumnType):
    if v is None:
        return None
    try:
        out = V.format_value(t, v)
    except (TypeError, ValueError):
        out = str(v)
    if isinstance(out, (str, bytes)):
        return out
    return str(out)


# ------------------------------------------------------------------------------------------------
# INSERT / DELETE / UPDATE
# ------------------------------------------------------------------------------------------------
def _dml_txn(engine, db: str, table: Table, label: Optional[str], kind: str):
    srv = engine.srv
    if label is not None and not LABEL_RE.match(label):
        raise analysis_error(f"Label format error. regex: ^[-\\w]{{1,128}}$, label: {label}")
    lab = label or f"{kind}_{uuid.uuid4().hex}"
    try:
        return srv.labels.begin(db, lab, table.name, kind=kind)
    except LabelAlreadyExists:
        raise SqlError(f"Label [{lab}] has already been used.")


def _commit(engine, table: Table, txn, ops) -> None:
    srv = engine.srv

    def on_commit(conn):
        srv.labels.set_state(txn, VISIBLE, conn=conn)
    try:
        srv.catalog.commit_ops(table, ops, on_commit, txn_id=txn.txn_id)
    except Exception:
        srv.labels.abort(txn, "commit failed")
        raise


def insert(engine, session, ts: TokenStream) -> Result:
    srv = engine.srv
    overwrite = False
    if ts.accept_kw("OVERWRITE"):
        overwrite = True
    else:
        ts.expect_kw("INTO")
    ts.accept_kw("TABLE")
    db, name = ts.qualified_name()
    db = db or session.require_db()
    if not srv.catalog.has_db(db):
        raise analysis_error(f"Unknown database '{db}'")
    table = srv.catalog.find_table(db, name)
    if table is None:
        raise analysis_error(f"Table {name} is not found")
    label = None
    if ts.accept_kws("WITH", "LABEL"):
        label = ts.ident()
    cols = None
    if ts.at_op("("):
        ts.next()
        cols = [ts.ident()]
        while ts.accept_op(","):
            cols.append(ts.ident())
        ts.expect_op(")")
    tcols = table.columns
    if cols is None:
        targets = list(range(len(tcols)))
    else:
        targets = []
        for c in cols:
            i = table.col_index(c)
            if i is None:
                raise analysis_error(f"Unknown column '{c}' in '{table.name}'")
            if i in targets:
                raise analysis_error(f"Column '{c}' specified twice")
            targets.append(i)
        for i, c in enumerate(tcols):
            if i not in targets and not c.nullable and not c.has_default():
                raise analysis_error(f"'{c.name}' must be explicitly mentioned in column permutation")
    value_rows: List[List[Tuple[Any, Optional[V.ColumnType]]]] = []
    env = SessionEnv(engine, session)
    if ts.accept_kw("VALUES") or ts.accept_kw("VALUE"):
        while True:
            ts.expect_op("(")
            vals = []
            if not ts.at_op(")"):
                while True:
                    if ts.accept_kw("DEFAULT"):
                        vals.append(("__default__", None))
                    else:
                        vals.append(_eval(ExprParser(ts).parse(), env))
                    if not ts.accept_op(","):
                        break
            ts.expect_op(")")
            value_rows.append(vals)
            if not ts.accept_op(","):
                break
        ts.expect_end()
    elif ts.accept_kw("SELECT"):
        res_items = select_values(engine, session, ts)
        value_rows = res_items
    else:
        raise syntax_error(ts.cur)
    strict = str(session.get_variable("enable_insert_strict") or "true").lower() in ("true", "1", "on")
    ops = []
    filtered = 0
    for vals in value_rows:
        if len(vals) != len(targets):
            raise analysis_error(f"Inserted target column count: {len(targets)} doesn't match select/value "
                                 f"column count: {len(vals)}")
        row = [c.default_value() if c.has_default() else None for c in tcols]
        bad = False
        for i, (v, vt) in zip(targets, vals):
            c = tcols[i]
            if v == "__default__" and vt is None:
                continue
            try:
                row[i] = convert(c.type, v, vt)
            except V.ParseError:
                row[i] = None
                bad = True
        if not bad:
            bad = any(row[i] is None and not c.nullable for i, c in enumerate(tcols))
        if bad:
            filtered += 1
            continue
        ops.append(("upsert" if table.is_pk else "append", row))
    txn = _dml_txn(engine, db, table, label, "insert")
    if filtered and strict:
        srv.labels.abort(txn, "Insert has filtered data in strict mode")
        raise SqlError(f"Insert has filtered data in strict mode. txn_id = {txn.txn_id}, tracking sql = select "
                       f"tracking_log from information_schema.load_tracking_logs where job_id={txn.txn_id}")
    if overwrite:
        srv.catalog.truncate_table(db, table.name)
    _commit(engine, table, txn, ops)
    info = "{'label':'%s', 'status':'VISIBLE', 'txnId':'%d'}" % (txn.label, txn.txn_id)
    return Result(affected=len(ops), info=info)


def select_values(engine, session, ts: TokenStream):
    """INSERT ... SELECT: run the SELECT and return raw (value, type) cells."""
    start = ts.cur.pos
    res = select(engine, session, ts)
    out = []
    for r in res.rows:
        out.append([(v.decode("latin-1") if isinstance(v, bytes) else v, None) for v in r])
    return out


def delete(engine, session, ts: TokenStream) -> Result:
    srv = engine.srv
    ts.expect_kw("FROM")
    db, name = ts.qualified_name()
    db = db or session.require_db()
    table = srv.catalog.get_table(db, name)
    if ts.accept_kw("PARTITION"):
        ts.next() if not ts.at_op("(") else None
    if not ts.accept_kw("WHERE"):
        raise analysis_error("Where clause is not set")
    where = ExprParser(ts).parse()
    ts.expect_end()
    src = Source([c.name for c in table.columns], [c.type for c in table.columns], [], {table.name, f"{db}.{table.name}"})
    ops = []
    with srv.catalog.lock:
        items = list(table.rows.items())
    for k, r in items:
        if truth(_eval(where, RowEnv(engine, session, src, r))[0]) is True:
            ops.append(("delete", r) if table.is_pk else ("delete_seq", k))
    txn = _dml_txn(engine, db, table, None, "delete")
    _commit(engine, table, txn, ops)
    return Result(affected=len(ops))


def update(engine, session, ts: TokenStream) -> Result:
    srv = engine.srv
    db, name = ts.qualified_name()
    db = db or session.require_db()
    table = srv.catalog.get_table(db, name)
    if not table.is_pk:
        raise analysis_error("does not support update on non-primary key table")
    ts.expect_kw("SET")
    sets = []
    while True:
        cname = ts.ident()
        ci = table.col_index(cname)
        if ci is None:
            raise analysis_error(f"Unknown column '{cname}' in '{table.name}'")
        if table.columns[ci].is_key:
            raise analysis_error(f"primary key column cannot be updated: {cname}")
        ts.expect_op("=")
        sets.append((ci, ExprParser(ts).parse()))
        if not ts.accept_op(","):
            break
    where = None
    if ts.accept_kw("WHERE"):
        where = ExprParser(ts).parse()
    ts.expect_end()
    src = Source([c.name for c in table.columns], [c.type for c in table.columns], [], {table.name})
    ops = []
    with srv.catalog.lock:
        rows = list(table.rows.values())
    for r in rows:
        env = RowEnv(engine, session, src, r)
        if where is not None and truth(_eval(where, env)[0]) is not True:
            continue
        new = list(r)
        for ci, e in sets:
            v, vt = _eval(e, env)
            c = table.columns[ci]
            try:
                new[ci] = convert(c.type, v, vt)
            except V.ParseError:
                raise SqlError("Update has filtered data in strict mode")
            if new[ci] is None and not c.nullable:
                raise SqlError(f"NULL value in non-nullable column '{c.name}'")
        ops.append(("upsert", new))
    txn = _dml_txn(engine, db, table, None, "update")
    _commit(engine, table, txn, ops)
    return Result(affected=len(ops))
