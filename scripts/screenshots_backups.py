"""Screenshots of backups and restore, on a real store: ``python scripts/screenshots_backups.py OUT [fr|en]``.

The first-run wizard's recovery key and restore pages, Settings → Backups after
a real backup, the unlock screen of a damaged store with its way out, and the
recovery sheet (PDF → PNG with pdftoppm). A relay process runs for the settings page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shots import application, arguments, pump, until


def main() -> int:
    out, lang = arguments()
    # This script's own workstation settings, not the user's.
    app, folder = application(lang, "passerelle-backup-shots-")

    from desktop.crypto.recovery import backup_key, key_id
    from desktop.documents.recovery_sheet import render_recovery_sheet
    from desktop.store import backup as bk
    from desktop.ui import config
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session
    from desktop.ui.wizard import FirstRunWizard

    # The wizard: the recovery key page, then the restore page.
    wizard = FirstRunWizard(folder / "new.passerelle")
    wizard.practice_page.name.setText("Cabinet Dupont")
    wizard.show()
    wizard.next()
    wizard.practitioners_page.table.item(0, 0).setText("Dr Claire Dupont")
    wizard.next()
    wizard.passphrase_page.first.setText("trois mots au hasard")
    wizard.passphrase_page.second.setText("trois mots au hasard")
    wizard.next()
    wizard.recovery_page.folder.setText("/media/cabinet/USB-SAUVEGARDE")
    wizard.recovery_page.panel.status.setText(
        wizard.recovery_page.panel.tr(
            "Sheet saved to {0}. Print it, put it in the safe, then delete the file."
        ).format("/home/cabinet/cle-de-secours-passerelle.pdf"))
    wizard.recovery_page.panel.kept.setChecked(True)
    pump(0.3)
    wizard.grab().save(str(out / "wizard-recovery-key.png"))
    key = wizard.recovery_page.panel.key
    wizard.close()

    wizard = FirstRunWizard(folder / "new2.passerelle")
    wizard.show()
    wizard.go_restore()
    form = wizard.restore_page.form
    form.file.setText("/media/cabinet/USB-SAUVEGARDE/passerelle-20261202-183012Z.pbackup")
    form.key.setText(key.lower())
    form.first.setText("une phrase après la panne")
    form.second.setText("une phrase après la panne")
    pump(0.3)
    wizard.grab().save(str(out / "wizard-restore.png"))
    wizard.close()

    # The recovery sheet.
    pdf = folder / "sheet.pdf"
    pdf.write_bytes(render_recovery_sheet("Cabinet médical Dupont — Lyon 3e", key,
                                          key_id(backup_key(key)), date(2026, 12, 3)))
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf),
                    str(out / "recovery-sheet")], check=True)

    # Settings → Backups after a real backup, on a real store registered with a real
    # relay (a person signs in on an enrolled workstation only).
    from tests.support.relay import RelayProcess, create_practice
    from tests.support.world import PASSPHRASE, PIN, make_practice

    relay_db = f"sqlite:///{folder / 'relay.sqlite3'}"
    relay = RelayProcess(relay_db).__enter__()
    practice = make_practice(relay.url, create_practice(relay_db, "Cabinet Dupont"),
                             folder / "cabinet.passerelle")
    practice.store.set_setting("practice_name", "Cabinet Dupont")
    bk.set_recovery_key(practice.store, key)
    path = practice.store.path
    passphrase = PASSPHRASE
    practice.store.close()
    usb = folder / "USB-SAUVEGARDE"
    usb.mkdir()
    config.BACKUP_FOLDER.write(str(usb))
    session = Session(path)
    window = MainWindow(session)
    window.resize(1360, 860)
    window.show()
    window.unlock_screen.passphrase.setText(passphrase)
    window.unlock_screen.try_unlock()
    until(lambda: session.is_unlocked)
    # The person at the keyboard signs in.
    signing = window.sign_in_screen
    until(lambda: window.pages.currentWidget() is signing)
    signing.secret.setText(PIN)
    signing.button.click()
    until(lambda: window.pages.currentWidget() is window.workspace)
    session.backups.run_now()
    until(lambda: not session.backups.running and bk.backups_in(usb))
    settings = window.show_screen("settings")
    pump(0.3)
    settings.ensureWidgetVisible(settings.backups)
    pump(0.3)
    window.grab().save(str(out / "settings-backups.png"))

    # The USB disk pulled out: the status bar says so.
    usb.rename(folder / "gone")
    session.backups.check()
    until(lambda: window.backup_label.property("level") == "warn")
    pump(0.3)
    window.grab().save(str(out / "backup-folder-gone.png"))
    (folder / "gone").rename(usb)

    # A damaged store at unlock: the way out.
    session.lock()
    until(lambda: not session.is_unlocked)
    pump(1.0)
    data = bytearray(path.read_bytes())
    data[200:3000] = os.urandom(2800)
    path.write_bytes(bytes(data))
    window.unlock_screen.passphrase.setText(passphrase)
    window.unlock_screen.try_unlock()
    until(lambda: window.unlock_screen.restore_button.isVisible())
    pump(0.3)
    window.grab().save(str(out / "unlock-damaged.png"))
    window.unlock_screen.restore_button.click()
    dialog = window.unlock_screen.restore_dialog
    until(lambda: dialog.form.file.text() != "")
    dialog.form.key.setText(key)
    pump(0.3)
    dialog.grab().save(str(out / "restore-latest.png"))
    dialog.close()
    window.close()
    session.close()
    relay.__exit__(None, None, None)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
