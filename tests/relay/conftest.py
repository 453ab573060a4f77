"""Every relay test runs on SQLite and, when PASSERELLE_TEST_POSTGRES names a server, on PostgreSQL.

A test module shares one relay per backend (starting one costs more than
most tests): tests stay independent because each builds its own practices
and patients. A test that needs an empty database or other settings asks
``make_relay`` for a relay of its own. On PostgreSQL every database is a
fresh schema (``search_path`` in the connection URL), dropped afterwards, so
runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from relay.app import create_app
from relay.config import RateLimits, Settings
from tests.relay.helpers import World
from tests.support.relay import RelayThread

POSTGRES_ENV = "PASSERELLE_TEST_POSTGRES"


def unlimited(database_url: str) -> Settings:
    """The relay's settings without rate limits: a suite makes hundreds of patients from one
    address in seconds. The limits' own tests (test_rate_limits.py) turn them on."""
    return Settings(database_url=database_url, rate_limits=RateLimits.off())


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine this variant of the test runs on."""
    if request.param == "postgres" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to run this variant on")
    return str(request.param)


@contextmanager
def new_database(backend: str, directory: Any) -> Iterator[str]:
    """The URL of a new, empty relay database: a SQLite file, or a PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'relay-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    base = os.environ[POSTGRES_ENV]
    schema = f"relay_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="module")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database of the module's shared relay."""
    with new_database(backend, tmp_path_factory.mktemp("relay")) as url:
        yield url


@pytest.fixture(scope="module")
def relay(database_url: str) -> Iterator[RelayThread]:
    """A real relay on a loopback port, served from a thread of the test process."""
    server = RelayThread(create_app(unlimited(database_url)))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def world(relay: RelayThread) -> Iterator[World]:
    """Practices, practitioners and patients made through the relay's own API."""
    w = World(relay.url, relay.app.state.relay.db)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture()
def make_relay(backend: str, tmp_path: Any) -> Iterator[Callable[..., tuple[RelayThread, World]]]:
    """A relay of the test's own, on an empty database, with some settings changed."""
    with ExitStack() as stack:

        def make(**settings: Any) -> tuple[RelayThread, World]:
            url = stack.enter_context(new_database(backend, tmp_path))
            server = RelayThread(create_app(replace(unlimited(url), **settings)))
            stack.callback(server.stop)
            w = World(server.url, server.app.state.relay.db)
            stack.callback(w.close)
            return server, w

        yield make
