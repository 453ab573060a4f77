"""Invitation letters and exports to the medical file, from the window: enrol then print the
letter, letters for a multi-selection, a conversation and a patient's record as PDFs."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from desktop.core.model import AuditAction, Category
from desktop.ui.letters import LetterDialog
from desktop.ui.patients import InvitationDialog
from desktop.ui.qt import QItemSelectionModel
from desktop.ui.record_export import ExportDialog
from tests.ui.conftest import unlock


def pdf_printer(path: Path):  # type: ignore[no-untyped-def]
    """A real printer, printing into a PDF file (the offscreen platform has no other)."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def text_of(path: Path) -> str:
    return " ".join("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(
        path.read_bytes())).pages).replace("\xa0", " ").split())


def test_enrol_then_print_and_save_the_letter(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    store = window.session.store
    lucie = store.add_patient("Lucie Fabre", "1990-12-24", sex="F")
    screen.refresh()
    assert screen.select(lucie.id)
    screen.enrol_button.click()
    qtbot.waitUntil(lambda: window.findChild(InvitationDialog) is not None, timeout=10000)
    invitation = window.findChild(InvitationDialog)
    code = invitation.code
    invitation.letter_button.click()
    qtbot.waitUntil(lambda: window.findChild(LetterDialog) is not None, timeout=15000)
    letter = window.findChild(LetterDialog)
    qtbot.waitUntil(lambda: letter.preview.page_count() == 1, timeout=10000)
    assert letter.windowTitle() == "Invitation letter for Lucie Fabre"

    printed = tmp_path / "printed.pdf"
    letter.choose_printer = lambda: pdf_printer(printed)
    letter.print_button.click()
    qtbot.waitUntil(lambda: letter.print_button.isEnabled() and printed.exists(), timeout=15000)
    assert len(PdfReader(io.BytesIO(printed.read_bytes())).pages) == 1

    saved = tmp_path / "lettre.pdf"
    letter.save(str(saved))
    qtbot.waitUntil(saved.exists, timeout=10000)
    text = text_of(saved)
    assert code in text and "Lucie Fabre" in text  # the window is in English: so is the letter
    history = [e.action for e in store.audit(patient_id=lucie.id, limit=10)]
    assert AuditAction.DOCUMENT_SAVED in history and AuditAction.INVITATION_LETTER in history
    # The letter carries the code the dialog showed, not a second one.
    assert [i.code for i in store.invitations_of(lucie.id)] == [code]
    # Locking takes the letters (and their codes) off the screen.
    window.session.lock()
    qtbot.waitUntil(lambda: not letter.isVisible(), timeout=5000)


def test_letters_for_a_multi_selection_leave_out_the_enrolled(qtbot, window, tmp_path):
    unlock(qtbot, window)
    screen = window.show_screen("patients")
    store = window.session.store
    for name in ("Alice Durand", "Bruno Petit"):
        store.add_patient(name, "1975-03-12")
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=5000)
    selection = screen.table.selectionModel()
    for row in range(screen.model.rowCount()):
        selection.select(screen.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    assert len(screen.chosen()) == 3  # Jean Martin (enrolled), Alice, Bruno
    assert screen.letters_button.isEnabled()
    screen.letters_button.click()
    qtbot.waitUntil(lambda: window.findChild(LetterDialog) is not None, timeout=15000)
    letter = window.findChild(LetterDialog)
    qtbot.waitUntil(lambda: letter.preview.page_count() == 2, timeout=10000)
    assert letter.windowTitle() == "2 invitation letters"
    assert "Jean Martin (already enrolled)" in letter.details.text()
    pages = PdfReader(io.BytesIO(letter.data)).pages
    assert ["Alice" in p.extract_text() for p in pages] == [True, False]
    assert ["Bruno" in p.extract_text() for p in pages] == [False, True]


def test_export_a_conversation_and_a_patients_record(qtbot, window, jean, practice, tmp_path):
    conv = jean.request(practice.practitioner_id, Category.ADMINISTRATIVE,
                        "Bonjour, il me faudrait un certificat pour le sport 🏃.")
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    window.inbox.table.selectRow(0)
    view = window.inbox.view
    qtbot.waitUntil(lambda: view.conversation is not None and view.export_button.isEnabled())
    store = window.session.store
    store.add_note(conv, practice.practitioner_id, "Penser au vaccin DTP.")

    view.export_button.click()
    dialog = window.findChild(ExportDialog)
    target = tmp_path / "conversation.pdf"
    dialog.ask_path = lambda: str(target)
    dialog.include_notes.setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: target.exists() and not dialog.isVisible(), timeout=15000)
    text = text_of(target)
    assert "certificat pour le sport [runner]." in text
    assert "Penser au vaccin DTP." in text and "Jean Martin" in text
    entry = store.audit(patient_id=jean_id(store), limit=1)[0]
    assert entry.action is AuditAction.CONVERSATIONS_EXPORTED
    assert entry.conversation_id == conv and "with internal notes" in entry.detail

    # From the Patients screen: the whole record, without notes this time.
    screen = window.show_screen("patients")
    assert screen.select(jean_id(store))
    screen.export_button.click()
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    record = tmp_path / "record.pdf"
    dialog.ask_path = lambda: str(record)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: record.exists() and not dialog.isVisible(), timeout=15000)
    text = text_of(record)
    assert "certificat pour le sport" in text and "Penser au vaccin" not in text
    assert "Internal notes of the practice: not included." in text

    # A folder that cannot be written: said in the dialog, nothing recorded.
    before = len(store.audit(patient_id=jean_id(store), limit=1000))
    screen.export_button.click()
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    dialog.ask_path = lambda: str(tmp_path / "missing" / "record.pdf")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "could not be saved" in dialog.error.text(), timeout=15000)
    assert dialog.isVisible()
    assert len(store.audit(patient_id=jean_id(store), limit=1000)) == before


def jean_id(store) -> str:  # type: ignore[no-untyped-def]
    return next(p.id for p in store.patients() if p.name == "Jean Martin")
