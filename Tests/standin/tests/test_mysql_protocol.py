"""MySQL endpoint protocol details (reference §9, §10.3.1) with pymysql and the mariadb CLI."""
import subprocess

import pymysql
import pytest

from conftest import PASSWORD, start_standin


def cli(standin, *args, password=None, sql="SELECT 1"):
    pw = standin.password if password is None else password
    cmd = ["mysql", "-h127.0.0.1", f"-P{standin.mysql_port}", "-uroot", "--batch", *args, "-e", sql]
    if pw:
        cmd.insert(4, f"-p{pw}")
    return subprocess.run(cmd, capture_output=True, timeout=20, text=True)


def test_cli_query_and_error_text(standin):
    out = cli(standin, sql="CREATE DATABASE IF NOT EXISTS cli; CREATE TABLE IF NOT EXISTS cli.t (a INT, b VARCHAR(9)) "
                           "DUPLICATE KEY(a); INSERT INTO cli.t VALUES (1, 'x'), (2, NULL); "
                           "SELECT a, b FROM cli.t ORDER BY a")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "a\tb\n1\tx\n2\tNULL\n"
    bad = cli(standin, sql="SELECT * FROM cli.missing")
    assert bad.returncode == 1
    assert "ERROR 1064 (HY000) at line 1: Getting analyzing error. Detail message: Unknown table 'cli.missing'." \
        in bad.stderr


def test_cli_caching_sha2_client_gets_auth_switch(standin):
    ok = cli(standin, "--default-auth=caching_sha2_password", sql="SELECT current_version()")
    assert ok.returncode == 0 and ok.stdout.splitlines()[1] == "4.1.0-standin"     # the newest profile
    bad = cli(standin, "--default-auth=caching_sha2_password", password="nope")
    assert bad.returncode == 1 and "Access denied for user 'root'" in bad.stderr


def test_handshake_version_and_capabilities(standin):
    conn = standin.connect()
    try:
        assert conn.get_server_info() == "8.0.33"
        assert conn.server_capabilities & (1 << 24) == 0, "no CLIENT_DEPRECATE_EOF, like the FE"
        assert conn.server_capabilities & (1 << 19), "CLIENT_PLUGIN_AUTH"
        assert conn._auth_plugin_name == "mysql_native_password"
    finally:
        conn.close()


def test_wrong_password_and_unknown_user(standin):
    with pytest.raises(pymysql.err.OperationalError) as e:
        standin.connect(password="wrong")
    assert e.value.args == (1045, "Access denied for user 'root' (using password: YES)")
    with pytest.raises(pymysql.err.OperationalError) as e:
        pymysql.connect(host="127.0.0.1", port=standin.mysql_port, user="nobody", password=PASSWORD)
    assert e.value.args[0] == 1045
    with pytest.raises(pymysql.err.OperationalError) as e:
        standin.connect(password="")
    assert e.value.args == (1045, "Access denied for user 'root' (using password: NO)")


def test_connect_with_db_and_init_db(standin):
    standin.sql("CREATE DATABASE IF NOT EXISTS initdb")
    conn = standin.connect("initdb")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT DATABASE()")
            assert cur.fetchone() == ("initdb",)
        conn.select_db("information_schema")
        with conn.cursor() as cur:
            cur.execute("SELECT DATABASE()")
            assert cur.fetchone() == ("information_schema",)
    finally:
        conn.close()
    with pytest.raises(pymysql.MySQLError) as e:
        standin.connect("no_such_db")
    assert "Unknown database 'no_such_db'" in str(e.value)


def test_old_version_string_and_empty_password(tmp_path_factory):
    # 3.3 still answered 5.1.0 (mysql_server_version became 8.0.33 in 3.4, PR #52512)
    s = start_standin(tmp_path_factory, "--starrocks-version", "3.3.5", password="", name="v51")
    try:
        conn = s.connect(password="")
        try:
            assert conn.get_server_info() == "5.1.0"
            with conn.cursor() as cur:
                cur.execute("SELECT VERSION(), current_version()")
                assert cur.fetchone() == ("5.1.0", "3.3.5-standin")
        finally:
            conn.close()
        with pytest.raises(pymysql.err.OperationalError):
            s.connect(password="something")
        assert cli(s, password="", sql="SELECT VERSION()").stdout == "VERSION()\n5.1.0\n"
    finally:
        s.stop()
