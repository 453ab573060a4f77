"""Figures for the patient's web app, in this machine's Chromium: ``python
scripts/bench_webapp.py [--messages 200]``. Prints the first visit's download size, the
Argon2id derivation's time, and the time from submitting the passphrase to the
conversation list up to date with N messages: cold (a new device: sign in, the whole
mailbox pulled) and warm (the same device: unlock, what it keeps opened, nothing new)."""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from relay.routes.webapp import DIST
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice
from tests.webapp.browser import Browser
from tests.webapp.flows import PASSPHRASE, invite, join, sign_in, sync_until


def measures(browser: Browser) -> dict[str, float]:
    return browser.js("""
        const get = (n) => performance.getEntriesByName(n).map((e) => e.startTime + e.duration);
        const a = performance.getEntriesByName('passerelle:argon2id').map((e) => e.duration);
        return {submit: get('passerelle:submit').pop(), synced: get('passerelle:synced').pop(),
                argon2id: a.pop()};""")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="passerelle-webapp-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = f"sqlite:///{tmp / 'relay.sqlite3'}"
        with RelayProcess(db) as relay:
            practice = make_practice(relay.url, create_practice(db, "Cabinet Dupont"),
                                     tmp / "cabinet.passerelle")
            patient, code = invite(practice, "Jeanne Petit")
            phone = Browser(tmp / "phone")
            join(phone, relay.url, code)
            first = measures(phone)
            sent = phone.js("""return performance.getEntriesByType('resource')
                .concat(performance.getEntriesByType('navigation'))
                .reduce((n, e) => n + e.transferSize, 0)""")
            phone.close()
            # The history: one request from the browser, and the practice's answers to it.
            phone = Browser(tmp / "phone")
            phone.open(f"{relay.url}/")
            phone.type("#passphrase", PASSPHRASE)
            phone.click("#unlock-submit")
            phone.wait_for("#new-request", timeout=60)
            phone.click("#new-request")
            phone.type("#text", "Bonjour, une question sur mon traitement.")
            phone.click("#send")
            [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
            for i in range(args.messages - 1):
                practice.workstation.reply(conv.id, f"Réponse {i} du cabinet, avec un peu de "
                                           "texte pour faire une vraie ligne de message.",
                                           practice.practitioner_id)
                if i % 50 == 49:
                    practice.sync()
            practice.sync()
            phone.wait(lambda: len(phone.all("#thread li")) >= args.messages, timeout=120)
            phone.close()

            laptop = Browser(tmp / "laptop")
            sign_in(laptop, relay.url, code)
            laptop.wait(lambda: measures(laptop)["synced"], timeout=120)
            cold = measures(laptop)
            laptop.close()
            laptop = Browser(tmp / "laptop")
            laptop.open(f"{relay.url}/")
            laptop.type("#passphrase", PASSPHRASE)
            laptop.click("#unlock-submit")
            laptop.wait(lambda: measures(laptop)["synced"], timeout=120)
            warm = measures(laptop)
            count = laptop.js("return document.querySelectorAll('#conversations li').length")
            # A 5 MB PDF the practice sends, opened in memory (downloaded, decrypted, checked).
            pdf = tmp / "compte-rendu.pdf"
            pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(5_000_000))
            practice.workstation.send_documents(conv.id, [pdf], "Le compte rendu.",
                                                practice.practitioner_id)
            practice.sync()
            laptop.click("#conversations button.conversation")
            laptop.wait_for("#thread li.theirs .open-doc", timeout=60)
            laptop.click("#thread li.theirs .open-doc")
            opened = laptop.wait(lambda: laptop.js(
                "return performance.getEntriesByName('passerelle:open-document')"
                ".map((e) => e.duration).pop()"), timeout=60)
            laptop.close()
            practice.store.close()

    files = {p.name: p.read_bytes() for p in DIST.iterdir()}
    shell = ("index.html", "app.js", "app.css", "manifest.webmanifest", "icon.svg")
    raw = sum(len(files[n]) for n in shell)
    packed = sum(len(gzip.compress(files[n], 9)) for n in shell)
    print(f"first visit: {sent / 1024:.0f} KiB transferred (shell {raw / 1024:.0f} KiB, "
          f"{packed / 1024:.0f} KiB gzip; libsodium's WebAssembly is inside app.js)")
    print(f"Argon2id (ops 3, 64 MiB) in Chromium: {first['argon2id']:.0f} ms at join, "
          f"{cold['argon2id']:.0f} ms at sign-in, {warm['argon2id']:.0f} ms at unlock")
    print(f"submit → conversation list up to date, {args.messages} messages "
          f"({count} conversation): cold (new device, sign in, whole mailbox) "
          f"{cold['synced'] - cold['submit']:.0f} ms; warm (unlock this device) "
          f"{warm['synced'] - warm['submit']:.0f} ms")
    print(f"a 5 MB PDF the practice sent: opened (downloaded, decrypted, checked) in {opened:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
