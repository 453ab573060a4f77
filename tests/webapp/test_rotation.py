"""The patient's app in real Chromium carries on after the practice rotated its keys (a
stolen laptop revoked): it follows the practice's statement, reads the practice's replies
sealed and signed with the new keys, and writes sealed to the new key only."""

from __future__ import annotations

import base64

import pytest

from desktop.core.errors import EnvelopeRejected
from desktop.crypto import open_envelope
from desktop.crypto.envelope import message_context
from desktop.sync.rotation import revoke_workstation
from tests.support.workstations import Office
from tests.webapp.flows import invite, join, new_request, sync_until


def test_a_web_app_patient_writes_and_reads_after_a_rotation(tmp_path, browser):
    with Office.start(tmp_path / "office") as office:
        desk, laptop = office.join(2)
        url = office.relay.url
        patient, code = invite(desk, "Jeanne Petit")
        join(browser, url, code)
        new_request(browser, "Bonjour, avant la révocation")
        [conv] = sync_until(desk, lambda: desk.store.conversations_of_patient(patient.id))
        desk.workstation.reply(conv.id, "Réponse d'avant", desk.practitioner_id)
        desk.sync()
        browser.wait_text("#thread", "Réponse d'avant")
        stolen = laptop.workstation.identity.current

        revoke_workstation(desk.workstation, laptop.store.get_setting("account_id") or "")
        desk.sync()  # the new keys, the profile and the patient's copy go out
        desk.workstation.reply(conv.id, "Réponse d'après", desk.practitioner_id)
        desk.sync()
        browser.wait_text("#thread", "Réponse d'après")

        browser.type("#text", "Merci, bien reçu")
        browser.click("#send")
        mine = sync_until(desk, lambda: [m for m in desk.store.thread(conv.id)
                                         if m.text == "Merci, bien reçu"])
        # Sealed by the browser to the new practice key: the laptop's keys cannot open it.
        client = desk.workstation.client()
        try:
            events = client.events(None, limit=1000).items
        finally:
            client.close()
        event = next(e for e in events if e.get("message_id") == mine[0].id)
        with pytest.raises(EnvelopeRejected, match="not addressed"):
            open_envelope(base64.b64decode(event["envelope"]),
                          message_context(conv.id, mine[0].id), stolen.enc_key,
                          [desk.store.patient_keys(patient.id)[1]])
