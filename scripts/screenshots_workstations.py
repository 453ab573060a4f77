"""Screenshots of several workstations: ``python scripts/screenshots_workstations.py OUT [fr|en]``.

A real practice on an in-process relay (desktop.demo.relay_host) with two workstations
joined through desktop.sync.pairing: the first-run wizard's "Join an existing practice"
page showing its code, and Settings → Workstations on the first one, a third computer's
code typed and its name and fingerprint shown for comparing, and one workstation revoked.
"""

from __future__ import annotations

import sys

from shots import application, arguments, pump, until

PASSPHRASE = "trois mots au hasard"
PIN = "246810"


def main() -> int:
    out, lang = arguments()
    app, folder = application(lang, "passerelle-workstations-shots-")

    from desktop.demo.relay_host import InProcessRelay
    from desktop.store import Store
    from desktop.sync import pairing
    from desktop.sync.engine import Sync
    from desktop.sync.rotation import revoke_workstation
    from desktop.sync.workstation import Workstation
    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt import QPushButton
    from desktop.ui.session import Session
    from desktop.ui.wizard import FirstRunWizard

    relay = InProcessRelay(folder)
    try:
        store = Store.create(folder / "accueil.passerelle", PASSPHRASE)
        ws = Workstation.enrol(store, relay.url, relay.create_practice("Cabinet des Tilleuls"),
                               "Accueil", "Cabinet des Tilleuls")
        ws.set_up_administrator(PIN, name="Dr Claire Dupont", profession="Médecin généraliste",
                                rpps="10001234567", accepts_messaging=True)
        Sync(ws).once()
        accounts = {}
        for name in ("Cabinet Dr Leroy", "Portable visites"):
            session = pairing.JoinSession.start(relay.url, name)
            pairing.approve(ws, pairing.claim(ws, session.code))
            assert session.poll() == "done"
            joined = session.finish(folder / f"{name}.passerelle", PASSPHRASE)
            session.close()
            pairing.settle(ws)
            Sync(Workstation(joined)).once()  # seen by the relay
            accounts[name] = joined.get_setting("account_id")
            joined.close()
        revoke_workstation(ws, accounts["Portable visites"])  # left in a taxi
        Sync(ws).once()
        store.close()

        # The new computer's wizard, showing its code.
        wizard = FirstRunWizard(folder / "secretariat.passerelle")
        wizard.resize(860, 560)
        wizard.show()
        wizard.findChild(QPushButton, "joinPractice").click()
        wizard.join_relay_page.url.setText(relay.url)
        wizard.join_relay_page.name.setText("Secrétariat")
        wizard.next()
        wizard.join_passphrase_page.first.setText("une phrase de passe assez longue")
        wizard.join_passphrase_page.second.setText("une phrase de passe assez longue")
        wizard.next()
        code_page = wizard.join_code_page
        until(lambda: code_page.session is not None)
        pump(0.5)
        wizard.grab().save(str(out / "wizard-join-practice.png"))
        code = code_page.session.code

        window = MainWindow(Session(folder / "accueil.passerelle", long_poll=2))
        window.resize(1280, 820)
        window.show()
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        window.unlock_screen.button.click()
        until(lambda: window.pages.currentWidget() is window.sign_in_screen)
        window.sign_in_screen.secret.setText(PIN)
        window.sign_in_screen.button.click()
        until(lambda: window.pages.currentWidget() is window.workspace)
        settings = window.show_screen("settings")
        group = settings.workstations
        until(lambda: group.model.rowCount() == 3)
        group.code.setText(code)
        group.check_button.click()
        until(lambda: group.newcomer_box.isVisible())
        pump(0.5)
        settings.ensureWidgetVisible(group)
        group.resize(900, group.sizeHint().height())
        pump(0.3)
        group.grab().save(str(out / "settings-workstations.png"))
        wizard.close()
        window.session.close()
        window.close()
        pump(0.5)
    finally:
        relay.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
