"""Patients added, imported or edited on one workstation are on the others; the same
patient edited on two offline workstations ends the same on both (different fields both
kept, the same field the later edit); the relay never holds a name in clear.
"""

from __future__ import annotations

import time

from desktop.core.patient_csv import ImportRow
from tests.support.workstations import office  # noqa: F401 - the fixture
from tests.sync.replicate_helpers import in_clear, in_step

IMPORTED = [("Maëlys Fontaine", "1984-05-17"), ("Octave Lemarchand", "1950-11-02"),
            ("Inès Boulanger", "2001-02-28")]


def test_patients_added_imported_and_edited_reach_the_other_workstation(office):  # noqa: F811
    desk, laptop = office(2)
    zoe = desk.store.add_patient("Zoé Vasseur", "1979-03-14", phone="06 12 34 56 78",
                                 tags="diabète")
    rows = [ImportRow(line=n + 2, name=name, born=born, external_id=f"P{n:04d}")
            for n, (name, born) in enumerate(IMPORTED)]
    rows += [ImportRow(line=n + 10, name=f"Patient Importé {n}", born="1970-01-01",
                       external_id=f"Q{n:04d}") for n in range(300)]
    assert desk.workstation.import_patients(rows).imported == 303
    desk.store.update_patient(zoe.id, email="zoe.vasseur@example.org", actor_id=desk.practitioner_id)
    desk.sync()
    laptop.sync()

    assert laptop.store.count_patients() == desk.store.count_patients() == 304
    seen = laptop.store.patient(zoe.id)
    assert (seen.phone, seen.email, seen.tags) == ("06 12 34 56 78", "zoe.vasseur@example.org",
                                                   "diabète")
    assert laptop.store.patients_page("maelys")[0].external_id == "P0000"
    assert in_step(desk, laptop) == {}
    names = ["Zoé Vasseur", "zoe.vasseur@example.org", *(n for n, _ in IMPORTED)]
    assert in_clear(desk.store.path.parent, names) == []


def test_the_same_patient_edited_on_two_offline_workstations_converges(office):  # noqa: F811
    desk, laptop = office(2)
    zoe = desk.store.add_patient("Zoé Vasseur", "1979-03-14", phone="06 12 34 56 78")
    desk.sync()
    laptop.sync()

    # Both offline: the desk corrects the phone and the name, the laptop the email and,
    # later, the name too.
    desk.store.update_patient(zoe.id, phone="06 99 88 77 66", name="Zoé Vasseur-Leroy")
    time.sleep(0.005)  # "later" is later on the clocks too
    laptop.store.update_patient(zoe.id, email="zoe@example.org", name="Zoé Leroy")
    laptop.sync()
    desk.sync()
    laptop.sync()

    for store in (desk.store, laptop.store):
        p = store.patient(zoe.id)
        assert (p.name, p.phone, p.email) == ("Zoé Leroy", "06 99 88 77 66", "zoe@example.org")
    assert desk.store.patients_page("leroy")[0].id == zoe.id  # found by the merged name
    assert in_step(desk, laptop) == {}
    assert in_clear(desk.store.path.parent, ["Zoé Leroy", "Zoé Vasseur", "zoe@example.org"]) == []


def test_patients_added_while_a_workstation_is_off_reach_it(office):  # noqa: F811
    desk, laptop, third = office(3)
    ids = [desk.store.add_patient(f"Patient Hors Ligne {n}", "1990-06-0" + str(n + 1)).id
           for n in range(5)]
    desk.sync()
    third.sync()
    third.store.update_patient(ids[0], phone="01 23 45 67 89")
    third.sync()
    # The laptop was off all along.
    laptop.sync()
    assert {p.id for p in laptop.store.patients()} >= set(ids)
    assert laptop.store.patient(ids[0]).phone == "01 23 45 67 89"
    assert in_step(desk, laptop, third) == {}


def test_while_both_run_their_sync_a_patient_added_on_one_shows_on_the_other(office):  # noqa: F811
    """The engines as the window runs them: the laptop holds a long-poll on the journal; a
    patient added at the desk is on the laptop a moment later (how long: the report)."""
    import threading

    from desktop.sync.engine import SyncEngine

    desk, laptop = office(2)
    arrived = threading.Event()
    engines = [SyncEngine(desk.workstation, long_poll=5),
               SyncEngine(laptop.workstation, long_poll=5,
                          on_journal=lambda change: arrived.set() if any(
                              e.kind == "patient" for e in change.events) else None)]
    for engine in engines:
        engine.start()
    try:
        for n in range(3):
            arrived.clear()
            added = desk.store.add_patient(f"Patient En Ligne {n}", "1988-08-08")
            engines[0].wake()
            assert arrived.wait(20)
            assert laptop.store.patient(added.id).name == f"Patient En Ligne {n}"
    finally:
        for engine in engines:
            engine.stop()
