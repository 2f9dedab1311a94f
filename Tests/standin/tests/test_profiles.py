"""--starrocks-version: one stand-in imitates one release (profiles.py); what differs between the
releases pg2sr supports (Tests/standin/README.md, "Supported releases and version profiles")."""
import subprocess

import pytest

from conftest import LAUNCHER, start_standin, unique

ANALYZE = "Getting analyzing error. Detail message: "


@pytest.fixture(scope="module")
def oldest(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--starrocks-version", "3.3", name="sr33")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def older_than_supported(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--starrocks-version", "3.2.11", name="sr32")
    yield s
    s.stop()


def test_version_answers_per_release(standin, oldest):
    assert standin.sql("SELECT VERSION(), current_version()") == [("8.0.33", "4.1.0-standin")]
    assert oldest.sql("SELECT VERSION(), current_version()") == [("5.1.0", "3.3.0-standin")]   # PR #52512 is 3.4
    conn = oldest.connect()
    try:
        assert conn.get_server_info() == "5.1.0"
    finally:
        conn.close()


def test_decimal256_from_4_0(standin, oldest):
    oldest.sql("CREATE DATABASE d")
    code, msg = oldest.sql_error("CREATE TABLE d.t (id INT, x DECIMAL(40, 2)) DUPLICATE KEY(id)")
    assert msg == ANALYZE + "DECIMAL's precision should range from 1 to 38."
    standin.sql("CREATE DATABASE d256", "CREATE TABLE d256.t (id INT, x DECIMAL(76, 10)) DUPLICATE KEY(id)")
    standin.be_load("d256", "t", b"1\t" + b"9" * 66 + b".5\n", {"label": unique("d")})
    assert standin.sql("SELECT x FROM d256.t") == [(__import__("decimal").Decimal("9" * 66 + ".5000000000"),)]


def test_empty_load_message_reworded_in_3_3(oldest, older_than_supported):
    for s, message in ((oldest, "No partitions have data available for loading. If you are sure there may be no "
                                "data to be loaded, you can use `ADMIN SET FRONTEND CONFIG ('empty_load_as_error' "
                                "= 'false')` to ensure such load jobs can succeed"),
                       (older_than_supported, "all partitions have no load data")):
        s.sql("CREATE DATABASE IF NOT EXISTS e", "CREATE TABLE IF NOT EXISTS e.t (id INT) DUPLICATE KEY(id)")
        r = s.be_load("e", "t", b"", {"label": unique("e")})
        assert (r["Status"], r["Message"]) == ("Fail", message)


def test_string_and_varchar_limits_are_the_same_in_every_supported_release(standin, oldest):
    for s in (standin, oldest):
        s.sql("CREATE DATABASE IF NOT EXISTS l", "CREATE TABLE IF NOT EXISTS l.t (id INT, s STRING, v VARCHAR(1048576)) "
              "DUPLICATE KEY(id)")
        assert s.sql("SELECT COLUMN_TYPE FROM information_schema.columns WHERE TABLE_NAME = 't' AND "
                     "TABLE_SCHEMA = 'l' ORDER BY ORDINAL_POSITION") == [("int(11)",), ("varchar(65533)",),
                                                                          ("varchar(1048576)",)]
        code, msg = s.sql_error("CREATE TABLE l.u (id INT, v VARCHAR(1048577)) DUPLICATE KEY(id)")
        assert "1048576" in msg


@pytest.mark.parametrize("version,complaint", [
    ("3", "--starrocks-version '3' is not X.Y or X.Y.Z"),
    ("4.1-rc01x!", "is not X.Y or X.Y.Z"),
    ("2.5.1", "--starrocks-version 2.5.1: no profile for StarRocks 2.5"),
    ("4.2", "no profile for StarRocks 4.2"),
])
def test_an_unknown_release_is_refused_with_one_line(tmp_path, version, complaint):
    p = subprocess.run([str(LAUNCHER), "--data-dir", str(tmp_path), "--starrocks-version", version],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and p.stdout == ""
    assert complaint in p.stderr.splitlines()[-1]
