"""FE MySQL protocol endpoint (reference §9, §10.3.1) on top of mysql-mimic.

* Handshake v10, configurable server version (8.0.33 default, 5.1.0 for ≤3.3), default plugin
  mysql_native_password with real scramble verification (empty password allowed); a client that
  proposes caching_sha2_password gets an AuthSwitchRequest (mysql-mimic does this).
* Capabilities like the StarRocks FE: PROTOCOL_41, CONNECT_WITH_DB, SECURE_CONNECTION,
  PLUGIN_AUTH, LONG_FLAG, LONG_PASSWORD, LOCAL_FILES – no DEPRECATE_EOF.
* mysql-mimic's sqlglot layer is bypassed: raw SQL goes to sql_engine.SqlEngine.
* Errors: code 1064 / SQLSTATE HY000 unless the engine chose another code; clients should match
  messages (MariaDB Connector/C rewrites some codes, test-bed.md).
"""
from __future__ import annotations

import asyncio
import struct
from typing import Dict, Optional

from mysql_mimic import MysqlServer, ResultColumn, ResultSet
from mysql_mimic.auth import (AuthInfo, Forbidden, IdentityProvider, NativePasswordAuthPlugin, Success, User)
from mysql_mimic.charset import CharacterSet
from mysql_mimic.connection import Connection
from mysql_mimic.stream import MysqlStream
from mysql_mimic.errors import MysqlError
from mysql_mimic.session import BaseSession
from mysql_mimic.types import Capabilities, ColumnType
from mysql_mimic.variables import GlobalVariables, SessionVariables
from mysql_mimic import packets
from mysql_mimic import utils as mm_utils
from mysql_mimic import types as mt_types

from . import values as V
from .sqltokens import SqlError

CAPABILITIES = (Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_LONG_PASSWORD
                | Capabilities.CLIENT_LOCAL_FILES)

_BAD_HASH = "0" * 40


class StandinNativePassword(NativePasswordAuthPlugin):
    async def auth(self, auth_info: Optional[AuthInfo] = None):
        if auth_info and auth_info.handshake_plugin_name == self.name and auth_info.handshake_auth_data:
            nonce = auth_info.handshake_auth_data.rstrip(b"\x00")
        else:
            nonce = mm_utils.nonce(20)
            auth_info = yield nonce + b"\x00"
        user = auth_info.user
        if self.password_matches(user=user, scramble=auth_info.data, nonce=nonce):
            yield Success(user.name)
        else:
            yield Forbidden(f"Access denied for user '{user.name}' "
                            f"(using password: {'YES' if auth_info.data else 'NO'})")

    def password_matches(self, user: User, scramble: bytes, nonce: bytes) -> bool:
        if user.auth_string == _BAD_HASH:
            return False
        return super().password_matches(user, scramble, nonce)


class StandinIdentity(IdentityProvider):
    def __init__(self, srv):
        self.srv = srv
        self.plugin = StandinNativePassword()

    def get_plugins(self):
        return [self.plugin]

    async def get_user(self, username: str) -> Optional[User]:
        cfg = self.srv.cfg
        if username != cfg.user:
            return User(name=username, auth_string=_BAD_HASH, auth_plugin="mysql_native_password")
        auth = NativePasswordAuthPlugin.create_auth_string(cfg.password) if cfg.password else None
        return User(name=username, auth_string=auth, auth_plugin="mysql_native_password")


def column_meta(t: V.ColumnType):
    """(display length, decimals, flags) for a column definition packet."""
    n = t.name
    num = 32768   # NUM_FLAG
    if n in ("BOOLEAN", "TINYINT"):
        return (1 if n == "BOOLEAN" else 4), 0, num
    if n in ("SMALLINT", "INT", "BIGINT"):
        return {"SMALLINT": 6, "INT": 11, "BIGINT": 20}[n], 0, num
    if n == "LARGEINT":
        return 40, 0, 0
    if n == "FLOAT":
        return 12, 31, num
    if n == "DOUBLE":
        return 22, 31, num
    if n == "DECIMAL":
        return t.precision + 2, t.scale, num
    if n == "DATE":
        return 10, 0, 0
    if n == "DATETIME":
        return 26, 6, 0
    if n == "VARBINARY":
        return t.length or V.MAX_VARBINARY, 0, 128      # BINARY_FLAG
    mb = t.max_bytes
    if mb is None:
        mb = V.MAX_VARCHAR
    return mb, 0, 0


class _TextEncoder:
    """Text encoder that also carries the column's (length, decimals, flags) – mysql-mimic's
    ResultColumn is a compiled class without room for extra attributes."""

    def __init__(self, meta):
        self.meta = meta

    def __call__(self, col, v) -> bytes:
        return _encode(col, v)


def column_definition(self, column) -> bytes:
    length, decimals, flags = getattr(column.text_encoder, "meta", (256, 0, 0))
    return packets.make_column_definition_41(
        server_charset=self.server_charset, name=column.name, column_type=column.type,
        character_set=column.character_set, column_length=length, decimals=decimals,
        flags=mt_types.ColumnDefinition(flags))


def mysql_type(t: V.ColumnType) -> ColumnType:
    n = t.name
    return {"BOOLEAN": ColumnType.TINY, "TINYINT": ColumnType.TINY, "SMALLINT": ColumnType.SHORT,
            "INT": ColumnType.LONG, "BIGINT": ColumnType.LONGLONG, "FLOAT": ColumnType.FLOAT,
            "DOUBLE": ColumnType.DOUBLE, "DECIMAL": ColumnType.NEWDECIMAL, "DATE": ColumnType.DATE,
            "DATETIME": ColumnType.DATETIME, "VARBINARY": ColumnType.BLOB}.get(n, ColumnType.VAR_STRING)


def _encode(col, v) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    return str(v).encode("utf-8")


def _lenenc(b: bytes) -> bytes:
    n = len(b)
    if n < 251:
        return bytes([n]) + b
    if n < 1 << 16:
        return b"\xfc" + n.to_bytes(2, "little") + b
    if n < 1 << 24:
        return b"\xfd" + n.to_bytes(3, "little") + b
    return b"\xfe" + n.to_bytes(8, "little") + b


def _binary_encode(col, v) -> bytes:
    """Binary-protocol encoding (COM_STMT_EXECUTE results) from the printed text value."""
    t = col.type
    if isinstance(v, (bytes, bytearray)):
        return _lenenc(bytes(v))
    s = str(v)
    try:
        if t == ColumnType.TINY:
            return struct.pack("<b", int(s))
        if t == ColumnType.SHORT:
            return struct.pack("<h", int(s))
        if t == ColumnType.LONG:
            return struct.pack("<i", int(s))
        if t == ColumnType.LONGLONG:
            return struct.pack("<q", int(s))
        if t == ColumnType.FLOAT:
            return struct.pack("<f", float(s))
        if t == ColumnType.DOUBLE:
            return struct.pack("<d", float(s))
        if t == ColumnType.DATE:
            y, m, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
            return bytes([4]) + struct.pack("<HBB", y, m, d)
        if t == ColumnType.DATETIME:
            y, m, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
            hh, mi, ss = int(s[11:13]), int(s[14:16]), int(s[17:19])
            us = int(s[20:26].ljust(6, "0")) if len(s) > 19 else 0
            if us:
                return bytes([11]) + struct.pack("<HBBBBBI", y, m, d, hh, mi, ss, us)
            return bytes([7]) + struct.pack("<HBBBBB", y, m, d, hh, mi, ss)
    except (ValueError, struct.error):
        pass
    return _lenenc(s.encode("utf-8"))


class StandinSession(BaseSession):
    def __init__(self, srv, engine):
        self.srv = srv
        self.engine = engine
        self.variables = SessionVariables(GlobalVariables())
        self.variables.set("version", srv.cfg.mysql_version, force=True)
        self.variables.set("version_comment", f"StarRocks version {srv.cfg.starrocks_version}", force=True)
        self.username = None
        self.database = None
        self.sess = None
        self.affected_rows = 0
        self.info = ""

    async def init(self, connection: Connection) -> None:
        peer = "127.0.0.1"
        try:
            peer = connection.stream.writer.get_extra_info("peername")[0]
        except Exception:
            pass
        self.sess = self.engine.new_session(self.username or "", peer)
        if self.database:
            if not self.srv.catalog.has_db(self.database):
                raise MysqlError(f"Unknown database '{self.database}'", 1049)
            self.sess.database = self.database

    async def handle_query(self, sql: str, attrs: Dict[str, str]):
        loop = asyncio.get_running_loop()
        try:
            res = await loop.run_in_executor(None, self.engine.execute, self.sess, sql)
        except SqlError as e:
            raise MysqlError(e.msg, e.code)
        self.database = self.sess.database
        self.affected_rows = res.affected if res is not None else 0
        self.info = res.info if res is not None else ""
        if res is None or res.columns is None:
            return None
        cols = []
        for name, t in res.columns:
            cs = CharacterSet.binary if t.name == "VARBINARY" else CharacterSet.utf8mb4
            cols.append(ResultColumn(name, mysql_type(t), character_set=cs, text_encoder=_TextEncoder(column_meta(t)),
                                     binary_encoder=_binary_encode))
        return ResultSet(rows=res.rows, columns=cols)

    async def use(self, database: str) -> None:
        if not self.srv.catalog.has_db(database) and database.lower() != "information_schema":
            raise MysqlError(f"Unknown database '{database}'", 1049)
        self.database = database
        if self.sess is not None:
            self.sess.database = database

    async def close(self) -> None:
        pass

    async def reset(self) -> None:
        pass


# ---- small protocol adjustments ---------------------------------------------------------------------
async def _handle_query(self, data: bytes) -> None:
    """Like Connection.handle_query, but the OK packet carries affected rows and the info string
    (StarRocks sends `{'label':..., 'status':'VISIBLE', 'txnId':...}` after INSERT)."""
    com_query = packets.parse_com_query(capabilities=self.capabilities, client_charset=self.client_charset,
                                        data=data)
    result_set = await self.query(com_query.sql, com_query.query_attrs)
    if not result_set:
        ok = self.ok(affected_rows=getattr(self.session, "affected_rows", 0))
        info = getattr(self.session, "info", "")
        if info:
            b = info.encode("utf-8")
            ok += bytes([len(b)]) + b if len(b) < 251 else b"\xfc" + len(b).to_bytes(2, "little") + b
        await self.stream.write(ok)
        return
    await self.write_text_resultset(result_set)


def _error(self, **kwargs) -> bytes:
    """Error packets with SQLSTATE HY000 (StarRocks: `ERROR 1064 (HY000): ...`)."""
    code = int(kwargs.get("code", 1064) or 1064)
    msg = str(kwargs.get("msg", ""))
    state = {1045: b"28000", 1049: b"42000", 1193: b"HY000"}.get(code, b"HY000")
    return b"\xff" + code.to_bytes(2, "little") + b"#" + state + msg.encode("utf-8")


_orig_authenticate = Connection.authenticate


class _RejectConnection(Exception):
    pass


async def _authenticate(self, *args, **kwargs):
    """A database named in the handshake must exist: answer 1049 instead of the OK packet
    (the password is still checked first, like MySQL/StarRocks)."""
    db = getattr(self.session, "database", None)
    srv = getattr(self.session, "srv", None)
    if not db or srv is None or srv.catalog.has_db(db) or db.lower() == "information_schema":
        return await _orig_authenticate(self, *args, **kwargs)
    rejected = []

    def ok(**kw):
        rejected.append(True)
        return self.error(msg=f"Unknown database '{db}'", code=1049)

    self.ok = ok
    try:
        await _orig_authenticate(self, *args, **kwargs)
    finally:
        del self.ok
    if rejected:
        raise _RejectConnection(db)


async def _start(self) -> None:
    try:
        await _orig_start(self)
    except _RejectConnection:
        pass


def _sql_literal(v) -> str:
    import datetime as _dt
    from decimal import Decimal as _Dec
    if v is None:
        return "NULL"
    if v is True:
        return "1"
    if v is False:
        return "0"
    if isinstance(v, (bytes, bytearray)):
        return "X'" + bytes(v).hex() + "'"
    if isinstance(v, (int, float, _Dec)):
        return str(v)
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        return "'" + str(v) + "'"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


async def _handle_stmt_execute(self, data: bytes) -> None:
    """COM_STMT_EXECUTE with properly escaped parameter literals (mysql-mimic interpolates
    strings without escaping quotes)."""
    import io
    from mysql_mimic.prepared import REGEX_PARAM
    from mysql_mimic import types as mt
    from mysql_mimic.utils import aiterate, cooperative_iterate
    r = io.BytesIO(data)
    stmt = self.get_stmt(mt.read_uint_4(r))
    use_cursor, param_count_available = packets._read_cursor_flags(r)
    mt.read_uint_4(r)
    count = stmt.num_params
    if stmt.num_params > 0 or (Capabilities.CLIENT_QUERY_ATTRIBUTES in self.capabilities and param_count_available):
        if Capabilities.CLIENT_QUERY_ATTRIBUTES in self.capabilities:
            count = mt.read_uint_len(r)
    sql = stmt.sql
    if count > 0:
        params = packets._read_params(self.capabilities, self.client_charset, r, count, stmt.param_buffers)
        values = iter([_sql_literal(v) for _, v in params[:stmt.num_params]])
        sql = REGEX_PARAM.sub(lambda m: next(values), sql, count=stmt.num_params)
    stmt.param_buffers = None
    result_set = await self.query(sql, {})
    if not result_set:
        ok = self.ok(affected_rows=getattr(self.session, "affected_rows", 0))
        await self.stream.write(ok)
        return
    await self.stream.write(mt.uint_len(len(result_set.columns)))
    for column in result_set.columns:
        await self.stream.write(column_definition(self, column))

    async def gen_rows():
        async for row in cooperative_iterate(aiterate(result_set.rows)):
            yield packets.make_binary_resultrow(row, result_set.columns)

    rows = gen_rows()
    if use_cursor:
        stmt.cursor = rows
        await self.stream.write(self.ok_or_eof(flags=mt.ServerStatus.SERVER_STATUS_CURSOR_EXISTS))
    else:
        if not self.deprecate_eof():
            await self.stream.write(self.eof())
        async for row in rows:
            await self.stream.write(row)
        await self.stream.write(self.ok_or_eof())


async def _write_text_resultset(self, result_set) -> None:
    """Like Connection.write_text_resultset, with real column lengths/decimals/flags."""
    header = [packets.make_column_count(capabilities=self.capabilities, column_count=len(result_set.columns))]
    for column in result_set.columns:
        header.append(column_definition(self, column))
    if not self.deprecate_eof():
        header.append(self.eof())
    self.stream.write_many(header)
    rows = result_set.rows
    n = len(rows)
    for i in range(0, n, 10000):
        self.stream.write_text_rows(rows[i:i + 10000], result_set.columns)
        if i + 10000 < n:
            await asyncio.sleep(0)
    await self.stream.write(self.ok_or_eof(affected_rows=n), drain=False)
    await self.stream.drain()


async def _start_tls(self, ssl_context) -> None:
    """MysqlStream.start_tls, keeping the bytes the StreamReader already holds: a client sends its TLS
    ClientHello right behind the SSLRequest packet, and mysql-mimic's own start_tls leaves those bytes in
    the old reader, so the handshake waits for a hello that never comes again."""
    leftover = bytes(self.reader._buffer)
    self.reader._buffer.clear()
    transport = self.writer.transport
    loop = asyncio.get_running_loop()

    def feed():                       # after SSLProtocol.connection_made (scheduled by start_tls)
        proto = transport.get_protocol()
        view = memoryview(leftover)
        while view:
            buf = proto.get_buffer(len(view))
            n = min(len(buf), len(view))
            buf[:n] = view[:n]
            proto.buffer_updated(n)
            view = view[n:]

    if leftover:
        loop.call_soon(loop.call_soon, feed)
    new_transport = await loop.start_tls(transport, transport.get_protocol(), ssl_context, server_side=True)
    self.writer._transport = new_transport
    self.reader._transport = new_transport


MysqlStream.start_tls = _start_tls
_orig_start = Connection._start
Connection.handle_stmt_execute = _handle_stmt_execute
Connection.write_text_resultset = _write_text_resultset
Connection.handle_query = _handle_query
Connection.error = _error
Connection.authenticate = _authenticate
Connection._start = _start


def make_mysql_server(srv) -> MysqlServer:
    from .sql_engine import SqlEngine
    engine = SqlEngine(srv)
    srv.sql_engine = engine
    # With a certificate the handshake advertises CLIENT_SSL and an SSLRequest switches to TLS; plain
    # clients still connect (fe.conf ssl_force_secure_transport defaults to false and exempts localhost).
    return MysqlServer(session_factory=lambda: StandinSession(srv, engine),
                       identity_provider=StandinIdentity(srv), capabilities=CAPABILITIES, ssl=srv.tls)
