"""What only the practice knows reaches its other workstations: people (who then sign in
there with their own PIN), the practice's settings, renewal rules, signature images,
canned replies and absences — while both are online, and after one was off for a while.
Real relay, real stores, workstations joined by pairing code (tests/support/workstations.py).
"""

from __future__ import annotations

import struct
import zlib

from desktop.core.renewal import RenewalRules
from tests.support.workstations import office  # noqa: F401 - the fixture
from tests.support.world import PIN
from tests.sync.replicate_helpers import in_step


def _png(size: int) -> bytes:
    """A real PNG of about ``size`` bytes (noise does not compress)."""
    import os

    raw = os.urandom(size)
    chunk = b"IDAT" + raw
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(13) + b"\0" * 4
            + struct.pack(">I", len(raw)) + chunk + struct.pack(">I", zlib.crc32(chunk)))


def test_people_settings_rules_signatures_and_replies_reach_the_other_workstation(office):  # noqa: F811
    desk, laptop = office(2)
    julie = desk.add_person("Julie Martin", "assistant")
    bernard = desk.workstation.add_practitioner(
        "Dr Paul Bernard", "Cardiologue", "10009876543", accepts_messaging=True, secret=PIN)
    desk.workstation.set_signature(desk.practitioner_id, _png(200_000))  # two journal entries
    desk.workstation.set_renewal_rules(
        RenewalRules(max_months_since_visit=6, never_renew_remotely=("Morphine",),
                     early_margin_days=5))
    desk.store.set_setting("practice_name", "Cabinet des Tilleuls")
    desk.store.set_setting("practice_phone", "04 78 00 00 00")
    reply = desk.store.save_canned_reply(None, "Vaccin", "Votre vaccin est disponible.")
    first = desk.store.canned_replies()[0]
    desk.store.delete_canned_reply(first.id)
    desk.workstation.update_practitioner(
        bernard.id, "Dr Paul Bernard", "Cardiologue", "10009876543", 3, "2099-08-01",
        "2099-08-15", "Le Dr Bernard est en congés.", True)
    desk.sync()
    laptop.sync()

    # Julie signs in on the laptop with the PIN she was given at the desk.
    assert laptop.sign_in(julie.id).name == "Julie Martin"
    seen = laptop.store.person(bernard.id)
    assert seen is not None and (seen.absent_from, seen.absence_message, seen.response_days) == (
        "2099-08-01", "Le Dr Bernard est en congés.", 3)
    assert laptop.store.signature(desk.practitioner_id) == desk.store.signature(
        desk.practitioner_id)
    assert laptop.store.renewal_rules().never_renew_remotely == ("Morphine",)
    assert laptop.store.get_setting("practice_name") == "Cabinet des Tilleuls"
    titles = [r.title for r in laptop.store.canned_replies()]
    assert reply.title in titles and first.title not in titles
    # What is each workstation's own stays its own.
    assert laptop.store.get_setting("workstation_name") != desk.store.get_setting(
        "workstation_name")
    assert laptop.store.get_setting("account_id") != desk.store.get_setting("account_id")
    assert in_step(desk, laptop) == {}


def test_a_person_deactivated_on_one_workstation_cannot_sign_in_on_the_other(office):  # noqa: F811
    desk, laptop = office(2)
    julie = desk.add_person("Julie Martin", "assistant")
    desk.sync()
    laptop.sync()
    assert laptop.sign_in(julie.id).id == julie.id
    laptop.sign_in(desk.practitioner_id)  # the administrator, back at the laptop

    desk.workstation.set_person_active(julie.id, False)
    desk.workstation.reset_secret(desk.practitioner_id, "24681357")
    desk.sync()
    laptop.sync()

    import pytest

    from desktop.core.errors import PasserelleError

    with pytest.raises(PasserelleError):
        laptop.sign_in(julie.id)
    assert laptop.sign_in(desk.practitioner_id, "24681357").administrator


def test_changes_made_while_a_workstation_is_off_reach_it_when_it_syncs_again(office):  # noqa: F811
    desk, laptop = office(2)
    # The laptop is off (its sync does not run) while the desk works.
    for n in range(3):
        desk.store.save_canned_reply(None, f"Réponse {n}", f"Texte {n}")
    desk.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    desk.workstation.update_practitioner(
        desk.practitioner_id, "Dr Claire Dupont", "Médecin généraliste", "10001234567", 2,
        "2099-03-01", "2099-03-10", "Je suis absente.", True)
    desk.sync()
    desk.sync()

    laptop.sync()
    assert laptop.store.get_setting("practice_address") == "12 rue des Tilleuls, 69003 Lyon"
    assert [r.title for r in laptop.store.canned_replies()][-3:] == [
        "Réponse 0", "Réponse 1", "Réponse 2"]
    assert in_step(desk, laptop) == {}

    # And the other way: what the laptop did offline reaches the desk.
    laptop.store.set_setting("practice_phone", "04 78 11 22 33")
    laptop.store.reorder_canned_replies([r.id for r in reversed(laptop.store.canned_replies())])
    laptop.sync()
    desk.sync()
    assert desk.store.get_setting("practice_phone") == "04 78 11 22 33"
    assert [r.title for r in desk.store.canned_replies()] == [
        r.title for r in laptop.store.canned_replies()]
    assert in_step(desk, laptop) == {}
