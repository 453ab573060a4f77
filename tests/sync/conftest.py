"""A real relay process per test module and a practice registered on it."""

from __future__ import annotations

import pytest

from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice


@pytest.fixture()
def relay(tmp_path):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as r:
        r.database_url = db
        yield r


@pytest.fixture()
def practice(relay, tmp_path):
    token = create_practice(relay.database_url, "Cabinet Dupont")
    p = make_practice(relay.url, token, tmp_path / "cabinet.passerelle")
    yield p
    p.store.close()
