"""Type mapping against a real PostgreSQL 15 and the StarRocks stand-in: every supported type
filled with edge values arrives exactly, and every value StarRocks cannot hold exactly fails
the load with table, column and value named, loading nothing of its chunk.

Expected target values are computed here independently of pg2sr (from psycopg's values, and for
time/timetz/interval by re-implementing what Debezium + pgjdbc do with PostgreSQL's text)."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import struct
from decimal import ROUND_DOWN, Decimal

import pytest

from harness import StandIn, run_pg2sr

DB = "sr"

SCHEMA = r"""
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', '\N', 'with space');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN code AS varchar(5);
CREATE TABLE matrix (
    id int PRIMARY KEY,
    s smallint, i integer, b bigint, ss smallserial, se serial, bs bigserial, o oid,
    n38 numeric(38,10), n380 numeric(38,0), n12 numeric(12,2), nu numeric, nneg numeric(5,-2),
    r real, d double precision, mo money, bo boolean,
    ch char(5), vc varchar(10), tx text, ci citext, by bytea, u uuid, j json, jb jsonb,
    da date, ts timestamp(6), tz timestamptz, ti time, ttz timetz, iv interval,
    en mood, ine inet, cid cidr, mac macaddr, mac8 macaddr8, bi bit(3), b1 bit(1), vb varbit(16),
    ai int[], abig bigint[], at text[], af float8[], anum numeric(10,2)[], abo bool[], ad date[],
    ats timestamp[], atz timestamptz[], aiv interval[], ach char(3)[], auu uuid[], aen mood[],
    a2 int[][], co pair, dom posint, dco code, hs hstore
);
"""

EDGE_TEXTS = ["plain", "", "comma, and \"quotes\"", "line\nbreak\r\nand CR\r", "tab\there", "back\\slash\\",
              "\\N", "\\N\\N", "N", "null", "NULL", "emoji 😀 𝄞 and ünïcödé", "'single'", "  spaces  ", "\\",
              "\"", ",", "a\x01b\x7f", "\u2028\u00a0zero\u200bwidth"]


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# One dict per row: column -> SQL literal (absent columns are NULL).
ROWS = [
    dict(id="1", s="-32768", i="-2147483648", b="-9223372036854775808", o="0",
         n38="'9999999999999999999999999999.9999999999'", n380="'" + "9" * 38 + "'", n12="'-9999999999.99'",
         nu="'9999999999999999999999999999.9999999999'", nneg="12300", r="'NaN'", d="'NaN'", mo="'-92233720368547758.08'",
         bo="true", ch="'ab'", vc=lit("𝄞" * 10), tx=lit("plain"), ci="'MiXeD'", by="'\\x'", u="'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
         j=lit('{"b": 1, "a": [1.10, "x\\"y", null, true], "u": "ü😀\\n"}'),
         jb=lit('{"k": "v\\"q\\\\", "n": 1.10, "big": 9007199254740993, "neg": -1e-5, "deep": {"z": [[]], "a": {}}}'),
         da="'0001-01-01'", ts="'0001-01-01 00:00:00'", tz="'0001-01-01 00:00:00+00'", ti="'00:00:00'", ttz="'13:45:30.5+02'",
         iv="'1 year 2 mons 3 days 04:05:06.789'", en="'sad'", ine="'192.168.0.1'", cid="'10.0.0.0/8'", mac="'08:00:2b:01:02:03'",
         mac8="'08:00:2b:01:02:03:04:05'", bi="B'101'", b1="B'1'", vb="B'1'",
         ai="'{1,NULL,-2147483648}'", abig="'{9223372036854775807,-9223372036854775808}'",
         at=lit('{"a","b c","ü😀",NULL,"","comma,here","null","[x]"}'), af="'{1.5,NaN,Infinity,-Infinity,NULL,-0,5e-324}'",
         anum="'{1.5,-99999999.99,NULL}'", abo="'{true,false,NULL}'", ad="'{0001-01-01,9999-12-31}'",
         ats="'{\"2024-01-01 10:00:00.000001\",\"9999-12-31 23:59:59.999999\"}'", atz="'{\"2024-03-10 02:30:00 America/New_York\"}'",
         aiv="'{\"1 day\",\"-00:00:00.5\",\"1.003691 seconds\",NULL}'", ach="'{ab,x,NULL}'",
         auu="'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'", aen="'{sad,\"with space\"}'",
         a2="'{{1,2},{3,4}}'", co="ROW(1, 'x,\"y')", dom="5", dco="'abcde'", hs="'a=>1, \"b c\"=>NULL, \"😀\"=>\"\\\\N\"'"),
    dict(id="2", s="32767", i="2147483647", b="9223372036854775807", o="4294967295",
         n38="'-0.0000000001'", n380="'-" + "9" * 38 + "'", n12="'0.01'", nu="'-0.0000000001'", nneg="'-99999'",
         r="'Infinity'", d="'Infinity'", mo="'92233720368547758.07'", bo="false", ch=lit("😀" * 5), vc="''", tx="''", by="'\\x00ff10'",
         j="'[]'", jb="'\"just a string\"'", da="'9999-12-31'", ts="'9999-12-31 23:59:59.999999'", tz="'9999-12-31 23:59:59.999999+00'",
         ti="'23:59:59.999999'", ttz="'00:30:00-05:30'", iv="'-1 years -2 mons +3 days -04:05:06'", en=r"'\N'",
         ine="'::ffff:1.2.3.4/128'", cid="'2001:db8::/32'", bi="B'000'", b1="B'0'", vb="B''", ai="'{}'", at="'{}'", af="'{}'"),
    dict(id="3", s="0", i="0", b="0", n38="'0'", nu="'1.50000000000000'", nneg="0", r="'-Infinity'", d="'-Infinity'", mo="'12.34'",
         ch="' '", tx=lit("x" * 1048576), ts="'2024-01-01 00:00:00.000001'", ti="'24:00:00'", ttz="'23:59:59.999999+14'",
         iv="'1.003691 seconds'", en="'with space'", jb="'{}'", by="decode(repeat('00ff', 1000), 'hex')"),
    dict(id="4", r="'3.4028235e38'", d="'1.7976931348623157e308'", ti="'13:45:30.5'", iv="'00:00:00'", nu="'12345.6789'", tx=lit("😀" * 262144)),
    dict(id="5", r="'1e-45'", d="'5e-324'", iv="'100 hours'", nu="'0'"),
    dict(id="6", r="'-0'", d="'-0'", iv="'-0.5 seconds'"),
    dict(id="7", d="'0.1'", iv="'59.999999 seconds'"),
]
ROWS += [dict(id=str(100 + n), tx=lit(text), vc=lit(text[:10]), ch=lit(text[:5]),
              ci=lit(text)) for n, text in enumerate(EDGE_TEXTS)]

# timestamptz entered in several session time zones, at and around DST transitions.
ZONED = [
    ("America/New_York", ["2024-03-10 01:59:59.999999", "2024-03-10 02:30:00", "2024-03-10 03:00:00",
                          "2024-11-03 00:59:59", "2024-11-03 01:30:00", "2024-11-03 02:00:00"]),
    ("Europe/Berlin", ["2024-03-31 02:30:00", "2024-10-27 02:30:00", "2024-10-27 03:00:00.5"]),
    ("Australia/Lord_Howe", ["2024-04-07 01:45:00", "2024-10-06 02:15:00"]),
    ("Asia/Kolkata", ["1945-10-14 23:30:00", "2024-06-01 12:00:00"]),
    ("UTC", ["2024-01-01 00:00:00"]),
]

# column -> (StarRocks type as information_schema prints it, comparison kind)
COLUMNS = {
    "id": ("int(11)", "int"), "s": ("smallint(6)", "int"), "i": ("int(11)", "int"), "b": ("bigint(20)", "int"),
    "ss": ("smallint(6)", "int"), "se": ("int(11)", "int"), "bs": ("bigint(20)", "int"), "o": ("bigint(20)", "int"),
    "n38": ("decimal(38,10)", "dec"), "n380": ("decimal(38,0)", "dec"), "n12": ("decimal(12,2)", "dec"),
    "nu": ("decimal(38,10)", "dec"), "nneg": ("decimal(7,0)", "dec"), "r": ("float", "float4"), "d": ("double", "float8"),
    "mo": ("decimal(19,2)", "dec"), "bo": ("boolean", "bool"), "ch": ("varchar(20)", "str"), "vc": ("varchar(40)", "str"),
    "tx": ("varchar(1048576)", "str"), "ci": ("varchar(1048576)", "str"), "by": ("varbinary", "bytes"), "u": ("varchar(36)", "text"),
    "j": ("json", "json"), "jb": ("json", "json"), "da": ("date", "date"), "ts": ("datetime", "ts"), "tz": ("datetime", "ts"),
    "ti": ("varchar(32)", "time"), "ttz": ("varchar(32)", "timetz"), "iv": ("varchar(64)", "interval"),
    "en": ("varchar(256)", "text"), "ine": ("varchar(64)", "text"), "cid": ("varchar(64)", "text"), "mac": ("varchar(32)", "text"),
    "mac8": ("varchar(32)", "text"), "bi": ("varchar(3)", "text"), "b1": ("varchar(1)", "text"), "vb": ("varchar(16)", "text"),
    "ai": ("array<int(11)>", "array"), "abig": ("array<bigint(20)>", "array"), "at": ("array<varchar(1048576)>", "array"),
    "af": ("array<double>", "farray"), "anum": ("array<decimal(10,2)>", "array"), "abo": ("array<boolean>", "barray"),
    "ad": ("array<date>", "array"), "ats": ("array<datetime>", "tsarray"), "atz": ("array<datetime>", "tsarray"),
    "aiv": ("array<varchar(64)>", "ivarray"), "ach": ("array<varchar(12)>", "array"), "auu": ("array<varchar(36)>", "array"),
    "aen": ("array<varchar(256)>", "array"), "a2": ("json", "json"), "co": ("json", "json"), "dom": ("int(11)", "int"),
    "dco": ("varchar(20)", "str"), "hs": ("json", "json"),
}

# How the test reads each source column (psycopg types, or text where psycopg's type would not
# carry PostgreSQL's exact value: 24:00:00, interval months, inet text, ...).
SOURCE_SELECT = {
    "mo": "mo::numeric", "u": "u::text", "j": "j::text", "jb": "jb::text", "ti": "ti::text", "ttz": "ttz::text", "iv": "iv::text",
    "en": "en::text", "ine": "textin(inet_out(ine))", "cid": "cid::text", "mac": "mac::text", "mac8": "mac8::text", "bi": "bi::text",
    "b1": "b1::text", "vb": "vb::text", "r": "r::text", "d": "d::text", "ci": "ci::text", "aiv": "aiv::text[]", "auu": "auu::text[]",
    "aen": "aen::text[]", "a2": "to_jsonb(a2)::text", "co": "CASE WHEN co IS NOT NULL THEN json_build_object('a', (co).a, 'b', (co).b)::text END",
    "hs": "hstore_to_jsonb(hs)::text", "af": "af::text[]",
}


# ------------------------------------------------------------------------------------------------
# What Debezium (isostring / interval.handling.mode=string) sends, re-implemented from its source
# (io.debezium.time.IsoTime / ZonedTime / Interval, pgjdbc PGInterval).

def _strip_fraction(seconds_text: str) -> str:
    whole, _, fraction = seconds_text.partition(".")
    fraction = fraction.rstrip("0")
    return whole + ("." + fraction if fraction else "")


def debezium_time(text: str) -> str:
    # ISO_LOCAL_TIME prints seconds always and the fraction without trailing zeros. Debezium
    # wraps 24:00:00 to 00:00:00Z, and pg2sr's snapshot does the same (docs/cdc-fidelity.md).
    hh, mm, ss = text.split(":")
    return f"{int(hh) % 24:02d}:{mm}:{_strip_fraction(ss)}Z"


def debezium_timetz(text: str) -> str:
    m = re.fullmatch(r"(\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?", text)
    assert m, text
    micros = ((int(m[1]) * 60 + int(m[2])) * 60 + int(m[3])) * 1_000_000 + int((m[4] or "").ljust(6, "0"))
    offset = ((int(m[6]) * 60 + int(m[7] or 0)) * 60 + int(m[8] or 0)) * 1_000_000 * (1 if m[5] == "+" else -1)
    utc = (micros - offset) % (24 * 3600 * 1_000_000)
    seconds, fraction = divmod(utc, 1_000_000)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text + (("." + f"{fraction:06d}".rstrip("0")) if fraction else "") + "Z"


def _java_round(x: float) -> int:
    return math.floor(x + 0.5)


def debezium_interval(text: str) -> str:
    """pgjdbc PGInterval(text) (postgres IntervalStyle) → Interval.toIsoString."""
    years = months = days = hours = minutes = 0
    seconds = 0.0
    tokens = text.replace("+", " ").lower().split()
    value = None
    for index, token in enumerate(tokens, 1):
        if index % 2 == 1:
            if ":" not in token:
                value = token
                continue
            negative = token.startswith("-")
            body = token[1:] if negative else token
            h, m, *rest = body.split(":")
            hours, minutes = int(h), int(m)
            seconds = float(rest[0]) if rest else 0.0
            if negative:
                hours, minutes, seconds = -hours, -minutes, -seconds
        else:
            if token.startswith("year"):
                years = int(value)
            elif token.startswith("mon"):
                months = int(value)
            elif token.startswith("day"):
                days = int(value)
    total = _java_round(seconds * 1_000_000)
    whole = abs(total) // 1_000_000               # Java long division truncates toward zero
    whole = -whole if total < 0 else whole
    micro = total - whole * 1_000_000
    as_double = whole + micro / 1_000_000        # PGInterval.getSeconds()
    decimal = Decimal(repr(as_double))            # BigDecimal.valueOf(double)
    if -decimal.as_tuple().exponent > 9:
        decimal = decimal.quantize(Decimal("1e-9"), rounding=ROUND_DOWN)
    plain = format(decimal.normalize(), "f")
    if plain in ("-0", "0"):
        plain = "0"
    return f"P{years}Y{months}M{days}DT{hours}H{minutes}M{plain}S"


# ------------------------------------------------------------------------------------------------
# Canonical comparison

def _float_bits(value: float, single: bool) -> object:
    if math.isnan(value):
        return "nan"
    return struct.pack(">f" if single else ">d", value)


def _sr_float(text: str) -> float:
    return float({"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text))


def _sr_json_array(text: str) -> list:
    return json.loads(re.sub(r"(?<![\w\"])(-?)(inf|nan)(?![\w\"])", lambda m: {"inf": m[1] + "Infinity", "nan": "NaN"}[m[2]], text),
                      parse_float=Decimal, parse_int=Decimal)


def _ts(value) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(" ", "microseconds")
    return dt.datetime.fromisoformat(value).isoformat(" ", "microseconds")


def expected_and_actual(kind: str, sr_type: str, source, target):
    """(expected, actual) in one comparable form; None stays None."""
    if source is None or target is None:
        return source, target
    if kind == "int":
        return int(source), int(target)
    if kind == "dec":
        scale = int(sr_type.split(",")[1].rstrip(")"))
        assert "." not in target if scale == 0 else len(target.split(".")[1]) == scale, (sr_type, target)
        return Decimal(source), Decimal(target)
    if kind in ("float4", "float8"):
        return _float_bits(float(source), kind == "float4"), _float_bits(_sr_float(target), kind == "float4")
    if kind == "bool":
        return bool(source), target == "1"
    if kind in ("str", "text"):
        return str(source), target
    if kind == "bytes":
        return bytes(source), bytes(target)
    if kind == "json":
        return json.loads(source, parse_float=Decimal), json.loads(target, parse_float=Decimal)
    if kind == "date":
        return source.isoformat(), target
    if kind == "ts":
        return _ts(source), _ts(target)
    if kind == "time":
        return debezium_time(source), target
    if kind == "timetz":
        return debezium_timetz(source), target
    if kind == "interval":
        return debezium_interval(source), target
    if kind == "array":
        def element(v):
            if isinstance(v, (dt.date, dt.datetime)):
                return v.isoformat()
            if isinstance(v, Decimal):
                return v
            return v if v is None or isinstance(v, (int, str, bool)) else str(v)
        return [element(v) for v in source], json.loads(target, parse_float=Decimal)
    if kind == "barray":
        return [None if v is None else int(v) for v in source], json.loads(target)
    if kind == "farray":
        return ([None if v is None else _float_bits(float(v), False) for v in source],
                [None if v is None else _float_bits(float(v), False) for v in _sr_json_array(target)])
    if kind == "tsarray":
        return [None if v is None else _ts(v) for v in source], [None if v is None else _ts(v) for v in json.loads(target)]
    if kind == "ivarray":
        return [None if v is None else debezium_interval(v) for v in source], json.loads(target)
    raise AssertionError(kind)


def create_matrix(pg_db):
    pg_db.psql(SCHEMA)
    with pg_db.connect() as c:
        for row in ROWS:
            columns = ", ".join(row)
            c.execute(f"INSERT INTO matrix ({columns}) VALUES ({', '.join(row.values())})")
        next_id = 1000
        for zone, values in ZONED:
            c.execute(f"SET TimeZone = '{zone}'")
            for value in values:
                c.execute(f"INSERT INTO matrix (id, tz, ttz, atz) VALUES ({next_id}, %s, %s, ARRAY[%s::timestamptz])",
                          (value, value[11:], value))
                next_id += 1
        c.execute("SET TimeZone = 'UTC'")


def seed(pg_db, standin, *args: str):
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    return run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                     "--replication-num", "1", "--progress", "none", *args, env=env, timeout=600)


def verify(pg_db, standin, *args: str):
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    return run_pg2sr("verify", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), *args, env=env, timeout=600)


def test_type_matrix_arrives_exactly(pg_db, standin):
    create_matrix(pg_db)
    p = seed(pg_db, standin, "--table", "matrix", "--run-id", "matrix")
    assert p.returncode == 0, p.stderr

    types = dict(standin.query(f"SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns "
                               f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME = 'matrix' ORDER BY ORDINAL_POSITION"))
    assert {name: t.replace(" ", "") for name, t in types.items()} == {name: t for name, (t, _) in COLUMNS.items()}

    names = list(COLUMNS)
    select = ", ".join(SOURCE_SELECT.get(name, name) for name in names)
    with pg_db.connect() as c:
        c.execute("SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1")
        source_rows = c.execute(f"SELECT {select} FROM matrix ORDER BY id").fetchall()
    target_rows = standin.query(f"SELECT {', '.join('`' + n + '`' for n in names)} FROM `{DB}`.`matrix` ORDER BY id")
    assert len(source_rows) == len(target_rows) == len(ROWS) + sum(len(v) for _, v in ZONED)
    checked = 0
    for source_row, target_row in zip(source_rows, target_rows):
        for name, source, target in zip(names, source_row, target_row):
            sr_type, kind = COLUMNS[name]
            expected, actual = expected_and_actual(kind, sr_type, source, target)
            assert expected == actual, f"row id={source_row[0]} column {name}: expected {expected!r}, got {actual!r}"
            checked += source is not None
    assert checked > 350

    # Edge values spelled out, independent of the comparison above.
    by_id = {int(r[0]): r for r in standin.query(f"SELECT id, tx, en, ch, ti, iv, d, r FROM `{DB}`.`matrix`")}
    assert by_id[100 + EDGE_TEXTS.index("\\N")][1] == "\\N" and by_id[100 + EDGE_TEXTS.index("")][1] == ""
    assert by_id[2][2] == "\\N" and by_id[1][3] == "ab   " and by_id[3][4] == "00:00:00Z"
    assert by_id[1][5] == "P1Y2M3DT4H5M6.789S" and by_id[2][5] == "P-1Y-2M3DT-4H-5M-6S"
    assert by_id[3][5] == "P0Y0M0DT0H0M1.003690999S"  # Debezium's double arithmetic, reproduced
    assert by_id[6][5] == "P0Y0M0DT0H0M-0.5S" and by_id[4][5] == "P0Y0M0DT0H0M0S"
    assert by_id[1][6] == "nan" and by_id[2][6] == "inf" and by_id[3][7] == "-inf"
    assert len(by_id[4][1].encode()) == 1048576

    # And pg2sr verify agrees, both with the run's mappings and with a fresh selection.
    p = verify(pg_db, standin, "--run-id", "matrix", "--output", "json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["tables"][0]["status"] == "equal" and report["tables"][0]["sourceRows"] == len(source_rows)
    p = verify(pg_db, standin, "--table", "matrix")
    assert p.returncode == 0, p.stderr


# ------------------------------------------------------------------------------------------------
# Values StarRocks cannot hold: the load fails naming table, column and value; nothing loads.

REJECTED = [
    ("numeric", "'1.00000000001'", "does not fit DECIMAL(38,10)", "1.00000000001"),
    ("numeric", "'1e28'", "does not fit DECIMAL(38,10)", "10000000000000000000000000000"),
    ("numeric(10,2)", "'NaN'", "NaN/Infinity has no DECIMAL form", "NaN"),
    ("text", "repeat('x', 1048577)", "longer than 1048576 bytes", "xxxxxxxxxx"),
    ("varchar", "repeat('é', 524289)", "longer than 1048576 bytes", "éééé"),
    ("date", "'10000-01-01'", "outside StarRocks' range", "10000-01-01"),
    ("date", "'0044-03-15 BC'", "outside StarRocks' range", "0044-03-15 BC"),
    ("timestamp", "'infinity'", "infinite value has no StarRocks form", "infinity"),
    ("timestamptz", "'-infinity'", "infinite value has no StarRocks form", "-infinity"),
    ("timestamptz", "'9999-12-31 23:30:00-01'", "outside StarRocks' range", "10000-01-01 00:30:00+00"),
    ("jsonb", "'{\"n\": 12345678901234567890123}'", "JSON number", "{\"n\": 12345678901234567890123}"),
    ("json", "'[0.10000000000000000555]'", "JSON number", "[0.10000000000000000555]"),
    # 19 significant digits split by the point (no run of 16 digits): still not a double.
    ("jsonb", "'{\"n\": 1234567890.123456789}'", "JSON number", "{\"n\": 1234567890.123456789}"),
    ("json", "'{\"tiny\": 1.5e-310}'", "JSON number", "{\"tiny\": 1.5e-310}"),
    ("text[]", "'{\"a\\\"b\"}'", "array element contains a quote", "{\"a\\\"b\"}"),
    ("int[]", "'{{1,2},{3,4}}'", "multi-dimensional value", "{{1,2},{3,4}}"),
    ("int[]", "'[0:1]={1,2}'", "lower bound other than 1", "[0:1]={1,2}"),
    ("timestamp[]", "'{infinity}'", "array element infinite value", "{infinity}"),
    ("numeric[]", "'{1.5,0.00000000001}'", "array element does not fit DECIMAL(38,10)", "{1.5,0.00000000001}"),
]


@pytest.mark.parametrize("pg_type,value,reason,shown", REJECTED, ids=[f"{r[0]}:{r[1][:24]}" for r in REJECTED])
def test_unrepresentable_value_fails_the_load_naming_table_column_and_value(pg_db, standin, pg_type, value, reason, shown):
    pg_db.psql(f"""
        CREATE TABLE bad (id int PRIMARY KEY, "Odd Col" {pg_type});
        INSERT INTO bad SELECT g, NULL FROM generate_series(1, 50) g;
        INSERT INTO bad VALUES (51, {value});
    """)
    p = seed(pg_db, standin, "--table", "bad", "--retries", "0")
    assert p.returncode == 65, p.stderr
    last = next(line for line in p.stderr.splitlines() if "public.bad.Odd Col" in line)
    assert "public.bad.Odd Col" in last and reason in last and shown in last, last
    assert "pg2sr-reject" not in last
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`bad`") == [("0",)]


def test_infinity_as_null_is_an_explicit_policy(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL, day date, days date[]);
        INSERT INTO events VALUES (1, 'infinity', '-infinity', '{2024-01-01,infinity}'), (2, '2024-01-01 12:00+02', '2024-01-01', '{}');
    """)
    assert seed(pg_db, standin, "--table", "events", "--retries", "0").returncode == 65
    standin.execute(f"DROP TABLE `{DB}`.`events`")
    p = seed(pg_db, standin, "--table", "events", "--infinity-as-null")
    assert p.returncode == 0, p.stderr
    assert standin.query(f"SELECT id, at, day, days FROM `{DB}`.`events` ORDER BY id") == [
        ("1", None, None, '["2024-01-01",null]'), ("2", "2024-01-01 10:00:00", "2024-01-01", "[]")]
    assert standin.query(f"SELECT IS_NULLABLE FROM information_schema.columns WHERE TABLE_NAME = 'events' AND COLUMN_NAME = 'at'") == [("YES",)]


def test_a_rejected_value_loads_nothing_of_its_chunk(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE split (id int PRIMARY KEY, v numeric, pad text);
        INSERT INTO split SELECT g, g / 4.0, repeat('p', 200) FROM generate_series(1, 6000) g;
        UPDATE split SET v = 0.123456789012 WHERE id = 5999;
    """)
    args = ("--table", "split", "--split-by", "id", "--split-larger-than", "300kB", "--chunk-size", "300kB")
    env = {"PGPASSWORD": pg_db.password}
    plan = json.loads(run_pg2sr("plan", "--source", pg_db.conninfo_nopw, *args, "--output", "json", env=env, check=True).stdout)
    chunks = plan["tables"][0]["chunks"]
    assert len(chunks) >= 3
    p = seed(pg_db, standin, *args, "--jobs", "1", "--retries", "0")
    assert p.returncode == 65, p.stderr
    assert "public.split.v" in p.stderr and "0.123456789012" in p.stderr
    with pg_db.connect() as c:
        bad_chunk = next(ch for ch in chunks if c.execute(f"SELECT count(*) FROM split WHERE id = 5999 AND {ch['predicate']}").fetchone()[0])
        bad_ids = {r[0] for r in c.execute(f"SELECT id FROM split WHERE {bad_chunk['predicate']}").fetchall()}
    loaded = {int(r[0]) for r in standin.query(f"SELECT id FROM `{DB}`.`split`")}
    assert not (loaded & bad_ids)


def test_types_without_a_mapping_name_table_and_column_and_cast_overrides(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE geo (id int PRIMARY KEY, "Where" point, span int4range, amount numeric);
        INSERT INTO geo VALUES (1, '(1,2)', '[1,5)', 1.123456789012345);
    """)
    p = seed(pg_db, standin, "--table", "geo")
    assert p.returncode == 64
    assert 'public.geo."Where" has type point' in p.stderr and "--cast 'public.geo.Where=varchar'" in p.stderr
    p = seed(pg_db, standin, "--table", "geo", "--cast", 'public.geo."Where"=varchar', "--cast", "public.geo.span=json",
             "--cast", "public.geo.amount=decimal(30,15)")
    assert p.returncode == 0, p.stderr
    assert standin.query(f"SELECT `Where`, span, amount FROM `{DB}`.`geo`") == [("(1,2)", '"[1,5)"', "1.123456789012345")]
    p = verify(pg_db, standin, "--table", "geo", "--cast", 'public.geo."Where"=varchar', "--cast", "public.geo.span=json",
               "--cast", "public.geo.amount=decimal(30,15)")
    assert p.returncode == 0, p.stderr


def test_identifiers_are_quoted_on_both_sides(pg_db, standin):
    pg_db.psql('''
        CREATE SCHEMA "Sch.ema";
        CREATE TABLE "Sch.ema"."Tab le" ("Id" int PRIMARY KEY, "back`tick" text, "a,b" int, "col with space" text, "Größe" numeric(5,2),
                                         "日付" date, "__opx" int, "pg2sr_flag" bool, "SELECT" text, "Line ""Note""" varchar(3));
        INSERT INTO "Sch.ema"."Tab le" VALUES (1, 'x`y', 2, 's p', 1.5, '2024-01-01', 3, true, 'kw', '\\N'), (2, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL, '');
    ''')
    p = seed(pg_db, standin, "--table", '"Sch.ema"."Tab le"', "--run-id", "names")
    assert p.returncode == 0, p.stderr
    rows = standin.query(f"SELECT `Id`, `back``tick`, `a,b`, `col with space`, `Größe`, `日付`, `__opx`, `pg2sr_flag`, `SELECT`, "
                         f"`Line \"Note\"` FROM `{DB}`.`Tab le` ORDER BY `Id`")
    assert rows == [("1", "x`y", "2", "s p", "1.50", "2024-01-01", "3", "1", "kw", "\\N"),
                    ("2", None, None, "", None, None, None, None, None, "")]
    p = verify(pg_db, standin, "--run-id", "names")
    assert p.returncode == 0, p.stderr


# ------------------------------------------------------------------------------------------------
# bytea and JSON scalars on the oldest and the newest release: the CSV VARBINARY reader is hex or
# base64 depending on the release, and CSV JSON keeps a bare scalar as a JSON string; pg2sr
# converts both explicitly (docs/cdc-fidelity.md §5).

@pytest.mark.parametrize("profile", ["3.3", "4.1"])
def test_bytes_and_json_scalars_arrive_exactly_on_every_release(pg_db, profile):
    pg_db.psql(r"""
        CREATE TABLE b (id int PRIMARY KEY, by bytea, j json, jb jsonb);
        INSERT INTO b VALUES (1, '\x', '123', '123'), (2, '\x00', 'true', 'false'), (3, '\x00ff10', 'null', 'null'),
                             (4, '\xdeadbeef', '"str"', '"str"'), (5, '\x61626364', '-1', '12.50'), (6, NULL, '  [1, "x"]', '{"a": null}');
        INSERT INTO b SELECT 7, decode(repeat('00ff7f80', 262144), 'hex'), '1e2', '18446744073709551615';
    """)
    with StandIn(password="sr-Secret_1", profile=profile) as standin:
        p = seed(pg_db, standin, "--table", "b", "--run-id", "bytes")
        assert p.returncode == 0, p.stderr
        rows = {int(r[0]): r[1:] for r in standin.query(f"SELECT id, by, j, jb FROM `{DB}`.`b`")}
        assert rows[1] == (b"", "123", "123") and rows[2] == (b"\x00", "true", "false") and rows[3] == (b"\x00\xff\x10", "null", "null")
        assert rows[4] == (b"\xde\xad\xbe\xef", '"str"', '"str"') and rows[5] == (b"abcd", "-1", "12.5")
        assert rows[6] == (None, '[1, "x"]', '{"a": null}')
        assert rows[7] == (bytes.fromhex("00ff7f80" * 262144), "100", "18446744073709551615") and len(rows[7][0]) == 1048576
        p = verify(pg_db, standin, "--run-id", "bytes")
        assert p.returncode == 0, p.stdout + p.stderr
