"""Fixtures for Tests/support's own tests (shared with other folders' conftest files that import
conftest_services too: one PostgreSQL/Kafka/Connect per session)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from conftest_services import *  # noqa: E402,F401,F403  (fixtures pg, pg_db, kafka, connect)
