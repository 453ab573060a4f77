"""A workstation offline while another revokes a stolen one: what it wrote meanwhile, sealed
with the practice's old keys, still reaches the patient and the other workstations once it
is back, and from then on it writes with the new keys. Three workstations, a real relay."""

from __future__ import annotations

from desktop.sync.rotation import revoke_workstation
from tests.support.workstations import office  # noqa: F401  (the fixture)
from tests.support.world import patient_request


def test_a_reply_written_offline_during_a_rotation_still_reaches_everyone(office) -> None:  # noqa: F811
    desk, visits, stolen = office(3)
    jeanne = desk.enrol(desk.workstation.relay_url, "Jeanne Martin")
    conv = patient_request(jeanne, desk.practitioner_id, "Ma tension ce matin : 15/9")
    desk.sync()
    visits.sync()
    visits.sync()
    old_keys = visits.workstation.identity.current

    # Home visits, no network: the doctor answers on the laptop; meanwhile the desk
    # revokes the stolen computer.
    written = visits.workstation.reply(conv, "Reprenez-la ce soir, au calme.", desk.practitioner_id)
    revoke_workstation(desk.workstation, stolen.store.get_setting("account_id") or "")
    desk.sync()

    visits.sync()  # back online
    visits.sync()
    assert visits.workstation.identity.current.enc_pk != old_keys.enc_pk
    assert visits.store.outbox_count() == 0 and visits.store.outbox_failures() == []
    jeanne.sync()
    assert "Reprenez-la ce soir, au calme." in [m["text"] for m in jeanne.thread(conv)]
    desk.sync()
    assert written in [m.id for m in desk.store.thread(conv)]
    after = visits.workstation.reply(conv, "Et demain matin aussi.", desk.practitioner_id)
    visits.sync()
    jeanne.sync()
    assert jeanne.thread(conv)[-1]["text"] == "Et demain matin aussi."
    desk.sync()
    assert after in [m.id for m in desk.store.thread(conv)]
