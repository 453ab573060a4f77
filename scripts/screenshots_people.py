"""Screenshots of people and the audit trail: ``python scripts/screenshots_people.py OUT [fr|en]``.

A real practice on an in-process relay (desktop.demo.relay_host): the sign-in screen,
Settings → People and Settings → Audit, after a few real actions by two people.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shots import application, arguments, pump, until

PASSPHRASE = "trois mots au hasard"
PIN = "246810"


def main() -> int:
    out, lang = arguments()
    # This script's own workstation settings, not the user's.
    app, folder = application(lang, "passerelle-people-shots-")

    from desktop.demo.relay_host import InProcessRelay
    from desktop.store import Store
    from desktop.sync.engine import Sync
    from desktop.sync.workstation import Workstation
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    relay = InProcessRelay(folder)
    try:
        store = Store.create(folder / "cabinet.passerelle", PASSPHRASE)
        ws = Workstation.enrol(store, relay.url, relay.create_practice("Cabinet des Tilleuls"),
                               "Accueil", "Cabinet des Tilleuls")
        claire = ws.set_up_administrator(PIN, name="Dr Claire Dupont",
                                         profession="Médecin généraliste", rpps="10001234567",
                                         accepts_messaging=True)
        ws.add_practitioner("Dr Marc Leroy", "Médecin généraliste", "10004567891", True,
                            secret=PIN)
        julie = ws.add_person("Julie Moreau", "assistant", PIN)
        ws.add_person("Paul Hamon", "assistant", None)
        jean = store.add_patient("Jean Martin", "1961-04-02")
        ws.invite(jean.id)
        try:
            ws.sign_in(julie.id, "111111")
        except Exception:  # a failed sign-in: it shows in the trail
            pass
        ws.sign_in(julie.id, PIN)
        store.update_patient(jean.id, actor_id=julie.id, phone="06 12 34 56 78")
        ws.sign_in(claire.id, PIN)
        Sync(ws).once()
        store.close()

        window = MainWindow(Session(folder / "cabinet.passerelle", long_poll=2))
        window.resize(1280, 820)
        window.show()
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        window.unlock_screen.button.click()
        until(lambda: window.pages.currentWidget() is window.sign_in_screen)
        screen = window.sign_in_screen
        index = next(i for i in range(screen.person.count())
                     if screen.person.itemText(i).startswith("Julie"))
        screen.person.setCurrentIndex(index)
        screen.secret.setText(PIN)
        pump(0.5)
        window.grab().save(str(out / "sign-in.png"))
        screen.person.setCurrentIndex(0)  # Dr Claire Dupont, the administrator
        screen.button.click()
        until(lambda: window.pages.currentWidget() is window.workspace)
        settings = window.show_screen("settings")
        until(lambda: settings.people.isVisibleTo(settings))
        pump(0.5)
        settings.ensureWidgetVisible(settings.people)
        settings.people.grab().save(str(out / "settings-people.png"))
        settings.audit.load()
        pump(0.5)
        settings.audit.resize(1000, settings.audit.height())
        settings.audit.grab().save(str(out / "settings-audit.png"))
        window.session.close()
        window.close()
    finally:
        relay.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
