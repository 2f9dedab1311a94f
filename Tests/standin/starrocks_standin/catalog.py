"""Databases, tables and their rows (reference §8.3 table model), persisted via storage.Storage.

Row model:
* PRIMARY KEY / UNIQUE KEY tables: `rows` maps the key tuple to the row (a list of values in
  column order); upsert = replace, delete = remove (deleting a missing key is a no-op, §10.2.8).
* DUPLICATE KEY tables: `rows` maps an insertion sequence number to the row (append only).

Commits are atomic: `commit_ops()` first computes the net effect of a load's operations, writes
rows and the transaction's state in one SQLite transaction, then applies them in memory under
the catalog lock. Nothing of a load is visible before that. A commit may be marked
"publish later" (fault injection, §10.2.9): rows are durable immediately but become visible in
memory only when `publish()` runs (or when the next commit to the same table forces it first,
keeping version order).

Routine Load (kafka_consumer.py) reuses `commit_ops()` with the same op format produced by
row_mapping.RowMapper.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from . import values as V
from .expressions import compare
from .storage import Storage
from .sqltokens import SqlError, analysis_error

PRIMARY = "PRIMARY_KEYS"
DUPLICATE = "DUPLICATE_KEYS"
UNIQUE = "UNIQUE_KEYS"
AGGREGATE = "AGG_KEYS"


@dataclass
class Column:
    name: str
    type: V.ColumnType
    nullable: bool = True
    default: Optional[str] = None          # literal default text
    default_kind: Optional[str] = None     # None | "literal" | "current_timestamp" | "null"
    comment: str = ""
    is_key: bool = False
    auto_increment: bool = False

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type.to_json(), "nullable": self.nullable,
                "default": self.default, "default_kind": self.default_kind, "comment": self.comment,
                "is_key": self.is_key, "auto_increment": self.auto_increment}

    @staticmethod
    def from_json(d: dict) -> "Column":
        return Column(d["name"], V.ColumnType.from_json(d["type"]), d["nullable"], d.get("default"),
                      d.get("default_kind"), d.get("comment", ""), d.get("is_key", False),
                      d.get("auto_increment", False))

    def has_default(self) -> bool:
        return self.default_kind is not None

    def default_value(self) -> Any:
        if self.default_kind == "literal":
            try:
                return V.parse_text(self.type, self.default)
            except V.ParseError:
                return None
        if self.default_kind == "current_timestamp":
            now = time.time()
            lt = time.localtime(now)
            return time.strftime("%Y-%m-%d %H:%M:%S", lt) + ".000000"
        return None


@dataclass
class TableDef:
    name: str
    columns: List[Column]
    keys_type: str
    key_names: List[str]
    dist_cols: List[str] = field(default_factory=list)
    buckets: Optional[int] = None
    properties: Dict[str, str] = field(default_factory=dict)
    comment: str = ""
    order_by: List[str] = field(default_factory=list)
    partition_text: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "columns": [c.to_json() for c in self.columns],
                "keys_type": self.keys_type, "key_names": self.key_names, "dist_cols": self.dist_cols,
                "buckets": self.buckets, "properties": self.properties, "comment": self.comment,
                "order_by": self.order_by, "partition_text": self.partition_text}

    @staticmethod
    def from_json(d: dict) -> "TableDef":
        return TableDef(d["name"], [Column.from_json(c) for c in d["columns"]], d["keys_type"],
                        d["key_names"], d.get("dist_cols", []), d.get("buckets"), d.get("properties", {}),
                        d.get("comment", ""), d.get("order_by", []), d.get("partition_text", ""))


class Table:
    def __init__(self, tid: int, db: str, tdef: TableDef, created: float):
        self.id = tid
        self.db = db
        self.tdef = tdef
        self.created = created
        self.rows: Dict[Any, list] = {}
        self.next_seq = 1
        self.pending: List[Tuple[int, dict]] = []   # (txn_id, changes) committed, not yet visible
        self.updated = created
        self.seg_seq = 0
        self.seg_count = 0
        # ALTER TABLE (schema_change.py): loads planned against an older schema get their ops upgraded
        self.schema_version = 0
        self.upgrades: Dict[int, List[Tuple[Optional[int], Callable]]] = {}   # version → per new column plan
        self._set_tdef(tdef)

    def _set_tdef(self, tdef: TableDef) -> None:
        self.tdef = tdef
        self._index = {c.name.lower(): i for i, c in enumerate(tdef.columns)}
        self.key_idx = [self._index[k.lower()] for k in tdef.key_names]
        self._enc = [V.storage_encoder(c.type) for c in tdef.columns]
        self._dec = [V.storage_decoder(c.type) for c in tdef.columns]
        self._enc_any = any(f is not None for f in self._enc)
        self._dec_any = any(f is not None for f in self._dec)

    def upgrade_op(self, op: tuple, version: int) -> tuple:
        """An op built against schema `version` → the same op for the current schema."""
        while version < self.schema_version:
            plan = self.upgrades[version]
            kind, payload = op[0], op[1]
            if isinstance(payload, dict):                     # partial update / delete by key: {index: value}
                payload = {ni: fn(payload[oi]) for ni, (oi, fn) in enumerate(plan) if oi is not None and oi in payload}
            elif isinstance(payload, list):
                payload = [fn(payload[oi]) if oi is not None else fn(None) for oi, fn in plan]
            op = (kind, payload) + tuple(op[2:])
            version += 1
        return op

    @property
    def name(self) -> str:
        return self.tdef.name

    @property
    def columns(self) -> List[Column]:
        return self.tdef.columns

    @property
    def is_pk(self) -> bool:
        return self.tdef.keys_type in (PRIMARY, UNIQUE)

    def col_index(self, name: str) -> Optional[int]:
        return self._index.get(name.lower())

    def column(self, name: str) -> Optional[Column]:
        i = self.col_index(name)
        return None if i is None else self.tdef.columns[i]

    def key_of(self, row: list) -> tuple:
        return tuple(row[i] for i in self.key_idx)

    def scan(self) -> List[list]:
        """Visible rows; PK tables ordered by key, duplicate tables in insertion order."""
        if self.is_pk:
            try:
                return [self.rows[k] for k in sorted(self.rows, key=_sort_key)]
            except TypeError:
                return list(self.rows.values())
        return list(self.rows.values())

    # --- storage encoding ---
    def encode_row(self, row: list) -> list:
        if not self._enc_any:
            return row
        return [v if (f is None or v is None) else f(v) for f, v in zip(self._enc, row)]

    def decode_row(self, data: list) -> list:
        if not self._dec_any:
            return data
        return [v if (f is None or v is None) else f(v) for f, v in zip(self._dec, data)]

    def segment(self, changes: dict) -> str:
        """One commit's net changes as JSON: PK tables {"u": [rows], "d": [keys]},
        duplicate tables {"a": [[seq, row]], "d": [seqs]}."""
        if self.is_pk:
            u = [self.encode_row(r) for r in changes.values() if r is not None]
            d = [list(k) for k, r in changes.items() if r is None]
            return json.dumps({"u": u, "d": d}, ensure_ascii=False, separators=(",", ":"))
        a = [[k, self.encode_row(r)] for k, r in changes.items() if r is not None]
        d = [k for k, r in changes.items() if r is None]
        return json.dumps({"a": a, "d": d}, ensure_ascii=False, separators=(",", ":"))

    def replay(self, data: str) -> None:
        seg = json.loads(data)
        rows = self.rows
        if self.is_pk:
            for r in seg.get("u", ()):
                row = self.decode_row(r)
                rows[self.key_of(row)] = row
            for k in seg.get("d", ()):
                rows.pop(tuple(k), None)
        else:
            for seq, r in seg.get("a", ()):
                rows[seq] = self.decode_row(r)
                if seq >= self.next_seq:
                    self.next_seq = seq + 1
            for seq in seg.get("d", ()):
                rows.pop(seq, None)


def _new_row_value(c: Column) -> Any:
    """A column a partial update does not load, in a row the update inserts: its default, else NULL, else
    for a NOT NULL column without default the type's zero value (the BE's Column::append_default();
    UNCONFIRMED beyond numbers and strings)."""
    if c.has_default():
        return c.default_value()
    if c.nullable:
        return None
    t = c.type
    if t.is_integer or t.name == "BOOLEAN":
        return 0
    if t.is_float:
        return 0.0
    if t.name == "DECIMAL":
        return V.Decimal(0).quantize(V.Decimal(1).scaleb(-t.scale))
    if t.is_string:
        return ""
    return None


def _sort_key(k: tuple):
    return tuple((0, None) if v is None else (1, v) for v in k)


class Database:
    def __init__(self, name: str, created: float):
        self.name = name
        self.created = created
        self.tables: Dict[str, Table] = {}


class Catalog:
    def __init__(self, storage: Storage):
        self.storage = storage
        self.lock = storage.lock          # one lock for catalog + storage + labels
        self.dbs: Dict[str, Database] = {}
        self.next_table_id = int(storage.get_meta("next_table_id", "10001"))
        self._load()

    # ------------------------------------------------------------------------------------------
    def _load(self) -> None:
        for name, created in self.storage.query("SELECT name, created FROM databases"):
            self.dbs[name] = Database(name, created or time.time())
        by_id: Dict[int, Table] = {}
        for tid, db, name, schema, created in self.storage.query(
                "SELECT id, db, name, schema, created FROM tables"):
            if db not in self.dbs:
                continue
            t = Table(tid, db, TableDef.from_json(json.loads(schema)), created or time.time())
            self.dbs[db].tables[name] = t
            by_id[tid] = t
        for tid, seq, data in self.storage.query("SELECT tid, seq, data FROM segments ORDER BY tid, seq"):
            t = by_id.get(tid)
            if t is None:
                continue
            t.replay(data)
            t.seg_seq = max(t.seg_seq, seq)
            t.seg_count += 1

    def allocate_id(self) -> int:
        """GlobalStateMgr.getNextId(): tables, Routine Load jobs and alter jobs share one id space."""
        with self.lock:
            nid = self.next_table_id
            self.next_table_id += 1
            self.storage.set_meta("next_table_id", self.next_table_id)
        return nid

    # ---- databases -----------------------------------------------------------------------------
    def create_database(self, name: str, if_not_exists: bool) -> None:
        with self.lock:
            if name in self.dbs:
                if if_not_exists:
                    return
                raise SqlError(f"Can't create database '{name}'; database exists", 1007)
            now = time.time()
            with self.storage.transaction() as c:
                c.execute("INSERT INTO databases (name, created) VALUES (?, ?)", (name, now))
            self.dbs[name] = Database(name, now)

    def drop_database(self, name: str, if_exists: bool) -> None:
        with self.lock:
            if name not in self.dbs:
                if if_exists:
                    return
                raise SqlError(f"Can't drop database '{name}'; database doesn't exist", 1008)
            db = self.dbs[name]
            with self.storage.transaction() as c:
                for t in db.tables.values():
                    c.execute("DELETE FROM segments WHERE tid = ?", (t.id,))
                c.execute("DELETE FROM tables WHERE db = ?", (name,))
                c.execute("DELETE FROM databases WHERE name = ?", (name,))
            del self.dbs[name]

    def get_db(self, name: Optional[str]) -> Database:
        if not name:
            raise analysis_error("No database selected")
        db = self.dbs.get(name)
        if db is None:
            raise analysis_error(f"Unknown database '{name}'")
        return db

    def has_db(self, name: str) -> bool:
        return name in self.dbs

    # ---- tables --------------------------------------------------------------------------------
    def create_table(self, db_name: str, tdef: TableDef, if_not_exists: bool) -> bool:
        with self.lock:
            db = self.get_db(db_name)
            if tdef.name in db.tables:
                if if_not_exists:
                    return False
                raise SqlError(f"Table '{tdef.name}' already exists", 1050)
            tid = self.next_table_id
            self.next_table_id += 1
            now = time.time()
            with self.storage.transaction() as c:
                c.execute("INSERT INTO tables (id, db, name, schema, created) VALUES (?, ?, ?, ?, ?)",
                          (tid, db_name, tdef.name, json.dumps(tdef.to_json()), now))
                c.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('next_table_id', ?)",
                          (str(self.next_table_id),))
            db.tables[tdef.name] = Table(tid, db_name, tdef, now)
            return True

    def drop_table(self, db_name: str, name: str, if_exists: bool) -> None:
        with self.lock:
            db = self.get_db(db_name)
            t = db.tables.get(name)
            if t is None:
                if if_exists:
                    return
                raise SqlError(f"Unknown table '{name}'", 1051)
            with self.storage.transaction() as c:
                c.execute("DELETE FROM segments WHERE tid = ?", (t.id,))
                c.execute("DELETE FROM tables WHERE id = ?", (t.id,))
            del db.tables[name]

    def truncate_table(self, db_name: str, name: str) -> None:
        with self.lock:
            t = self.get_table(db_name, name)
            with self.storage.transaction() as c:
                c.execute("DELETE FROM segments WHERE tid = ?", (t.id,))
            t.seg_count = 0
            t.rows.clear()
            t.pending.clear()
            t.updated = time.time()

    def get_table(self, db_name: Optional[str], name: str) -> Table:
        db = self.get_db(db_name)
        t = db.tables.get(name)
        if t is None:
            raise analysis_error(f"Unknown table '{db_name}.{name}'")
        return t

    def find_table(self, db_name: str, name: str) -> Optional[Table]:
        db = self.dbs.get(db_name)
        return None if db is None else db.tables.get(name)

    # ---- writes --------------------------------------------------------------------------------
    def commit_ops(self, table: Table, ops: Iterable[tuple], on_commit: Optional[Callable] = None,
                   publish_later: bool = False, txn_id: int = 0,
                   merge_condition: Optional[str] = None, schema_version: Optional[int] = None) -> int:
        """Apply a load's operations atomically.

        ops: ("upsert", row) full row | ("partial", {col_index: value}) | ("delete", row-or-dict with
        key columns) | ("append", row). `on_commit(conn)` runs inside the same SQLite transaction
        (the label registry marks the txn COMMITTED/VISIBLE there). Returns the number of ops applied.
        """
        with self.lock:
            self._flush_pending(table)
            if schema_version is not None and schema_version < table.schema_version:
                ops = [table.upgrade_op(op, schema_version) for op in ops]
            changes, new_seq = self._net_changes(table, ops, merge_condition)
            data = table.segment(changes) if changes else None
            with self.storage.transaction() as c:
                if data is not None:
                    table.seg_seq += 1
                    c.execute("INSERT INTO segments (tid, seq, data) VALUES (?, ?, ?)", (table.id, table.seg_seq, data))
                if on_commit is not None:
                    on_commit(c)
            if data is not None:
                table.seg_count += 1
            table.next_seq = new_seq
            if publish_later:
                table.pending.append((txn_id, changes))
            else:
                self._apply_changes(table, changes)
                if table.seg_count > self.COMPACT_AFTER:
                    self._compact(table)
            return len(changes)

    COMPACT_AFTER = 200

    def alter_schema(self, table: Table, tdef: TableDef, plan: List[Tuple[Optional[int], Callable]]) -> None:
        """Replace a table's schema and rewrite its rows: `plan[i]` says where new column i comes from,
        (old index, convert) or (None, default). Atomic: the converted rows, the schema and one snapshot
        segment are written in one SQLite transaction; a value that does not convert raises before."""
        with self.lock:
            self._flush_pending(table)
            rows = {k: [fn(row[oi]) if oi is not None else fn(None) for oi, fn in plan]
                    for k, row in table.rows.items()}
            old_tdef = table.tdef
            table._set_tdef(tdef)
            try:
                snap = table.segment(rows)
                with self.storage.transaction() as c:
                    c.execute("UPDATE tables SET schema = ? WHERE id = ?", (json.dumps(tdef.to_json()), table.id))
                    c.execute("DELETE FROM segments WHERE tid = ?", (table.id,))
                    table.seg_seq += 1
                    c.execute("INSERT INTO segments (tid, seq, data) VALUES (?, ?, ?)", (table.id, table.seg_seq, snap))
            except Exception:
                table._set_tdef(old_tdef)
                raise
            table.upgrades[table.schema_version] = plan
            table.schema_version += 1
            table.rows = rows
            table.seg_count = 1
            table.updated = time.time()

    def _compact(self, table: Table) -> None:
        """Replace a table's segments by one snapshot segment (only when nothing is pending)."""
        if table.pending:
            return
        snap = table.segment(dict(table.rows))
        with self.storage.transaction() as c:
            c.execute("DELETE FROM segments WHERE tid = ?", (table.id,))
            table.seg_seq += 1
            c.execute("INSERT INTO segments (tid, seq, data) VALUES (?, ?, ?)", (table.id, table.seg_seq, snap))
        table.seg_count = 1

    def publish(self, table: Table, txn_id: int) -> bool:
        """Make a committed-but-invisible txn visible (and everything committed before it)."""
        with self.lock:
            if not any(t == txn_id for t, _ in table.pending):
                return False
            while table.pending:
                t, ch = table.pending.pop(0)
                self._apply_changes(table, ch)
                if t == txn_id:
                    break
            return True

    def _flush_pending(self, table: Table) -> List[int]:
        done = []
        while table.pending:
            t, ch = table.pending.pop(0)
            self._apply_changes(table, ch)
            done.append(t)
        if done and self.on_publish:
            for t in done:
                self.on_publish(t)
        return done

    on_publish: Optional[Callable[[int], None]] = None

    def _apply_changes(self, table: Table, changes: dict) -> None:
        for k, row in changes.items():
            if row is None:
                table.rows.pop(k, None)
            else:
                table.rows[k] = row
        table.updated = time.time()

    def _net_changes(self, table: Table, ops, merge_condition: Optional[str]):
        changes: Dict[Any, Optional[list]] = {}
        seq = table.next_seq
        cols = table.columns
        mc_idx = table.col_index(merge_condition) if merge_condition else None

        def current(k):
            if k in changes:
                return changes[k]
            return table.rows.get(k)

        for op in ops:
            kind = op[0]
            if not table.is_pk:
                if kind in ("append", "upsert"):
                    changes[seq] = list(op[1])
                    seq += 1
                elif kind == "delete_seq":
                    changes[op[1]] = None
                continue
            if kind in ("upsert", "append"):
                row = list(op[1])
                k = table.key_of(row)
                if mc_idx is not None:
                    old = current(k)
                    if old is not None and compare((row[mc_idx], cols[mc_idx].type),
                                                   (old[mc_idx], cols[mc_idx].type)) == -1:
                        continue     # merge_condition: only apply when new >= stored (§2, §10.2.8)
                changes[k] = row
            elif kind == "partial":
                vals: dict = op[1]
                k = tuple(vals[i] for i in table.key_idx)
                old = current(k)
                if old is not None:
                    row = list(old)
                    if mc_idx is not None and mc_idx in vals and compare(
                            (vals[mc_idx], cols[mc_idx].type), (old[mc_idx], cols[mc_idx].type)) == -1:
                        continue
                else:
                    row = [_new_row_value(c) for c in cols]
                for i, v in vals.items():
                    row[i] = v
                changes[k] = row
            elif kind == "delete":
                src = op[1]
                if isinstance(src, dict):
                    k = tuple(src[i] for i in table.key_idx)
                else:
                    k = table.key_of(src)
                if current(k) is not None or k in changes:
                    changes[k] = None
        return changes, seq
