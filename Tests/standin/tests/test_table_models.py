"""Primary Key upsert/delete (`__op`), Duplicate Key append, partial update, merge_condition
(reference §2.2, §7, §10.2.8)."""
import pytest

from conftest import unique

DB = "tm"


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}")


def mk_pk(standin, extra_cols=""):
    t = unique("pk")
    standin.sql(f"CREATE TABLE {t} (id INT NOT NULL, name VARCHAR(20), score INT{extra_cols}) "
                f"PRIMARY KEY(id) DISTRIBUTED BY HASH(id)", db=DB)
    return t


def rows(standin, t, cols="id, name, score"):
    return standin.sql(f"SELECT {cols} FROM {t} ORDER BY id", db=DB)


def test_pk_upsert_last_row_wins(standin):
    t = mk_pk(standin)
    assert standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n1\tc\t3\n", {"label": unique("l")})["NumberLoadedRows"] == 3
    assert rows(standin, t) == [(1, "c", 3), (2, "b", 2)]
    standin.be_load(DB, t, b"2\tB\t20\n3\tC\t30\n", {"label": unique("l")})
    assert rows(standin, t) == [(1, "c", 3), (2, "B", 20), (3, "C", 30)]


def test_op_from_data_field(standin):
    """docs Load_to_Primary_Key_tables: `columns: id, name, score, temp, __op = temp`."""
    t = mk_pk(standin)
    standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n3\tc\t3\n", {"label": unique("l")})
    r = standin.be_load(DB, t, b"1\tx\t100\t1\n2\tbb\t22\t0\n9\tnine\t9\t1\n",
                        {"label": unique("op"), "columns": "id, name, score, temp, __op = temp"})
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == 3
    assert rows(standin, t) == [(2, "bb", 22), (3, "c", 3)]       # delete of missing 9 is a no-op


def test_op_constant_and_positional_and_words(standin):
    t = mk_pk(standin)
    standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n3\tc\t3\n4\td\t4\n", {"label": unique("l")})
    standin.be_load(DB, t, b"1\t\\N\t\\N\n", {"label": unique("l"), "columns": "id, name, score, __op='delete'"})
    assert [r[0] for r in rows(standin, t)] == [2, 3, 4]
    standin.be_load(DB, t, b"2\tb\t2\tdelete\n3\tC\t33\tupsert\n", {"label": unique("l"),
                                                                   "columns": "id, name, score, __op"})
    assert rows(standin, t) == [(3, "C", 33), (4, "d", 4)]


def test_op_via_if_expression_debezium_style(standin):
    """§7.3 recipe: __op = IF(op = 'd', 1, 0), values picked per op."""
    t = mk_pk(standin)
    standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n", {"label": unique("l")})
    body = (b'{"before": null, "after": {"id": 3, "name": "c", "score": 3}, "op": "c"}\n'
            b'{"before": {"id": 1, "name": "a", "score": 1}, "after": null, "op": "d"}\n'
            b'{"before": null, "after": {"id": 2, "name": "B", "score": 20}, "op": "u"}\n')
    r = standin.be_load(DB, t, body, {
        "label": unique("dbz"), "format": "json",
        "jsonpaths": '["$.after.id","$.after.name","$.after.score","$.before.id","$.before.name","$.before.score","$.op"]',
        "columns": "a_id, a_name, a_score, b_id, b_name, b_score, op, id = IF(op = 'd', b_id, a_id), "
                   "name = IF(op = 'd', b_name, a_name), score = IF(op = 'd', b_score, a_score), "
                   "__op = IF(op = 'd', 1, 0)"})
    assert r["Status"] == "Success", r
    assert rows(standin, t) == [(2, "B", 20), (3, "c", 3)]


def test_json_op_key_in_simple_mode(standin):
    t = mk_pk(standin)
    standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n", {"label": unique("l")})
    r = standin.be_load(DB, t, b'{"id": 1, "__op": 1}\n{"id": 5, "name": "e", "score": 5}',
                        {"label": unique("j"), "format": "json"})
    assert r["Status"] == "Success"
    assert rows(standin, t) == [(2, "b", 2), (5, "e", 5)]


def test_invalid_op_value_is_filtered(standin):
    t = mk_pk(standin)
    r = standin.be_load(DB, t, b"1\ta\t1\t7\n", {"label": unique("l"), "columns": "id, name, score, __op",
                                                  "max_filter_ratio": "1"})
    assert r["NumberFilteredRows"] == 1 and rows(standin, t) == []


def test_op_on_duplicate_table_is_rejected(standin):
    t = unique("dup")
    standin.sql(f"CREATE TABLE {t} (id INT, v INT) DUPLICATE KEY(id)", db=DB)
    r = standin.be_load(DB, t, b"1\t1\t0\n", {"label": unique("l"), "columns": "id, v, __op"})
    assert r["Status"] == "Fail" and "__op" in r["Message"] and r["TxnId"] > 0


def test_duplicate_key_appends(standin):
    t = unique("dup")
    standin.sql(f"CREATE TABLE {t} (id INT, v VARCHAR(5)) DUPLICATE KEY(id)", db=DB)
    standin.be_load(DB, t, b"1\ta\n1\ta\n", {"label": unique("l")})
    standin.be_load(DB, t, b"1\ta\n", {"label": unique("l")})
    assert standin.sql(f"SELECT id, v, count(*) FROM {t} GROUP BY id, v", db=DB) == [(1, "a", 3)]
    standin.sql(f"DELETE FROM {t} WHERE id = 1", db=DB)
    assert standin.sql(f"SELECT count(*) FROM {t}", db=DB) == [(0,)]


def test_partial_update(standin):
    t = mk_pk(standin)
    standin.be_load(DB, t, b"1\ta\t1\n2\tb\t2\n", {"label": unique("l")})
    r = standin.be_load(DB, t, b"1\t100\n3\t300\n", {"label": unique("pu"), "partial_update": "true",
                                                     "columns": "id, score"})
    assert r["Status"] == "Success", r
    assert rows(standin, t) == [(1, "a", 100), (2, "b", 2), (3, None, 300)]
    r = standin.be_load(DB, t, b"x\n", {"label": unique("pu"), "partial_update": "true", "columns": "name"})
    assert r["Status"] == "Fail" and r["Message"] == "partial update should include all key columns, missing: id"


def test_merge_condition(standin):
    t = mk_pk(standin, ", ver INT")
    standin.be_load(DB, t, b"1\ta\t1\t5\n2\tb\t2\t5\n", {"label": unique("l")})
    r = standin.be_load(DB, t, b"1\told\t0\t4\n2\tnew\t9\t6\n", {"label": unique("mc"), "merge_condition": "ver"})
    assert r["Status"] == "Success"
    assert rows(standin, t, "id, name, ver") == [(1, "a", 5), (2, "new", 6)]
    r = standin.be_load(DB, t, b"1\tx\t0\t9\n", {"label": unique("mc"), "merge_condition": "id"})
    assert r["Message"] == "Merge condition column id should not be primary key!"
