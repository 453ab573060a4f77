"""The window under test: a real relay process, a real store, real widgets (offscreen).

Qt must read QT_QPA_PLATFORM before it is imported.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from desktop.ui import errors, operations
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import PASSPHRASE, PIN, make_practice


@pytest.fixture(scope="session")
def qapp():
    """Our application (names, style sheet), not a bare QApplication."""
    from desktop.ui.app import make_application

    return make_application()


@pytest.fixture()
def relay(tmp_path):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as r:
        r.database_url = db
        yield r


@pytest.fixture()
def practice(relay, tmp_path):
    """A registered practice (the test's own handle on its store)."""
    token = create_practice(relay.database_url, "Cabinet Dupont")
    p = make_practice(relay.url, token, tmp_path / "cabinet.passerelle")
    yield p
    if not p.store.closed:
        p.store.close()


@pytest.fixture()
def jean(relay, practice):
    """An enrolled patient, with his real patient client."""
    client = practice.enrol(relay.url, "Jean Martin")
    yield client
    client.close()


@pytest.fixture()
def window(qtbot, practice, jean):
    """The main window on the practice's store, locked, as at every start.

    The test's own handle on the store is closed first: from here on only the
    window works on it, as on a real workstation.
    """
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = practice.store.path
    practice.store.close()
    session = Session(path, long_poll=2)
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    errors.shown.clear()
    yield w
    session.close()
    qtbot.waitUntil(lambda: operations.busy() == 0, timeout=15000)


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:
    screen = window.unlock_screen
    screen.passphrase.setText(passphrase)
    screen.button.click()
    qtbot.waitUntil(lambda: window.session.is_unlocked, timeout=15000)
    sign_in(qtbot, window)


def sign_in(qtbot, window, person: str = "Dr Claire Dupont", pin: str = PIN) -> None:
    """Name the person at the keyboard, as on the sign-in screen (the Argon2id check runs
    off the GUI thread); the window then shows the workspace."""
    screen = window.sign_in_screen
    qtbot.waitUntil(lambda: window.pages.currentWidget() is screen, timeout=15000)
    index = screen.person.findText(person, Qt.MatchFlag.MatchStartsWith)
    screen.person.setCurrentIndex(max(0, index))
    screen.secret.setText(pin)
    screen.button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=15000)
