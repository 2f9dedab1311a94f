"""Fault injection and stats (reference §10.2.9; control endpoint on the FE HTTP port)."""
import http.client
import json
import socket
import threading
import time

import pytest

from conftest import basic, start_standin, unique

DB = "fdb"


@pytest.fixture(scope="module", autouse=True)
def db(standin):
    standin.sql(f"CREATE DATABASE {DB}",
                f"CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(20)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)")


@pytest.fixture(autouse=True)
def clean(standin):
    standin.clear_faults()
    yield
    standin.clear_faults()


def count(standin, where):
    return standin.sql(f"SELECT count(*) FROM {DB}.t WHERE {where}")[0][0]


def test_fail_nth_load(standin):
    d = standin.faults({"fail_nth_load": 2, "status": "Fail", "message": "injected boom"})
    assert d["faults"]["fail_nth_load"] == 2
    l1, l2 = unique("f1"), unique("f2")
    assert standin.curl_load(DB, "t", b"1\ta\n", {"label": l1})["Status"] == "Success"
    r = standin.curl_load(DB, "t", b"2\tb\n", {"label": l2})
    assert (r["Status"], r["Message"]) == ("Fail", "injected boom")
    assert count(standin, "k = 2") == 0
    assert standin.load_state(DB, l2)["state"] == "ABORTED"
    assert "fail_nth_load" not in json.loads(standin.http("GET", standin.fe_port, "/_standin/faults")[2])
    assert standin.curl_load(DB, "t", b"2\tb\n", {"label": l2})["Status"] == "Success"


def test_http_500_nth(standin):
    standin.faults({"http_500_nth": 1})
    label = unique("h500")
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/t/_stream_load"), b"3\tc\n", {"label": label})
    assert code == 500
    assert standin.load_state(DB, label)["state"] == "UNKNOWN"
    assert standin.curl_load(DB, "t", b"3\tc\n", {"label": label})["Status"] == "Success"


def test_reset_mid_body_nth(standin):
    standin.faults({"reset_mid_body_nth": 1})
    label = unique("rst")
    before = standin.stats()["loads_aborted"]
    body = b"".join(b"%d\tr\n" % i for i in range(1000, 3000))
    conn = http.client.HTTPConnection("127.0.0.1", standin.be_ports[0], timeout=10)
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("PUT", f"/api/{DB}/t/_stream_load", body=body,
                     headers={"Authorization": basic("root", standin.password), "label": label})
        conn.getresponse().read()
    conn.close()
    time.sleep(0.1)
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    assert count(standin, "k >= 1000 AND k < 3000") == 0
    assert standin.stats()["loads_aborted"] == before + 1
    assert standin.be_load(DB, "t", body, {"label": label})["NumberLoadedRows"] == 2000


def test_stall_before_reply_commits_then_retry_sees_finished(standin):
    standin.faults({"stall_before_reply_s": 1.5})
    label = unique("stall")
    conn = http.client.HTTPConnection("127.0.0.1", standin.be_ports[0], timeout=0.5)
    with pytest.raises((socket.timeout, TimeoutError)):
        conn.request("PUT", f"/api/{DB}/t/_stream_load", body=b"5\ts\n",
                     headers={"Authorization": basic("root", standin.password), "label": label})
        conn.getresponse()
    conn.close()
    assert standin.load_state(DB, label)["state"] == "VISIBLE"
    standin.clear_faults()
    r = standin.be_load(DB, "t", b"5\ts\n", {"label": label})
    assert r["Status"] == "Label Already Exists" and r["ExistingJobStatus"] == "FINISHED"


def test_publish_timeout_visible_later(standin):
    standin.faults({"publish_timeout_nth": 1, "publish_delay_s": 0.6})
    label = unique("pub")
    r = standin.curl_load(DB, "t", b"6\tp\n", {"label": label})
    assert r["Status"] == "Publish Timeout"
    assert r["Message"] == "transaction commit successfully, BUT data will be visible later"
    assert standin.load_state(DB, label)["state"] == "COMMITTED"
    assert count(standin, "k = 6") == 0
    again = standin.be_load(DB, "t", b"6\tp\n", {"label": label})
    assert again["ExistingJobStatus"] == "FINISHED"
    deadline = time.time() + 5
    while standin.load_state(DB, label)["state"] != "VISIBLE" and time.time() < deadline:
        time.sleep(0.1)
    assert standin.load_state(DB, label)["state"] == "VISIBLE"
    assert count(standin, "k = 6") == 1


def test_commit_fail_but_committed(standin):
    standin.faults({"commit_fail_but_committed_nth": 1})
    label = unique("cfc")
    r = standin.curl_load(DB, "t", b"7\tc\n", {"label": label})
    assert r["Status"] == "Fail"
    assert r["Message"] == ("Commit transaction fail cause TTransportException: Read timed out, "
                            "Transaction status unknown, you can retry with same label.")
    assert count(standin, "k = 7") == 1
    retry = standin.curl_load(DB, "t", b"7\tc\n", {"label": label})
    assert retry["Status"] == "Label Already Exists" and retry["ExistingJobStatus"] == "FINISHED"


def test_busy_be(standin):
    standin.faults({"busy_nth_load": 1})
    r = standin.be_load(DB, "t", b"8\tb\n", {"label": unique("busy")})
    assert r["Status"] == "Fail"
    assert r["Message"].startswith("Stream Load exceed http cuncurrent limit")
    assert r["TxnId"] == -1


def test_read_rate_backpressure_and_stats(standin):
    """The BE reads at <= 2 MB/s: a 3 MB body takes >= ~1.5 s for the *client* to send, and the
    stand-in never buffers the whole body (peak_bytes_buffered stays small)."""
    standin.http("POST", standin.fe_port, "/_standin/stats/reset")
    standin.faults({"read_rate_bytes_per_s": 2_000_000})
    body = b"".join(b"%d\t%s\n" % (i, b"x" * 15) for i in range(10000, 10000 + 150_000))
    assert len(body) > 3_000_000
    results = []

    def send(label, part):
        t0 = time.time()
        r = standin.be_load(DB, "t", part, {"label": label})
        results.append((r, time.time() - t0))

    half = body.index(b"\n", len(body) // 2) + 1
    th = [threading.Thread(target=send, args=(unique("rate"), p)) for p in (body[:half], body[half:])]
    [t.start() for t in th]
    [t.join() for t in th]
    assert all(r["Status"] == "Success" for r, _ in results)
    assert all(dt >= 0.6 for _, dt in results), [dt for _, dt in results]
    st = standin.stats()
    assert st["peak_concurrent_loads"] == 2
    assert st["concurrent_loads"] == 0
    assert 0 < st["peak_bytes_buffered"] < len(body) // 4
    assert st["bytes"] == len(body)
    assert st["loads_committed"] == 2
    assert st["requests"]["be"] == 2
    assert all(v == ["Success"] for v in st["labels"].values())
    assert count(standin, "k >= 10000") == 150_000


def test_control_endpoint_validation(standin):
    code, _, body = standin.http("POST", standin.fe_port, "/_standin/faults", b'{"nonsense": 1}')
    assert code == 400 and "unknown fault keys" in json.loads(body)["error"]
    code, _, body = standin.http("POST", standin.fe_port, "/_standin/faults", b'{"fail_nth_load": 0}')
    assert code == 400


def test_faults_from_cli_flags(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--fault", "fail_nth_load=1", "--fault", "message=from cli", name="cli")
    try:
        s.sql("CREATE DATABASE c", "CREATE TABLE c.t (a INT) DUPLICATE KEY(a)")
        r = s.be_load("c", "t", b"1\n", {"label": unique("c")})
        assert (r["Status"], r["Message"]) == ("Fail", "from cli")
        assert s.be_load("c", "t", b"1\n", {"label": unique("c")})["Status"] == "Success"
    finally:
        s.stop()
