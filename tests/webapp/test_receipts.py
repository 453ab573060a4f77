"""Receipts in the web app as durable as its cursor (issue 15, point 1), in real Chromium."""

from __future__ import annotations

from collections import Counter

from desktop.core.model import DeliveryState, Sender
from desktop.sync.client import RelayClient
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice
from tests.webapp.flows import PASSPHRASE, invite, join, new_request, sync_until

REPLIES = 30

# Lets the first mailbox request through, holds the second (the next page of the same pull)
# until the test releases it: the relay is killed in between, a real cut between two pages.
HOLD_SECOND_PAGE = """
window.__pages = 0; window.__held = false;
const real = window.fetch;
window.fetch = async (input, init) => {
  if (String(input).includes('/v1/mailbox/events') && ++window.__pages === 2) {
    window.__held = true;
    await new Promise((r) => { window.__release = r; });
  }
  return real(input, init);
};
"""


def test_receipts_survive_a_relay_killed_between_two_pages(tmp_path, browsers):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    # Small pages, so thirty replies come in several.
    relay = RelayProcess(db, extra_args=("--max-page-bytes", "3000")).start()
    practice = None
    try:
        practice = make_practice(relay.url, create_practice(db, "Cabinet Dupont"),
                                 tmp_path / "cabinet.passerelle")
        browser = browsers()
        patient, code = invite(practice, "Jeanne Petit")
        join(browser, relay.url, code)
        new_request(browser, "Bonjour, une question sur mon traitement.")
        [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))

        # Locked while the practice writes: on unlocking, the app pulls it all in one go.
        browser.click("#lock")
        browser.wait_for("#unlock-form")
        for i in range(REPLIES):
            practice.workstation.reply(conv.id, f"réponse {i}", practice.practitioner_id)
        practice.sync()
        browser.js(HOLD_SECOND_PAGE)
        browser.type("#passphrase", PASSPHRASE)
        browser.click("#unlock-submit")
        browser.wait(lambda: browser.js("return window.__held"), what="the second page asked for")

        relay.kill()
        browser.js("window.__release()")
        relay.start()  # same port, same database

        def all_acknowledged():
            replies = [m for m in practice.store.thread(conv.id, limit=1000)
                       if m.sender == Sender.PRACTICE]
            return len(replies) == REPLIES and all(
                m.delivery in (DeliveryState.DELIVERED, DeliveryState.READ) for m in replies)
        sync_until(practice, all_acknowledged, timeout=60)

        said = _receipts_for(relay.url, practice.workstation.token.decode())
        twice = [k for k, n in said.items() if n > 1]
        assert twice == [], f"receipts on the relay twice: {twice}"
    finally:
        if practice is not None:
            practice.store.close()
        relay.stop()


def _receipts_for(relay_url: str, token: str) -> Counter:
    """How many times the relay holds each (receipt, message) in the practice's mailbox."""
    client = RelayClient(relay_url, token)
    said: Counter = Counter()
    cursor = None
    try:
        while True:
            page = client.events(cursor, limit=500)
            for event in page.items:
                if event.get("kind") == "receipt":
                    said.update((event["receipt"], i) for i in event.get("message_ids", []))
            cursor = page.cursor
            if page.done:
                return said
    finally:
        client.close()
