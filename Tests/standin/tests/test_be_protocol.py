"""BE Stream Load protocol (reference §1.3, §1.4, §3, §10.2.1–§10.2.4)."""
import json
import socket
import time

import pytest

from conftest import basic, raw_exchange, start_standin, unique

DB = "bedb"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory)
    s.sql(f"CREATE DATABASE {DB}",
          f"CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(20)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)",
          f"CREATE TABLE {DB}.d (k INT, v VARCHAR(20)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)")
    yield s
    s.stop()


def head(standin, label, extra="", cl=None, expect=True, path=f"/api/{DB}/t/_stream_load"):
    h = (f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {basic('root', standin.password)}\r\n"
         f"label: {label}\r\n")
    if expect:
        h += "Expect: 100-continue\r\n"
    if cl is not None:
        h += f"Content-Length: {cl}\r\n"
    return (h + extra + "\r\n").encode()


def recv_until(s, marker: bytes, timeout=5.0) -> bytes:
    s.settimeout(timeout)
    buf = b""
    while marker not in buf:
        d = s.recv(65536)
        if not d:
            break
        buf += d
    return buf


def read_response(s, timeout=5.0) -> tuple:
    buf = recv_until(s, b"\r\n\r\n", timeout)
    headers, _, rest = buf.partition(b"\r\n\r\n")
    n = int([l.split(b":")[1] for l in headers.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < n:
        rest += s.recv(65536)
    return headers.decode(), json.loads(rest[:n])


def test_header_errors_are_answered_before_100_continue(standin):
    """Nothing but headers is sent; the Fail JSON arrives immediately, no 100 Continue, TxnId -1."""
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("h"), "format: xml\r\n", cl=10))
    assert not resp.startswith(b"HTTP/1.1 100")
    assert b"100 Continue" not in resp
    hdr, _, body = resp.partition(b"\r\n\r\n")
    assert hdr.startswith(b"HTTP/1.1 200 OK")
    d = json.loads(body)
    assert d["Status"] == "Fail" and d["Message"] == "unknown data format, format=xml" and d["TxnId"] == -1


def test_100_continue_only_after_validation_then_body(standin):
    label = unique("ok")
    body = b"1\tone\n2\ttwo\n"
    s = socket.create_connection(("127.0.0.1", standin.be_ports[0]))
    try:
        s.sendall(head(standin, label, cl=len(body)))
        first = recv_until(s, b"\r\n\r\n")
        assert first == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(body)
        _, d = read_response(s)
        assert d["Status"] == "Success" and d["NumberLoadedRows"] == 2 and d["LoadBytes"] == len(body)
    finally:
        s.close()


def test_label_check_happens_before_100_continue(standin):
    label = unique("dup")
    assert standin.be_load(DB, "t", b"3\tx\n", {"label": label})["Status"] == "Success"
    resp = raw_exchange(standin.be_ports[0], head(standin, label, cl=4))
    assert b"100 Continue" not in resp
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Status"] == "Label Already Exists" and d["ExistingJobStatus"] == "FINISHED"


@pytest.mark.parametrize("extra,message", [
    ("strict_mode: yes\r\n", "Invalid strict mode format. Must be bool type"),
    ("trim_space: 1\r\n", "Invalid trim space format. Must be bool type"),
    ("partial_update: maybe\r\n", "Invalid partial update flag format. Must be bool type"),
    ("timeout: soon\r\n", "Invalid timeout format"),
    ("partitions: p1\r\ntemporary_partitions: tp1\r\n", "Can not specify both partitions and temporary partitions"),
    ("compression: gzip\r\nContent-Encoding: gzip\r\n",
     "Only one of http header content-encoding and compression can be set"),
    ("skip_header: -1\r\n", "skip_header must be greater than or equal to 0, but got -1"),
    ("log_rejected_record_num: -2\r\n", "log_rejected_record_num should be >= -1, but got -2"),
], ids=["strict_mode", "trim_space", "partial_update", "timeout", "partitions", "compression", "skip_header",
        "log_rejected"])
def test_header_validation_messages(standin, extra, message):
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("v"), extra, cl=4))
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert (d["Status"], d["Message"], d["TxnId"]) == ("Fail", message, -1)


def test_size_limits_checked_on_declared_length(standin):
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("big"), cl=200 * 1024 ** 4))
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Message"].startswith(f"body size {200 * 1024 ** 4} exceed limit: {102400 * 1024 * 1024}")
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("bigjson"), "format: json\r\n", cl=200 * 1024 ** 2))
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Message"].startswith("The size of this batch exceed the max size [104857600] of json type data")
    assert "ignore_json_size" in d["Message"]


@pytest.mark.parametrize("label,extra,message", [
    ("has space", "", "Label format error. regex: ^[-\\w]{1,128}$, label: has space"),
    ("x" * 129, "", f"Label format error. regex: ^[-\\w]{{1,128}}$, label: {'x' * 129}"),
], ids=["space", "too_long"])
def test_label_format(standin, label, extra, message):
    resp = raw_exchange(standin.be_ports[0], head(standin, label, extra, cl=4))
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Message"] == message and d["TxnId"] == -1


def test_unknown_db_and_table(standin):
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("udb"), cl=4, path="/api/nope/t/_stream_load"))
    assert json.loads(resp.partition(b"\r\n\r\n")[2])["Message"] == "unknown database, database=nope"
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("utb"), cl=4, path=f"/api/{DB}/nope/_stream_load"))
    assert json.loads(resp.partition(b"\r\n\r\n")[2])["Message"] == f'unknown table "{DB}.nope"'


@pytest.mark.parametrize("extra,message", [
    ("columns: k, v, z = k + 1\r\n", "Unknown column 'z' in 't'"),
    ("columns: k, v = upper(q)\r\n", "unknown reference column, column=v, reference=q"),
    ("column_separator: \\xZZ\r\n", "Invalid delimiter '\\xZZ': hex str format error"),
    ("column_separator: \\x0\r\n", "Invalid delimiter '\\x0': hex length must be a even number"),
    ("columns: v\r\n", "Column has no default value. column: k"),
], ids=["unknown_target", "unknown_ref", "bad_hex", "odd_hex", "no_default"])
def test_plan_errors_abort_a_real_txn(standin, extra, message):
    label = unique("plan")
    resp = raw_exchange(standin.be_ports[0], head(standin, label, extra, cl=4))
    assert b"100 Continue" not in resp
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Status"] == "Fail" and d["Message"] == message
    assert d["TxnId"] > 0
    assert standin.load_state(DB, label)["state"] == "ABORTED"


def test_basic_prefix_is_case_sensitive(standin):
    req = (f"PUT /api/{DB}/t/_stream_load HTTP/1.1\r\nAuthorization: basic "
           f"{basic('root', standin.password)[6:]}\r\nlabel: {unique('b')}\r\nContent-Length: 0\r\n\r\n").encode()
    d = json.loads(raw_exchange(standin.be_ports[0], req).partition(b"\r\n\r\n")[2])
    assert d["Message"] == "no valid Basic authorization"


def test_chunked_body(standin):
    data = b"".join(b"%d\tc%d\n" % (i, i) for i in range(200, 260))
    r = standin.be_load(DB, "t", data, {"label": unique("ch")}, chunked=True)
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == 60 and r["LoadBytes"] == len(data)
    assert standin.sql(f"SELECT count(*), min(k), max(k) FROM {DB}.t WHERE k BETWEEN 200 AND 259") == [(60, 200, 259)]


def test_content_length_mismatch(standin):
    label = unique("short")
    resp = raw_exchange(standin.be_ports[0], head(standin, label, cl=100, expect=False) + b"1\ta\n", shut_wr=True)
    d = json.loads(resp.partition(b"\r\n\r\n")[2])
    assert d["Status"] == "Fail" and d["Message"] == "receive body don't equal with body bytes"
    assert standin.load_state(DB, label)["state"] == "ABORTED"


def test_client_abort_mid_body_rolls_back_and_label_is_reusable(standin):
    label = unique("abort")
    before = standin.stats()["loads_aborted"]
    s = socket.create_connection(("127.0.0.1", standin.be_ports[0]))
    s.sendall(head(standin, label, cl=10000))
    assert recv_until(s, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue")
    s.sendall(b"900\tgone\n901\tgone\n")
    time.sleep(0.2)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()                                   # RST mid-body
    for _ in range(50):
        if standin.load_state(DB, label)["state"] == "ABORTED":
            break
        time.sleep(0.05)
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    assert standin.sql(f"SELECT count(*) FROM {DB}.t WHERE k IN (900, 901)") == [(0,)]
    assert standin.stats()["loads_aborted"] == before + 1
    r = standin.be_load(DB, "t", b"902\tback\n", {"label": label})
    assert r["Status"] == "Success"


def test_concurrent_same_label_is_running(standin):
    label = unique("conc")
    s = socket.create_connection(("127.0.0.1", standin.be_ports[0]))
    try:
        body = b"950\ta\n951\tb\n"
        s.sendall(head(standin, label, cl=len(body)))
        assert recv_until(s, b"\r\n\r\n").startswith(b"HTTP/1.1 100")
        s.sendall(body[:5])
        second = standin.be_load(DB, "t", b"952\tc\n", {"label": label})
        assert second["Status"] == "Label Already Exists" and second["ExistingJobStatus"] == "RUNNING"
        assert second["Message"] == f"Label [{label}] has already been used."
        assert standin.load_state(DB, label)["state"] == "PREPARE"
        s.sendall(body[5:])
        _, d = read_response(s)
        assert d["Status"] == "Success" and d["NumberLoadedRows"] == 2
    finally:
        s.close()
    assert standin.sql(f"SELECT k FROM {DB}.t WHERE k >= 950 AND k < 960 ORDER BY k") == [(950,), (951,)]


def test_labels_are_per_database(standin):
    standin.sql("CREATE DATABASE bedb2", "CREATE TABLE bedb2.d (k INT, v VARCHAR(20)) DUPLICATE KEY(k)")
    label = unique("perdb")
    assert standin.be_load(DB, "d", b"1\ta\n", {"label": label})["Status"] == "Success"
    assert standin.be_load("bedb2", "d", b"1\ta\n", {"label": label})["Status"] == "Success"


def test_bad_expect_value_and_unknown_paths(standin):
    resp = raw_exchange(standin.be_ports[0], head(standin, unique("e"), "Expect: bogus\r\n", cl=4, expect=False))
    assert resp.startswith(b"HTTP/1.1 417")
    code, _, body = standin.http("GET", standin.be_ports[0], "/api/nothing/here")
    assert (code, body) == (404, "Not Found")
    code, _, _ = standin.http("GET", standin.be_ports[0], "/api/_load_error_log?file=error_log_missing")
    assert code == 404


def test_keep_alive_between_loads(standin):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", standin.be_ports[0])
    try:
        for i in range(3):
            conn.request("PUT", f"/api/{DB}/d/_stream_load", body=b"%d\tka\n" % i,
                         headers={"Authorization": basic("root", standin.password), "label": unique("ka")})
            r = conn.getresponse()
            assert json.loads(r.read())["Status"] == "Success"
    finally:
        conn.close()


def test_chunked_overflow_is_413(tmp_path_factory):
    s2 = start_standin(tmp_path_factory, "--max-body-mb", "1", name="small")
    try:
        s2.sql("CREATE DATABASE x", "CREATE TABLE x.d (k INT, v VARCHAR(20)) DUPLICATE KEY(k)")
        label = unique("413")
        sock = socket.create_connection(("127.0.0.1", s2.be_ports[0]))
        sock.sendall(f"PUT /api/x/d/_stream_load HTTP/1.1\r\nAuthorization: {basic('root', s2.password)}\r\n"
                     f"label: {label}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"1\tv\n" * 100000
        try:
            for _ in range(4):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
        resp = recv_until(sock, b"\r\n\r\n")
        sock.close()
        assert resp.startswith(b"HTTP/1.1 413")
        assert s2.load_state("x", label)["state"] == "ABORTED"
        resp = raw_exchange(s2.be_ports[0], f"PUT /api/x/d/_stream_load HTTP/1.1\r\nAuthorization: "
                            f"{basic('root', s2.password)}\r\nlabel: {unique('cl')}\r\nExpect: 100-continue\r\n"
                            f"Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode())
        d = json.loads(resp.partition(b"\r\n\r\n")[2])
        assert d["Message"].startswith(f"body size {2 * 1024 * 1024} exceed limit: {1024 * 1024}")
    finally:
        s2.stop()
