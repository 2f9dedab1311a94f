"""Stream Load: `merge_condition` checked over what a partial update loads (Load.checkMergeCondition),
and the per-load `timeout` enforced on a body that is still arriving."""
import http.client
import json
import time

import pytest

from conftest import basic, start_standin, unique

DB = "lim"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, name="limits")
    s.sql(f"CREATE DATABASE {DB}",
          f"CREATE TABLE {DB}.pk (id INT NOT NULL, name VARCHAR(20), score INT, version INT) "
          f"PRIMARY KEY(id) DISTRIBUTED BY HASH(id)",
          f"CREATE TABLE {DB}.dup (id INT, v INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id)")
    yield s
    s.stop()


def load(standin, data, **headers):
    return standin.be_load(DB, headers.pop("table", "pk"), data, {"column_separator": ",", **headers})


def test_merge_condition_column_not_loaded_by_a_partial_update_fails_the_load(standin):
    r = load(standin, b"1,a\n", label=unique("mc"), partial_update="true", columns="id,name",
             merge_condition="version")
    assert r["Status"] == "Fail" and r["TxnId"] > 0
    assert r["Message"] == ("Merge condition column version does not exist. If you are doing partial update with "
                            "condition update, please check condition column is in the given update columns. "
                            "Otherwise please check condition column is in table pk")
    # loaded: fine, and the condition applies (a smaller version is skipped)
    assert load(standin, b"2,b,10,5\n", label=unique("mc"))["Status"] == "Success"
    r = load(standin, b"2,c,4\n", label=unique("mc"), partial_update="true", columns="id,name,version",
             merge_condition="version")
    assert r["Status"] == "Success"
    assert standin.sql(f"SELECT id, name, score, version FROM {DB}.pk WHERE id = 2") == [(2, "b", 10, 5)]


def test_merge_condition_other_plan_errors(standin):
    def msg(**h):
        return load(standin, b"3,a,1,1\n", label=unique("mc"), **h)["Message"]
    assert msg(merge_condition="nosuch").startswith("Merge condition column nosuch does not exist.")
    assert msg(merge_condition="id") == "Merge condition column id should not be primary key!"
    assert msg(merge_condition="name") == "Merge condition column has invalid type maybe bitmap/hll/percentile/json/varchar!"
    r = load(standin, b"3,1\n", label=unique("mc"), table="dup", merge_condition="v")
    assert r["Message"] == "Conditional update only support primary key table dup"


def slow_load(standin, label, timeout, parts, pause):
    """A chunked PUT straight to a BE that keeps sending after `timeout` seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", standin.be_ports[0], timeout=30)
    try:
        conn.putrequest("PUT", f"/api/{DB}/pk/_stream_load")
        for k, v in {"Authorization": basic("root", standin.password), "label": label, "timeout": str(timeout),
                     "column_separator": ",", "Transfer-Encoding": "chunked"}.items():
            conn.putheader(k, v)
        conn.endheaders()
        for i, part in enumerate(parts):
            if i:
                time.sleep(pause)
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
        r = conn.getresponse()
        return json.loads(r.read())
    finally:
        conn.close()


def test_timeout_cancels_a_load_whose_body_is_still_arriving(standin):
    label = unique("slow")
    started = time.monotonic()
    r = slow_load(standin, label, 1, [b"10,a,1,1\n", b"11,b,1,1\n", b"12,c,1,1\n"], 0.8)
    assert time.monotonic() - started >= 1.6
    assert (r["Status"], r["Message"]) == ("Fail", "Cancelled because of runtime state is cancelled")
    assert r["TxnId"] > 0 and r["LoadBytes"] == 27
    assert (r["NumberTotalRows"], r["NumberLoadedRows"]) == (0, 0)
    st = standin.load_state(DB, label)
    assert (st["state"], st["reason"]) == ("ABORTED", "Cancelled because of runtime state is cancelled")
    assert standin.sql(f"SELECT count(*) FROM {DB}.pk WHERE id >= 10")[0][0] == 0
    # the label is reusable, and a load within its timeout succeeds
    r = slow_load(standin, label, 5, [b"10,a,1,1\n", b"11,b,1,1\n"], 0.3)
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == 2


def test_timeout_aborts_the_label_while_the_sender_stalls(standin):
    """The abort happens at the deadline, not when the body ends: get_load_state says ABORTED while
    the connection is still open."""
    label = unique("stall")
    conn = http.client.HTTPConnection("127.0.0.1", standin.be_ports[0], timeout=30)
    try:
        conn.putrequest("PUT", f"/api/{DB}/pk/_stream_load")
        for k, v in {"Authorization": basic("root", standin.password), "label": label, "timeout": "1",
                     "column_separator": ",", "Transfer-Encoding": "chunked"}.items():
            conn.putheader(k, v)
        conn.endheaders()
        conn.send(b"5\r\n20,a\n\r\n")
        time.sleep(0.3)
        assert standin.load_state(DB, label)["state"] == "PREPARE"
        time.sleep(1.2)
        assert standin.load_state(DB, label)["state"] == "ABORTED"
        conn.send(b"0\r\n\r\n")
        r = json.loads(conn.getresponse().read())
        assert (r["Status"], r["Message"]) == ("Fail", "Cancelled because of runtime state is cancelled")
    finally:
        conn.close()


def test_timeout_out_of_range(standin):
    for value in ("0", "259201"):
        label = unique("tor")
        r = load(standin, b"30,a,1,1\n", label=label, timeout=value)
        assert r["Status"] == "Fail" and r["TxnId"] == -1
        assert r["Message"].startswith("STREAM_LOAD_TASK:") and r["Message"].endswith(
            f", label{{{label}}}, error_msg{{cancel stream task for exception: Invalid timeout. "
            "Timeout should between 1 and 259200 seconds}")
    assert load(standin, b"30,a,1,1\n", label=unique("tor"), timeout="-1")["Message"] == "Invalid timeout format"
