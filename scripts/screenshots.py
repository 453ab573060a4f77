"""Screenshots of every screen, from the real demo (offscreen): ``python scripts/screenshots.py OUT``.

Builds the demo practice, unlocks it, waits for sync, and grabs each screen
into OUT (default docs/screenshots). Used to look at what we build.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shots import application, arguments, pump, until


def main() -> int:
    out, lang = arguments()
    app, folder = application(lang, "passerelle-shots-", own_settings=False)
    from desktop.ui import errors
    errors.install()
    from desktop.ui.demo import DemoLauncher
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    demo = DemoLauncher(folder, 36, every=(1.0, 2.0))
    session = Session(demo.world.store_path, long_poll=2)
    window = MainWindow(session, demo.passphrase)
    demo.attach(window)
    window.resize(1360, 860)
    window.show()
    until(lambda: demo.ready, 120)
    window.grab().save(str(out / "unlock.png"))
    window.unlock_screen.passphrase.setText(demo.passphrase)
    window.unlock_screen.try_unlock()
    until(lambda: session.is_unlocked, 30)
    until(lambda: window.inbox.model.rowCount() > 0, 30)
    pump(3)
    window.inbox.table.selectRow(0)
    pump(1)
    window.grab().save(str(out / "inbox.png"))
    for key in [window.nav.item(i).data(256) for i in range(1, window.nav.count())]:
        screen = window.show_screen(key)
        if key == "patients":
            screen.table.selectRow(0)
        if key == "renewals":  # the newest requests are those with a history
            screen.table.selectRow(screen.model.rowCount() - 1)
        if key == "notices":  # a campaign being prepared: seasonal flu, 65 and over
            screen.template.setCurrentIndex(1)
            screen.template.activated.emit(1)
            pump(1.5)
        pump(1)
        window.grab().save(str(out / f"{key}.png"))
    # The approval form of a renewal with a history.
    renewals = window.show_screen("renewals")
    renewals.table.selectRow(renewals.model.rowCount() - 1)
    pump(0.5)
    renewals.approve()
    until(lambda: renewals.dialog is not None and renewals.dialog.isVisible(), 20)
    pump(0.5)
    renewals.dialog.grab().save(str(out / "renewal-form.png"))
    renewals.dialog.reject()
    # A request awaiting acceptance.
    inbox = window.show_screen("inbox")
    inbox.filter_group.button(1).click()
    pump(1)
    if inbox.model.rowCount():
        inbox.table.selectRow(0)
        pump(1)
        window.grab().save(str(out / "request.png"))
    # Documents: a lab report in its conversation, its preview, a patient's list of them,
    # and files about to be sent.
    from desktop.store.documents import DocumentStore
    inbox.filter_group.button(0).click()
    documents = DocumentStore(session.reader)
    until(lambda: any(d.downloaded for d in documents.from_patients()), 60)
    doc = next(d for d in documents.from_patients() if d.downloaded and d.type ==
               "application/pdf")
    window.open_conversation(doc.conversation_id)
    pump(1.5)
    window.grab().save(str(out / "document-thread.png"))
    view = window.inbox.view
    view.documents.open(doc.blob_id)
    until(lambda: any(w.objectName() == "documentDialog" and w.isVisible()
                      for w in app.topLevelWidgets()), 20)
    dialog = next(w for w in app.topLevelWidgets() if w.objectName() == "documentDialog")
    dialog.resize(820, 900)
    pump(1.5)
    dialog.grab().save(str(out / "document-preview.png"))
    dialog.close()
    letter = folder / "Courrier cardiologue.pdf"
    from reportlab.pdfgen import canvas
    page = canvas.Canvas(str(letter))
    page.drawString(72, 760, "Cher confrère, je vous adresse ce patient pour avis.")
    page.save()
    view.attachments.add([letter])
    view.reply.setPlainText("Bonjour, voici le courrier pour le cardiologue.")
    pump(0.5)
    window.grab().save(str(out / "document-attach.png"))
    view.attachments.clear()
    view.reply.clear()
    patients = window.show_screen("patients")
    patient_id = session.reader.conversation(doc.conversation_id).patient_id
    patients.select(patient_id)
    pump(1)
    window.grab().save(str(out / "patient-documents.png"))
    # The first-run wizard, on its practitioners page.
    from desktop.ui.wizard import FirstRunWizard
    wizard = FirstRunWizard(folder / "new.passerelle")
    wizard.practice_page.name.setText("Cabinet Dupont")
    wizard.practice_page.address.setText("12 rue des Tilleuls, 69003 Lyon")
    wizard.show()
    pump(0.5)
    wizard.grab().save(str(out / "wizard-practice.png"))
    wizard.next()
    wizard.practitioners_page.table.item(0, 0).setText("Dr Claire Dupont")
    wizard.practitioners_page.add_row("Sophie Bernard", "Infirmier·e", "", True)
    pump(0.5)
    wizard.grab().save(str(out / "wizard-practitioners.png"))
    wizard.next()
    wizard.passphrase_page.first.setText("trois mots au hasard")
    pump(0.5)
    wizard.grab().save(str(out / "wizard-passphrase.png"))
    wizard.close()
    print("errors shown:", errors.shown)
    session.close()
    demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
