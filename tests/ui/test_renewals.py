"""Renewals in the window: the queue, the form, the prescription the patient receives."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

from desktop.ui.dialogs import TextDialog
from desktop.ui.qt import QApplication
from desktop.ui.renewal_form import RenewalForm
from tests.ui.conftest import unlock


def _prepare(practice, jean) -> None:  # type: ignore[no-untyped-def]
    store = practice.store
    store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    store.set_setting("practice_phone", "04 78 00 00 00")
    patient = store.patient_by_relay_id(jean.patient_id)
    store.update_patient(patient.id, last_visit=(date.today() - timedelta(days=60)).isoformat())


def _queue(qtbot, window, n: int):  # type: ignore[no-untyped-def]
    screen = window.show_screen("renewals")
    qtbot.waitUntil(lambda: screen.model.rowCount() == n, timeout=15000)
    return screen


def test_request_approve_and_the_patient_opens_the_prescription(qtbot, practice, jean):
    _prepare(practice, jean)
    conv = jean.request_renewal(practice.practitioner_id, ["Levothyrox 75 µg", "Ramipril 5 mg"],
                                "Je n'ai plus que dix jours de traitement.")
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = practice.store.path
    practice.store.close()
    window = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(window)
    window.show()
    try:
        unlock(qtbot, window)
        screen = _queue(qtbot, window, 1)
        screen.table.selectRow(0)
        assert "Levothyrox 75 µg, Ramipril 5 mg" in screen.request_text.text()
        assert not screen.flags.isVisible()

        screen.approve_button.click()
        qtbot.waitUntil(lambda: window.findChild(RenewalForm) is not None, timeout=10000)
        form = window.findChild(RenewalForm)
        assert form.table.rowCount() == 2
        form.approve_button.click()  # dosage and quantity are empty: refused, nothing sent
        assert "Fill in" in form.error.text()
        for row, (dosage, quantity) in enumerate((("1 comprimé le matin à jeun", "3 boîtes"),
                                                  ("1 gélule le soir", "3 boîtes de 30"))):
            form.table.item(row, 1).setText(dosage)
            form.table.item(row, 3).setText(quantity)
        form.approve_button.click()
        qtbot.waitUntil(lambda: not form.isVisible(), timeout=15000)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10000)
        qtbot.waitUntil(lambda: window.session.store.outbox_count() == 0, timeout=15000)

        def approved() -> bool:
            jean.sync()
            return any(r["state"] == "approved" for r in jean.renewals())

        qtbot.waitUntil(approved, timeout=15000)
        pdf = jean.renewal_document(conv)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Jean MARTIN" in text
        assert "Levothyrox 75 µg" in text and "Ramipril 5 mg" in text
        assert "1 comprimé le matin à jeun" in text

        # Who decided, and when, is in the patient's history.
        patients = window.show_screen("patients")
        patients.search.setText("Martin")
        patients.table.selectRow(0)
        history = [patients.history.item(i).text() for i in range(patients.history.count())]
        assert any("Renewal approved — Dr Claire Dupont" in line for line in history)

        # The prescription is among the patient's documents, and opens in the preview.
        documents = patients.documents.list
        [listed] = [documents.item(i) for i in range(documents.count())
                    if "Ordonnance" in documents.item(i).text()]
        assert "renewed prescription: Levothyrox 75 µg" in listed.text()
        documents.setCurrentItem(listed)
        patients.documents.open_button.click()

        def preview():  # type: ignore[no-untyped-def]
            return next((w for w in QApplication.topLevelWidgets()
                         if w.objectName() == "documentDialog" and w.isVisible()), None)

        qtbot.waitUntil(lambda: preview() is not None, timeout=10000)
        qtbot.waitUntil(lambda: preview().preview.page_count() == 1, timeout=10000)
        preview().close()
    finally:
        window.session.close()


def test_flagged_request_needs_a_reason_and_a_decline_makes_no_document(qtbot, practice, jean):
    _prepare(practice, jean)
    first = jean.request_renewal(practice.practitioner_id, ["Stilnox 10 mg"], "Je dors mal.")
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = practice.store.path
    practice.store.close()
    window = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(window)
    window.show()
    try:
        unlock(qtbot, window)
        screen = _queue(qtbot, window, 1)
        screen.table.selectRow(0)
        assert screen.flags.isVisible() and "never-renew-remotely" in screen.flags.text()

        screen.approve_button.click()
        qtbot.waitUntil(lambda: window.findChild(RenewalForm) is not None, timeout=10000)
        form = window.findChild(RenewalForm)
        form.table.item(0, 1).setText("1 comprimé au coucher")
        form.table.item(0, 3).setText("1 boîte")
        form.approve_button.click()
        assert "flagged" in form.error.text()  # an override needs a reason
        form.reject()

        screen.decline_button.click()
        dialog = next(d for d in window.findChildren(TextDialog) if d.isVisible())
        dialog.text.setPlainText("Ce traitement demande une consultation.")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10000)
        qtbot.waitUntil(lambda: window.session.store.outbox_count() == 0, timeout=15000)
        store = window.session.reader
        patient = store.patient_by_relay_id(jean.patient_id)
        assert store.prescriptions_of(patient.id) == []

        def declined() -> bool:
            jean.sync()
            return any(r["state"] == "declined" for r in jean.renewals())

        qtbot.waitUntil(declined, timeout=15000)
        assert jean.renewal_document(first) is None
    finally:
        window.session.close()


def test_the_practice_rules_flag_requests(qtbot, window, jean, practice):
    unlock(qtbot, window)
    settings = window.show_screen("settings")
    rules = settings.rules
    rules.never.setPlainText(rules.never.toPlainText() + "\nLevothyrox")
    rules.visit_on.setChecked(True)
    rules.months.setValue(1)
    rules.save()
    qtbot.waitUntil(lambda: "Levothyrox" in window.session.reader.renewal_rules()
                    .never_renew_remotely, timeout=10000)
    jean.request_renewal(practice.practitioner_id, ["Levothyrox 75 µg"], "")
    screen = window.show_screen("renewals")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=15000)
    screen.table.selectRow(0)
    text = screen.flags.text()
    assert "never-renew-remotely" in text  # the practice's list
    assert "No last visit" in text  # the last-visit rule is on and none is recorded
