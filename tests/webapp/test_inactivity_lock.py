"""The web app locks itself after inactivity, in real Chromium.

The delay is five minutes; this browser's setting (localStorage "lock_after_seconds") can only
shorten it, which is how the test gets to see it without waiting five minutes."""

from __future__ import annotations

import time

from tests.webapp.flows import PASSPHRASE, invite, join, new_request, sync_until


def test_inactivity_locks_forgets_the_keys_and_unlocking_brings_the_conversation_back(
        relay, practice, browser):
    patient, code = invite(practice, "Odile Marchand")
    join(browser, relay.url, code)
    new_request(browser, "Mes résultats de prise de sang sont-ils arrivés ?")
    browser.wait_text("#thread", "Mes résultats de prise de sang")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))

    browser.js("localStorage.setItem('lock_after_seconds', '2')")
    started = time.monotonic()
    browser.click("#thread")  # activity: the timer starts again, with the setting
    browser.wait_for("#unlock-form", timeout=20)
    assert time.monotonic() - started >= 1.5, "locked before the delay"
    assert "prise de sang" not in browser.find("body").text

    # Locked, the app has no keys: a reply that arrives now is neither fetched nor opened.
    practice.workstation.reply(conv.id, "Oui, ils sont normaux.", practice.practitioner_id)
    practice.sync()
    time.sleep(3)
    page = browser.js("return document.documentElement.outerHTML")
    assert "normaux" not in page and "prise de sang" not in page

    browser.type("#passphrase", "une autre phrase fausse")
    browser.click("#unlock-submit")
    assert browser.wait(lambda: browser.text("#form-error")).startswith("Phrase secrète incorrecte")
    browser.js("localStorage.removeItem('lock_after_seconds')")
    browser.type("#passphrase", PASSPHRASE)
    browser.click("#unlock-submit")
    # The list previews the newest message: the reply, once the unlocked app has pulled it.
    browser.wait_text("#conversations", "Oui, ils sont normaux.")
    browser.click("#conversations button.conversation")
    browser.wait_text("#thread", "Oui, ils sont normaux.")
    assert "Mes résultats de prise de sang" in browser.text("#thread")
