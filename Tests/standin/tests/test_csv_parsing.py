"""CSV framing and type conversion exactly as the BE does it (reference §2, §2.1, §8.2, §8.4,
§10.2.5). Each case loads into a fresh table `(id INT, x <type>)` and checks counts and the text
SELECT returns. Case ids name the reference section."""
import itertools
import urllib.request

import pymysql

import pytest

from conftest import unique

DB = "p"
_n = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}")


def text_rows(standin, sql):
    conn = standin.connect(DB, conv=dict(pymysql.converters.encoders))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


def load_case(standin, type_sql, body, headers=None, not_null=False, ratio="1"):
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, x {type_sql} {'NOT NULL' if not_null else 'NULL'}) "
                f"DUPLICATE KEY(id)")
    h = {"label": unique("csv"), "max_filter_ratio": ratio}
    h.update(headers or {})
    r = standin.be_load(DB, t, body, h)
    rows = text_rows(standin, f"SELECT id, x FROM {t} ORDER BY id")
    return r, rows


def error_log(r) -> str:
    return urllib.request.urlopen(r["ErrorURL"], timeout=5).read().decode()


# (id, type, headers, body, expected rows [(id, x-text)], expected filtered)
CASES = [
    # ---- §2.1 NULL / empty / blank lines -------------------------------------------------------
    ("2.1-backslash-N-is-null-empty-is-empty-string", "VARCHAR(10)", {}, b"1\t\\N\n2\t\n",
     [("1", None), ("2", "")], 0),
    ("2.1-empty-field-for-int-is-null-nonstrict", "INT", {}, b"1\t\n2\t7\n", [("1", None), ("2", "7")], 0),
    ("8.4-empty-field-for-int-strict-filtered", "INT", {"strict_mode": "true"}, b"1\t\n2\t7\n", [("2", "7")], 1),
    ("8.4-backslash-N-still-null-in-strict", "INT", {"strict_mode": "true"}, b"1\t\\N\n", [("1", None)], 0),
    ("2.1-blank-lines-skipped", "VARCHAR(10)", {}, b"\n1\ta\n\n\n2\tb\n\n", [("1", "a"), ("2", "b")], 0),
    ("2.1-last-row-without-delimiter", "VARCHAR(10)", {}, b"1\ta\n2\tb", [("1", "a"), ("2", "b")], 0),
    ("2.1-no-c-escapes-cr-kept", "VARCHAR(10)", {}, b"1\ta\r\n2\tb\\tc\n", [("1", "a\r"), ("2", "b\\tc")], 0),
    ("2.1-quoted-backslash-N-is-null", "VARCHAR(10)", {"column_separator": ",", "enclose": '"'},
     b'1,"\\N"\n2,"N"\n3,\\N\n', [("1", None), ("2", "N"), ("3", None)], 0),
    # ---- §2 enclose / escape / separators ---------------------------------------------------------
    ("2-enclose-doubled-quote-separators-newlines", "VARCHAR(40)", {"column_separator": ",", "enclose": '"'},
     b'1,"a ""q"", b, c"\n2,"multi\nline"\n"3","x"\n', [("1", 'a "q", b, c'), ("2", "multi\nline"), ("3", "x")], 0),
    ("2-enclose-empty-quoted-field", "VARCHAR(10)", {"column_separator": ",", "enclose": '"'},
     b'1,""\n', [("1", "")], 0),
    ("2-escape-makes-next-byte-literal", "VARCHAR(10)", {"column_separator": ",", "escape": "\\"},
     b"1,a\\,b\n2,c\\\\d\n", [("1", "a,b"), ("2", "c\\d")], 0),
    ("2-multibyte-separators", "VARCHAR(10)", {"column_separator": "||", "row_delimiter": "<EOR>"},
     b"1||a<EOR>2||b|c<EOR>", [("1", "a"), ("2", "b|c")], 0),
    ("2-utf8-separator", "VARCHAR(10)", {"column_separator": "│".encode()}, "1│ä\n2│b\n".encode(),
     [("1", "ä"), ("2", "b")], 0),
    ("2-hex-separators-backslash-x", "VARCHAR(10)", {"column_separator": "\\x01", "row_delimiter": "\\x0D0A"},
     b"1\x01a\r\n2\x01b\r\n", [("1", "a"), ("2", "b")], 0),
    ("2-hex-separator-0x", "VARCHAR(10)", {"column_separator": "0x2C"}, b"1,a\n", [("1", "a")], 0),
    ("2-no-c-escape-decoding-in-header", "VARCHAR(10)", {"column_separator": "\\t"}, b"1\\ta\n", [("1", "a")], 0),
    ("2-skip-header", "VARCHAR(10)", {"column_separator": ",", "skip_header": "2"}, b"id,x\nint,str\n1,a\n",
     [("1", "a")], 0),
    ("2-trim-space", "VARCHAR(10)", {"column_separator": ",", "trim_space": "true"}, b"  1 ,  ab  \n",
     [("1", "ab")], 0),
    ("2.1-field-count-mismatch-filtered", "VARCHAR(10)", {}, b"1\ta\tb\n2\tc\n3\n", [("2", "c")], 2),
    # ---- §8.2 BOOLEAN -------------------------------------------------------------------------------
    ("8.2-boolean-accepted-forms", "BOOLEAN", {}, b"1\ttrue\n2\tFALSE\n3\t1\n4\t0\n5\t2.5\n6\t0.0\n7\ttrue \n",
     [("1", "1"), ("2", "0"), ("3", "1"), ("4", "0"), ("5", "1"), ("6", "0"), ("7", "1")], 0),
    ("8.2-boolean-pg-t-f-rejected-nonstrict-null", "BOOLEAN", {}, b"1\tt\n2\tf\n3\tyes\n",
     [("1", None), ("2", None), ("3", None)], 0),
    ("8.2-boolean-pg-t-f-rejected-strict-filtered", "BOOLEAN", {"strict_mode": "true"}, b"1\tt\n2\tf\n3\ttrue\n",
     [("3", "1")], 2),
    # ---- §8.2 integers ----------------------------------------------------------------------------------
    ("8.2-int-forms", "INT", {}, b"1\t 42 \n2\t+5\n3\t-7\n4\t1.9\n5\t1e2\n6\tabc\n7\t2147483647\n",
     [("1", "42"), ("2", "5"), ("3", "-7"), ("4", "1"), ("5", "100"), ("6", None), ("7", "2147483647")], 0),
    ("8.2-tinyint-range-strict", "TINYINT", {"strict_mode": "true"}, b"1\t127\n2\t128\n3\t-128\n4\t-129\n",
     [("1", "127"), ("3", "-128")], 2),
    ("8.2-bigint-decimal-fallback", "BIGINT", {}, b"1\t9223372036854775807\n2\t9223372036854775808\n3\t12.99\n",
     [("1", "9223372036854775807"), ("2", None), ("3", "12")], 0),
    ("8.2-largeint-range", "LARGEINT", {},
     b"1\t170141183460469231731687303715884105727\n2\t170141183460469231731687303715884105728\n",
     [("1", "170141183460469231731687303715884105727"), ("2", None)], 0),
    # ---- §8.2 DECIMAL -------------------------------------------------------------------------------------
    ("8.2-decimal-rounds-excess-scale", "DECIMAL(10,2)", {},
     b"1\t1.005\n2\t-1.005\n3\t1e2\n4\t12345678.994\n5\t.5\n6\t0.004\n7\t 3 \n",
     [("1", "1.01"), ("2", "-1.01"), ("3", "100.00"), ("4", "12345678.99"), ("5", "0.50"), ("6", "0.00"),
      ("7", "3.00")], 0),
    ("8.2-decimal-integer-overflow-fails", "DECIMAL(10,2)", {"strict_mode": "true"},
     b"1\t123456789.1\n2\t99999999.99\n3\tx\n", [("2", "99999999.99")], 2),
    ("8.1-decimal256", "DECIMAL(76,10)", {},
     b"1\t123456789012345678901234567890123456789012345678901234567890.1234567891\n",
     [("1", "123456789012345678901234567890123456789012345678901234567890.1234567891")], 0),
    # ---- §8.2 FLOAT/DOUBLE ---------------------------------------------------------------------------------
    ("8.2-double-inf-nan", "DOUBLE", {}, b"1\tinf\n2\t-Infinity\n3\tNaN\n4\t1.5e3\n5\t0.1\n6\tx1\n",
     [("1", "inf"), ("2", "-inf"), ("3", "nan"), ("4", "1500"), ("5", "0.1"), ("6", None)], 0),
    ("8.2-float-shortest-text", "FLOAT", {}, b"1\t0.1\n2\t3.4e39\n", [("1", "0.1"), ("2", None)], 0),
    # ---- §8.2 DATE / DATETIME -----------------------------------------------------------------------------
    ("8.2-date-forms-and-range", "DATE", {},
     b"1\t2020-02-29\n2\t2021-02-29\n3\t0000-01-01\n4\t9999-12-31\n5\t2020/1/2\n6\t20200103\n7\t2020-01-04 10:11:12\n",
     [("1", "2020-02-29"), ("2", None), ("3", "0000-01-01"), ("4", "9999-12-31"), ("5", "2020-01-02"),
      ("6", "2020-01-03"), ("7", "2020-01-04")], 0),
    ("8.2-datetime-forms", "DATETIME", {},
     b"1\t2020-01-02T03:04:05Z\n2\t2020-01-02 03:04:05.1234567\n3\t2020-01-02 03:04:05.000000\n"
     b"4\t2020-01-02\n5\t2020-01-02 03:04:05.5\n6\t2020-01-02 24:00:00\n7\t2020-01-02 03:04:05+00\n",
     [("1", "2020-01-02 03:04:05"), ("2", "2020-01-02 03:04:05.123456"), ("3", "2020-01-02 03:04:05"),
      ("4", "2020-01-02 00:00:00"), ("5", "2020-01-02 03:04:05.500000"), ("6", None),
      ("7", "2020-01-02 03:04:05")], 0),   # a numeric zone offset is ignored, not converted (date::from_string)
    # ---- §8.1/§8.4 string lengths in bytes ---------------------------------------------------------------
    ("8.4-varchar-bytes-nonstrict-null", "VARCHAR(6)", {}, "1\téé\n2\tééé\n3\téééé\n".encode(),
     [("1", "éé"), ("2", "ééé"), ("3", None)], 0),
    ("8.4-varchar-bytes-strict-filtered", "VARCHAR(6)", {"strict_mode": "true"}, "1\tabcdef\n2\tabcdefg\n3\tééé\n".encode(),
     [("1", "abcdef"), ("3", "ééé")], 1),
    ("8.1-char-bytes", "CHAR(2)", {"strict_mode": "true"}, "1\tab\n2\té\n3\téa\n".encode(), [("1", "ab"), ("2", "é")], 1),
    # ---- §8.2 JSON / ARRAY / VARBINARY ---------------------------------------------------------------------
    # JsonValue::parse → parse_json_or_string: only `{`, `[` or `"` starts JSON; `123` is the string "123"
    ("8.2-json-column-parsed", "JSON", {"column_separator": "|"},
     b'1|{"b":"x","a":[1,2.50]}\n2|{"a":1\n3|123\n4|"s"\n',
     [("1", '{"a": [1, 2.5], "b": "x"}'), ("2", None), ("3", '"123"'), ("4", '"s"')], 0),
    ("8.2-array-int", "ARRAY<INT>", {}, b"1\t[1,2,null]\n2\t[]\n3\t[1,x]\n4\t1,2\n5\t[ 3 , 4 ]\n",
     [("1", "[1,2,null]"), ("2", "[]"), ("3", None), ("4", None), ("5", "[3,4]")], 0),
    ("8.2-array-string-needs-quotes", "ARRAY<VARCHAR(10)>", {}, b'1\t["a","b,c",null]\n2\t[a]\n',
     [("1", '["a","b,c",null]'), ("2", None)], 0),
    ("8.2-array-nested", "ARRAY<ARRAY<INT>>", {}, b"1\t[[1,2],[3],null]\n", [("1", "[[1,2],[3],null]")], 0),
    # ---- §8.4 NOT NULL ---------------------------------------------------------------------------------------
]

@pytest.mark.parametrize("cid,type_sql,headers,body,rows,filtered", CASES, ids=[c[0] for c in CASES])
def test_csv_case(standin, cid, type_sql, headers, body, rows, filtered):
    r, got = load_case(standin, type_sql, body, headers)
    assert r["Status"] == "Success", r
    assert got == rows
    assert r["NumberFilteredRows"] == filtered
    assert r["NumberLoadedRows"] == len(rows)
    assert r["NumberTotalRows"] == len(rows) + filtered
    assert ("ErrorURL" in r) == (filtered > 0)


def test_2_1_field_count_mismatch_reason_in_error_log(standin):
    r, _ = load_case(standin, "VARCHAR(10)", b"1\ta\tb\n", ratio="0")
    assert r["Status"] == "Fail" and r["Message"] == "too many filtered rows"
    log = error_log(r)
    assert ("Target column count: 2 doesn't match source value column count: 3. Column separator: '\\t', "
            "Row delimiter: '\\n'") in log
    assert "1\ta\tb" in log


def test_8_4_strict_error_names_field_and_value(standin):
    r, _ = load_case(standin, "INT", b"1\tzz\n", {"strict_mode": "true"}, ratio="0")
    assert r["Message"] == "too many filtered rows"
    assert "The field (name = x, pos = 1) is out of range. Type: INT(11), Value length: 2, Value: zz" in error_log(r)


def test_8_4_not_null_violation_filtered(standin):
    r, rows = load_case(standin, "INT", b"1\t\\N\n2\t5\n", not_null=True)
    assert r["NumberFilteredRows"] == 1 and rows == [("2", "5")]
    assert "NULL value in non-nullable column 'x'" in error_log(r)


def test_2_1_invalid_utf8_row_filtered(standin):
    r, rows = load_case(standin, "VARCHAR(10)", b"1\t\xff\xfe\n2\tok\n")
    assert r["NumberFilteredRows"] == 1 and rows == [("2", "ok")]
    assert "Invalid UTF-8 row" in error_log(r)


def test_2_columns_expressions(standin):
    """`columns` with positional names, constants, if(), comparisons (§2, §10.2.5)."""
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, flag BOOLEAN, label VARCHAR(20), n INT, big BOOLEAN, src VARCHAR(5)) "
                f"DUPLICATE KEY(id)")
    r = standin.be_load(DB, t, b"1\tt\t5\n2\tf\t50\n3\t\\N\t7\n", {
        "label": unique("expr"),
        "columns": "id, tmp_b, tmp_n, flag = if(tmp_b = 't', 1, 0), label = 'const', n = tmp_n * 2, "
                   "big = tmp_n > 10, src = if(tmp_b != 't', 'not-t', 'is-t')"})
    assert r["Status"] == "Success", r
    assert text_rows(standin, f"SELECT id, flag, label, n, big, src FROM {t} ORDER BY id") == [
        ("1", "1", "const", "10", "0", "is-t"), ("2", "0", "const", "100", "1", "not-t"),
        ("3", "0", "const", "14", "0", "is-t")]     # IF(NULL, a, b) = b


def test_2_columns_reorder_and_skip_source_fields(standin):
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, a VARCHAR(5), b VARCHAR(5)) DUPLICATE KEY(id)")
    r = standin.be_load(DB, t, b"x\ty\t1\tunused\n", {"label": unique("ro"), "columns": "b, a, id, skipme"})
    assert r["Status"] == "Success"
    assert text_rows(standin, f"SELECT id, a, b FROM {t}") == [("1", "y", "x")]


def test_2_where_with_in_and_or(standin):
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, v VARCHAR(5)) DUPLICATE KEY(id)")
    r = standin.be_load(DB, t, b"1\ta\n2\tb\n3\tc\n4\t\\N\n",
                        {"label": unique("w"), "where": "v IN ('a', 'c') OR id >= 4 AND v IS NULL"})
    assert (r["NumberLoadedRows"], r["NumberUnselectedRows"]) == (3, 1)
    assert text_rows(standin, f"SELECT id FROM {t} ORDER BY id") == [("1",), ("3",), ("4",)]


def test_2_defaults_fill_unmapped_columns(standin):
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, d INT NOT NULL DEFAULT '42', ts DATETIME DEFAULT CURRENT_TIMESTAMP, "
                f"n VARCHAR(3)) DUPLICATE KEY(id)")
    r = standin.be_load(DB, t, b"1\n", {"label": unique("def"), "columns": "id"})
    assert r["Status"] == "Success"
    rows = text_rows(standin, f"SELECT id, d, n, ts IS NOT NULL FROM {t}")
    assert rows == [("1", "42", None, "1")]


def test_1_5_gzip_compressed_csv(standin):
    import gzip
    t = f"c{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT, v VARCHAR(5)) DUPLICATE KEY(id)")
    r = standin.be_load(DB, t, gzip.compress(b"1\ta\n2\tb\n"), {"label": unique("gz"), "format": "gzip"})
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == 2
