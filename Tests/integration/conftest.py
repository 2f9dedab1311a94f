import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import pytest  # noqa: E402

from conftest_services import *  # noqa: E402,F401,F403  (fixtures: pg, pg_db, kafka, connect)
from harness import StandIn, standin_profiles  # noqa: E402


@pytest.fixture(params=standin_profiles(), ids=lambda p: f"sr{p}" if p else "sr-default")
def standin(request):
    """A fresh stand-in per test: 2 BEs on other ports than the FE, a password on every side.
    One run per release in $PG2SR_STANDIN_PROFILES (e.g. `3.3,4.1`), else the newest."""
    with StandIn(password="sr-Secret_1", profile=request.param) as instance:
        yield instance


@pytest.fixture
def source_env(pg_db):
    """Environment for pg2sr's source connection (password via PGPASSWORD, never argv)."""
    return {"PGPASSWORD": pg_db.password}
