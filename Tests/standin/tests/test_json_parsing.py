"""format=json Stream Load (reference §2 json headers, §8.2, §10.2.6)."""
import itertools
import urllib.request

import pymysql
import pytest

from conftest import unique

DB = "j"
_n = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}")


def rows_of(standin, t, cols="id, name, score"):
    conn = standin.connect(DB, conv=dict(pymysql.converters.encoders))
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT {cols} FROM {t} ORDER BY id")
            return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


def table(standin, ddl_cols="id INT, name VARCHAR(20), score INT"):
    t = f"t{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} ({ddl_cols}) DUPLICATE KEY(id)")
    return t


def load(standin, t, body, **headers):
    h = {"label": unique("js"), "format": "json", "max_filter_ratio": "1"}
    h.update({k: v for k, v in headers.items()})
    return standin.be_load(DB, t, body, h)


@pytest.mark.parametrize("cid,body,headers,expected,filtered", [
    ("10.2.6-single-object", b'{"id": 1, "name": "a", "score": 10}', {}, [("1", "a", "10")], 0),
    ("10.2.6-ndjson", b'{"id": 1, "name": "a"}\n{"id": 2, "name": "b", "score": 3}\n\n{"id": 3}\n', {},
     [("1", "a", None), ("2", "b", "3"), ("3", None, None)], 0),
    ("10.2.6-concatenated-objects", b'{"id":1,"name":"x"}{"id":2,"name":"y"}  {"id":3,"name":"z"}', {},
     [("1", "x", None), ("2", "y", None), ("3", "z", None)], 0),
    ("10.2.6-array-needs-strip-outer-array", b'[{"id": 1}, {"id": 2}]', {}, [], 1),
    ("10.2.6-strip-outer-array", b'[{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]', {"strip_outer_array": "true"},
     [("1", "a", None), ("2", "b", None)], 0),
    ("2-json-root", b'{"meta": 1, "data": {"rows": [{"id": 5, "name": "r", "score": 1}]}}',
     {"json_root": "$.data.rows", "strip_outer_array": "true"}, [("5", "r", "1")], 0),
    ("2-jsonpaths-positional-to-columns", b'{"k": {"id": 7}, "n": ["zero", "one"], "s": "9"}',
     {"jsonpaths": '["$.k.id", "$.n[1]", "$.s"]', "columns": "id, name, score"}, [("7", "one", "9")], 0),
    ("2-jsonpaths-without-columns-map-table-order", b'{"a": 1, "b": "x", "c": 2}',
     {"jsonpaths": '["$.a", "$.b", "$.c"]'}, [("1", "x", "2")], 0),
    ("10.2.6-missing-key-and-missing-path-null", b'{"id": 8}', {"jsonpaths": '["$.id", "$.nope", "$.x.y"]'},
     [("8", None, None)], 0),
    ("10.2.6-simple-mode-ignores-extra-keys", b'{"score": 4, "id": 9, "extra": [1], "name": "n"}', {},
     [("9", "n", "4")], 0),
    # a JSON string into INT is parsed, a number into VARCHAR keeps its token, a boolean into INT is
    # "Unsupported value type. Numeric type is required." → NULL (formats/json/numeric_column.cpp)
    ("8.2-json-types-converted", b'{"id": "10", "name": 12.50, "score": true}', {}, [("10", "12.50", None)], 0),
    ("8.2-bad-int-nonstrict-null", b'{"id": 11, "score": "many"}', {}, [("11", None, None)], 0),
    ("8.4-bad-int-strict-filtered", b'{"id": 11, "score": "many"}\n{"id": 12, "score": 1}', {"strict_mode": "true"},
     [("12", None, "1")], 1),
    ("10.2.6-malformed-json-filtered", b'{"id": 13}\n{"id": 14,,}', {}, [("13", None, None)], 1),
    ("2-where-on-json", b'[{"id": 1, "score": 5}, {"id": 2, "score": 50}]', {"strip_outer_array": "true",
                                                                           "where": "score > 10"},
     [("2", None, "50")], 0),
], ids=lambda v: v if isinstance(v, str) and v[:1].isdigit() else None)
def test_json_case(standin, cid, body, headers, expected, filtered):
    t = table(standin)
    r = load(standin, t, body, **headers)
    if expected:
        assert r["Status"] == "Success", r
    assert rows_of(standin, t) == expected
    assert r["NumberFilteredRows"] == filtered
    assert r["NumberLoadedRows"] == len(expected)


def test_array_without_strip_reason(standin):
    t = table(standin)
    r = load(standin, t, b'[{"id": 1}]', max_filter_ratio="0")
    assert r["Status"] == "Fail" and r["Message"] == "too many filtered rows"
    log = urllib.request.urlopen(r["ErrorURL"], timeout=5).read().decode()
    assert "JSON data is an array, strip_outer_array must be set true" in log


def test_json_and_array_columns(standin):
    t = table(standin, "id INT, doc JSON, tags ARRAY<VARCHAR(10)>, nums ARRAY<INT>")
    r = load(standin, t, b'{"id": 1, "doc": {"b": [1, 2.50], "a": null}, "tags": ["x", "y"], "nums": [1, null]}\n'
                         b'{"id": 2, "doc": "just a string", "tags": [], "nums": null}')
    assert r["Status"] == "Success", r
    assert rows_of(standin, t, "id, doc, tags, nums") == [
        ("1", '{"a": null, "b": [1, 2.5]}', '["x","y"]', "[1,null]"),     # velocypack: keys sorted, doubles
        ("2", '"just a string"', "[]", None)]


def test_not_null_missing_key_filtered(standin):
    t = f"t{next(_n)}"
    standin.sql(f"CREATE TABLE {DB}.{t} (id INT NOT NULL, name VARCHAR(5) NOT NULL) DUPLICATE KEY(id)")
    r = load(standin, t, b'{"id": 1, "name": "a"}\n{"id": 2}')
    assert (r["NumberLoadedRows"], r["NumberFilteredRows"]) == (1, 1)
    log = urllib.request.urlopen(r["ErrorURL"], timeout=5).read().decode()
    assert "NULL value in non-nullable column 'name'" in log


def test_invalid_jsonpaths_is_a_plan_error(standin):
    t = table(standin)
    r = load(standin, t, b'{"id": 1}', jsonpaths='["id"]')
    assert r["Status"] == "Fail" and r["Message"] == "Invalid json path: id" and r["TxnId"] > 0
