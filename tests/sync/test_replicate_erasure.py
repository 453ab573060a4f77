"""A patient erased on one workstation is erased on every workstation of the practice:
the others hold nothing of him afterwards (his file, his conversations, the notes about
him, his journal entries), one line in the audit trail says it happened, a workstation
offline at the time loses its own edits about him rather than bring him back, and a
workstation joining later never shows him.

A real relay, real stores, three workstations of one practice.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.model import AuditAction
from desktop.records.erasure import erase_patient
from desktop.sync.journal import JournalSync
from tests.records.test_erasure import store_rows_naming
from tests.support.workstations import Office
from tests.support.world import patient_request
from tests.sync.replicate_helpers import in_clear, in_step

NOTE = "Rappeler Zéphyrin pour son holter"
LATE_NOTE = "Vu en visite, tension à revoir"


def _erasures(store) -> int:
    return sum(1 for e in store.audit(limit=10_000) if e.action is AuditAction.PATIENT_ERASED)


def test_a_patient_erased_on_one_workstation_is_erased_on_all(tmp_path: Path) -> None:
    with Office.start(tmp_path / "office") as office:
        desk, laptop = office.join(2)
        jean = desk.enrol(office.relay.url, "Zéphyrin Martin")
        odile = desk.enrol(office.relay.url, "Odile Bernard")
        conv = patient_request(jean, desk.practitioner_id, "Mon holter est-il arrivé ?")
        patient_request(odile, desk.practitioner_id, "Bonjour docteur")
        desk.sync()
        jean_id = desk.store.patient_by_relay_id(jean.patient_id).id
        desk.store.add_note(conv, desk.practitioner_id, NOTE)
        desk.store.update_patient(jean_id, phone="06 11 22 33 44", actor_id=desk.practitioner_id)
        desk.sync()
        laptop.sync()
        assert laptop.store.patient(jean_id).phone == "06 11 22 33 44"
        assert [n.text for n in laptop.store.notes(conv)] == [NOTE]

        # The laptop, offline, writes about him and sends it before it has heard of the
        # erasure the desk does meanwhile.
        laptop.store.add_note(conv, desk.practitioner_id, LATE_NOTE)
        laptop.store.update_patient(jean_id, email="zephyrin@example.org")
        erase_patient(desk.store, jean_id, desk.practitioner_id)
        desk.sync()
        JournalSync(laptop.store, laptop.workstation.client(), laptop.workstation.identity).push()
        laptop.sync()
        desk.sync()
        third = office.join(3)[2]

        texts = ["Zéphyrin", "zephyrin@example.org", "06 11 22 33 44", NOTE, LATE_NOTE,
                 "holter", jean_id, jean.patient_id, conv]
        for ws in (desk, laptop, third):
            assert ws.store.patient(jean_id) is None
            assert ws.store.conversation(conv) is None
            found = store_rows_naming(ws.store, texts)
            assert found == [], [(t, c, n, ws.store.path.name) for t, c, n in found]
            assert _erasures(ws.store) == 1  # one erasure, said once on every workstation
            assert ws.store.patient_by_relay_id(odile.patient_id) is not None
        differ = in_step(desk, laptop, third)
        assert differ == {}, repr(differ)
        assert in_clear(office.directory, ["Zéphyrin Martin", NOTE, LATE_NOTE]) == []
