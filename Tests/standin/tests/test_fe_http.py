"""FE HTTP behaviour (reference §1.2, §5, §10.1) with two BEs on different ports."""
import json
import socket
import subprocess
import time

import pytest

from conftest import basic, raw_exchange, start_standin, unique

DB = "fedb"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--be-count", "2")
    s.sql(f"CREATE DATABASE {DB}",
          f"CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(20)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2")
    yield s
    s.stop()


def test_ready_line_lists_two_distinct_be_ports(standin):
    assert len(standin.be_ports) == 2
    assert len({standin.fe_port, standin.mysql_port, *standin.be_ports}) == 4
    assert standin.ready_line == (f"ready mysql={standin.mysql_port} fe_http={standin.fe_port} "
                                  f"be_http={standin.be_ports[0]},{standin.be_ports[1]}")


def test_auth_is_checked_first_401_with_realm(standin):
    # no Authorization and no Expect: the 401 wins over the Expect check (§1.2 order)
    code, headers, body = standin.http("PUT", standin.fe_port, f"/api/{DB}/t/_stream_load", b"1\ta\n")
    assert code == 401
    assert headers["WWW-Authenticate"] == 'Basic realm=""'
    d = json.loads(body)
    assert d == {"status": "FAILED", "code": "1", "msg": "Need auth information.",
                 "message": "Need auth information."}


def test_307_without_reading_body_and_connection_closed(standin):
    """Send the body right behind the headers anyway: the FE answers 307 + Connection: close,
    never sends 100 Continue, and closes the socket."""
    body = b"1\ta\n" * 1000
    req = (f"PUT /api/{DB}/t/_stream_load?x=1&y=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           f"Authorization: {basic('root', standin.password)}\r\nExpect: 100-continue\r\n"
           f"label: {unique('r')}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    t0 = time.time()
    resp = raw_exchange(standin.fe_port, req)
    assert time.time() - t0 < 3, "FE must close the connection itself"
    head = resp.split(b"\r\n\r\n", 1)[0].decode()
    lines = head.split("\r\n")
    assert lines[0] == "HTTP/1.1 307 Temporary Redirect"
    hdrs = dict(l.split(": ", 1) for l in lines[1:])
    assert hdrs["Location"] in [f"http://127.0.0.1:{p}/api/{DB}/t/_stream_load?x=1&y=2" for p in standin.be_ports]
    assert "@" not in hdrs["Location"]
    assert hdrs["Content-Length"] == "0" and hdrs["Connection"] == "close"
    assert b"100 Continue" not in resp
    assert resp.endswith(b"\r\n\r\n"), "no body after the 307"


def test_round_robin_and_credential_forwarding_to_other_port(standin):
    urls = set()
    for i in range(2):
        label = unique("rr")
        out = subprocess.run(["curl", "-sS", "--location-trusted", "-u", f"root:{standin.password}",
                              "-H", "Expect:100-continue", "-H", f"label:{label}", "-T", "-",
                              "-w", "\n%{url_effective}", standin.fe_url(f"/api/{DB}/t/_stream_load")],
                             input=f"{100 + i}\tv{i}\n".encode(), capture_output=True, timeout=20)
        body, _, final = out.stdout.decode().rpartition("\n")
        assert json.loads(body)["Status"] == "Success"
        urls.add(final)
    assert urls == {f"http://127.0.0.1:{p}/api/{DB}/t/_stream_load" for p in standin.be_ports}
    assert standin.sql(f"SELECT k, v FROM {DB}.t WHERE k >= 100 ORDER BY k") == [(100, "v0"), (101, "v1")]


def test_without_location_trusted_the_be_sees_no_credentials(standin):
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/t/_stream_load"), b"7\tx\n", {"label": unique("nolt")},
                              location_trusted=False, follow=True)
    assert code == 200
    d = json.loads(body)
    assert d["Status"] == "Fail" and d["Message"] == "no valid Basic authorization" and d["TxnId"] == -1


def test_unknown_database_and_no_backend_alive(standin):
    code, body = standin.curl(standin.fe_url("/api/nodb/t/_stream_load"), b"1\n", {"label": unique("u")},
                              location_trusted=False, follow=False)
    assert code == 200
    assert json.loads(body) == {"Status": "FAILED",
                                "Message": "class com.starrocks.common.DdlException: unknown database, database=nodb"}
    standin.faults({"no_backend_alive": True})
    try:
        code, body = standin.curl(standin.fe_url(f"/api/{DB}/t/_stream_load"), b"1\ta\n", {"label": unique("nb")})
        assert code == 200
        assert json.loads(body)["Message"] == "class com.starrocks.common.DdlException: No backend alive."
    finally:
        standin.clear_faults()


def test_http10_skips_the_expect_check(standin):
    req = (f"PUT /api/{DB}/t/_stream_load HTTP/1.0\r\nAuthorization: {basic('root', standin.password)}\r\n"
           f"Content-Length: 0\r\n\r\n").encode()
    resp = raw_exchange(standin.fe_port, req)
    assert resp.startswith(b"HTTP/1.1 307 ")


def test_wrong_method_is_not_handled(standin):
    code, _, _ = standin.http("POST", standin.fe_port, f"/api/{DB}/t/_stream_load", b"x",
                              {"Authorization": basic("root", standin.password)})
    assert code == 404


def test_get_load_state(standin):
    label = unique("gls")
    r = standin.curl_load(DB, "t", b"50\tq\n", {"label": label})
    assert r["Status"] == "Success"
    assert standin.load_state(DB, label) == {"state": "VISIBLE", "reason": "", "status": "OK", "code": "0",
                                             "msg": "Success", "message": "OK"}
    assert standin.load_state(DB, "never_used")["state"] == "UNKNOWN"
    auth = {"Authorization": basic("root", standin.password)}
    code, _, body = standin.http("GET", standin.fe_port, f"/api/{DB}/get_load_state", headers=auth)
    assert json.loads(body)["msg"] == "No label selected."
    code, _, body = standin.http("GET", standin.fe_port, "/api/zzz/get_load_state?label=a", headers=auth)
    d = json.loads(body)
    assert d["status"] == "FAILED" and d["msg"] == "unknown database, database=zzz"
    code, _, _ = standin.http("GET", standin.fe_port, f"/api/{DB}/get_load_state?label={label}")
    assert code == 401


def test_transaction_ops_redirect_to_the_label_owner(standin):
    label = unique("tx")
    h = {"Authorization": basic("root", standin.password), "label": label, "db": DB, "table": "t"}
    code, hdrs, _ = standin.http("POST", standin.fe_port, "/api/transaction/begin", b"", h)
    assert code == 307
    first = hdrs["Location"]
    # only the FE saw the label: a commit is answered by the FE itself (TransactionWithoutChannelHandler)
    code, _, body = standin.http("POST", standin.fe_port, "/api/transaction/commit", b"", h)
    assert (code, json.loads(body)["Message"]) == (
        200, f"class com.starrocks.common.StarRocksException: No transaction found by label {label}")
    code, _, body = standin.http("POST", int(first.split(":")[2].split("/")[0]), "/api/transaction/begin", b"", h)
    assert json.loads(body)["Status"] == "OK"
    for op in ("load", "commit", "rollback"):                        # open on its BE: every op goes there
        code, hdrs, _ = standin.http("POST", standin.fe_port, f"/api/transaction/{op}", b"", h)
        assert code == 307 and hdrs["Location"].rsplit("/", 1)[0] == first.rsplit("/", 1)[0]
        assert hdrs["Connection"] == "close"
    code, _, body = standin.http("POST", standin.fe_port, "/api/transaction/bogus", b"", h)
    assert json.loads(body)["Status"] == "FAILED"


def test_fe_request_head_limits(standin):
    """§1.2: FE initial line ≤ 4096 bytes, headers ≤ 32768 bytes (a wide `columns` header)."""
    cols = ", ".join(f"column_with_a_long_name_{i}" for i in range(1400))
    assert len(cols) > 32768
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/t/_stream_load"), b"1\ta\n",
                              {"label": unique("wide"), "columns": cols})
    assert code == 400 and "request head too large" in body
    code, _ = standin.curl(standin.fe_url(f"/api/{DB}/t/_stream_load?" + "x" * 4100), b"1\ta\n",
                           {"label": unique("long")})
    assert code == 400
