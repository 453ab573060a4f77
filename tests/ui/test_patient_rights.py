"""The Patients screen's record actions: FHIR export, export everything, erase."""

from __future__ import annotations

import json

from desktop.ui.patient_rights import FhirExportDialog
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
