"""The value path as StarRocks' source has it (Tests/standin/README.md, "Source audit"): what a
field, a JSON value or a `columns` expression becomes in the table, asserted on the stored data."""
import base64
import json
import urllib.request

import pymysql
import pytest

from conftest import start_standin, unique

DB = "vf"


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}")


_n = iter(range(1, 1 << 30))


def table(s, cols: str, key: str = "id") -> str:
    t = f"t{next(_n)}"
    s.sql(f"CREATE TABLE {DB}.{t} ({cols}) DUPLICATE KEY({key})")
    return t


def text_rows(s, sql: str):
    """Values as StarRocks prints them (strings), None for NULL."""
    conn = s.connect(DB, conv=dict(pymysql.converters.encoders))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return [tuple(x.decode() if isinstance(x, bytes) else x for x in r) for r in cur.fetchall()]
    finally:
        conn.close()


def load(s, t, body: bytes, **headers):
    h = {"label": unique("vf"), "max_filter_ratio": "1"}
    h.update(headers)
    return s.be_load(DB, t, body, h)


def error_log(r) -> str:
    return urllib.request.urlopen(r["ErrorURL"], timeout=5).read().decode()


# ---- CSV VARBINARY: base64 with raw fallback (varbinary_converter.cpp, PR #26911, 3.2+) -------------------
VARBINARY_FIELDS = [
    # field text, hex of the stored bytes (None = NULL), why
    ("YWJjZA==", "61626364", "padded base64"),
    ("YWJjZA", "61626364", "unpadded: a trailing partial group keeps its complete bytes"),
    ("YQ== ", "61", "whitespace inside and after is skipped (leading whitespace: see README)"),
    ("YW Jj ZA==", "61626364", "spaces inside are skipped"),
    ("deadbeef", "75E69D6DE79F", "hex text is valid base64: silently 6 other bytes"),
    ("00ff10", "D347DFD7", "hex text of 3 bytes: 4 other bytes"),
    ("a", "", "one base64 digit: no complete byte, the empty binary"),
    ("", "", "empty field: the empty binary, not NULL"),
    ("   ", "", "blank field: the empty binary"),
    ("\\N", None, "\\N is NULL"),
    ("\\x00ff10", "5C78303066663130", "a backslash is not base64: the raw bytes"),
    ("YWJj.ZA==", "59574A6A2E5A413D3D", "any non-base64 byte: the raw bytes, as typed"),
    ("Y==", "593D3D", "'=' after 4k+1 digits is invalid: raw"),
    ("qw==qw==", "AB0AB0", "'=' elsewhere is skipped: decoded as qwqw"),
    ("A" * 44, None, "33 decoded bytes > VARBINARY(32): NULL (non-strict)"),
]


def _fields_body(fields) -> bytes:
    return b"".join(f"{i}\t{f}\n".encode() for i, (f, _, _) in enumerate(fields, 1))


def test_csv_varbinary_is_base64_with_raw_fallback_loaded_with_curl(standin):
    fields = VARBINARY_FIELDS
    t = table(standin, "id INT, b VARBINARY(32)")
    r = standin.curl_load(DB, t, _fields_body(fields), {"label": unique("vb"), "max_filter_ratio": "0"})
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == len(fields), r
    got = text_rows(standin, f"SELECT id, hex(b) FROM {t} ORDER BY id")
    assert got == [(str(i), want) for i, (_, want, _) in enumerate(fields, 1)]


def test_csv_varbinary_round_trips_base64_of_any_bytes(standin):
    """What pg2sr's fix relies on when it sends base64 to 3.2+: every byte value survives."""
    values = [b"", b"\x00", bytes(range(256)), b"\xff" * 31, "ü😀".encode()]
    t = table(standin, "id INT, b VARBINARY(256)")
    body = b"".join(f"{i}\t{base64.b64encode(v).decode()}\n".encode() for i, v in enumerate(values))
    r = load(standin, t, body, max_filter_ratio="0")
    assert r["Status"] == "Success", r
    got = text_rows(standin, f"SELECT id, hex(b) FROM {t} ORDER BY id")
    assert got == [(str(i), v.hex().upper()) for i, v in enumerate(values)]


def test_csv_varbinary_was_hex_before_3_2(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--starrocks-version", "3.1", name="sr31")
    try:
        s.sql(f"CREATE DATABASE {DB}", f"CREATE TABLE {DB}.b (id INT, b VARBINARY(4)) DUPLICATE KEY(id)")
        r = s.be_load(DB, "b", b"1\tab\n2\t0A0b\n3\tabc\n4\tYQ==\n5\t\n",
                      {"label": unique("hex"), "max_filter_ratio": "1"})
        assert r["Status"] == "Success", r
        assert text_rows(s, f"SELECT id, hex(b) FROM {DB}.b ORDER BY id") == [
            ("1", "AB"), ("2", "0A0B"), ("3", None), ("4", None), ("5", "")]
    finally:
        s.stop()


# ---- JSON text → JSON: parse_json_or_string (json_value.cpp, PR #14690) -------------------------------------
JSON_FIELDS = [
    ("123", '"123"'), ("true", '"true"'), ("null", '"null"'), ("-1.5", '"-1.5"'), ("2024-01-01", '"2024-01-01"'),
    ('"s"', '"s"'), ("  x y", '"  x y"'), (' {"b": 1.10, "a": [1e2, -0, 9007199254740993]}',
                                         '{"a": [100, 0, 9007199254740993], "b": 1.1}'),
    ("[123]", "[123]"), ('{"k":"ü\\n"}', '{"k": "ü\\n"}'), ("{bad", None),
    ('{"a":1} x', None),
]


def test_csv_json_column_bare_scalars_become_json_strings(standin):
    t = table(standin, "id INT, j JSON")
    body = b"".join(f"{i}|{f}\n".encode() for i, (f, _) in enumerate(JSON_FIELDS, 1))
    r = load(standin, t, body, column_separator="|")
    assert r["Status"] == "Success", r
    want = [(str(i), w) for i, (_, w) in enumerate(JSON_FIELDS, 1)]
    assert text_rows(standin, f"SELECT id, j FROM {t} ORDER BY id") == want
    assert r["NumberFilteredRows"] == 0          # non-strict: bad JSON is NULL


def test_parse_json_in_columns_same_rules_and_invalid_is_null_even_in_strict_mode(standin):
    t = table(standin, "id INT, j JSON")
    body = b"".join(f"{i}|{f}\n".encode() for i, (f, _) in enumerate(JSON_FIELDS, 1))
    r = load(standin, t, body, column_separator="|", strict_mode="true", max_filter_ratio="0",
             columns="id, tmp, j = parse_json(tmp)")
    assert r["Status"] == "Success" and r["NumberFilteredRows"] == 0, r
    want = [(str(i), w) for i, (_, w) in enumerate(JSON_FIELDS, 1)]
    assert text_rows(standin, f"SELECT id, j FROM {t} ORDER BY id") == want


# ---- strict mode covers only columns loaded as they are (FileScanner::materialize) --------------------------
def test_strict_mode_does_not_check_expression_columns(standin):
    t = table(standin, "id INT, n INT, m INT, nn INT NOT NULL")
    body = b"1\t5\tx\t7\n2\tabc\t8\t9\n3\t6\tx\tzz\n"
    r = load(standin, t, body, strict_mode="true", max_filter_ratio="1",
             columns="id, n, m_tmp, nn_tmp, m = if(m_tmp = 'x', 'not a number', m_tmp), nn = nn_tmp")
    # row 1: m's cast fails → NULL, loaded; row 2: n (as it is) fails strict → filtered;
    # row 3: nn's cast fails → NULL → NOT NULL column → filtered by the sink
    assert (r["NumberLoadedRows"], r["NumberFilteredRows"]) == (1, 2), r
    assert text_rows(standin, f"SELECT id, n, m, nn FROM {t}") == [("1", "5", None, "7")]
    log = error_log(r)
    assert "The field (name = n, pos = 1) is out of range." in log
    assert "NULL value in non-nullable column 'nn'" in log


# ---- JSON loads: how a JSON value fills a column (formats/json/*.cpp) ---------------------------------------
def test_json_values_into_text_columns(standin):
    t = table(standin, "id INT, s VARCHAR(100)")
    docs = [{"id": 1, "s": True}, {"id": 2, "s": False}, {"id": 3, "s": "x\"y"}, {"id": 4, "s": None}]
    body = b"\n".join(json.dumps(d).encode() for d in docs)
    body += b'\n{"id": 5, "s": 1.50}\n{"id": 6, "s": 1e5}\n{"id": 7, "s": {"b": [1, 2.50], "a": true}}\n'
    r = load(standin, t, body, format="json", max_filter_ratio="0")
    assert r["Status"] == "Success", r
    assert text_rows(standin, f"SELECT id, s FROM {t} ORDER BY id") == [
        ("1", "1"), ("2", "0"), ("3", 'x"y'), ("4", None), ("5", "1.50"), ("6", "1e5"),
        ("7", '{"b":[1,2.50],"a":true}')]


def test_json_numbers_into_integer_columns_go_through_a_double(standin):
    """test/sql/test_json: data common/data/stream_load/check_number_overflow.json and its
    R/test_json_check_number_overflow result, as StarRocks answered them."""
    t = table(standin, "k1 INT, d1 BIGINT, f1 INT", key="k1")
    body = (b'{"k1": 1, "d1": 9223372036854775000.0, "f1": 2147483000.0}\n'
            b'{"k1": 2, "d1": 9223372036854775807.0, "f1": 2147483647.0}\n'
            b'{"k1": 3, "d1": 9223372036854775807.3, "f1": 2147483647.3}\n'
            b'{"k1": 4, "d1": 9223372036854775808.0, "f1": 2147483648.0}\n'
            b'{"k1": 5, "d1": 9223372036854775809.0, "f1": 2147483649.0}\n'
            b'{"k1": 6, "d1": -9223372036854675807.0, "f1": -2147473647.0}\n'
            b'{"k1": 7, "d1": -9223372036854775807.0, "f1": -2147483647.0}\n'
            b'{"k1": 8, "d1": -9223372036854775808.0, "f1": -2147483648.0}\n'
            b'{"k1": 9, "d1": -9223372036854775809.0, "f1": -2147483649.0}\n'
            b'{"k1": 10, "d1": -9223372036854778808.0, "f1": -2147494649.0}\n'
            b'{"k1": 11, "d1": 32767, "f1": 32767}\n'
            b'{"k1": 17, "d1": -32770, "f1": -32770}\n'
            b'{"k1": 18, "d1": 9223372036854775807, "f1": true}\n'
            b'{"k1": 19, "d1": 9223372036854775808, "f1": "12.9"}\n')
    r = load(standin, t, body, format="json")
    assert r["Status"] == "Success" and r["NumberFilteredRows"] == 0, r
    assert text_rows(standin, f"SELECT k1, d1, f1 FROM {t} ORDER BY k1") == [
        ("1", "9223372036854774784", "2147483000"), ("2", None, "2147483647"), ("3", None, "2147483647"),
        ("4", None, None), ("5", None, None), ("6", "-9223372036854675456", "-2147473647"),
        ("7", "-9223372036854775808", "-2147483647"), ("8", "-9223372036854775808", "-2147483648"),
        ("9", "-9223372036854775808", None), ("10", None, None), ("11", "32767", "32767"),
        ("17", "-32770", "-32770"),
        # beyond the R file: an integer token is exact; a boolean is no number; a string is parsed
        ("18", "9223372036854775807", None), ("19", None, "12")]


def test_json_array_loaded_as_it_is_versus_through_an_expression(standin):
    """Flat envelope (the array column loaded as it is): elements converted one by one. Raw envelope
    (`if(op = 'd', before, after)`): the array reaches the column as its minified text through
    CAST(VARCHAR AS ARRAY) (cast_expr_array.cpp): ' and \" both quote, no JSON unescaping, `null`
    stays text for strings, quoted dates/decimals fail their element cast → NULL elements."""
    t = table(standin, "id INT, s ARRAY<VARCHAR(20)>, z ARRAY<VARCHAR(20)>, q ARRAY<VARCHAR(20)>, "
                       "d ARRAY<DATE>, n ARRAY<DECIMAL(5,2)>, i ARRAY<INT>")
    doc = {"id": 1, "s": ["it's", "x", None], "z": [None, "a"], "q": ["a\"b"], "d": ["2024-01-01", None],
           "n": [1.5, "2.25"], "i": [1, None, "3", 4]}
    paths = '["$.id", "$.s", "$.z", "$.q", "$.d", "$.n", "$.i", "$.op"]'
    r = load(standin, t, json.dumps(doc).encode(), format="json", max_filter_ratio="0", jsonpaths=paths,
             columns="id, s, z, q, d, n, i, op")
    assert r["Status"] == "Success", r
    via = ", ".join(f"{c} = if(op = 'd', NULL, a_{c})" for c in "szqdni")
    r = load(standin, t, json.dumps(dict(doc, id=2)).encode(), format="json", max_filter_ratio="0", jsonpaths=paths,
             columns=f"id, a_s, a_z, a_q, a_d, a_n, a_i, op, {via}")
    assert r["Status"] == "Success", r
    assert text_rows(standin, f"SELECT id, s, z, q, d, n, i FROM {t} ORDER BY id") == [
        ("1", '["it\'s","x",null]', '[null,"a"]', '["a\\"b"]', '["2024-01-01",null]', "[1.50,2.25]",
         "[1,null,3,4]"),
        # `it's` opens a quote that swallows the rest: one element, its outer quotes kept; a JSON
        # null is the text null; `a\"b` leaves a quote open: not an array → NULL
        ("2", '["\\"it\'s\\",\\"x\\",null"]', '["null","a"]', None, "[null,null]", "[1.50,null]",
         "[1,null,null,4]")]


# ---- functions pg2sr's expressions use: to_binary / from_binary / unhex / replace / if ----------------------
@pytest.mark.parametrize("expr,want", [
    ("hex(to_binary('ab', 'hex'))", "AB"),
    ("hex(to_binary('', 'hex'))", ""),                 # empty: the empty binary, not NULL
    ("hex(to_binary('abc', 'hex'))", ""),              # odd length: empty
    ("hex(to_binary('zz', 'HEX'))", ""),               # not hex: empty
    ("hex(to_binary('deadbeef', 'base64'))", "DEADBEEF"),   # 'base64' is no format: hex
    ("hex(to_binary('qw==', 'encode64'))", "AB"),
    ("hex(to_binary('ab', 'encode64'))", "69"),        # test_binary_functions R: b'i'
    ("to_binary('', 'encode64') IS NULL", "1"),         # from_base64('') is NULL
    ("to_binary('YQ==!', 'encode64') IS NULL", "1"),
    ("hex(to_binary('ab', 'utf8'))", "6162"),
    ("from_binary(to_binary('ab01', 'hex'), 'hex')", "AB01"),
    ("from_binary(to_binary('ab01', 'hex'), 'encode64')", "qwE="),
    ("hex(unhex('5C4E'))", "5C4E"),
    ("hex(unhex('5C4'))", ""),
    ("replace('abc', '', 'x')", "abc"),
    ("replace(NULL, 'a', 'b') IS NULL", "1"),
    ("substr('😀ab', 2)", "ab"),
    ("left('😀ab', 1)", "😀"),
])
def test_function_edge_cases(standin, expr, want):
    assert text_rows(standin, f"SELECT {expr}") == [(want,)]


def test_assert_true_fails_the_whole_stream_load(standin):
    t = table(standin, "id INT, v VARCHAR(10)")
    guarded = "id, tmp, v = if(assert_true(tmp != 'bad', 'pg2sr: bad value'), tmp, NULL)"
    ok = load(standin, t, b"1\tgood\n", columns=guarded, max_filter_ratio="0")
    assert ok["Status"] == "Success", ok
    bad = load(standin, t, b"2\tfine\n3\tbad\n", columns=guarded, max_filter_ratio="1")
    assert bad["Status"] == "Fail" and bad["Message"] == "Expr evaluate meet error: pg2sr: bad value", bad
    null = load(standin, t, b"4\t\\N\n", columns=guarded)
    assert null["Message"] == "Expr evaluate meet error: assert_true failed due to null value", null
    assert text_rows(standin, f"SELECT id, v FROM {t}") == [("1", "good")]


def test_raise_error_is_a_4_1_function(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--starrocks-version", "4.0", name="sr40")
    try:
        s.sql(f"CREATE DATABASE {DB}", f"CREATE TABLE {DB}.r (id INT) DUPLICATE KEY(id)")
        r = s.be_load(DB, "r", b"1\n", {"label": unique("re"), "columns": "tmp, id = if(tmp = 1, raise_error('x'), tmp)"})
        assert r["Status"] == "Fail" and r["Message"] == "No matching function with signature: raise_error."
    finally:
        s.stop()


def test_an_expression_result_too_long_for_its_column_is_filtered_by_the_sink(standin):
    """No cast is put between text and VARCHAR(n); OlapTableSink::_validate_data filters the row
    (`String '…'(length=n) is too long. The max length of 'c' is m`), strict mode or not – while the
    same text loaded as it is becomes NULL in non-strict mode (the CSV converter)."""
    t = table(standin, "id INT, v VARCHAR(5), w VARCHAR(5)")
    r = load(standin, t, b"1\tabc\tabc\n2\ttoo long\tabc\n3\tabc\ttoo long\n", strict_mode="false",
             columns="id, tmp, w, v = concat(tmp, '')")
    assert (r["NumberLoadedRows"], r["NumberFilteredRows"]) == (2, 1), r
    assert text_rows(standin, f"SELECT id, v, w FROM {t} ORDER BY id") == [("1", "abc", "abc"), ("3", "abc", None)]
    assert "String 'too long'(length=8) is too long. The max length of 'v' is 5" in error_log(r)
