"""Several workstations in the window: the first-run wizard joins a practice (code, QR
code, fingerprint, waiting, the store made), and Settings → Workstations lists them, adds
one by its code after showing what will be trusted, and asks before revoking one."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from desktop.store.audit_query import AuditFilter
from desktop.sync import pairing
from desktop.core.errors import RelayError
from desktop.sync.client import RelayClient
from desktop.ui.qt import QMessageBox, QPushButton, Qt
from desktop.ui.wizard import FirstRunWizard
from relay.db import Database, pairings, utcnow
from tests.support.world import PASSPHRASE
from tests.ui.conftest import unlock

CODE = re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
NEW_PASSPHRASE = "une autre phrase de passe longue"


def _wizard(qtbot: Any, target: Any) -> FirstRunWizard:
    """The first-run wizard of a new computer whose store will be ``target``, on screen."""
    wizard = FirstRunWizard(target)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _to_code_page(qtbot: Any, wizard: FirstRunWizard, relay_url: str, name: str) -> Any:
    wizard.findChild(QPushButton, "joinPractice").click()
    assert wizard.currentPage() is wizard.join_relay_page
    wizard.join_relay_page.url.setText(relay_url)
    wizard.join_relay_page.name.setText(name)
    wizard.next()
    page = wizard.join_passphrase_page
    assert wizard.currentPage() is page
    page.first.setText(NEW_PASSPHRASE)
    page.second.setText(NEW_PASSPHRASE)
    assert page.isComplete()
    wizard.next()
    code_page = wizard.join_code_page
    assert wizard.currentPage() is code_page
    qtbot.waitUntil(lambda: CODE.match(code_page.code.text()) is not None, timeout=20000)
    return code_page


def _wait_for_approval(qtbot: Any, session: pairing.JoinSession, seconds: float = 30) -> None:
    """The new computer asks now and then, as its wizard does (each ask spends the relay's
    pairing limit: not in a tight loop)."""
    deadline = time.monotonic() + seconds
    while session.poll() != "done":
        assert time.monotonic() < deadline, "the approval never came"
        qtbot.wait(500)


def test_the_wizard_joins_the_practice_with_the_code_it_shows(qtbot, relay, practice, tmp_path):
    wizard = _wizard(qtbot, tmp_path / "laptop.passerelle")
    page = _to_code_page(qtbot, wizard, relay.url, "Portable visites")
    assert not page.qr.pixmap().isNull()
    # What the approving screen shows is what this screen shows.
    newcomer = pairing.claim(practice.workstation, page.code.text())
    assert newcomer.name == "Portable visites"
    assert newcomer.fingerprint == page.fingerprint.text()
    with qtbot.waitSignal(wizard.created, timeout=60000) as made:
        pairing.approve(practice.workstation, newcomer)
    store = made.args[0]
    try:
        assert store.get_setting("practice_id") == practice.store.get_setting("practice_id")
        assert store.get_setting("workstation_name") == "Portable visites"
        assert store.get_secret("practice_identity") == practice.store.get_secret(
            "practice_identity")
        desk = practice.store.get_setting("account_id")
        assert desk in {w.account_id for w in store.journal_workstations()}
    finally:
        store.close()


def test_an_expired_code_says_so_and_offers_a_new_one(qtbot, relay, practice, tmp_path):
    target = tmp_path / "laptop.passerelle"
    wizard = _wizard(qtbot, target)
    page = _to_code_page(qtbot, wizard, relay.url, "Accueil")
    first_code = page.code.text()
    with Database(relay.database_url).write() as conn:  # eleven minutes later
        conn.execute(update(pairings).where(
            pairings.c.id == uuid.UUID(page.session.pairing_id)).values(
            expires_at=utcnow() - timedelta(minutes=1)))
    qtbot.waitUntil(lambda: page.again.isVisible(), timeout=20000)
    assert "expired" in page.status.text()
    assert not target.exists()
    page.again.click()
    qtbot.waitUntil(lambda: CODE.match(page.code.text()) is not None
                    and page.code.text() != first_code, timeout=20000)
    assert not page.again.isVisible()


def _settings(qtbot: Any, window: Any) -> Any:
    unlock(qtbot, window)  # Dr Claire Dupont, the practice's administrator
    settings = window.show_screen("settings")
    group = settings.workstations
    assert group.isVisibleTo(settings)
    qtbot.waitUntil(lambda: group.model.rowCount() == 1, timeout=15000)
    return group


def test_settings_add_a_workstation_after_showing_its_name_and_fingerprint(
    qtbot, qtmodeltester, relay, window, tmp_path
):
    group = _settings(qtbot, window)
    assert "this workstation" in group.model.name_of(group.model.rows[0])
    assert not group.revoke_button.isEnabled()
    session = pairing.JoinSession.start(relay.url, "Cabinet Dr Martin")
    try:
        # A mistyped code: said, and nothing to approve.
        group.code.setText(("0" if session.code[0] != "0" else "1") + session.code[1:])
        group.check_button.click()
        qtbot.waitUntil(lambda: "No new workstation waits" in group.message.text(),
                        timeout=15000)
        assert not group.newcomer_box.isVisible()
        group.code.setText(session.code)
        group.check_button.click()
        qtbot.waitUntil(lambda: group.newcomer_box.isVisible(), timeout=15000)
        assert "Cabinet Dr Martin" in group.newcomer_name.text()
        assert group.newcomer_fingerprint.text() == session.fingerprint
        group.approve_button.click()
        _wait_for_approval(qtbot, session)
        martin = session.finish(tmp_path / "martin.passerelle", PASSPHRASE)
        martin_token = (martin.get_secret("relay_token") or b"").decode()
        martin.close()
        qtbot.waitUntil(lambda: "is now a workstation of the practice" in group.message.text(),
                        timeout=30000)
    finally:
        session.close()
    qtbot.waitUntil(lambda: group.model.rowCount() == 2, timeout=15000)
    qtmodeltester.check(group.model)
    desk, martin = group.model.rows
    assert desk.this and not martin.this
    assert martin.name == "Cabinet Dr Martin" and martin.added_by == "Dr Claire Dupont"
    shown = [group.model.index(1, c).data() for c in range(4)]
    assert shown[0] == "Cabinet Dr Martin" and shown[2] == "Dr Claire Dupont"
    assert window.session.reader.audit_count(AuditFilter(action="workstation_added")) == 1
    # Revoking asks first; "No" changes nothing.
    group.table.selectRow(1)
    assert group.revoke_button.isEnabled()
    group.revoke_button.click()
    box = group.confirmation
    assert box is not None and box.isVisible() and "Cabinet Dr Martin" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    group.load()
    qtbot.waitUntil(lambda: not group.loading, timeout=15000)
    assert [w.revoked for w in group.model.rows] == [False, False]
    # "Revoke": its access stops, and it shows greyed, revoked, in the list.
    group.table.selectRow(1)
    group.revoke_button.click()
    group.confirmation.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "is revoked" in group.message.text(), timeout=30000)
    qtbot.waitUntil(lambda: [w.revoked for w in group.model.rows] == [False, True],
                    timeout=15000)
    revoked = group.model.index(1, 0)
    assert "revoked" in revoked.data()
    assert revoked.data(Qt.ItemDataRole.ForegroundRole) is not None
    group.table.selectRow(1)
    assert not group.revoke_button.isEnabled()
    with pytest.raises(RelayError) as refused:
        RelayClient(relay.url, martin_token).get("/v1/me")
    assert refused.value.code == "invalid_token"


def test_a_join_stopped_halfway_goes_on_with_the_same_code(qtbot, relay, practice, tmp_path):
    target = tmp_path / "laptop.passerelle"
    first = _wizard(qtbot, target)
    page = _to_code_page(qtbot, first, relay.url, "Portable visites")
    code = page.code.text()
    # The computer stops here: its files stay as they are, nothing is cleaned up.
    first.rejected.disconnect(page.give_up)
    page._poll_timer.stop()
    page.session._client.close()
    page.session._kept.close()
    page.session = None
    first.hide()

    wizard = _wizard(qtbot, target)
    resume = wizard.findChild(QPushButton, "joinPractice")
    assert resume.text() == "Resume joining the practice…"
    resume.click()
    passphrase = wizard.join_passphrase_page
    assert wizard.currentPage() is passphrase  # its relay and name were kept
    passphrase.first.setText(NEW_PASSPHRASE)
    passphrase.second.setText(NEW_PASSPHRASE)
    wizard.next()
    again = wizard.join_code_page
    qtbot.waitUntil(lambda: again.code.text() == code, timeout=20000)
    with qtbot.waitSignal(wizard.created, timeout=60000) as made:
        pairing.approve(practice.workstation, pairing.claim(practice.workstation, code))
    store = made.args[0]
    try:
        assert store.get_setting("workstation_name") == "Portable visites"
        assert store.path == target and not pairing.JoinSession.interrupted(target)
    finally:
        store.close()
