"""Statement dispatch for the MySQL endpoint (reference §9, §10.3), independent of the wire protocol.

Dispatch is by leading keywords with longest match first; extend with
`SqlEngine.register(("CREATE", "ROUTINE", "LOAD"), handler)` – a handler gets
(engine, session, TokenStream positioned after the keywords) and returns a query.Result or None.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import ddl, query
from . import values as V
from .expressions import ExprParser, evaluate
from .query import VARCHAR, Result, text_result
from .sqltokens import SqlError, TokenStream, analysis_error, syntax_error

Handler = Callable[["SqlEngine", "Session", TokenStream], Optional[Result]]

# Session variables a client may SET / read. MySQL-only variables such as default_storage_engine
# or group_concat_max_len are deliberately absent: StarRocks answers "Unknown system variable"
# (§9, issue #55629).
DEFAULT_VARIABLES: Dict[str, Any] = {
    "autocommit": "1", "auto_increment_increment": "1", "character_set_client": "utf8",
    "character_set_connection": "utf8", "character_set_database": "utf8", "character_set_results": "utf8",
    "character_set_server": "utf8", "collation_connection": "utf8_general_ci",
    "collation_database": "utf8_general_ci", "collation_server": "utf8_general_ci",
    "enable_insert_strict": "true", "exec_mem_limit": "2147483648", "init_connect": "",
    "interactive_timeout": "3600", "language": "/starrocks/share/english/", "license": "Apache License 2.0",
    "load_mem_limit": "0", "lower_case_table_names": "0", "max_allowed_packet": "33554432",
    "max_execution_time": "3000000", "net_buffer_length": "16384", "net_read_timeout": "60",
    "net_write_timeout": "60", "performance_schema": "0", "query_cache_size": "1048576",
    "query_cache_type": "0", "query_mem_limit": "0", "query_timeout": "300", "insert_timeout": "14400",
    "sql_mode": "ONLY_FULL_GROUP_BY", "sql_safe_updates": "0", "sql_select_limit": "9223372036854775807",
    "system_time_zone": "Asia/Shanghai", "time_zone": "Asia/Shanghai", "transaction_isolation": "REPEATABLE-READ",
    "transaction_read_only": "OFF", "tx_isolation": "REPEATABLE-READ", "tx_read_only": "OFF",
    "wait_timeout": "28800", "pipeline_dop": "0", "parallel_fragment_exec_instance_num": "1",
    "new_planner_optimize_timeout": "3000", "sql_auto_is_null": "0", "names": "utf8",
    "character_set": "utf8", "resource_group": "", "workgroup_id": "0", "default_rowset_type": "alpha",
    "event_scheduler": "OFF", "have_query_cache": "YES", "profiling": "OFF", "sql_notes": "1",
    "sql_quote_show_create": "1", "time_format": "%H:%i:%s", "version_comment": "",
    "div_precision_increment": "4", "cbo_max_reorder_node_use_exhaustive": "4",
    # common StarRocks session variables (accepted, no effect in the stand-in)
    "enable_profile": "false", "enable_pipeline_engine": "true", "batch_size": "4096", "enable_spill": "false",
    "sql_dialect": "StarRocks", "enable_query_cache": "false", "big_query_profile_threshold": "0s",
    "runtime_profile_report_interval": "10", "streaming_preaggregation_mode": "auto",
    "new_planner_agg_stage": "0", "enable_materialized_view_rewrite": "true", "query_queue_pending_timeout_second": "300",
    "enable_load_profile": "false", "forward_to_leader": "false", "statistic_collect_parallel": "1",
    "enable_strict_order_by": "true", "tx_visible_wait_timeout": "10", "dynamic_overwrite": "false",
    "enable_adaptive_sink_dop": "false", "connector_io_tasks_per_scan_operator": "16",
    "character_set_filesystem": "binary",
}


class Session:
    def __init__(self, engine, user: str = "root", conn_id: int = 0, client: str = "127.0.0.1"):
        self.engine = engine
        self.user = user
        self.conn_id = conn_id
        self.client = client
        self.database: Optional[str] = None
        self.variables: Dict[str, Any] = dict(DEFAULT_VARIABLES)
        self.user_vars: Dict[str, Any] = {}
        self.variables["version_comment"] = f"StarRocks version {engine.srv.cfg.starrocks_version}"

    def require_db(self) -> str:
        if not self.database:
            raise analysis_error("No database selected")
        return self.database

    def get_variable(self, name: str):
        n = name.lstrip("@")
        if name.startswith("@@"):
            for p in ("session.", "global.", "local."):
                if n.lower().startswith(p):
                    n = n[len(p):]
            k = n.lower()
            if k == "version":
                return self.engine.srv.cfg.mysql_version
            if k in self.variables:
                return self.variables[k]
            raise SqlError(f"Unknown system variable '{n}'", 1193)
        return self.user_vars.get(n.lower())


class SqlEngine:
    def __init__(self, srv):
        self.srv = srv
        self.handlers: Dict[Tuple[str, ...], Handler] = {}
        self._conn_ids = iter(range(1, 1 << 31))
        self._lock = threading.Lock()
        self._register_defaults()

    def new_session(self, user: str = "root", client: str = "127.0.0.1") -> Session:
        with self._lock:
            cid = next(self._conn_ids)
        return Session(self, user, cid, client)

    def register(self, keywords: Tuple[str, ...], handler: Handler) -> None:
        self.handlers[tuple(k.upper() for k in keywords)] = handler

    # ------------------------------------------------------------------------------------------
    def execute(self, session: Session, sql: str) -> Optional[Result]:
        self.srv.stats.request("mysql")
        ts = TokenStream(sql)
        if ts.at_end():
            raise SqlError("Query was empty", 1065)
        words: List[str] = []
        for k in range(4):
            t = ts.peek(k)
            if t.kind != "ident":
                break
            words.append(t.text.upper())
        for n in range(len(words), 0, -1):
            h = self.handlers.get(tuple(words[:n]))
            if h is not None:
                ts.i += n
                return h(self, session, ts)
        raise syntax_error(ts.cur)

    # ---- session functions -----------------------------------------------------------------------
    def session_function(self, session: Session, name: str, args):
        cfg = self.srv.cfg
        if name == "VERSION" and not args:
            return cfg.mysql_version, None
        if name == "CURRENT_VERSION" and not args:
            return cfg.starrocks_version, None
        if name in ("DATABASE", "SCHEMA") and not args:
            return session.database, None
        if name in ("USER", "SESSION_USER", "SYSTEM_USER") and not args:
            return f"'{session.user}'@'{session.client}'", None
        if name == "CURRENT_USER" and not args:
            return f"'{session.user}'@'%'", None
        if name == "CONNECTION_ID" and not args:
            return session.conn_id, None
        if name == "LAST_QUERY_ID" and not args:
            return "00000000-0000-0000-0000-000000000000", None
        return None

    # ---- built-in statements ---------------------------------------------------------------------
    def _register_defaults(self) -> None:
        r = self.register
        r(("SELECT",), lambda e, s, ts: query.select(e, s, ts))
        r(("INSERT",), lambda e, s, ts: query.insert(e, s, ts))
        r(("DELETE",), lambda e, s, ts: query.delete(e, s, ts))
        r(("UPDATE",), lambda e, s, ts: query.update(e, s, ts))
        r(("CREATE", "DATABASE"), ddl.create_database)
        r(("CREATE", "SCHEMA"), ddl.create_database)
        r(("CREATE", "TABLE"), lambda e, s, ts: (ts.__setattr__("i", ts.i - 1), ddl.create_table(e, s, ts))[1])
        r(("CREATE", "EXTERNAL", "TABLE"),
          lambda e, s, ts: (ts.__setattr__("i", ts.i - 2), ddl.create_table(e, s, ts))[1])
        r(("DROP", "DATABASE"), ddl.drop_database)
        r(("DROP", "SCHEMA"), ddl.drop_database)
        r(("DROP", "TABLE"), ddl.drop_table)
        r(("TRUNCATE",), ddl.truncate_table)
        r(("USE",), _use)
        r(("SET",), _set)
        r(("SHOW",), _show)
        r(("DESC",), _desc)
        r(("DESCRIBE",), _desc)
        r(("EXPLAIN",), _explain)
        r(("ADMIN", "SET"), _admin_set)
        r(("ADMIN", "SHOW"), _admin_show)
        for w in (("BEGIN",), ("START", "TRANSACTION"), ("COMMIT",), ("ROLLBACK",), ("KILL",), ("ANALYZE",),
                  ("REFRESH",), ("SYNC",)):
            r(w, _noop)


def _noop(engine, session, ts):
    return None


def _use(engine, session, ts: TokenStream):
    name = ts.ident()
    if ts.accept_op("."):      # USE catalog.db
        name = ts.ident()
    ts.expect_end()
    if name.lower() == "information_schema":
        session.database = "information_schema"
        return None
    if not engine.srv.catalog.has_db(name):
        raise analysis_error(f"Unknown database '{name}'")
    session.database = name
    return None


def _set(engine, session, ts: TokenStream):
    while True:
        scope = None
        if ts.at_kw("SESSION", "GLOBAL", "LOCAL"):
            scope = ts.next().text.upper()
        if ts.accept_kw("NAMES"):
            cs = ts.next().text
            if ts.accept_kw("COLLATE"):
                ts.next()
            session.variables["names"] = cs
        elif ts.accept_kws("CHARACTER", "SET") or ts.accept_kw("CHARSET"):
            ts.next()
        elif ts.accept_kw("PASSWORD"):
            return None
        elif ts.accept_kw("TRANSACTION"):
            while not ts.at_end() and not ts.at_op(","):
                ts.next()
        else:
            t = ts.next()
            if t.kind == "var":
                name = t.text
            elif t.kind in ("ident", "qident"):
                name = t.text
            else:
                raise syntax_error(t)
            if not ts.accept_op("=") and not ts.accept_op(":="):
                raise syntax_error(ts.cur)
            user_var = name.startswith("@") and not name.startswith("@@")
            k = None
            if not user_var:
                n = name.lstrip("@")
                for p in ("session.", "global.", "local."):
                    if n.lower().startswith(p):
                        n = n[len(p):]
                k = n.lower()
                if k not in session.variables:
                    raise SqlError(f"Unknown system variable '{n}'", 1193)
            if ts.at_kw("DEFAULT"):
                ts.next()
                val = None
            elif ts.cur.kind in ("ident", "qident") and (ts.peek().kind == "eof" or
                                                         (ts.peek().kind == "op" and ts.peek().text in (",", ";"))):
                val = ts.next().text          # bare word, e.g. SET sql_mode = TRADITIONAL / ON / OFF
            else:
                e = ExprParser(ts).parse()
                try:
                    val = evaluate(e, query.SessionEnv(engine, session))[0]
                except Exception as err:
                    raise analysis_error(str(err))
            if user_var:
                session.user_vars[name[1:].lower()] = val
            else:
                session.variables[k] = DEFAULT_VARIABLES.get(k) if val is None else (
                    "1" if val is True else str(val))
        if not ts.accept_op(","):
            break
    ts.expect_end()
    return None


def _desc(engine, session, ts: TokenStream):
    db, name = ts.qualified_name()
    ts.accept_kw("ALL")
    ts.expect_end()
    t = engine.srv.catalog.get_table(db or session.require_db(), name)
    return text_result(["Field", "Type", "Null", "Key", "Default", "Extra"], ddl.desc_rows(t))


def _explain(engine, session, ts: TokenStream):
    return text_result(["Explain String"], [["PLAN NOT AVAILABLE IN STAND-IN"]])


def _like(ts: TokenStream) -> Optional[re.Pattern]:
    if ts.accept_kw("LIKE"):
        from .expressions import _like_to_regex
        return re.compile(_like_to_regex(ts.string()), re.I | re.S)
    return None


def _admin_set(engine, session, ts: TokenStream):
    ts.expect_kw("FRONTEND")
    ts.expect_kw("CONFIG")
    props = ddl._properties(ts)
    ts.expect_end()
    srv = engine.srv
    for k, v in props.items():
        srv.admin_config[k] = v
        if k == "empty_load_as_error":
            srv.cfg.empty_load_as_error = v.lower() == "true"
        elif k == "label_keep_max_second":
            srv.labels.keep_seconds = float(v)
            srv.cfg.label_keep_seconds = float(v)
        elif k == "default_replication_num":
            int(v)
    return None


def _admin_show(engine, session, ts: TokenStream):
    ts.expect_kw("FRONTEND")
    ts.expect_kw("CONFIG")
    pat = _like(ts)
    rows = [[k, "", v, "String", "true", ""] for k, v in sorted(engine.srv.admin_config.items())
            if pat is None or pat.fullmatch(k)]
    return text_result(["Key", "AliasNames", "Value", "Type", "IsMutable", "Comment"], rows)


def _show(engine, session, ts: TokenStream):
    srv = engine.srv
    cat = srv.catalog
    full = ts.accept_kw("FULL")
    if ts.accept_kw("DATABASES") or ts.accept_kw("SCHEMAS"):
        pat = _like(ts)
        ts.expect_end()
        names = sorted(list(cat.dbs) + ["_statistics_", "information_schema"])
        return text_result(["Database"], [[n] for n in names if pat is None or pat.fullmatch(n)])
    if ts.accept_kw("TABLES"):
        db = None
        if ts.accept_kw("FROM", "IN"):
            db = ts.ident()
        db = db or session.require_db()
        pat = _like(ts)
        ts.expect_end()
        d = cat.get_db(db)
        names = sorted(d.tables)
        rows = [[n] + (["BASE TABLE"] if full else []) for n in names if pat is None or pat.fullmatch(n)]
        return text_result([f"Tables_in_{db}"] + (["Table_type"] if full else []), rows)
    if ts.accept_kws("CREATE", "TABLE"):
        db, name = ts.qualified_name()
        ts.expect_end()
        t = cat.get_table(db or session.require_db(), name)
        return text_result(["Table", "Create Table"], [[t.name, ddl.show_create_table(t)]])
    if ts.accept_kws("CREATE", "DATABASE"):
        name = ts.ident()
        ts.expect_end()
        cat.get_db(name)
        return text_result(["Database", "Create Database"], [[name, f"CREATE DATABASE `{name}`"]])
    if ts.accept_kw("COLUMNS", "FIELDS"):
        ts.expect_kw("FROM", "IN")
        db, name = ts.qualified_name()
        if ts.accept_kw("FROM", "IN"):
            db = ts.ident()
        pat = _like(ts)
        ts.expect_end()
        t = cat.get_table(db or session.require_db(), name)
        rows = [r for r in ddl.desc_rows(t) if pat is None or pat.fullmatch(r[0])]
        if full:
            rows = [[r[0], r[1], None, r[2], r[3], r[4], r[5], "", c.comment] for r, c in zip(rows, t.columns)]
            return text_result(["Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges",
                                "Comment"], rows)
        return text_result(["Field", "Type", "Null", "Key", "Default", "Extra"], rows)
    if ts.at_kw("SESSION", "GLOBAL", "LOCAL"):
        ts.next()
    if ts.accept_kw("VARIABLES"):
        pat = _like(ts)
        where = None
        if ts.accept_kw("WHERE"):
            where = ExprParser(ts).parse()
        ts.expect_end()
        rows = [[k, v] for k, v in sorted(session.variables.items()) if pat is None or pat.fullmatch(k)]
        rows.append(["version", srv.cfg.mysql_version]) if pat is None or pat.fullmatch("version") else None
        if where is not None:
            src = query.Source(["Variable_name", "Value"], [VARCHAR, VARCHAR], rows, set())
            rows = [r for r in rows if query.truth(query._eval(where, query.RowEnv(engine, session, src, r))[0])]
        return text_result(["Variable_name", "Value"], rows)
    if ts.accept_kw("WARNINGS", "ERRORS"):
        while not ts.at_end():
            ts.next()
        return text_result(["Level", "Code", "Message"], [])
    if ts.accept_kw("STATUS"):
        while not ts.at_end():
            ts.next()
        return text_result(["Variable_name", "Value"], [])
    if ts.accept_kw("BACKENDS") or (ts.accept_kw("PROC") and ts.string() in ("/backends", "/backends/")):
        ts.expect_end()
        rows = []
        for i, bid in enumerate(srv.backend_ids):
            rows.append([bid, srv.cfg.host, 9050, 9060, srv.be_ports[i] if i < len(srv.be_ports) else 0, 8060,
                         time.strftime("%Y-%m-%d %H:%M:%S"), time.strftime("%Y-%m-%d %H:%M:%S"), "true",
                         "false", 0, srv.cfg.starrocks_version])
        return text_result(["BackendId", "IP", "HeartbeatPort", "BePort", "HttpPort", "BrpcPort",
                            "LastStartTime", "LastHeartbeat", "Alive", "SystemDecommissioned", "TabletNum",
                            "Version"], rows)
    if ts.accept_kw("FRONTENDS"):
        ts.expect_end()
        return text_result(["Name", "IP", "EditLogPort", "HttpPort", "QueryPort", "RpcPort", "Role", "IsMaster",
                            "Alive", "Version"],
                           [["standin_fe", srv.cfg.host, 9010, srv.fe_port, srv.mysql_port, 9020, "LEADER",
                             "true", "true", srv.cfg.starrocks_version]])
    if ts.accept_kw("TRANSACTION"):
        db = None
        if ts.accept_kw("FROM", "IN"):
            db = ts.ident()
        ts.expect_kw("WHERE")
        k = ts.ident()
        if k.upper() != "ID":
            raise analysis_error("Where clause should looks like: ID = $transaction_id")
        ts.expect_op("=")
        t = ts.next()
        if t.kind != "num":
            raise syntax_error(t)
        ts.expect_end()
        db = db or session.require_db()
        rec = srv.labels.get(int(t.text))
        if rec is None or rec.db != db:
            raise analysis_error(f"transaction with id {t.text} does not exist")

        def ft(x):
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(x)) if x else "NULL"
        return text_result(["TransactionId", "Label", "Coordinator", "TransactionStatus", "LoadJobSourceType",
                            "PrepareTime", "CommitTime", "PublishTime", "FinishTime", "Reason",
                            "ErrorReplicasCount", "ListenerId", "TimeoutMs"],
                           [[rec.txn_id, rec.label, f"BE: {srv.cfg.host}", rec.state,
                             "BACKEND_STREAMING" if rec.kind in ("stream_load", "txn") else
                             "ROUTINE_LOAD_TASK" if rec.kind == "routine_load" else "INSERT_STREAMING",
                             ft(rec.created), ft(rec.committed), ft(rec.committed), ft(rec.finished), rec.reason,
                             0, -1, rec.timeout * 1000]])
    if ts.accept_kw("ENGINES"):
        return text_result(["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"],
                           [["OLAP", "DEFAULT", "StarRocks", "YES", "NO", "NO"]])
    if ts.accept_kw("CHARSET") or ts.accept_kws("CHARACTER", "SET"):
        return text_result(["Charset", "Description", "Default collation", "Maxlen"],
                           [["utf8", "UTF-8 Unicode", "utf8_general_ci", "3"]])
    if ts.accept_kw("COLLATION"):
        return text_result(["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"],
                           [["utf8_general_ci", "utf8", "33", "Yes", "Yes", "1"]])
    raise syntax_error(ts.cur)
