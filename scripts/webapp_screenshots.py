"""Screenshots of the patient's web app, every screen, in French and English, at a phone's
360×740 and a desktop browser's 1280×800: ``python scripts/webapp_screenshots.py
docs/screenshots/webapp``. A real relay process, a real practice store, real Chromium."""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from selenium.webdriver.support.ui import Select

from desktop.core.notices import Audience, Notice, NoticeKind
from desktop.sync.profile import publish_current_profile
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice
from tests.webapp.browser import Browser
from tests.webapp.flows import PASSPHRASE, invite, new_request, sync_until

SIZES = {"phone": (360, 740), "desktop": (1280, 800)}


def shoot(out: Path, lang: str, tmp: Path) -> None:
    db = f"sqlite:///{tmp / f'relay-{lang}.sqlite3'}"
    with RelayProcess(db) as relay:
        practice = make_practice(relay.url, create_practice(db, "Cabinet Dupont"),
                                 tmp / f"cabinet-{lang}.passerelle")
        nurse = practice.workstation.add_practitioner("Marie Laurent", "Infirmière", None,
                                                      accepts_messaging=True)
        practice.store.set_response_days(practice.practitioner_id, 2)
        start = date.today() + timedelta(days=3)
        practice.store.set_absence(nurse.id, start, start + timedelta(days=6),
                                   "En congés : le Dr Dupont vous répond.")
        practice.sync()
        patient, code = invite(practice, "Jeanne Petit")
        publish_current_profile(practice.workstation)
        practice.sync()
        browser = Browser(tmp / f"profile-{lang}", lang=lang)
        try:
            def snap(name: str) -> None:
                for size, (w, h) in SIZES.items():
                    browser.set_size(w, h)
                    browser.screenshot(out / f"{name}-{size}-{lang}.png")
                browser.set_size(*SIZES["desktop"])

            browser.open(f"{relay.url}/#join={code}")
            browser.wait_for("#join-form")
            snap("join")
            browser.type("#passphrase", PASSPHRASE)
            browser.type("#passphrase2", PASSPHRASE + "x")
            browser.click("#join-submit")
            browser.wait(lambda: browser.text("#form-error"))
            snap("join-error")
            browser.type("#passphrase2", PASSPHRASE)
            browser.click("#join-submit")
            browser.wait_for("#new-request", timeout=60)
            new_request(browser, "Bonjour, pouvez-vous m'envoyer le compte rendu de ma prise de "
                        "sang de mardi ?" if lang == "fr" else
                        "Hello, could you send me the report of Tuesday's blood test?", "document")
            browser.wait_for("#thread")
            [conv] = sync_until(practice,
                                lambda: practice.store.conversations_of_patient(patient.id))
            practice.workstation.reply(conv.id, "Bonjour, le voici : tout est normal."
                                       if lang == "fr" else "Hello, here it is: all normal.",
                                       practice.practitioner_id)
            practice.sync()
            browser.wait_text("#thread", "normal")
            snap("conversation")
            flu = Notice.new(NoticeKind.PREVENTION,
                             "Vaccination contre la grippe" if lang == "fr" else "Flu vaccination",
                             "La campagne a commencé : prenez rendez-vous à l'accueil." if lang == "fr"
                             else "The campaign has started: book at the front desk.",
                             replies_allowed=True)
            practice.workstation.prepare_notice(flu, Audience(), practice.practitioner_id)
            practice.workstation.send_notice_batch(flu.id)
            practice.sync()
            browser.click("#back")
            browser.wait_for("#notices")
            snap("home")
            browser.click("#notices button.conversation")
            browser.wait_for("#notice-text")
            snap("notice")
            browser.click("#back")
            browser.click("#new-request")
            browser.wait_for("#new-form")
            snap("new-request")
            Select(browser.find("#category")).select_by_value("renewal")
            browser.type("#treatments-typed", "Levothyrox 75 µg\nKardégic 75 mg")
            snap("renewal-request")
            Select(browser.find("#category")).select_by_value("other")
            browser.type("#text", "J'ai une douleur dans la poitrine depuis ce matin"
                         if lang == "fr" else "I have had chest pain since this morning")
            browser.click("#send")
            browser.wait_for("dialog#emergency")
            snap("emergency")
            browser.click("#dont-send")
            browser.click("#lock")
            browser.wait_for("#unlock-form")
            snap("locked")
            browser.click("#forget")
            browser.wait_for("#signin-form")
            browser.type("#code", code)
            snap("sign-in")
        finally:
            browser.close()
            practice.store.close()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/webapp")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="passerelle-webapp-shots-") as tmp:
        for lang in ("fr", "en"):
            shoot(out, lang, Path(tmp))
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
