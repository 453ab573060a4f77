"""A real relay process serving the web app, a real practice on SQCipher, real Chromium."""

from __future__ import annotations

import os

import pytest

from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice
from tests.webapp.browser import Browser, available

if not available():
    # On CI a missing browser is a failure, never a quiet skip of the patient's whole app.
    if os.environ.get("CI"):
        raise RuntimeError("the web app's tests need Debian's chromium and chromium-driver: "
                           ".ci/run installs them")
    pytest.skip("needs Debian's chromium and chromium-driver (.ci/run installs them)",
                allow_module_level=True)


@pytest.fixture()
def relay(tmp_path):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as r:
        r.database_url = db
        r.database_path = tmp_path / "relay.sqlite3"
        yield r


@pytest.fixture()
def practice(relay, tmp_path):
    token = create_practice(relay.database_url, "Cabinet Dupont")
    p = make_practice(relay.url, token, tmp_path / "cabinet.passerelle")
    yield p
    p.store.close()


@pytest.fixture()
def browsers(tmp_path):
    """``browsers()`` opens one more Chromium, each with its own fresh profile."""
    opened: list[Browser] = []

    def open_one(**kwargs) -> Browser:
        b = Browser(tmp_path / f"profile-{len(opened)}", **kwargs)
        opened.append(b)
        return b

    yield open_one
    for b in opened:
        b.close()


@pytest.fixture()
def browser(browsers):
    return browsers()
