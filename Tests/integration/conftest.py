import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import pytest  # noqa: E402

from conftest_services import *  # noqa: E402,F401,F403  (fixtures: pg, pg_db, kafka, connect)
from harness import StandIn  # noqa: E402


@pytest.fixture
def standin():
    """A fresh stand-in per test: 2 BEs on other ports than the FE, a password on every side."""
    with StandIn(password="sr-Secret_1") as instance:
        yield instance


@pytest.fixture
def source_env(pg_db):
    """Environment for pg2sr's source connection (password via PGPASSWORD, never argv)."""
    return {"PGPASSWORD": pg_db.password}
