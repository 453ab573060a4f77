"""The patient's app in real Chromium against a real relay and a real practice workstation."""

from __future__ import annotations

from desktop.core.model import DeliveryState
from tests.webapp.flows import invite, join, new_request, sync_until


def test_join_write_reply_read(relay, practice, browser):
    patient, code = invite(practice, "Jeanne Petit")
    join(browser, relay.url, code)
    new_request(browser, "Bonjour, pouvez-vous m'envoyer mon compte rendu d'échographie ?",
                category="document")
    browser.wait(lambda: browser.find("#thread .delivery").get_attribute("data-delivery") != "pending",
                 what="the request reached the relay")

    # The Python practice opens what the browser sealed (envelope, signature, content).
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    assert conv.category == "document"
    [first] = practice.store.thread(conv.id)
    assert first.text == "Bonjour, pouvez-vous m'envoyer mon compte rendu d'échographie ?"

    # The practice replies; the browser shows it without a reload, and reads it.
    practice.workstation.reply(conv.id, "Bonjour, je vous l'envoie ce soir.", practice.practitioner_id)
    practice.sync()
    browser.wait_text("#thread", "Bonjour, je vous l'envoie ce soir.")
    assert browser.js("return performance.getEntriesByType('navigation').length") == 1

    def reply_read():
        practice.sync()
        mine = [m for m in practice.store.thread(conv.id) if m.text.startswith("Bonjour, je vous")]
        return mine and mine[0].delivery is DeliveryState.READ
    sync_until(practice, reply_read)

    # And the patient's own message shows how far it went: the practice read it.
    practice.workstation.mark_read(conv.id)
    practice.sync()
    browser.wait(lambda: browser.find("#thread li.mine .delivery").get_attribute("data-delivery") == "read",
                 what="the patient's message marked read")

    # Nothing in clear on the relay: no text, no name.
    relay_bytes = relay.database_path.read_bytes()
    for secret in ("échographie", "ce soir", "Jeanne", "Petit"):
        assert secret.encode() not in relay_bytes
    assert "échographie" not in relay.output and "Jeanne" not in relay.output
    # Nor in the browser's storage (IndexedDB, localStorage, Cache Storage).
    stored = browser.storage_dump()
    assert "IDB passerelle/vault" in stored
    for secret in ("échographie", "ce soir", "Jeanne", "Petit", code.replace("-", "")):
        assert secret not in stored, secret
