"""People in the window: sign-in, a shared desk, rights refused in place, inactivity, the
audit trail's check at unlock, Settings → People and Settings → Audit."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from desktop.core.model import AuditAction, Category
from desktop.ui.qt import Qt
from desktop.ui.renewal_form import RenewalForm
from tests.support.world import PASSPHRASE
from tests.ui.conftest import sign_in, unlock


def _unlock_only(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.sign_in_screen,
                    timeout=15000)


def _window(qtbot, practice):  # type: ignore[no-untyped-def]
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = practice.store.path
    practice.store.close()
    w = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(w)
    w.show()
    return w


def test_an_assistant_cannot_approve_a_renewal_in_the_window(qtbot, practice, jean):
    store = practice.store
    store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    store.set_setting("practice_phone", "04 78 00 00 00")
    patient = store.patient_by_relay_id(jean.patient_id)
    store.update_patient(patient.id, last_visit=(date.today() - timedelta(days=60)).isoformat())
    practice.add_person("Julie Bernard", "assistant")
    jean.request_renewal(practice.practitioner_id, ["Levothyrox 75 µg"], "")
    window = _window(qtbot, practice)
    try:
        _unlock_only(qtbot, window)
        sign_in(qtbot, window, "Julie Bernard")
        assert window.me.text().endswith("Julie Bernard")
        screen = window.show_screen("renewals")
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=15000)
        screen.table.selectRow(0)
        screen.approve_button.click()
        qtbot.waitUntil(lambda: window.findChild(RenewalForm) is not None, timeout=10000)
        form = window.findChild(RenewalForm)
        form.table.item(0, 1).setText("1 comprimé le matin")
        form.table.item(0, 3).setText("3 boîtes")
        # The sync sends what opening the request queued (its receipts) meanwhile: once
        # the outbox is empty, a refused approval must leave it empty.
        qtbot.waitUntil(lambda: window.session.reader.outbox_count() == 0, timeout=15000)
        form.approve_button.click()
        qtbot.waitUntil(lambda: "may not approve a renewal" in form.error.text(), timeout=15000)
        reader = window.session.reader
        [waiting] = reader.pending_renewals()
        assert waiting.request.state == "received"
        assert reader.prescriptions_of(patient.id) == []
        assert reader.outbox_count() == 0
        jean.sync()
        assert jean.renewals()[0]["state"] == "received"
        form.reject()
    finally:
        window.session.close()


def test_switching_person_on_a_shared_desk_changes_who_replies(qtbot, practice, jean):
    julie = practice.add_person("Julie Bernard", "assistant")
    conv = jean.request(practice.practitioner_id, Category.ADMINISTRATIVE, "Un certificat ?")
    window = _window(qtbot, practice)
    try:
        unlock(qtbot, window)  # Dr Claire Dupont
        window.sign_out()  # "Switch person": the store stays unlocked
        assert window.session.is_unlocked
        sign_in(qtbot, window, "Julie Bernard")
        qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
        window.inbox.table.selectRow(0)
        qtbot.waitUntil(lambda: window.inbox.view.conversation is not None)
        view = window.inbox.view
        view.reply.setPlainText("Il est pret a l'accueil.")
        qtbot.keyClick(view.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: view.reply.toPlainText() == "", timeout=10000)
        reader = window.session.reader
        qtbot.waitUntil(lambda: len(reader.thread(conv)) == 2, timeout=10000)
        assert reader.thread(conv)[-1].author == julie.id
        [accepted] = reader.audit(conversation_id=conv)
        assert accepted.action is AuditAction.ACCEPTED and accepted.actor_id == julie.id
        assert accepted.workstation == "test-workstation"

        def patient_sees_julie() -> bool:
            jean.sync()
            return any(m.get("author_name") == "Secrétariat — Julie Bernard"
                       for m in jean.thread(conv))

        qtbot.waitUntil(patient_sees_julie, timeout=15000)
    finally:
        window.session.close()


def test_inactivity_signs_the_person_out_then_locks(qtbot, window):
    unlock(qtbot, window)
    # Short delays (the settings' minutes, here milliseconds): sign-out before the lock.
    window.person_idle.start(300)
    window.idle.start(2500)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.sign_in_screen,
                    timeout=5000)
    assert window.session.is_unlocked
    qtbot.waitUntil(lambda: window.session.me() is None, timeout=5000)  # off the GUI thread
    qtbot.waitUntil(lambda: not window.session.is_unlocked, timeout=5000)
    assert window.pages.currentWidget() is window.unlock_screen


def test_a_tampered_audit_trail_is_said_at_unlock_and_settings_show_it(qtbot, practice, jean,
                                                                        tmp_path):
    store = practice.store
    jean.request(practice.practitioner_id, Category.ADMINISTRATIVE, "Texte-Du-Patient XYZZY")
    practice.sync()
    lines = sorted(e.id for e in store.audit())
    c = store._conn  # the raw SQLCipher connection
    c.execute("DROP TRIGGER audit_append_only_delete")
    c.execute("DELETE FROM audit WHERE id = ?", (lines[1],))
    window = _window(qtbot, practice)
    try:
        _unlock_only(qtbot, window)
        warning = window.sign_in_screen.message.text()
        assert "audit trail was tampered with" in warning and str(lines[1]) in warning
        sign_in(qtbot, window)  # the practice is not blocked
        settings = window.show_screen("settings")
        assert settings.people.isVisibleTo(settings) and settings.audit.isVisibleTo(settings)
        people = [settings.people.list.item(i).text()
                  for i in range(settings.people.list.count())]
        assert any("Dr Claire Dupont" in p and "administrator" in p for p in people)
        audit = settings.audit
        qtbot.waitUntil(lambda: audit.model.rowCount() > 0, timeout=5000)
        audit.action.setCurrentIndex(audit.action.findData("signed_in"))
        assert all(audit.model.item(r).action == "signed_in"
                   for r in range(audit.model.rowCount()))
        out = tmp_path / "audit.csv"
        audit.action.setCurrentIndex(0)
        audit.export(str(out))
        qtbot.waitUntil(out.exists, timeout=10000)
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert rows[0][:3] == ["id", "at_utc", "person"]
        assert any(r[4] == "signed_in" and r[2] == "Dr Claire Dupont" for r in rows[1:])
        assert any(r[4] == "invitation_created" and r[5] == "Jean Martin" for r in rows[1:])
        assert str(lines[1]) not in [r[0] for r in rows[1:]]
        assert "XYZZY" not in out.read_text(encoding="utf-8")  # never a message's text
    finally:
        window.session.close()


def test_after_wrong_pins_the_sign_in_screen_says_how_long_to_wait(qtbot, window):
    _unlock_only(qtbot, window)
    screen = window.sign_in_screen
    for attempt in range(5):
        screen.secret.setText("000000")
        screen.button.click()
        qtbot.waitUntil(lambda: screen.button.isEnabled() and screen.secret.text() == "",
                        timeout=15000)
    assert "try again in 30 s" in screen.message.text(), screen.message.text()
    # The right PIN during the wait does not sign in.
    from tests.support.world import PIN

    screen.secret.setText(PIN)
    screen.button.click()
    qtbot.waitUntil(lambda: screen.button.isEnabled(), timeout=15000)
    assert "try again in" in screen.message.text()
    assert window.pages.currentWidget() is screen and window.session.me() is None
