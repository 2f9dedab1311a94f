"""DDL in StarRocks syntax (reference §8.1, §8.3): CREATE/DROP DATABASE, CREATE/DROP/TRUNCATE
TABLE, and the SHOW CREATE TABLE / DESC renderings.

Validation rules and texts (FE KeysDesc.analyze / ColumnDef.analyze / PropertyAnalyzer):
* key columns must be an ordered prefix of the schema: "Key columns should be a ordered prefix of
  the schema."; unknown key column: "Key column(x) doesn't exist."
* PRIMARY KEY columns: explicit NULL → "primary key column[x] cannot be nullable" (otherwise they
  are made NOT NULL implicitly); allowed types BOOLEAN, integers, LARGEINT, VARCHAR/STRING, DATE,
  DATETIME – the stricter, older rule of KeysDesc (no FLOAT/DOUBLE/DECIMAL/CHAR/JSON/ARRAY/VARBINARY):
  "primary key column[x] type not supported: <type>"
* other key types: FLOAT/DOUBLE → "Float or double can not used as a key, use decimal instead.",
  JSON → "JsonType type should not be used in key column[x].", ARRAY → "Array can only be used in
  the non-key column of the duplicate table at present."
* PRIMARY KEY tables need DISTRIBUTED BY HASH(...) ("Create olap table should contain
  distribution desc"); BUCKETS may be omitted.
* replication_num (default: FE default_replication_num = 3) must not exceed the alive BEs
  (issue #39739 wording).
"""
from __future__ import annotations

import re
import time
from typing import List, Optional, Tuple

from . import values as V
from .catalog import AGGREGATE, DUPLICATE, PRIMARY, UNIQUE, Column, TableDef
from .expressions import parse_type
from .sqltokens import SqlError, TokenStream, analysis_error, syntax_error

AGG_TYPES = ("SUM", "MIN", "MAX", "REPLACE", "REPLACE_IF_NOT_NULL", "HLL_UNION", "BITMAP_UNION",
             "PERCENTILE_UNION")
DB_NAME_RE = re.compile(r"^([a-zA-Z][\w-]{0,255}|_[a-zA-Z0-9][\w-]{0,254})$")


def _skip_balanced(ts: TokenStream) -> str:
    """Skip a parenthesised group (the current token is '('); returns its text."""
    start = ts.cur.pos
    depth = 0
    while True:
        t = ts.next()
        if t.kind == "eof":
            raise syntax_error(t)
        if t.kind == "op" and t.text == "(":
            depth += 1
        elif t.kind == "op" and t.text == ")":
            depth -= 1
            if depth == 0:
                return ts.sql[start:t.pos + 1]


def _ident_list(ts: TokenStream) -> List[str]:
    ts.expect_op("(")
    out = [ts.ident()]
    while ts.accept_op(","):
        out.append(ts.ident())
    ts.expect_op(")")
    return out


def _properties(ts: TokenStream) -> dict:
    ts.expect_op("(")
    props = {}
    if ts.accept_op(")"):
        return props
    while True:
        k = ts.next()
        if k.kind not in ("str", "ident", "qident"):
            raise syntax_error(k)
        ts.expect_op("=")
        v = ts.next()
        if v.kind not in ("str", "num", "ident"):
            raise syntax_error(v)
        props[k.text] = v.text
        if ts.accept_op(")"):
            return props
        ts.expect_op(",")


def create_database(engine, session, ts: TokenStream):
    ine = ts.accept_kws("IF", "NOT", "EXISTS")
    name = ts.ident()
    if ts.accept_kw("PROPERTIES"):
        _properties(ts)
    ts.expect_end()
    if not DB_NAME_RE.match(name):
        raise analysis_error(f"Incorrect database name '{name}'")
    engine.srv.catalog.create_database(name, ine)


def drop_database(engine, session, ts: TokenStream):
    ie = ts.accept_kws("IF", "EXISTS")
    name = ts.ident()
    ts.accept_kw("FORCE")
    ts.expect_end()
    engine.srv.catalog.drop_database(name, ie)
    if session.database == name:
        session.database = None


def _column_def(ts: TokenStream) -> Tuple[Column, Optional[str], bool]:
    """Returns (column, aggregate type, nullability explicitly given)."""
    name = ts.ident()
    if not name or "\0" in name or len(name) > 1024:
        raise analysis_error(f"Incorrect column name '{name}'")
    typ = parse_type(ts)
    col = Column(name, typ)
    agg = None
    explicit_null = None
    while not (ts.at_op(",") or ts.at_op(")")):
        if ts.accept_kw("KEY"):
            continue
        if ts.at_kw(*AGG_TYPES):
            agg = ts.next().text.upper()
            continue
        if ts.accept_kws("NOT", "NULL"):
            col.nullable = False
            explicit_null = False
            continue
        if ts.accept_kw("NULL"):
            col.nullable = True
            explicit_null = True
            continue
        if ts.accept_kw("AUTO_INCREMENT"):
            col.auto_increment = True
            continue
        if ts.accept_kw("DEFAULT"):
            t = ts.cur
            if t.kind in ("str", "num"):
                ts.next()
                col.default, col.default_kind = t.text, "literal"
            elif ts.at_op("-") and ts.peek().kind == "num":
                ts.next()
                col.default, col.default_kind = "-" + ts.next().text, "literal"
            elif t.is_kw("NULL"):
                ts.next()
                col.default_kind = "null"
            elif t.is_kw("CURRENT_TIMESTAMP", "NOW"):
                ts.next()
                if ts.at_op("("):
                    _skip_balanced(ts)
                col.default_kind = "current_timestamp"
            elif ts.at_op("("):
                txt = _skip_balanced(ts)
                if re.fullmatch(r"\(\s*(now|current_timestamp)\s*\(\s*\)\s*\)", txt, re.I):
                    col.default_kind = "current_timestamp"
                else:
                    raise analysis_error(f"Unsupported default value expression {txt} of column {name}")
            else:
                raise syntax_error(t)
            continue
        if ts.accept_kw("COMMENT"):
            col.comment = ts.string()
            continue
        if ts.accept_kws("CHARACTER", "SET") or ts.accept_kw("CHARSET", "COLLATE"):
            ts.ident()
            continue
        if ts.at_kw("AS"):
            raise analysis_error("Generated columns are not supported by the stand-in")
        raise syntax_error(ts.cur)
    if col.default_kind == "literal":
        try:
            V.parse_text(typ, col.default)
        except V.ParseError:
            raise analysis_error(f"Invalid default value for '{name}': {col.default}")
    if col.default_kind == "current_timestamp" and typ.name != "DATETIME":
        raise analysis_error(f"Invalid default value for '{name}'")
    if col.default_kind == "null" and not col.nullable:
        raise analysis_error(f"Invalid default value for '{name}'")
    return col, agg, explicit_null is True


def _default_keys(cols: List[Column]) -> List[str]:
    """Default DUPLICATE KEY: leading key-eligible columns, at most 3."""
    out = []
    for c in cols:
        if c.type.name in ("FLOAT", "DOUBLE", "JSON", "ARRAY", "VARBINARY") or len(out) == 3:
            break
        out.append(c.name)
        if c.type.name in ("VARCHAR", "STRING", "CHAR"):
            break
    return out or [cols[0].name]


def create_table(engine, session, ts: TokenStream):
    srv = engine.srv
    ts.accept_kw("EXTERNAL")
    ts.expect_kw("TABLE")
    ine = ts.accept_kws("IF", "NOT", "EXISTS")
    db, name = ts.qualified_name()
    db = db or session.database
    if not db:
        raise analysis_error("No database selected")
    if ts.at_kw("LIKE") or ts.at_kw("AS"):
        raise analysis_error("CREATE TABLE LIKE / AS SELECT is not supported by the stand-in")
    ts.expect_op("(")
    cols: List[Column] = []
    aggs: List[Optional[str]] = []
    explicit_nulls: List[bool] = []
    while True:
        if ts.at_kw("INDEX"):
            ts.next()
            ts.ident()
            while not (ts.at_op(",") or ts.at_op(")")):
                if ts.at_op("("):
                    _skip_balanced(ts)
                else:
                    ts.next()
        else:
            c, agg, en = _column_def(ts)
            cols.append(c)
            aggs.append(agg)
            explicit_nulls.append(en)
        if ts.accept_op(","):
            continue
        ts.expect_op(")")
        break
    keys_type, key_names = None, None
    dist_cols: List[str] = []
    buckets = None
    has_dist = False
    props: dict = {}
    comment = ""
    order_by: List[str] = []
    partition_text = ""
    while not ts.at_end():
        if ts.accept_kw("ENGINE"):
            ts.accept_op("=")
            eng = ts.ident()
            if eng.upper() != "OLAP":
                raise analysis_error(f"Unknown engine name: {eng}")
        elif ts.at_kw("PRIMARY", "DUPLICATE", "UNIQUE", "AGGREGATE"):
            kw = ts.next().text.upper()
            ts.expect_kw("KEY")
            keys_type = {"PRIMARY": PRIMARY, "DUPLICATE": DUPLICATE, "UNIQUE": UNIQUE, "AGGREGATE": AGGREGATE}[kw]
            key_names = _ident_list(ts)
        elif ts.accept_kw("COMMENT"):
            comment = ts.string()
        elif ts.accept_kw("PARTITION"):
            ts.expect_kw("BY")
            start = ts.cur.pos
            while not ts.at_end() and not ts.at_kw("DISTRIBUTED", "PROPERTIES", "ORDER"):
                if ts.at_op("("):
                    _skip_balanced(ts)
                else:
                    ts.next()
            partition_text = ts.sql[start:ts.cur.pos].strip()
        elif ts.accept_kw("DISTRIBUTED"):
            ts.expect_kw("BY")
            has_dist = True
            if ts.accept_kw("HASH"):
                dist_cols = _ident_list(ts)
            else:
                ts.expect_kw("RANDOM")
            if ts.accept_kw("BUCKETS"):
                t = ts.next()
                if t.kind != "num":
                    raise syntax_error(t)
                buckets = int(t.text)
                if buckets <= 0:
                    raise analysis_error("Number of hash distribution should be greater than zero.")
        elif ts.accept_kw("ORDER"):
            ts.expect_kw("BY")
            order_by = _ident_list(ts)
        elif ts.accept_kw("PROPERTIES"):
            props = _properties(ts)
        elif ts.accept_kw("ROLLUP"):
            _skip_balanced(ts)
        else:
            raise syntax_error(ts.cur)
    # ---- analysis ----
    seen = set()
    for c in cols:
        if c.name.lower() in seen:
            raise analysis_error(f"Duplicate column name '{c.name}'")
        seen.add(c.name.lower())
    if not cols:
        raise analysis_error("Table should contain at least one column")
    if keys_type is None:
        keys_type = DUPLICATE
        key_names = _default_keys(cols)
    if keys_type == AGGREGATE:
        raise analysis_error("AGGREGATE KEY tables are not supported by the stand-in")
    if len(key_names) > len(cols):
        raise analysis_error("The number of key columns should be less than the number of columns.")
    for i, k in enumerate(key_names):
        c = cols[i]
        if c.name.lower() != k.lower():
            if not any(x.name.lower() == k.lower() for x in cols):
                raise analysis_error(f"Key column({k}) doesn't exist.")
            raise analysis_error("Key columns should be a ordered prefix of the schema.")
        if aggs[i] is not None:
            raise analysis_error(f"Key column[{c.name}] should not specify aggregate type.")
        if keys_type == PRIMARY:
            if explicit_nulls[i]:
                raise analysis_error(f"primary key column[{c.name}] cannot be nullable")
            c.nullable = False
            t = c.type
            if not (t.name == "BOOLEAN" or t.is_integer or t.name in ("VARCHAR", "STRING", "DATE", "DATETIME")):
                raise analysis_error(f"primary key column[{c.name}] type not supported: {t.ddl()}")
        else:
            if c.type.is_float:
                raise analysis_error("Float or double can not used as a key, use decimal instead.")
            if c.type.name == "JSON":
                raise analysis_error(f"JsonType type should not be used in key column[{c.name}].")
            if c.type.name == "ARRAY":
                raise analysis_error("Array can only be used in the non-key column of the duplicate table at present.")
            if c.type.name == "VARBINARY":
                raise analysis_error(f"Invalid data type of key column '{c.name}': 'VARBINARY'")
        c.is_key = True
        key_names[i] = c.name
    for i in range(len(key_names), len(cols)):
        if aggs[i] is not None:
            raise analysis_error(f"{keys_type} table should not specify aggregate type for non-key column[{cols[i].name}]")
    if keys_type == PRIMARY and not has_dist:
        raise analysis_error("Create olap table should contain distribution desc")
    names = {c.name.lower(): c.name for c in cols}
    for d in dist_cols:
        if d.lower() not in names:
            raise analysis_error(f"Distribution column({d}) doesn't exist.")
        if keys_type in (PRIMARY, UNIQUE) and d.lower() not in {k.lower() for k in key_names}:
            raise analysis_error(f"Distribution column[{names[d.lower()]}] is not key column")
        if cols[[c.name.lower() for c in cols].index(d.lower())].type.name in ("JSON", "ARRAY", "VARBINARY",
                                                                               "FLOAT", "DOUBLE"):
            raise analysis_error(f"Distribution column[{d}] type is not supported")
    dist_cols = [names[d.lower()] for d in dist_cols]
    for o in order_by:
        if o.lower() not in names:
            raise analysis_error(f"Unknown column '{o}' in 'order by'")
    alive = len(srv.backend_ids)
    if "replication_num" in props:
        try:
            rn = int(props["replication_num"])
        except ValueError:
            raise analysis_error(f"Invalid replication_num: {props['replication_num']}")
        if rn <= 0:
            raise analysis_error("Replication num should larger than 0")
        if rn > alive:
            raise SqlError("Table replication num should be less than or equal to the number of available BE "
                           "nodes. You can change this default by setting the replication_num table "
                           f"properties. Current alive backend is [{','.join(map(str, srv.backend_ids))}]. "
                           f"table={name}, properties.replication_num={rn}")
    else:
        rn = int(srv.admin_config["default_replication_num"])
        if rn > alive:
            raise SqlError("Unexpected exception: Table replication num should be less than or equal to the "
                           "number of available BE nodes. You can change this default by setting the "
                           "replication_num table properties. Current alive backend is "
                           f"[{','.join(map(str, srv.backend_ids))}]. , table={name}, "
                           f"default_replication_num={rn}")
        props = dict(props)
        props["replication_num"] = str(rn)
    tdef = TableDef(name, cols, keys_type, key_names, dist_cols, buckets, props, comment, order_by, partition_text)
    srv.catalog.create_table(db, tdef, ine)


def drop_table(engine, session, ts: TokenStream):
    ie = ts.accept_kws("IF", "EXISTS")
    db, name = ts.qualified_name()
    ts.accept_kw("FORCE")
    ts.expect_end()
    engine.srv.catalog.drop_table(db or session.require_db(), name, ie)


def truncate_table(engine, session, ts: TokenStream):
    ts.accept_kw("TABLE")
    db, name = ts.qualified_name()
    if ts.accept_kw("PARTITION"):
        _skip_balanced(ts) if ts.at_op("(") else ts.ident()
    ts.expect_end()
    engine.srv.catalog.truncate_table(db or session.require_db(), name)


# ---- renderings ----------------------------------------------------------------------------------
def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _default_text(c: Column) -> Optional[str]:
    if c.default_kind == "literal":
        return c.default
    if c.default_kind == "current_timestamp":
        return "CURRENT_TIMESTAMP"
    return None


def show_create_table(table) -> str:
    t = table.tdef
    lines = []
    for c in t.columns:
        s = f"  {_q(c.name)} {c.type.ddl()} {'NULL' if c.nullable else 'NOT NULL'}"
        if c.auto_increment:
            s += " AUTO_INCREMENT"
        d = _default_text(c)
        if d is not None:
            s += f" DEFAULT {'CURRENT_TIMESTAMP' if c.default_kind == 'current_timestamp' else chr(34) + d + chr(34)}"
        s += f' COMMENT "{c.comment}"'
        lines.append(s)
    kw = {PRIMARY: "PRIMARY KEY", DUPLICATE: "DUPLICATE KEY", UNIQUE: "UNIQUE KEY", AGGREGATE: "AGGREGATE KEY"}[t.keys_type]
    out = f"CREATE TABLE {_q(t.name)} (\n" + ",\n".join(lines) + "\n) ENGINE=OLAP \n"
    out += f"{kw}({', '.join(_q(k) for k in t.key_names)})\n"
    out += f'COMMENT "{t.comment or "OLAP"}"\n'
    if t.partition_text:
        out += f"PARTITION BY {t.partition_text}\n"
    if t.dist_cols:
        out += f"DISTRIBUTED BY HASH({', '.join(_q(d) for d in t.dist_cols)})"
    else:
        out += "DISTRIBUTED BY RANDOM"
    if t.buckets:
        out += f" BUCKETS {t.buckets}"
    out += " \n"
    if t.order_by:
        out += f"ORDER BY({', '.join(_q(o) for o in t.order_by)})\n"
    props = dict(t.properties)
    props.setdefault("compression", "LZ4")
    props.setdefault("fast_schema_evolution", "true")
    out += "PROPERTIES (\n" + ",\n".join(f'"{k}" = "{v}"' for k, v in props.items()) + "\n);"
    return out


def desc_type(t: V.ColumnType) -> str:
    """DESC shows int / bigint without display width (docs BINARY.md example)."""
    if t.is_integer:
        return t.name.lower()
    if t.name == "DECIMAL":
        return f"decimal({t.precision},{t.scale})"
    return t.sql()


def desc_rows(table) -> List[list]:
    return [[c.name, desc_type(c.type), "YES" if c.nullable else "NO", "true" if c.is_key else "false",
             _default_text(c), ""] for c in table.columns]
