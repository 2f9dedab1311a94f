"""Restart keeps committed data and labels (brief item 4; reference §3.3 label retention)."""
import time

import pytest

from conftest import start_standin, unique


def test_restart_keeps_tables_rows_and_labels(tmp_path_factory):
    s = start_standin(tmp_path_factory, name="persist")
    try:
        s.sql("CREATE DATABASE pdb",
              "CREATE TABLE pdb.pk (id INT NOT NULL, d DECIMAL(10,2), ts DATETIME, a ARRAY<INT>, b VARBINARY) "
              "PRIMARY KEY(id) DISTRIBUTED BY HASH(id)",
              "CREATE TABLE pdb.dup (k INT, v VARCHAR(5)) DUPLICATE KEY(k)")
        done, aborted = unique("done"), unique("aborted")
        r = s.be_load("pdb", "pk", b"1\t1.50\t2020-01-01 00:00:00.5\t[1,2]\tqw==\n2\t2\t2020-01-02\t[]\t\\N\n",
                      {"label": done})
        assert r["Status"] == "Success"
        first_txn = r["TxnId"]
        assert s.be_load("pdb", "pk", b"x\n", {"label": aborted})["Status"] == "Fail"
        s.be_load("pdb", "dup", b"1\ta\n1\ta\n", {"label": unique("d")})
        s.sql("INSERT INTO pdb.pk (id, d) VALUES (3, 3.33)", "DELETE FROM pdb.pk WHERE id = 2")
        ports = (s.mysql_port, s.fe_port, s.be_ports[0])
        s.restart()
        assert (s.mysql_port, s.fe_port, s.be_ports[0]) == ports
        assert s.sql("SELECT id, d, ts, a, b FROM pdb.pk ORDER BY id") == [
            (1, __import__("decimal").Decimal("1.50"), __import__("datetime").datetime(2020, 1, 1, 0, 0, 0, 500000),
             "[1,2]", b"\xab"),
            (3, __import__("decimal").Decimal("3.33"), None, None, None)]
        assert s.sql("SELECT count(*) FROM pdb.dup") == [(2,)]
        again = s.be_load("pdb", "pk", b"9\t9\t\\N\t\\N\t\\N\n", {"label": done})
        assert again["Status"] == "Label Already Exists" and again["ExistingJobStatus"] == "FINISHED"
        assert s.load_state("pdb", done)["state"] == "VISIBLE"
        assert s.load_state("pdb", aborted)["state"] == "ABORTED"
        retry = s.be_load("pdb", "pk", b"4\t4\t\\N\t\\N\t\\N\n", {"label": aborted})
        assert retry["Status"] == "Success" and retry["TxnId"] > first_txn
        assert ("pk",) in s.sql("SHOW TABLES FROM pdb")
    finally:
        s.stop()


def test_label_retention_is_configurable(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--label-keep-seconds", "1", name="keep")
    try:
        s.sql("CREATE DATABASE k", "CREATE TABLE k.t (a INT) DUPLICATE KEY(a)")
        label = unique("keep")
        assert s.be_load("k", "t", b"1\n", {"label": label})["Status"] == "Success"
        assert s.be_load("k", "t", b"2\n", {"label": label})["Status"] == "Label Already Exists"
        time.sleep(1.3)
        assert s.load_state("k", label)["state"] == "UNKNOWN"
        assert s.be_load("k", "t", b"3\n", {"label": label})["Status"] == "Success"
        assert s.sql("SELECT a FROM k.t ORDER BY a") == [(1,), (3,)]
    finally:
        s.stop()


def test_sigterm_stops_cleanly(tmp_path_factory):
    s = start_standin(tmp_path_factory, name="stop")
    pid = s.proc.pid
    proc = s.proc
    s.stop()
    assert proc.returncode == 0
    with pytest.raises(ProcessLookupError):
        import os
        os.kill(pid, 0)
