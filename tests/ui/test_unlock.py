"""First run, unlock, auto-lock: what a practice sees at the start of a day."""

from __future__ import annotations

import gc
import weakref

from desktop.core.model import Category
from desktop.store import Store
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QWidget, QWizard
from desktop.ui.session import Session
from desktop.ui.wizard import FirstRunWizard
from tests.support.relay import create_practice
from tests.ui.conftest import unlock


def test_first_run_wizard_creates_the_store_and_opens_the_window(qtbot, relay, tmp_path):
    path = tmp_path / "new" / "cabinet.passerelle"
    token = create_practice(relay.database_url, "Cabinet Lenoir")
    session = Session(path, long_poll=2)
    window = MainWindow(session)
    wizard = FirstRunWizard(path)
    qtbot.addWidget(window)
    qtbot.addWidget(wizard)
    wizard.created.connect(session.adopt)
    wizard.accepted.connect(window.show)
    wizard.show()

    wizard.practice_page.name.setText("Cabinet Lenoir")
    wizard.practice_page.address.setText("3 place du Marché, 35000 Rennes")
    wizard.next()
    table = wizard.practitioners_page.table
    table.item(0, 0).setText("Dr Anne Lenoir")
    wizard.practitioners_page.add_row("Paul Hamon", "Infirmier·e", "123", True)
    wizard.next()
    assert wizard.currentPage() is wizard.practitioners_page  # RPPS of 3 digits refused
    assert "11 digits" in wizard.practitioners_page.error.text()
    table.item(1, 2).setText("")
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase_page
    finish = wizard.button(QWizard.WizardButton.NextButton)
    wizard.passphrase_page.first.setText("trois mots au hasard")
    wizard.passphrase_page.second.setText("trois mots au hasarD")
    assert not finish.isEnabled()  # the confirmation differs
    wizard.passphrase_page.second.setText("trois mots au hasard")
    assert finish.isEnabled()
    wizard.next()
    # The recovery key, shown once: no going on before saying it was kept.
    assert wizard.currentPage() is wizard.recovery_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.recovery_page.panel.kept.setChecked(True)
    wizard.next()

    wizard.relay_page.url.setText(relay.url)
    wizard.relay_page.token.setText("not-the-token")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "not created" in wizard.relay_page.status.text(), timeout=20000)
    assert not path.exists()  # a refused enrolment leaves nothing behind
    assert wizard.isVisible()

    wizard.relay_page.token.setText(token)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: window.isVisible() and session.is_unlocked, timeout=20000)
    # The practice's first administrator is set up at the first sign-in: chosen among its
    # people, with a PIN typed twice.
    screen = window.sign_in_screen
    assert window.pages.currentWidget() is screen and screen.setting_up
    assert [screen.person.itemText(i) for i in range(screen.person.count())] == [
        "Dr Anne Lenoir", "Paul Hamon"]
    assert window.practice_label.text() == "Cabinet Lenoir"
    screen.secret.setText("135790")
    screen.confirm.setText("135790")
    screen.button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=20000)
    assert window.me.text().endswith("Dr Anne Lenoir")
    assert session.reader.person(session.me().id).administrator
    session.close()
    with Store.open(path, "trois mots au hasard") as store:
        assert store.get_setting("practice_address") == "3 place du Marché, 35000 Rennes"


def test_wrong_then_right_passphrase(qtbot, window):
    screen = window.unlock_screen
    assert window.pages.currentWidget() is screen
    screen.passphrase.setText("pas la bonne phrase")
    screen.button.click()
    qtbot.waitUntil(lambda: "Wrong passphrase" in screen.message.text(), timeout=15000)
    assert not window.session.is_unlocked
    assert not screen.button.isEnabled()  # it waits a little before the next try
    qtbot.waitUntil(lambda: screen.button.isEnabled(), timeout=5000)
    unlock(qtbot, window)
    assert window.pages.currentWidget() is window.workspace


def test_auto_lock_hides_patient_data_and_drops_the_key(qtbot, window, jean, practice):
    jean.request(practice.practitioner_id, Category.RENEWAL, "Mon Levothyrox, s'il vous plaît")
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    window.inbox.table.selectRow(0)
    qtbot.waitUntil(lambda: "Jean Martin" in window.inbox.view.title.text())
    store_ref = weakref.ref(window.session.store)

    window.idle.start(300)  # the practice's delay, shortened for the test
    qtbot.waitUntil(lambda: not window.session.is_unlocked, timeout=5000)

    assert window.pages.currentWidget() is window.unlock_screen
    assert window.inbox.model.rowCount() == 0
    assert "Levothyrox" not in window.inbox.view.thread.toPlainText()
    assert "Jean Martin" not in window.inbox.view.title.text()
    grabbed = [w for w in window.findChildren(QWidget) if hasattr(w, "text")
               and callable(w.text) and w.isVisible() and "Jean Martin" in str(w.text())]
    assert grabbed == []

    def key_gone() -> bool:
        gc.collect()
        return store_ref() is None

    qtbot.waitUntil(key_gone, timeout=15000)
    assert window.session.reader is None and window.session.workstation is None
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
