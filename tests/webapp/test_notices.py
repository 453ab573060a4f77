"""The practice's notices in the patient's app: read apart, answered, opted out of."""

from __future__ import annotations

from desktop.core.notices import Audience, Notice, NoticeKind
from tests.webapp.flows import invite, join, sync_until


def test_a_notice_arrives_is_read_answered_and_the_opt_out_reaches_the_practice(
        relay, practice, browser):
    patient, code = invite(practice, "Nadia Benali", born="1958-03-02")
    join(browser, relay.url, code)
    practice.sync()
    ws = practice.workstation
    flu = Notice.new(NoticeKind.PREVENTION, "Vaccination contre la grippe",
                     "La campagne a commencé : prenez rendez-vous à l'accueil.", replies_allowed=True)
    assert ws.prepare_notice(flu, Audience(), practice.practitioner_id) == 1
    ws.send_notice_batch(flu.id)
    practice.sync()

    # It arrives while the page is open, apart from the conversations, marked new.
    browser.wait_text("#notices", "Vaccination contre la grippe")
    assert browser.text("#unread-total") == "1"
    assert not browser.all("#conversations button")
    browser.click("#notices button.conversation")
    browser.wait_text("#notice-text", "La campagne a commencé")

    sync_until(practice, lambda: practice.store.notice_recipient_state(flu.id, patient.id) == "read")

    # Answering it opens a request to the practitioner who wrote it, naming the notice.
    browser.type("#text", "Je peux venir jeudi matin ?")
    browser.click("#send")
    browser.wait_text("#thread", "Je peux venir jeudi matin ?")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    assert practice.store.thread(conv.id)[0].text == "Je peux venir jeudi matin ?"
    assert practice.store.notice_statistics(flu.id).replies == 1

    # No more preventive notices: the choice travels sealed and the practice records it.
    browser.click("#back")
    browser.wait_for("#prevention")
    assert browser.find("#prevention").is_selected()
    browser.click("#prevention")
    sync_until(practice, lambda: practice.store.patient(patient.id).notices_opt_out)
    relay_bytes = relay.database_path.read_bytes()
    assert b"grippe" not in relay_bytes and b"prevention_opt_out" not in relay_bytes
