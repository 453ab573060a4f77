"""The Patients screen's record actions: FHIR export, export everything, erase."""

from __future__ import annotations

import json
import zipfile

from desktop.ui.patient_rights import EraseDialog, ExportEverythingDialog, FhirExportDialog
from desktop.ui.qt import QLabel
from tests.ui.conftest import unlock


def _choose(qtbot, screen, name):
    screen.search.setText(name)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10000)
    screen.table.selectRow(0)
    qtbot.waitUntil(lambda: screen.current() is not None, timeout=10000)
    return screen.current()


def test_export_fhir_from_the_patients_screen_as_ndjson(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    jean = _choose(qtbot, screen, "Jean Martin")
    assert screen.record_actions.fhir_button.isEnabled()
    screen.record_actions.fhir_button.click()
    dialog = window.findChild(FhirExportDialog)
    assert dialog.isVisible() and "Jean Martin" in dialog.windowTitle()
    dialog.folder.edit.setText("")
    dialog.ok.click()
    assert "Choose the folder" in dialog.result_line.text()  # nothing asked of the store
    dialog.ndjson.setChecked(True)
    dialog.folder.edit.setText(str(tmp_path / "fhir"))
    dialog.grab().save(str(tmp_path / "fhir-dialog.png"))
    dialog.ok.click()
    qtbot.waitUntil(lambda: "Written" in dialog.result_line.text(), timeout=15000)
    [line] = (tmp_path / "fhir" / "Patient.ndjson").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["name"] == [{"text": "Jean Martin"}]
    assert json.loads(line)["id"] == jean.id
    # The screen's history says it, once the store has it.
    qtbot.waitUntil(lambda: any("Exported as FHIR" in screen.history.item(i).text()
                                for i in range(screen.history.count())), timeout=10000)


def test_erase_asks_naming_the_patient_then_the_relay_confirms(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    jean = _choose(qtbot, screen, "Jean Martin")
    screen.record_actions.erase_button.click()
    dialog = window.findChild(EraseDialog)
    assert "Jean Martin" in dialog.windowTitle()
    warning = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Jean Martin" in warning and "cannot be undone" in warning
    assert not dialog.ok.isEnabled()  # not without the tick
    dialog.sure.setChecked(True)
    dialog.grab().save(str(tmp_path / "erase-dialog.png"))
    dialog.ok.click()
    qtbot.waitUntil(lambda: "relay confirmed" in dialog.result_line.text(), timeout=20000)
    dialog.grab().save(str(tmp_path / "erase-done.png"))
    screen.search.setText("")
    qtbot.waitUntil(lambda: screen.model.row_of(jean.id) < 0 and screen.model.total == 0,
                    timeout=10000)
    reader = window.session.reader
    assert reader.patient(jean.id) is None
    [line] = [e for e in reader.audit(limit=100) if e.action == "patient_erased"]
    assert line.patient_id is None and line.detail == ""


def test_export_everything_writes_one_zip_and_says_where(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    _choose(qtbot, screen, "Jean Martin")
    screen.record_actions.everything_button.click()
    dialog = window.findChild(ExportEverythingDialog)
    assert "Jean Martin" in dialog.windowTitle()
    assert not dialog.notes.isChecked()  # notes stay out of the patient's copy by default
    dialog.file.edit.setText(str(tmp_path / "jean.zip"))
    dialog.english.setChecked(True)
    dialog.grab().save(str(tmp_path / "everything-dialog.png"))
    dialog.ok.click()
    qtbot.waitUntil(lambda: "Written" in dialog.result_line.text(), timeout=20000)
    names = zipfile.ZipFile(tmp_path / "jean.zip").namelist()
    assert {"README.txt", "conversations.pdf", "fhir-bundle.json"} <= set(names)
    qtbot.waitUntil(lambda: any("Everything about the patient exported"
                                in screen.history.item(i).text()
                                for i in range(screen.history.count())), timeout=10000)
