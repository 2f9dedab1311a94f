"""--tls-cert/--tls-key: HTTPS on the FE and BE HTTP ports, TLS offered on the MySQL port (SSLRequest);
the FE's 307 still says `http` (RestBaseAction.redirectTo)."""
import functools
import json
import socket
import ssl
import subprocess

import pymysql
import pytest

from conftest import Standin, unique

DB = "tlsdb"


def self_signed(directory, name):
    key, crt = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, crt


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    key, crt = self_signed(d, "server")
    _, other = self_signed(d, "other")
    s = Standin(str(d), ["--default-replication-num", "1", "--be-count", "2", "--tls-cert", str(crt),
                         "--tls-key", str(key)]).start()
    s.connect = functools.partial(s.connect, ssl={"ca": str(crt)})      # every SQL of the fixture over TLS
    s.sql(f"CREATE DATABASE {DB}", f"CREATE TABLE {DB}.t (id INT NOT NULL, v VARCHAR(10)) PRIMARY KEY(id) "
                                   f"DISTRIBUTED BY HASH(id)")
    yield s, crt, other
    s.stop()


def curl(args, data=None):
    out = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", *args], input=data, capture_output=True, timeout=30)
    body, _, code = out.stdout.decode().rpartition("\n")
    return int(code or 0), body, out.stderr.decode()


def test_https_stream_load_and_the_http_redirect(tls):
    s, crt, _ = tls
    url = f"https://127.0.0.1:{s.fe_port}/api/{DB}/t/_stream_load"
    auth = ["--cacert", str(crt), "-u", f"root:{s.password}", "-H", "Expect:100-continue"]
    # the FE redirects with scheme http although it was reached over https (RestBaseAction.redirectTo)
    code, head, err = curl([*auth, "-X", "PUT", "-H", "Content-Length: 0", "-D", "-", "-o", "/dev/null", url])
    assert code == 307, err
    location = next(line.split(": ", 1)[1].strip() for line in head.splitlines() if line.lower().startswith("location"))
    assert location.startswith("http://127.0.0.1:") and location.endswith(f"/api/{DB}/t/_stream_load")
    # keeping https and the redirect's host:port loads
    be = location.replace("http://", "https://", 1)
    code, body, err = curl([*auth, "-T", "-", "-H", f"label:{unique('tls')}", "-H", "column_separator:,", be],
                           data=b"1,a\n2,b\n")
    assert code == 200 and json.loads(body)["NumberLoadedRows"] == 2, (body, err)
    assert s.sql(f"SELECT id, v FROM {DB}.t ORDER BY id") == [(1, "a"), (2, "b")]
    # following the 307 literally (plain http to a TLS port) gets no answer
    code, body, err = curl([*auth, "--location-trusted", "-T", "/dev/null", url])
    assert code != 200 and s.sql(f"SELECT count(*) FROM {DB}.t") == [(2,)]


def test_plain_http_and_a_wrong_ca_are_refused(tls):
    s, crt, other = tls
    code, body, err = curl([f"http://127.0.0.1:{s.fe_port}/api/health"])
    assert code == 0                                        # the TLS port closes a plain-HTTP client
    code, body, err = curl(["--cacert", str(other), f"https://127.0.0.1:{s.be_ports[1]}/api/health"])
    assert code == 0 and "certificate" in err.lower()
    code, body, err = curl(["--cacert", str(crt), f"https://127.0.0.1:{s.be_ports[1]}/api/health"])
    assert code == 200


def test_mysql_offers_tls_and_keeps_plain_clients(tls):
    s, crt, other = tls
    conn = pymysql.connect(host="127.0.0.1", port=s.mysql_port, user="root", password=s.password,
                           ssl={"ca": str(crt)})
    try:
        assert isinstance(conn._sock, ssl.SSLSocket)
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {DB}.t")
            assert cur.fetchall()[0][0] >= 0
    finally:
        conn.close()
    with pytest.raises(pymysql.err.OperationalError) as e:
        pymysql.connect(host="127.0.0.1", port=s.mysql_port, user="root", password=s.password, ssl={"ca": str(other)})
    assert "CERTIFICATE_VERIFY_FAILED" in str(e.value)
    plain = pymysql.connect(host="127.0.0.1", port=s.mysql_port, user="root", password=s.password, ssl_disabled=True)
    try:
        assert isinstance(plain._sock, socket.socket) and not isinstance(plain._sock, ssl.SSLSocket)
    finally:
        plain.close()
