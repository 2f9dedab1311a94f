"""Stream Load transaction interface (reference §4, §10.2.10)."""
import json
import socket
import time

import pytest

from conftest import basic, start_standin, unique

DB = "txdb"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--txn-clean-interval-s", "0.2", "--be-count", "2", name="txn")
    s.sql(f"CREATE DATABASE {DB}",
          f"CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(20)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)")
    yield s
    s.stop()


def op(standin, name, label, body=None, db=DB, table="t", **headers):
    """Every call goes through the FE with curl --location-trusted (307 to the label's BE)."""
    h = {"label": label, "db": db, "table": table}
    h.update(headers)
    method = ["-X", "PUT"] if name == "load" else ["-X", "POST"]
    code, out = standin.curl(standin.fe_url(f"/api/transaction/{name}"), body if body is not None else None, h,
                             extra=tuple(method) if body is None else ())
    assert code == 200, (code, out)
    return json.loads(out)


def rows(standin, where="1=1"):
    return standin.sql(f"SELECT k, v FROM {DB}.t WHERE {where} ORDER BY k")


def test_begin_load_load_commit(standin):
    label = unique("tx")
    b = op(standin, "begin", label)
    assert b["Status"] == "OK" and b["Label"] == label and b["TxnId"] > 0
    assert list(b) == ["Status", "Message", "Label", "TxnId", "BeginTxnTimeMs"]
    assert standin.load_state(DB, label)["state"] == "PREPARE"
    l1 = op(standin, "load", label, b"1\ta\n2\tb\n")
    assert (l1["Status"], l1["TxnId"], l1["LoadBytes"]) == ("OK", b["TxnId"], 8)
    l2 = op(standin, "load", label, b"3\tc\n")
    assert l2["Status"] == "OK"
    assert rows(standin, "k <= 3") == []
    c = op(standin, "commit", label)
    assert c["Status"] == "OK" and c["TxnId"] == b["TxnId"]
    assert (c["NumberTotalRows"], c["NumberLoadedRows"], c["NumberFilteredRows"]) == (3, 3, 0)
    assert c["LoadBytes"] == 12
    assert rows(standin, "k <= 3") == [(1, "a"), (2, "b"), (3, "c")]
    assert standin.load_state(DB, label)["state"] == "VISIBLE"
    again = op(standin, "begin", label)
    assert again["Status"] == "LABEL_ALREADY_EXISTS" and again["ExistingJobStatus"] == "FINISHED"


def test_load_request_not_equal_last_rolls_back(standin):
    label = unique("neq")
    b = op(standin, "begin", label)
    assert op(standin, "load", label, b"10\ta\n")["Status"] == "OK"
    r = op(standin, "load", label, b"11,b\n", column_separator=",")
    assert r["Status"] == "INTERNAL_ERROR" and r["Message"] == "load request not equal last."
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    # the FE answers a commit of an aborted label itself (TransactionWithoutChannelHandler)
    r = op(standin, "commit", label)
    assert (r["Status"], r["Message"]) == ("FAILED", "class com.starrocks.common.StarRocksException: "
                                           f"Can not commit ABORTED transaction {b['TxnId']}, label is {label}")


def test_unknown_label_and_no_data_and_db_mismatch(standin):
    r = op(standin, "commit", "never_begun")
    assert (r["Status"], r["Message"]) == (
        "FAILED", f"class com.starrocks.common.StarRocksException: No transaction found with db[{DB}] and label[never_begun]")
    label = unique("nodata")
    b = op(standin, "begin", label)
    r = op(standin, "commit", label)
    assert r["Status"] == "INTERNAL_ERROR"
    assert r["Message"] == f"transaction {b['TxnId']} hasn't send any data yet"
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    label = unique("dbm")
    op(standin, "begin", label)
    r = op(standin, "commit", label, db="otherdb")          # the FE looks the db up first
    assert (r["Status"], r["Message"]) == (
        "FAILED", "class com.starrocks.common.StarRocksException: Database[otherdb] does not exist.")
    # straight to the BE that holds the context: the BE's own check
    code, hdrs, _ = standin.http("POST", standin.fe_port, "/api/transaction/commit", b"",
                                 {"Authorization": basic("root", standin.password), "label": label, "db": DB})
    code, _, body = standin.http("POST", int(hdrs["Location"].split(":")[2].split("/")[0]), "/api/transaction/commit",
                                 b"", {"Authorization": basic("root", standin.password), "label": label,
                                       "db": "otherdb"})
    r = json.loads(body)
    assert (r["Status"], r["Message"]) == ("INVALID_ARGUMENT", f"request db otherdb transaction db {DB} not match")
    assert op(standin, "rollback", label)["Status"] == "OK"


def test_rollback(standin):
    label = unique("rb")
    op(standin, "begin", label)
    op(standin, "load", label, b"20\tx\n")
    r = op(standin, "rollback", label)
    assert r["Status"] == "OK"
    st = standin.load_state(DB, label)
    assert st["state"] == "ABORTED" and st["reason"] == "transaction is aborted by user."
    assert rows(standin, "k = 20") == []
    assert op(standin, "begin", label)["Status"] == "OK"        # aborted label is reusable
    op(standin, "rollback", label)


def test_concurrent_load_is_txn_in_processing(standin):
    label = unique("busy")
    op(standin, "begin", label)
    # find the owning BE through the FE redirect
    code, hdrs, _ = standin.http("PUT", standin.fe_port, "/api/transaction/load", b"",
                                 {"Authorization": basic("root", standin.password), "label": label, "db": DB})
    port = int(hdrs["Location"].split(":")[2].split("/")[0])
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall((f"PUT /api/transaction/load HTTP/1.1\r\nAuthorization: {basic('root', standin.password)}\r\n"
                   f"label: {label}\r\ndb: {DB}\r\ntable: t\r\nContent-Length: 10\r\n\r\n30\ta\n").encode())
        time.sleep(0.2)
        r = op(standin, "load", label, b"31\tb\n")
        assert r["Status"] == "TXN_IN_PROCESSING"
        r = op(standin, "commit", label)
        assert r["Status"] == "TXN_IN_PROCESSING"
        s.sendall(b"31\tb\n")
        resp = b""
        while b"}" not in resp:
            resp += s.recv(4096)
        assert json.loads(resp.partition(b"\r\n\r\n")[2])["Status"] == "OK"
    finally:
        s.close()
    assert op(standin, "commit", label)["NumberLoadedRows"] == 2


def test_prepare_then_commit(standin):
    label = unique("2pc")
    op(standin, "begin", label)
    op(standin, "load", label, b"40\tp\n")
    r = op(standin, "prepare", label)
    assert r["Status"] == "OK" and r["NumberLoadedRows"] == 1
    assert standin.load_state(DB, label)["state"] == "PREPARED"
    assert rows(standin, "k = 40") == []
    assert op(standin, "begin", label)["Status"] == "LABEL_ALREADY_EXISTS"
    assert op(standin, "commit", label)["Status"] == "OK"
    assert rows(standin, "k = 40") == [(40, "p")]
    assert standin.load_state(DB, label)["state"] == "VISIBLE"


def test_timeouts_abort(standin):
    l1, l2 = unique("to"), unique("idle")
    op(standin, "begin", l1, timeout="1")
    op(standin, "begin", l2, idle_transaction_timeout="1")
    op(standin, "load", l2, b"50\ti\n")
    deadline = time.time() + 5
    while time.time() < deadline and not (standin.load_state(DB, l1)["state"] == "ABORTED"
                                          and standin.load_state(DB, l2)["state"] == "ABORTED"):
        time.sleep(0.1)
    assert standin.load_state(DB, l1)["reason"] == "transaction is aborted by timeout 1 seconds."
    assert standin.load_state(DB, l2)["reason"] == "transaction is aborted by idle timeout 1 seconds."
    assert op(standin, "commit", l2)["Status"] == "FAILED"               # answered by the FE
    assert op(standin, "load", l2, b"51\ti\n")["Status"] == "TXN_NOT_EXISTS"   # redirected to the BE
