"""Fixtures of the security suite: throw-away databases and servers, stopped and dropped when the
test module that made them ends. Stubs are generated before the test modules import them."""

import pytest

import harness

harness.install_stubs()


@pytest.fixture(scope="module")
def make_database():
    """make_database(label) -> harness.Database, dropped at the end of the module."""
    made = []

    def make(label):
        db = harness.Database(label)
        made.append(db)
        return db

    yield make
    for db in reversed(made):
        db.drop()


@pytest.fixture(scope="module")
def make_server(make_database):
    """make_server(db, *flags, grace_seconds=10) -> harness.Server, stopped (SIGTERM, then SIGKILL
    after 30 s) at the end of the module, before its databases are dropped."""
    started = []

    def make(db, *flags, **kwargs):
        server = harness.Server(db, *flags, **kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.begin_stop()
    for server in reversed(started):
        server.close()
