"""The curl examples of StarRocks' Stream Load docs (loading/StreamLoad.md) with --location-trusted
behave as documented (reference §1–§3, §10.1–§10.2)."""
import json
import subprocess

import pytest

from conftest import basic, unique

DB = "mydatabase"


@pytest.fixture(scope="module", autouse=True)
def tables(standin):
    standin.sql(f"CREATE DATABASE {DB}",
                f"""CREATE TABLE {DB}.table1 (
                      `id` INT(11) NOT NULL COMMENT "user ID",
                      `name` VARCHAR(65533) NULL COMMENT "user name",
                      `score` INT(11) NOT NULL DEFAULT "0" COMMENT "user score"
                    ) ENGINE=OLAP PRIMARY KEY(`id`) DISTRIBUTED BY HASH(`id`)""",
                f"""CREATE TABLE {DB}.table2 (
                      `id` INT(11) NOT NULL COMMENT "city ID",
                      `city` VARCHAR(65533) NULL COMMENT "city name"
                    ) ENGINE=OLAP PRIMARY KEY(`id`) DISTRIBUTED BY HASH(`id`)""")


EXAMPLE1 = b"1,Lily,23\n2,Rose,23\n3,Alice,24\n4,Julia,25\n"
CSV_HEADERS = {"column_separator": ",", "columns": "id, name, score"}


def test_docs_csv_example_loads_and_label_reuse_reports_finished(standin):
    label = unique("doc1")
    r = standin.curl_load(DB, "table1", EXAMPLE1, {"label": label, **CSV_HEADERS})
    assert r["Status"] == "Success" and r["Message"] == "OK"
    assert r["NumberTotalRows"] == 4 and r["NumberLoadedRows"] == 4
    assert r["NumberFilteredRows"] == 0 and r["NumberUnselectedRows"] == 0
    assert r["LoadBytes"] == len(EXAMPLE1) and r["TxnId"] > 0
    assert "ErrorURL" not in r
    assert standin.sql(f"SELECT id, name, score FROM {DB}.table1 ORDER BY id") == [
        (1, "Lily", 23), (2, "Rose", 23), (3, "Alice", 24), (4, "Julia", 25)]
    # §3.3: same label again → Label Already Exists / FINISHED, TxnId -1, nothing loaded
    again = standin.curl_load(DB, "table1", b"9,Zed,1\n", {"label": label, **CSV_HEADERS})
    assert again["Status"] == "Label Already Exists"
    assert again["ExistingJobStatus"] == "FINISHED"
    assert again["Message"] == f"Label [{label}] has already been used."
    assert again["TxnId"] == -1 and again["NumberLoadedRows"] == 0
    assert standin.sql(f"SELECT count(*) FROM {DB}.table1 WHERE id = 9") == [(0,)]
    assert standin.load_state(DB, label)["state"] == "VISIBLE"
    # §5: SHOW TRANSACTION finds the load by TxnId
    txn = standin.sql(f"SHOW TRANSACTION FROM {DB} WHERE ID = {r['TxnId']}")
    assert txn[0][:4] == (str(r["TxnId"]), label, "BE: 127.0.0.1", "VISIBLE")


def test_reply_is_pretty_printed_with_keys_in_reference_order(standin):
    """§3.2: rapidjson PrettyWriter, 4-space indent, exact key order."""
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/table1/_stream_load"), b"5,Eve,3\n",
                              {"label": unique("order"), **CSV_HEADERS})
    assert code == 200
    assert body.startswith('{\n    "TxnId": ')
    keys = list(json.loads(body).keys())
    assert keys == ["TxnId", "Label", "Status", "Message", "NumberTotalRows", "NumberLoadedRows",
                    "NumberFilteredRows", "NumberUnselectedRows", "LoadBytes", "LoadTimeMs", "BeginTxnTimeMs",
                    "StreamLoadPlanTimeMs", "ReadDataTimeMs", "WriteDataTimeMs", "CommitAndPublishTimeMs"]


def test_wrong_password_is_401_at_fe_and_fail_json_at_be(standin):
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/table1/_stream_load"), EXAMPLE1,
                              {"label": unique("pw"), **CSV_HEADERS}, password="wrong")
    assert code == 401
    d = json.loads(body)
    assert d["status"] == "FAILED" and d["code"] == "1"
    assert d["msg"] == "Access denied for root@127.0.0.1"
    # straight to the BE: HTTP 200 + Fail JSON (the FE checks the password during loadTxnBegin)
    r = standin.be_load(DB, "table1", EXAMPLE1, {"label": unique("pwbe"), **CSV_HEADERS}, password="wrong")
    assert r["Status"] == "Fail" and r["Message"] == "Access denied for root@127.0.0.1"
    assert r["TxnId"] == -1


def test_missing_expect_at_fe_fails_with_exact_body(standin):
    code, body = standin.curl(standin.fe_url(f"/api/{DB}/table1/_stream_load"), EXAMPLE1,
                              {"label": unique("noexp"), "Expect": "", **CSV_HEADERS}, expect=False)
    assert code == 200
    assert json.loads(body) == {
        "Status": "FAILED",
        "Message": "class com.starrocks.common.DdlException: There is no 100-continue header"}


def test_filtered_rows_fail_with_error_url_then_same_label_succeeds_with_ratio(standin):
    label = unique("filt")
    data = b"11,Ann,10\n12,Bob,notanumber\n13,Cid,30\n"
    r = standin.curl_load(DB, "table1", data, {"label": label, **CSV_HEADERS})
    assert r["Status"] == "Fail" and r["Message"] == "too many filtered rows"
    assert (r["NumberTotalRows"], r["NumberLoadedRows"], r["NumberFilteredRows"]) == (3, 2, 1)
    assert r["ErrorURL"].startswith(f"http://127.0.0.1:{standin.be_ports[0]}/api/_load_error_log?file=")
    out = subprocess.run(["curl", "-sS", r["ErrorURL"]], capture_output=True, timeout=10).stdout.decode()
    assert "NULL value in non-nullable column 'score'" in out
    assert "12,Bob,notanumber" in out
    assert standin.sql(f"SELECT count(*) FROM {DB}.table1 WHERE id IN (11, 12, 13)") == [(0,)]
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    # the aborted label is reusable (§3.3); with max_filter_ratio the good rows load
    r2 = standin.curl_load(DB, "table1", data, {"label": label, "max_filter_ratio": "0.5", **CSV_HEADERS})
    assert r2["Status"] == "Success"
    assert (r2["NumberTotalRows"], r2["NumberLoadedRows"], r2["NumberFilteredRows"]) == (3, 2, 1)
    assert "ErrorURL" in r2
    assert standin.sql(f"SELECT id FROM {DB}.table1 WHERE id IN (11, 12, 13) ORDER BY id") == [(11,), (13,)]


def test_empty_load_fails_and_label_stays_reusable(standin):
    label = unique("empty")
    r = standin.curl_load(DB, "table1", b"", {"label": label, **CSV_HEADERS})
    assert r["Status"] == "Fail"
    assert r["Message"].startswith("No partitions have data available for loading.")
    assert "empty_load_as_error" in r["Message"]
    assert r["NumberTotalRows"] == 0 and r["TxnId"] > 0
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    ok = standin.curl_load(DB, "table1", b"21,X,1\n", {"label": label, **CSV_HEADERS})
    assert ok["Status"] == "Success"


def test_docs_json_example_with_jsonpaths_and_derived_column(standin):
    r = standin.curl_load(DB, "table2", b'{"name": "Beijing", "code": 2}',
                          {"label": unique("json"), "strict_mode": "true", "format": "json",
                           "jsonpaths": '["$.name", "$.code"]', "columns": "city,tmp_id, id = tmp_id * 100"})
    assert r["Status"] == "Success", r
    assert standin.sql(f"SELECT id, city FROM {DB}.table2") == [(200, "Beijing")]


def test_where_counts_unselected_and_totals_add_up(standin):
    r = standin.curl_load(DB, "table1", b"31,A,1\n32,B,50\n33,C,x\n34,D,70\n",
                          {"label": unique("where"), "max_filter_ratio": "1", "where": "score > 10",
                           "strict_mode": "true", **CSV_HEADERS})
    assert r["Status"] == "Success"
    assert r["NumberUnselectedRows"] == 1 and r["NumberFilteredRows"] == 1 and r["NumberLoadedRows"] == 2
    assert r["NumberTotalRows"] == r["NumberLoadedRows"] + r["NumberFilteredRows"] + r["NumberUnselectedRows"]
    assert standin.sql(f"SELECT id FROM {DB}.table1 WHERE id BETWEEN 31 AND 34 ORDER BY id") == [(32,), (34,)]


def test_missing_label_gets_a_uuid(standin):
    r = standin.curl_load(DB, "table1", b"41,U,1\n", CSV_HEADERS)
    assert r["Status"] == "Success"
    assert len(r["Label"]) == 36 and r["Label"].count("-") == 4
