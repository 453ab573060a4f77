"""Patients' details (schema V2): editing them, finding them, and a V1 file brought up to date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction, Category, ConversationState
from desktop.store import Store, migrations
from tests.store.conftest import PASSPHRASE, Practice

# -- a store from before V2 ----------------------------------------------------


def test_a_v1_store_gains_the_new_columns_and_tables_with_its_data_kept(store_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.V1,))
    with Store.create(store_path, PASSPHRASE) as old:
        c = old._conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        # Rows as the V1 code wrote them (today's code knows only today's columns).
        c.execute(
            "INSERT INTO practitioners (id, name, profession, created_at) "
            "VALUES ('p-1', 'Dr Claire Dupont', 'Médecin', '2026-01-01T00:00:00.000000Z')"
        )
        c.execute(
            "INSERT INTO patients (id, name, born, created_at) VALUES "
            "('z-1', 'Zéphyrine Quatremère-Lavoisier', '1948-07-14', '2026-01-01T00:00:00.000000Z')"
        )
    monkeypatch.undo()

    with Store.open(store_path, PASSPHRASE) as store:
        version = store._conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(migrations.MIGRATIONS)
        found = store.patient("z-1")
        assert found is not None and found.name == "Zéphyrine Quatremère-Lavoisier"
        assert (found.sex, found.external_id, found.tags, found.notices_opt_out) == (
            None,
            None,
            "",
            False,
        )
        # The search key was filled in for the patients already there.
        assert [p.id for p in store.patients_page("quatremere")] == ["z-1"]
        assert store.practitioner("p-1").response_days == 2
        assert store.practitioner("p-1").absent_from is None
        assert "Ordonnance prête" in [r.title for r in store.canned_replies()]
        assert store.audit() == []


# -- editing a patient ---------------------------------------------------------


def test_a_patient_is_edited_field_by_field_and_the_edit_is_audited(practice: Practice):
    store = practice.store
    jean = store.update_patient(
        practice.jean,
        actor_id=practice.doctor,
        sex="m",
        phone=" 06 12 34 56 78 ",
        email="jean.martin@example.fr",
        external_id="A-0042",
        last_visit="2025-11-03",
        tags="Diabète,  HTA , diabète",
        notices_opt_out=True,
    )
    assert (jean.sex, jean.phone, jean.email, jean.external_id) == (
        "M",
        "06 12 34 56 78",
        "jean.martin@example.fr",
        "A-0042",
    )
    assert jean.last_visit == "2025-11-03" and jean.notices_opt_out
    assert jean.tags == "diabète,hta" and jean.tag_list == ["diabète", "hta"]
    assert store.patient(practice.jean) == jean

    [entry] = store.audit(patient_id=practice.jean)
    assert entry.action is AuditAction.PATIENT_EDITED and entry.actor_name == "Dr Claire Dupont"
    assert entry.patient_name == "Jean Martin"
    assert entry.detail == "sex, phone, email, external_id, last_visit, tags, notices_opt_out"

    # Clearing, renaming; an edit that changes nothing leaves no audit line.
    jean = store.update_patient(practice.jean, phone=None, email="", tags=[], name="Jean  MARTIN")
    assert (jean.phone, jean.email, jean.tags, jean.name) == (None, None, "", "Jean MARTIN")
    store.update_patient(practice.jean, name="Jean MARTIN")
    assert [e.detail for e in store.audit(patient_id=practice.jean)] == [
        "name, phone, email, tags",
        "sex, phone, email, external_id, last_visit, tags, notices_opt_out",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sex": "X"}, "use F, M"),
        ({"phone": "appelez-moi"}, "not a phone number"),
        ({"phone": "12"}, "not a phone number"),
        ({"email": "jean.martin"}, "not an email address"),
        ({"born": "02/04/1961"}, "YYYY-MM-DD"),
        ({"born": (date.today() + timedelta(days=1)).isoformat()}, "future"),
        ({"last_visit": (date.today() + timedelta(days=1)).isoformat()}, "future"),
        ({"last_visit": "1950-01-01"}, "before the date of birth"),
        ({"name": "  "}, "cannot be empty"),
        ({"notices_opt_out": "peut-être"}, "yes or no"),
        ({"tags": "a" * 41}, "not a tag"),
        ({"shoe_size": 44}, "no field shoe_size"),
    ],
)
def test_a_bad_edit_is_refused_with_a_reason_and_changes_nothing(
    practice: Practice, fields, message
):
    before = practice.store.patient(practice.jean)
    with pytest.raises(StoreError, match=message):
        practice.store.update_patient(practice.jean, **{"email": "j@example.fr", **fields})
    assert practice.store.patient(practice.jean) == before
    assert practice.store.audit() == []


def test_a_patient_number_belongs_to_one_patient(practice: Practice):
    store = practice.store
    store.update_patient(practice.jean, external_id="A-0042")
    with pytest.raises(StoreError, match="already belongs to Jean Martin"):
        store.update_patient(practice.lucie, external_id="A-0042")
    with pytest.raises(StoreError, match="already belongs to Jean Martin"):
        store.add_patient("Paul Durand", "1970-01-01", external_id="A-0042")
    store.update_patient(practice.jean, external_id="A-0042")  # his own number again: fine
    assert store.patient_by_external_id("A-0042").id == practice.jean
    assert store.patient_by_external_id("nobody") is None
    with pytest.raises(StoreError, match="No such patient"):
        store.update_patient("00000000-0000-0000-0000-000000000000", phone="0612345678")


def test_a_new_patient_can_come_with_his_details(store):
    paul = store.add_patient(
        "Paul Durand", "1970-01-01", sex="M", phone="+33 6 12 34 56 78", tags=["Asthme"]
    )
    assert store.patient(paul.id) == paul
    assert paul.tags == "asthme" and paul.sex == "M"


# -- finding patients ----------------------------------------------------------


@pytest.fixture()
def crowd(store: Store) -> dict[str, str]:
    people = {
        "zephyrine": store.add_patient("Zéphyrine Quatremère-Lavoisier", "1948-07-14"),
        "jean": store.add_patient("Jean Martin", "1961-04-02", external_id="A-0042"),
        "jeanne": store.add_patient("Jeanne Martineau", "1990-12-24", external_id="B-7"),
        "ndiaye": store.add_patient("Awa N'Diaye", "1961-09-30"),
        "oeuvre": store.add_patient("Cœur Lœwy", "2001-05-05"),
    }
    for i in range(40):
        store.add_patient(f"Patient Numéro{i:02}", "1980-01-01")
    return {k: v.id for k, v in people.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zephyrine", ["zephyrine"]),
        ("ZÉPHYR", ["zephyrine"]),
        ("lavoisier", ["zephyrine"]),
        ("quatremère-lavoisier", ["zephyrine"]),
        ("mart", ["jean", "jeanne"]),
        ("martin jean", ["jean", "jeanne"]),  # word beginnings, in any order
        ("martin 1961", ["jean"]),
        ("tin", []),  # the middle of a word is not a match
        ("A-00", ["jean"]),  # the patient number's beginning
        ("b-7", ["jeanne"]),
        ("02/04/1961", ["jean"]),
        ("1961-04-02", ["jean"]),
        ("1961", ["ndiaye", "jean"]),
        ("ndiaye", ["ndiaye"]),
        ("n'diaye", ["ndiaye"]),
        ("coeur", ["oeuvre"]),
        ("%", []),
        ("_", []),
        ('"; DROP TABLE patients; --', []),
    ],
)
def test_patients_are_found_by_name_number_or_birth_date(store, crowd, query, expected):
    found = store.patients_page(query)
    assert [p.id for p in found] == [crowd[k] for k in expected]
    assert store.count_patients(query) == len(expected)


def test_the_patient_list_pages_in_name_order(store, crowd):
    assert store.count_patients() == store.count_patients("  ") == 45
    pages = [store.patients_page("", limit=10, offset=n) for n in range(0, 50, 10)]
    names = [p.name for page in pages for p in page]
    assert len(names) == len(set(names)) == 45
    assert names[:3] == ["Awa N'Diaye", "Cœur Lœwy", "Jean Martin"]
    assert len(store.patients_page("numero", limit=5, offset=38)) == 2
    assert store.patients_page("numero", limit=5, offset=40) == []
    assert len(store.patients_page("numero", limit=5, offset=35)) == 5


def test_a_patients_conversations_newest_first(practice: Practice):
    store = practice.store
    practice.conversation("c-old", created=0)
    practice.conversation("c-new", created=10, state=ConversationState.CLOSED)
    practice.conversation("c-lucie", patient=practice.lucie, category=Category.RENEWAL)
    practice.from_patient("c-old", "m-1", "Bonjour", 20)  # activity moves it up
    assert [c.id for c in store.conversations_of_patient(practice.jean)] == ["c-old", "c-new"]
    assert [c.id for c in store.conversations_of_patient(practice.lucie)] == ["c-lucie"]
    assert store.conversations_of_patient("nobody") == []
