"""Patients: add, edit, import from the practice software, enrol."""

from __future__ import annotations

from desktop.patient import PatientClient
from desktop.ui.patient_dialog import PatientDialog
from desktop.ui.patient_import import ImportDialog
from desktop.ui.patients import InvitationDialog
from tests.ui.conftest import unlock

CSV = (
    "Nom;Prénom;Date de naissance;Sexe;Téléphone;N° dossier\r\n"
    "Durand;Alice;12/03/1975;F;06 12 34 56 78;A-001\r\n"
    "Petit;Bruno;1958-07-30;M;;A-002\r\n"
    ";Sans Nom;01/01/1990;F;;A-003\r\n"
    "Lemaire;Zoé;31/02/1980;F;;A-004\r\n"
    "Roger;Claude;05/05/2090;M;;A-005\r\n"
    "\"Martin; dit Le Grand\";Paul;14/07/1966;M;;A-006\r\n"
)


def test_csv_import_with_good_and_bad_lines(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    before = screen.model.total
    path = tmp_path / "export.csv"
    path.write_bytes(CSV.encode("cp1252"))
    screen.import_button.click()
    dialog = window.findChild(ImportDialog)
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)

    assert len(dialog.preview.rows) == 3
    lines = [dialog.errors.item(i).text() for i in range(dialog.errors.count())]
    assert len(lines) == 3 and [line.split(":")[0] for line in lines] == [
        "Line 4", "Line 5", "Line 6"]
    assert not dialog.import_button.isEnabled()  # the bad lines must be left out knowingly
    assert screen.model.total == before  # nothing written by a preview

    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: screen.model.total == before + 3, timeout=10000)
    screen.search.setText("durand")
    assert screen.model.rowCount() == 1
    alice = screen.model.patient(0)
    assert alice.name == "Alice Durand" and alice.born == "1975-03-12"
    assert alice.external_id == "A-001"
    screen.search.setText("Martin; dit")
    assert screen.model.rowCount() == 1


def test_a_garbage_file_is_refused_and_changes_nothing(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    before = screen.model.total
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 40)
    screen.import_button.click()
    dialog = window.findChild(ImportDialog)
    dialog.load_file(path)
    qtbot.waitUntil(lambda: "cannot be imported" in dialog.summary.text(), timeout=10000)
    assert not dialog.import_button.isEnabled()
    assert screen.model.total == before


def test_add_edit_and_enrol_a_patient(qtbot, window, relay):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    screen.add_button.click()
    dialog = window.findChild(PatientDialog)
    dialog.name.setText("")
    dialog._save()
    assert "needs a name" in dialog.error.text()
    dialog.name.setText("Lucie Fabre")
    dialog.phone.setText("06 11 22 33 44")
    dialog._save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: screen.current() is not None
                    and screen.current().name == "Lucie Fabre", timeout=10000)

    screen.edit_button.click()
    dialog = [d for d in window.findChildren(PatientDialog) if d.isVisible()][0]
    dialog.tags.setText("diabetes")
    dialog._save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: screen.current().tags == "diabetes", timeout=10000)

    screen.enrol_button.click()
    qtbot.waitUntil(lambda: window.findChild(InvitationDialog) is not None, timeout=10000)
    code = window.findChild(InvitationDialog).code
    qtbot.waitUntil(lambda: window.session.store.outbox_count() == 0, timeout=15000)
    lucie = PatientClient.redeem(relay.url, code)
    try:
        qtbot.waitUntil(lambda: "Enrolled" in screen.model.data(
            screen.model.index(screen.model.row_of(lucie_id(screen)), 4)), timeout=15000)
    finally:
        lucie.close()


def lucie_id(screen) -> str:  # type: ignore[no-untyped-def]
    return next(screen.model.patient(r).id for r in range(screen.model.rowCount())
                if screen.model.patient(r).name == "Lucie Fabre")
