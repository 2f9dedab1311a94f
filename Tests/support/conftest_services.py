"""Session-scoped pytest fixtures for the real services. Use them from any test folder's
conftest.py (see README.md here); several conftest files importing them still share one
PostgreSQL, one Kafka and one Connect worker per session:

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
    from conftest_services import *  # noqa: F401,F403  (fixtures: pg, pg_db, kafka, connect)

Fixtures
    pg       PostgresCluster, one per session (shared_buffers from PG2SR_TEST_PG_SHARED_BUFFERS,
             default 256MB; the benchmark-sized default of scripts/pg-cluster is 3GB).
    pg_db    PostgresDatabase: a fresh database in `pg` for one test, dropped afterwards together
             with its replication slots.
    kafka    Kafka (noida-db), one per session.
    connect  KafkaConnect worker (Debezium) on `kafka`, one per session; started only when a test
             asks for it (~1.5 s). Tests delete the connectors they register.
Marker
    debezium  tests that need the Connect worker: `-m debezium` / `-m "not debezium"`.
"""
from __future__ import annotations

import os

import pytest

from services import Kafka, KafkaConnect, PostgresCluster

__all__ = ["pg", "pg_db", "kafka", "connect", "pytest_configure"]


_MARKER = "debezium: needs the real Kafka Connect + Debezium worker"


def pytest_configure(config):
    if _MARKER not in config.getini("markers"):
        config.addinivalue_line("markers", _MARKER)


# Several conftest.py files may import these fixtures (each import defines its own session
# fixtures). They share one instance of each service per session: the first user starts it, the
# last teardown stops it.
_shared: dict[str, list] = {}


def _shared_service(key, factory):
    entry = _shared.get(key)
    if entry is None:
        svc = factory()
        svc.start()
        entry = _shared[key] = [svc, 0]
    entry[1] += 1
    try:
        yield entry[0]
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            del _shared[key]
            entry[0].__exit__(None, None, None)


@pytest.fixture(scope="session")
def pg():
    yield from _shared_service("pg", lambda: PostgresCluster(
        shared_buffers=os.environ.get("PG2SR_TEST_PG_SHARED_BUFFERS", "256MB")))


@pytest.fixture
def pg_db(pg):
    db = pg.create_database()
    try:
        yield db
    finally:
        if pg.running:
            pg.drop_database(db.dbname)


@pytest.fixture(scope="session")
def kafka():
    yield from _shared_service("kafka", Kafka)


@pytest.fixture(scope="session")
def connect(kafka):
    yield from _shared_service("connect", lambda: KafkaConnect(kafka))
