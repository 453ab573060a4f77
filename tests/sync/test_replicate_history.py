"""A store from before the journal publishes its history once, in batches, when the new
version first syncs it; a workstation joining the practice then gets all of it."""

from __future__ import annotations

from desktop.core.patient_csv import ImportRow
from desktop.store import Store, migrations
from desktop.store.replicate_history import SETTING
from desktop.sync.workstation import Workstation
from tests.support.relay import create_practice
from tests.support.workstations import Office
from tests.support.world import PASSPHRASE, PIN, Practice
from tests.sync.replicate_helpers import in_step


def _old_store(path, monkeypatch) -> None:
    """A store as the version before the journal made it (schema 9), with a past."""
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
        with Store.create(path, PASSPHRASE) as store:
            doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste",
                                            "10001234567", accepts_messaging=True)
            store.add_practitioner("Dr Paul Bernard", "Cardiologue")
            store.set_setting("default_practitioner", doctor.id)
            store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
            for n in range(20):
                store.add_patient(f"Patient Ancien {n}", "1950-01-01", external_id=f"A{n:03d}")


def _more_before_enrolling(store) -> None:
    """What the practice did next, still on this workstation alone (no journal yet)."""
    doctor = store.get_setting("default_practitioner")
    store.import_patients([
        ImportRow(line=n + 2, name=f"Patient Importé {n}", born="1960-01-01",
                  external_id=f"B{n:03d}") for n in range(100)], doctor)
    store.save_canned_reply(None, "Résultats", "Vos résultats sont normaux.")
    store.delete_canned_reply(store.canned_replies()[0].id)


def test_an_old_store_publishes_its_history_once_and_a_new_workstation_gets_it(
    tmp_path, monkeypatch
):
    path = tmp_path / "office" / "desk.passerelle"
    path.parent.mkdir()
    _old_store(path, monkeypatch)
    with Office.start(tmp_path / "office") as office:
        store = Store.open(path, PASSPHRASE)  # the new version: schema 11
        assert store.get_setting(SETTING) == "pending"
        _more_before_enrolling(store)
        token = create_practice(office.relay.database_url, "Cabinet Dupont")
        ws = Workstation.enrol(store, office.relay.url, token, "Accueil", "Cabinet Dupont")
        doctor = store.get_setting("default_practitioner")
        ws.set_up_administrator(PIN, person_id=doctor)
        desk = Practice(store, ws, doctor)
        office.workstations.append(desk)
        office._stack.callback(store.close)
        desk.sync()  # publishes the history, in batches, then pushes it
        assert store.get_setting(SETTING) == "done"
        published = store.journal_pending_count()

        _, laptop = office.join(2)
        assert laptop.store.count_patients() == 120
        assert laptop.store.get_setting("practice_address") == "12 rue des Tilleuls, 69003 Lyon"
        assert in_step(desk, laptop) == {}
        # Once: nothing of the past is published again.
        assert published == 0 and store.journal_pending_count() == 0
