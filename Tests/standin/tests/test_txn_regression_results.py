"""The transaction interface answers StarRocks' own regression results record
(test/sql/test_stream_load/R/test_stream_load_basic_txn, R/test_stream_load_exception_handling):
the FE answers finished and unknown labels itself, planning errors of `load` are ANALYSIS_ERROR."""
import json

import pytest

from conftest import start_standin, unique

DB = "rdb"
EXC = "class com.starrocks.common.StarRocksException: "


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--be-count", "2", name="txnr")
    s.sql(f"CREATE DATABASE {DB}",
          f"CREATE TABLE {DB}.table1 (id INT, name VARCHAR(100)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1",
          f"CREATE TABLE {DB}.table_strict (id INT, name VARCHAR(100), required_col BIGINT NOT NULL) "
          f"DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1")
    yield s
    s.stop()


def op(standin, name, label, body=None, table="table1", raw=False, **headers):
    """As the R files do it: curl --location-trusted through the FE, `Expect:100-continue`."""
    h = {"label": label, "db": DB, "table": table}
    h.update(headers)
    extra = ("-X", "PUT") if name == "load" else ("-X", "POST")
    if body is not None:
        extra = ("--data-binary", body.decode(), "-X", "PUT")
    code, out = standin.curl(standin.fe_url(f"/api/transaction/{name}"), None, h, extra=extra)
    assert code == 200, (code, out)
    return out if raw else json.loads(out)


def count(standin, table):
    return standin.sql(f"SELECT count(*) FROM {DB}.{table}")[0][0]


def test_commit_operations(standin):
    """R: begin OK, load, commit OK, commit again OK, load TXN_NOT_EXISTS, rollback FAILED, begin
    LABEL_ALREADY_EXISTS; the row stays."""
    label = unique("commit_test")
    b = op(standin, "begin", label)
    assert b["Status"] == "OK"
    assert op(standin, "load", label, b"1\talice")["Status"] == "OK"
    assert op(standin, "commit", label)["Status"] == "OK"
    again = op(standin, "commit", label, raw=True)
    # TransactionResult.toJson: pretty Gson (2-space indent) over a HashMap: the keys in String.hashCode
    # bucket order Status, TxnId, Message, Label
    assert again == ('{\n'
                     '  "Status": "OK",\n'
                     f'  "TxnId": {b["TxnId"]},\n'
                     f'  "Message": "Transaction {b["TxnId"]} has already committed, label is {label}",\n'
                     f'  "Label": "{label}"\n'
                     '}')
    assert op(standin, "load", label, b"2\tbob")["Status"] == "TXN_NOT_EXISTS"
    r = op(standin, "rollback", label)
    assert (r["Status"], r["Message"]) == ("FAILED", EXC + f"Can not abort VISIBLE transaction {b['TxnId']}, "
                                                           f"label is {label}")
    assert standin.sql(f"SELECT id, name FROM {DB}.table1 WHERE id IN (1, 2) ORDER BY id") == [(1, "alice")]
    r = op(standin, "begin", label)
    assert (r["Status"], r["ExistingJobStatus"]) == ("LABEL_ALREADY_EXISTS", "FINISHED")


def test_rollback_operations(standin):
    """R: begin, load, rollback OK, rollback again OK, load TXN_NOT_EXISTS, commit FAILED, nothing
    loaded, begin OK (the aborted label is reusable)."""
    label = unique("rollback_test")
    b = op(standin, "begin", label)
    op(standin, "load", label, b"11\talice")
    assert op(standin, "rollback", label)["Status"] == "OK"
    r = op(standin, "rollback", label)
    assert r == {"Status": "OK", "TxnId": b["TxnId"], "Label": label,
                 "Message": f"Transaction {b['TxnId']} has already aborted, label is {label}"}
    assert op(standin, "load", label, b"12\tbob")["Status"] == "TXN_NOT_EXISTS"
    r = op(standin, "commit", label)
    assert (r["Status"], r["Message"]) == ("FAILED", EXC + f"Can not commit ABORTED transaction {b['TxnId']}, "
                                                           f"label is {label}")
    assert standin.sql(f"SELECT count(*) FROM {DB}.table1 WHERE id IN (11, 12)")[0][0] == 0
    again = op(standin, "begin", label)
    assert again["Status"] == "OK" and again["TxnId"] != b["TxnId"]
    assert op(standin, "rollback", label)["Status"] == "OK"


def test_edge_cases(standin):
    """R: load/commit/rollback of a label never begun FAILED; commit without data INTERNAL_ERROR;
    rollback without data OK; a second begin of an open label LABEL_ALREADY_EXISTS."""
    label = unique("no_begin")
    r = op(standin, "load", label, b"21\talice")
    assert r == {"Status": "FAILED", "Message": EXC + f"Can't find the transaction with db [{DB}] and label[{label}]. "
                 "The possible reasons: 1. FE leader is started or switched; 2. The transaction timeouts and is cleaned."}
    for name in ("commit", "rollback"):
        r = op(standin, name, label)
        assert r == {"Status": "FAILED", "Message": EXC + f"No transaction found with db[{DB}] and label[{label}]"}
    label = unique("empty_commit")
    b = op(standin, "begin", label)
    r = op(standin, "commit", label)
    assert (r["Status"], r["Message"]) == ("INTERNAL_ERROR", f"transaction {b['TxnId']} hasn't send any data yet")
    label = unique("empty_rollback")
    op(standin, "begin", label)
    assert op(standin, "rollback", label)["Status"] == "OK"
    label = unique("double_begin")
    assert op(standin, "begin", label)["Status"] == "OK"
    assert op(standin, "begin", label)["Status"] == "LABEL_ALREADY_EXISTS"
    assert op(standin, "rollback", label)["Status"] == "OK"
    assert standin.sql(f"SELECT count(*) FROM {DB}.table1 WHERE id = 21")[0][0] == 0


def test_load_failure_is_analysis_error_and_aborts(standin):
    """R exception_handling: a load whose plan fails (NOT NULL column without default not loaded)
    is ANALYSIS_ERROR; the transaction is gone: a later load TXN_NOT_EXISTS, commit FAILED,
    rollback OK ('already aborted'); nothing loaded."""
    label = unique("load_fail")
    b = op(standin, "begin", label, table="table_strict")
    r = op(standin, "load", label, b"1,alice", table="table_strict", column_separator=",", columns="id,name")
    assert (r["Status"], r["Message"], r["TxnId"]) == ("ANALYSIS_ERROR", "Column has no default value. column: "
                                                       "required_col", b["TxnId"])
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    r = op(standin, "load", label, b"2,bob,100", table="table_strict", column_separator=",")
    assert r["Status"] == "TXN_NOT_EXISTS"
    r = op(standin, "commit", label, table="table_strict")
    assert (r["Status"], r["Message"]) == ("FAILED", EXC + f"Can not commit ABORTED transaction {b['TxnId']}, "
                                                           f"label is {label}")
    assert op(standin, "rollback", label, table="table_strict")["Status"] == "OK"
    assert count(standin, "table_strict") == 0


def test_fe_request_errors(standin):
    """TransactionLoadAction.toTxnOperationParams: db header, label header, the operation."""
    code, out = standin.curl(standin.fe_url("/api/transaction/commit"), None, {"label": "x"}, extra=("-X", "POST"))
    assert json.loads(out) == {"Status": "FAILED", "Message": EXC + "No database selected."}
    code, out = standin.curl(standin.fe_url("/api/transaction/commit"), None, {"db": DB}, extra=("-X", "POST"))
    assert json.loads(out) == {"Status": "FAILED", "Message": EXC + "Empty label."}
    code, out = standin.curl(standin.fe_url("/api/transaction/finish"), None, {"db": DB, "label": "x"},
                             extra=("-X", "POST"))
    assert json.loads(out) == {"Status": "FAILED", "Message": EXC + "Unknown transaction operation: finish"}
