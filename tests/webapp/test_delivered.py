"""The patient sees "delivered" under his message once the practice's workstation has it."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from tests.webapp.flows import invite, join, new_request, sync_until


def test_the_patients_message_shows_delivered_then_read(relay, practice, browser):
    patient, code = invite(practice, "Marc Lefort")
    join(browser, relay.url, code)
    new_request(browser, "Puis-je avancer mon rendez-vous ?")
    delivery = lambda: browser.find("#thread li.mine .delivery").get_attribute("data-delivery")  # noqa: E731
    browser.wait(lambda: delivery() == "sent", what="the request reached the relay")

    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    practice.sync()  # a second sync: nothing said twice
    browser.wait(lambda: delivery() == "delivered", what="the message shown delivered")

    practice.workstation.mark_read(conv.id)
    practice.sync()
    browser.wait(lambda: delivery() == "read", what="the message shown read")
    # One "delivered" then one "read" in the patient's mailbox, never a receipt twice.
    said = _patient_receipts(relay)
    assert sorted(k for k, n in said.items()) == ["delivered", "read"] and set(said.values()) == {1}


def _patient_receipts(relay) -> Counter:
    """The receipts the relay holds for the patient, by kind (read from its database)."""
    with sqlite3.connect(relay.database_path) as db:
        rows = db.execute("SELECT payload FROM events").fetchall()
    events = [json.loads(p) for (p,) in rows]
    return Counter(e["receipt"] for e in events if e.get("kind") == "receipt" and e.get("by") == "practice")
