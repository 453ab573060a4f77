"""Joining from the letter's QR code, signing in on another device, a wrong passphrase."""

from __future__ import annotations

import base64
import os
import sqlite3
import uuid

import httpx

from tests.webapp.flows import PASSPHRASE, invite, join, new_request, sign_in, sync_until


def _bundle_row(relay):
    with sqlite3.connect(relay.database_path) as db:
        return db.execute(
            "SELECT account, salt, opslimit, memlimit, auth_hash, bundle, updated_at "
            "FROM patient_key_bundles").fetchall()


def test_join_from_the_letter_url_then_sign_in_on_a_second_device(relay, practice, browsers):
    patient, code = invite(practice, "Lucien Garnier")
    phone = browsers()
    # What the letter's QR code holds: the relay's address, the code in the fragment.
    join(phone, relay.url, None, url=f"{relay.url}/#join={code}")
    assert "#" not in phone.driver.current_url  # the code left the address bar at once
    assert code not in relay.output  # a fragment never reaches the server
    new_request(phone, "Ma carte vitale a changé, voici le nouveau numéro.", "administrative")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    practice.workstation.reply(conv.id, "Merci, c'est noté.", practice.practitioner_id)
    practice.sync()
    phone.wait_text("#thread", "Merci, c'est noté.")

    # The patient's key bundle is on the relay, sealed: the relay has no name, no passphrase.
    [row] = _bundle_row(relay)
    assert row[2:4] == (3, 64 * 1024 * 1024)
    for secret in (b"Lucien", b"Garnier", PASSPHRASE.encode(), code.replace("-", "").encode()):
        assert secret not in row[5] and secret not in relay.database_path.read_bytes()

    # A new computer: a fresh profile, the code and the passphrase; the history is there.
    laptop = browsers()
    sign_in(laptop, relay.url, code)
    laptop.wait_for("#new-request", timeout=60)
    laptop.wait(lambda: laptop.all("#conversations button.conversation"), what="the conversation")
    laptop.click("#conversations button.conversation")
    laptop.wait_text("#thread", "Ma carte vitale a changé")
    laptop.wait_text("#thread", "Merci, c'est noté.")

    # Written on the laptop, it shows on the phone too (both devices are the patient).
    laptop.type("#text", "Et mon adresse aussi a changé.")
    laptop.click("#send")
    phone.wait_text("#thread", "Et mon adresse aussi a changé.")
    assert [m.text for m in practice.store.thread(conv.id)][-1] != ""
    sync_until(practice, lambda: any(m.text == "Et mon adresse aussi a changé."
                                     for m in practice.store.thread(conv.id)))


def test_a_wrong_passphrase_is_refused_and_changes_nothing(relay, practice, browsers):
    _, code = invite(practice, "Odile Marchand")
    join(browsers(), relay.url, code)
    before = _bundle_row(relay)
    with sqlite3.connect(relay.database_path) as db:
        accounts = db.execute("SELECT count(*) FROM accounts").fetchone()

    other = browsers()
    sign_in(other, relay.url, code, passphrase="pas la bonne phrase")
    message = other.wait(lambda: other.text("#form-error"), what="the refusal")
    assert message == "Phrase secrète incorrecte (ou autre code d’invitation). Rien n’a été modifié."
    assert other.all("#signin-form") and not other.all("#new-request")
    assert _bundle_row(relay) == before
    with sqlite3.connect(relay.database_path) as db:
        assert db.execute("SELECT count(*) FROM accounts").fetchone() == accounts
    # What was typed stays (the code), and the right passphrase then works.
    assert other.find("#code").get_attribute("value") == code
    other.type("#passphrase", PASSPHRASE)
    other.click("#signin-submit")
    other.wait_for("#new-request", timeout=60)


def test_lock_then_unlock_on_the_same_device_and_sign_out_wipes_it(relay, practice, browser):
    _, code = invite(practice, "Régine Collet")
    join(browser, relay.url, code)
    new_request(browser, "Question sur mon traitement de fond")
    browser.wait_text("#thread", "Question sur mon traitement de fond")
    browser.click("#lock")
    browser.wait_for("#unlock-form")
    assert "traitement" not in browser.find("body").text
    browser.type("#passphrase", "une autre phrase fausse")
    browser.click("#unlock-submit")
    assert browser.wait(lambda: browser.text("#form-error")).startswith("Phrase secrète incorrecte")
    browser.type("#passphrase", PASSPHRASE)
    browser.click("#unlock-submit")
    browser.wait_text("#conversations", "Question sur mon traitement de fond")

    browser.click("#sign-out")
    browser.wait_for("#signin-form")
    stored = browser.storage_dump()
    assert "IDB" not in stored and "CACHE" not in stored
    browser.open(f"{relay.url}/")
    browser.wait_for("#join-form")  # nothing left to unlock


def test_prelogin_does_not_tell_whether_an_account_exists_and_attempts_are_limited(
        relay, practice, browser):
    _, code = invite(practice, "Yves Perrin")
    join(browser, relay.url, code)
    [row] = _bundle_row(relay)
    known = base64.b64encode(row[0]).decode()
    unknown = base64.b64encode(os.urandom(32)).decode()

    def prelogin(account):
        return httpx.post(f"{relay.url}/v1/patient/prelogin", json={"account": account})

    real, decoy, again = prelogin(known).json(), prelogin(unknown).json(), prelogin(unknown).json()
    assert real["salt"] == base64.b64encode(row[1]).decode()
    assert decoy == again and decoy["salt"] != real["salt"]  # stable, like a real account's
    assert {k: decoy[k] for k in ("opslimit", "memlimit")} == {"opslimit": 3, "memlimit": 64 << 20}

    wrong = {"account": known, "auth_key": base64.b64encode(os.urandom(32)).decode()}
    answers = [httpx.post(f"{relay.url}/v1/patient/sign-in", json=wrong,
                          headers={"Idempotency-Key": str(uuid.uuid4())}) for _ in range(25)]
    codes = [a.json()["code"] for a in answers]
    assert set(codes[:15]) == {"invalid_credentials"}
    assert codes[-1] == "rate_limited" and int(answers[-1].headers["retry-after"]) > 0
    assert _bundle_row(relay) == [row]


def test_a_new_passphrase_replaces_the_old_one_everywhere(relay, practice, browsers):
    _, code = invite(practice, "Marcel Duval")
    phone = browsers()
    join(phone, relay.url, code)
    phone.click("#to-passphrase")
    phone.type("#current", "pas la phrase actuelle")
    phone.type("#passphrase", "une toute nouvelle phrase")
    phone.type("#passphrase2", "une toute nouvelle phrase")
    phone.click("#passphrase-submit")
    assert phone.wait(lambda: phone.text("#form-error")).startswith("La phrase secrète actuelle")
    before = _bundle_row(relay)
    phone.type("#current", PASSPHRASE)
    phone.type("#passphrase", "une toute nouvelle phrase")
    phone.type("#passphrase2", "une toute nouvelle phrase")
    phone.click("#passphrase-submit")
    phone.wait_text("#status", "Phrase secrète changée", timeout=60)
    assert _bundle_row(relay)[0][1] != before[0][1]  # a new salt, a new bundle

    # This device unlocks with the new one only.
    phone.click("#lock")
    phone.type("#passphrase", PASSPHRASE)
    phone.click("#unlock-submit")
    assert phone.wait(lambda: phone.text("#form-error")).startswith("Phrase secrète incorrecte")
    phone.type("#passphrase", "une toute nouvelle phrase")
    phone.click("#unlock-submit")
    phone.wait_for("#new-request", timeout=60)

    # Another device: the old passphrase is refused, the new one signs in.
    laptop = browsers()
    sign_in(laptop, relay.url, code)
    assert laptop.wait(lambda: laptop.text("#form-error")).startswith("Phrase secrète incorrecte")
    laptop.type("#passphrase", "une toute nouvelle phrase")
    laptop.click("#signin-submit")
    laptop.wait_for("#new-request", timeout=60)
