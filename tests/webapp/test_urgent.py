"""Urgent wording: the emergency numbers before sending, and the practice's inbox marks it."""

from __future__ import annotations

from desktop.core.model import Category
from desktop.ui.inbox_model import InboxModel
from desktop.ui.qt import Qt
from tests.webapp.flows import invite, join, new_request, sync_until


def test_urgent_wording_shows_the_numbers_and_the_practice_sees_the_flag(
        relay, practice, browser, qapp):
    patient, code = invite(practice, "Henri Dubois")
    join(browser, relay.url, code)
    assert "15" in browser.text("#not-emergency") and "3114" in browser.text("#not-emergency")

    new_request(browser, "J'ai une douleur dans la poitrine depuis ce matin et du mal a respirer")
    dialog = browser.wait_for("dialog#emergency")
    numbers = [a.get_attribute("href") for a in browser.all("dialog#emergency a")]
    assert numbers == ["tel:15", "tel:112", "tel:3114"]
    # Not sent until the patient chooses: the practice has nothing yet.
    browser.click("#dont-send")
    assert not browser.all("dialog#emergency") and browser.all("#new-form")
    practice.sync()
    assert not practice.store.conversations_of_patient(patient.id)

    browser.click("#send")
    browser.wait_for("dialog#emergency")
    browser.click("#send-anyway")
    browser.wait_for("#thread .flag")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    [message] = practice.store.thread(conv.id)
    assert message.urgent_wording and conv.urgent

    # Another patient writes later (the Python client): the urgent one stays first, marked.
    later = practice.enrol(relay.url, "Paul Mercier")
    later.request(practice.practitioner_id, Category.ADMINISTRATIVE, "Changement d'adresse")
    practice.sync()
    inbox = practice.store.inbox("to_process")
    assert [c.patient_name for c in inbox] == ["Henri Dubois", "Paul Mercier"]
    model = InboxModel(practice.store)
    model.set_filter("to_process")
    first = model.index(0, InboxModel.PATIENT)
    assert model.data(first) == "⚠ Henri Dubois"
    assert "15" in model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, InboxModel.PATIENT)) == "Paul Mercier"

    # Answered, it takes its place by time again; the message itself stays marked.
    practice.workstation.reply(conv.id, "Appelez le 15 tout de suite.", practice.practitioner_id)
    practice.sync()
    assert not practice.store.conversation(conv.id).urgent
    assert practice.store.thread(conv.id)[0].urgent_wording
    browser.wait_text("#thread", "Appelez le 15 tout de suite.")
    assert dialog is not None


def test_ordinary_wording_goes_straight(relay, practice, browser):
    patient, code = invite(practice, "Sophie Laurent")
    join(browser, relay.url, code)
    new_request(browser, "Pouvez-vous me renouveler mon ordonnance de Levothyrox ?", "administrative")
    browser.wait_for("#thread")
    assert not browser.all("dialog#emergency")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    assert not practice.store.thread(conv.id)[0].urgent_wording
