"""MariaDB Connector/C (the library pg2sr links, test-bed.md) against the MySQL endpoint:
text protocol, prepared statements (binary protocol), INSERT info, error text."""
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).parent / "c" / "mariadb_client.c"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmariadb"], capture_output=True, text=True)
    if flags.returncode != 0:
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "mysqlclient"], capture_output=True, text=True)
    assert flags.returncode == 0, "MariaDB Connector/C (default-libmysqlclient-dev) is required"
    exe = tmp_path_factory.mktemp("cclient") / "mariadb_client"
    subprocess.run(["gcc", str(SRC), "-o", str(exe), *flags.stdout.split()], check=True)
    return exe


def test_connector_c_end_to_end(standin, client):
    out = subprocess.run([str(client), str(standin.mysql_port), standin.password], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        "server 8.0.33",
        "insert affected=1 info=present",
        "prepared insert affected=1",
        "binary row run-1'x 42 2024-01-02 03:04:05.500000 1.25",
        "text row run-1'x 42 2024-01-02 03:04:05.500000 1.25 0",
        "text row text-1 7 2024-05-06 07:08:09 3.50 1",
        "error Getting analyzing error. Detail message: Unknown table 'cdb.nope'.",
    ]
