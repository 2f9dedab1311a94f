"""TLS to the source: libpq's sslmode and root certificate pass through --source unchanged, and a
server whose certificate does not verify is refused with a clear source error."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness import run_pg2sr
from services import PostgresCluster
from test_seed import DB, compare


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    key, crt = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, crt


@pytest.fixture
def tls_pg():
    work = Path(tempfile.mkdtemp(prefix="pg2sr-tls-", dir="/tmp"))
    work.chmod(0o711)
    key, crt = self_signed(work, "server")
    shutil.chown(key, "pg2srtest")  # the server's user must own its key (created by the pg fixture's first start)
    key.chmod(0o600)
    crt.chmod(0o644)
    cluster = PostgresCluster(dir=work / "pg")
    cluster.dir.mkdir(mode=0o711)
    (cluster.dir / "extra.conf").write_text(f"ssl = on\nssl_cert_file = '{crt}'\nssl_key_file = '{key}'\n")
    with cluster:
        yield cluster, work, crt
    shutil.rmtree(work, ignore_errors=True)


def test_seed_over_verified_tls_and_refusal_of_an_unverified_server(pg, tls_pg, standin):
    cluster, work, server_crt = tls_pg
    cluster.psql("CREATE TABLE secure (id int PRIMARY KEY, v text); INSERT INTO secure SELECT g, 'v' || g FROM generate_series(1, 500) g;")
    env = {"PGPASSWORD": cluster.password, **standin.env()}
    verified = (f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres "
                f"sslmode=verify-full sslrootcert={server_crt}")
    p = run_pg2sr("seed", "--source", verified, "--target", standin.target_url(DB), "--create-tables", "--replication-num", "1",
                  "--progress", "none", "--table", "secure", env=env)
    assert p.returncode == 0, p.stderr
    assert compare(cluster, standin, "secure", "secure", "id") == 500

    # Verification really happened over TLS: the same server with another root certificate is refused.
    _, other_crt = self_signed(work, "other")
    wrong = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres sslmode=verify-full sslrootcert={other_crt}"
    refused = run_pg2sr("seed", "--source", wrong, "--target", standin.target_url(DB), "--progress", "none", "--table", "secure", env=env)
    assert refused.returncode == 66, refused.stderr
    assert "certificate verify failed" in refused.stderr and cluster.password not in refused.stderr
