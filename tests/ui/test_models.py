"""Every item model keeps Qt's rules (``qtmodeltester``) on real data in a real store.

Each model is put in a state the window uses (a filter, a fetched page, a
search), then checked by ``qtmodeltester.check`` — Qt's own tester,
``QAbstractItemModelTester``: a broken rule is a Qt warning, and a Qt warning
fails the test.

What the window does next — switch tabs, fetch a page, reload after a sync,
lock — is checked too, with Qt's tester attached through all of it. There it
is told not to call ``fetchMore`` itself: it would do so from inside its own
``modelReset`` slot, before it has noted that the reset is over, and report
the page any lazily-filled model then inserts as "rows inserted during a
reset" (Qt 6.4 added ``setUseFetchMore`` for such models). The tests call
``fetchMore`` themselves, as the view does when the list is scrolled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from desktop.core.model import Category, ConversationState, DeliveryState, Sender
from desktop.store import Store
from desktop.ui import inbox_model, patients_model
from desktop.ui.inbox_model import ConversationRole, InboxModel
from desktop.ui.patients_model import PatientRole, PatientsModel
from desktop.ui.qt import QAbstractItemModel, QModelIndex, Qt

PASSPHRASE = "des modèles qui tiennent leurs promesses"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CONVERSATIONS = 300  # three pages of the inbox
PATIENTS = 330  # more than a page of the patients list
SEARCH_WORD = "ordonnance"
FIRST = ["Jean", "Marie", "Pierre", "Anne", "Michel", "Sophie", "Lucas", "Léa", "Hugo", "Inès",
         "Chloé"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Lefèvre", "Garnier", "Faure", "Roux"]
STATES = [ConversationState.REQUESTED, ConversationState.OPEN, ConversationState.OPEN,
          ConversationState.CLOSED, ConversationState.DECLINED]


@dataclass
class Practice:
    """A store with three practitioners, a few hundred patients and conversations."""

    store: Store
    reader: Store
    doctor: str
    nurse: str
    physio: str


def _fill(store: Store) -> tuple[str, str, str]:
    doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", "10001234567", True)
    nurse = store.add_practitioner("Paul Hamon", "Infirmier", None, True)
    physio = store.add_practitioner("Marc Riou", "Kinésithérapeute", None, False)
    people = [doctor.id, nurse.id, physio.id]
    patients = []
    for n in range(PATIENTS):
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}"
        born = f"{1940 + n % 70}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        details: dict[str, Any] = {}
        if n % 2:
            details["phone"] = f"06 12 34 {n // 100:02d} {n % 100:02d}"
        if n % 3:
            details["external_id"] = f"D-{n:04d}"
        patients.append(store.add_patient(name, born, **details).id)
    messages: list[tuple[Any, ...]] = []
    with store.transaction():
        for n in range(CONVERSATIONS):
            conv = f"conv-{n:04d}"
            patient = patients[n % PATIENTS]
            store.upsert_conversation(conv, patient, people[n % 2], list(Category)[n % 4],
                                      STATES[n % len(STATES)], T0 + timedelta(minutes=n))
            when = T0 + timedelta(minutes=n, seconds=30)
            words = f"Bonjour, au sujet de ma demande n° {n}"
            if n % 7 == 0:
                words += f" : il me faudrait une {SEARCH_WORD} pour la pharmacie"
            read_at = when if n % 4 == 0 else None  # some already read, others not
            messages.append((f"msg-{n:04d}-a", conv, Sender.PATIENT, patient, words, when,
                             DeliveryState.DELIVERED, read_at))
            if n % 3 == 0:  # the practice answered: the patient no longer waits
                messages.append((f"msg-{n:04d}-b", conv, Sender.PRACTICE, doctor.id,
                                 "Bien reçu, c'est noté.", when + timedelta(seconds=30),
                                 DeliveryState.SENT))
        store.add_messages_bulk(messages)
        for n in range(0, CONVERSATIONS, 10):
            store.assign(f"conv-{n:04d}", nurse.id)
    return doctor.id, nurse.id, physio.id


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    store = Store.create(tmp_path_factory.mktemp("models") / "cabinet.passerelle", PASSPHRASE)
    doctor, nurse, physio = _fill(store)
    reader = store.reader()
    yield Practice(store, reader, doctor, nurse, physio)
    reader.close()
    store.close()


@pytest.fixture(scope="module")
def empty_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.create(tmp_path_factory.mktemp("empty") / "cabinet.passerelle", PASSPHRASE)
    reader = store.reader()
    yield reader
    reader.close()
    store.close()


@pytest.fixture
def check(qapp: Any, qtmodeltester: Any) -> Callable[[QAbstractItemModel], None]:
    """``qtmodeltester.check``: Qt's C++ tester, attached until the test ends.

    Not pytest-qt's Python port (``force_py=True``): with PySide6 6.12 its
    clean-up, a ``Signal.disconnect`` per model signal, takes one reference
    from ``True`` each time, and a few dozen tests later the interpreter
    aborts at exit ("bool_dealloc"). Qt's tester checks the data roles' types
    as well.
    """
    return lambda model: qtmodeltester.check(model)


def _ids(model: QAbstractItemModel, role: int) -> list[str]:
    return [model.data(model.index(row, 0), role) for row in range(model.rowCount())]


def _fetch_all(model: QAbstractItemModel) -> int:
    pages = 0
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        pages += 1
    return pages


@pytest.fixture
def watched(qapp: Any) -> Iterator[Callable[[QAbstractItemModel], None]]:
    """Attach Qt's tester for the rest of the test, fetching only when the test does."""
    testers: list[QAbstractItemModelTester] = []

    def attach(model: QAbstractItemModel) -> None:
        tester = QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning)
        tester.setUseFetchMore(False)
        testers.append(tester)

    yield attach
    testers.clear()


def _consistent_inbox(model: InboxModel, reader: Store, key: str, who: str | None) -> None:
    """What the list shows is the store's inbox, newest activity first, each row once.

    (The testers fetch pages themselves: how many rows are loaded varies.)
    """
    shown = _ids(model, ConversationRole)
    assert 0 < len(shown) <= model.total == reader.count_inbox(key, who)
    assert shown == [c.id for c in reader.inbox(key, who, len(shown), 0)]
    assert len(set(shown)) == len(shown)


# -- the inbox -----------------------------------------------------------------------------


def test_inbox_model_without_a_store(check) -> None:
    model = InboxModel(None)
    check(model)
    assert model.rowCount() == 0 and model.total == 0 and not model.canFetchMore()


def test_inbox_model_on_an_empty_store(check, empty_reader: Store) -> None:
    model = InboxModel(None)
    model.set_reader(empty_reader)
    check(model)
    assert model.rowCount() == 0 and model.total == 0 and not model.canFetchMore()


@pytest.mark.parametrize(
    ("key", "desk"),
    [("to_process", None), ("requested", None), ("open", None), ("closed", None),
     ("all", None), ("assigned", None), ("all", "doctor"), ("to_process", "nurse")],
)
def test_inbox_model_with_hundreds_of_conversations(
    check, practice: Practice, key: str, desk: str | None
) -> None:
    who = getattr(practice, desk) if desk else None
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_filter(key, who)
    total = practice.reader.count_inbox(key, who)
    assert model.total == total and model.rowCount() == min(inbox_model.PAGE, total)
    check(model)
    _consistent_inbox(model, practice.reader, key, who)
    first = practice.reader.inbox(key, who, 1, 0)[0]
    assert model.data(model.index(0, InboxModel.PATIENT)) == first.patient_name
    if key == "closed":
        states = {model.conversation(r).state for r in range(model.rowCount())}
        assert states <= {ConversationState.CLOSED, ConversationState.DECLINED}


def test_inbox_model_after_fetch_more(check, practice: Practice) -> None:
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_filter("all")
    assert model.rowCount() == inbox_model.PAGE and model.canFetchMore()
    model.fetchMore(QModelIndex())  # the list scrolled to its end once
    assert model.rowCount() == 2 * inbox_model.PAGE
    check(model)
    _fetch_all(model)
    assert model.rowCount() == model.total == CONVERSATIONS and not model.canFetchMore()
    _consistent_inbox(model, practice.reader, "all", None)


def test_inbox_model_in_search_mode(check, practice: Practice) -> None:
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_search(f"  {SEARCH_WORD.upper()} ")
    assert model.searching and not model.canFetchMore()  # matches at once, no paging
    hits = {c.id for _, c in practice.reader.search(SEARCH_WORD, limit=200)}
    assert len(hits) == len(range(0, CONVERSATIONS, 7))
    assert model.rowCount() == model.total == len(hits)
    assert set(_ids(model, ConversationRole)) == hits
    # The preview is the message that matched, not the conversation's last one.
    previews = [model.data(model.index(r, InboxModel.PREVIEW)) for r in range(model.rowCount())]
    assert all(SEARCH_WORD in p for p in previews)
    check(model)


def test_inbox_model_search_without_a_match(check, practice: Practice) -> None:
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_search("introuvable")
    assert model.rowCount() == 0 and model.total == 0 and model.searching
    check(model)


@pytest.mark.parametrize("text", [SEARCH_WORD, "introuvable"])
def test_fetch_more_in_search_mode_adds_nothing(practice: Practice, qapp: Any,
                                                text: str) -> None:
    """Qt (and its tester) may call fetchMore without asking canFetchMore: a search's
    matches must not grow a page of the tab's conversations."""
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_search(text)
    before = _ids(model, ConversationRole)
    model.fetchMore(QModelIndex())
    assert _ids(model, ConversationRole) == before


def test_inbox_model_through_what_the_window_does(watched, practice: Practice,
                                                  empty_reader: Store) -> None:
    model = InboxModel(None)
    watched(model)
    model.set_reader(empty_reader)  # unlocked, nothing synced yet
    assert model.rowCount() == 0
    model.set_reader(practice.reader)  # another store (the test's stand-in for a sync)
    for key, who in [("to_process", None), ("requested", None), ("open", None),
                     ("closed", None), ("assigned", None), ("all", practice.doctor),
                     ("all", None)]:
        model.set_filter(key, who)
        _consistent_inbox(model, practice.reader, key, who)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * inbox_model.PAGE
    model.reload()  # a sync after scrolling: the rows loaded stay loaded, more to fetch
    assert model.rowCount() == 2 * inbox_model.PAGE and model.canFetchMore()
    _fetch_all(model)
    assert model.rowCount() == CONVERSATIONS
    model.set_search(SEARCH_WORD)
    assert model.rowCount() == len(range(0, CONVERSATIONS, 7))
    model.set_filter("to_process")  # the search box cleared: back to a tab, one page
    assert not model.searching
    _consistent_inbox(model, practice.reader, "to_process", None)
    model.set_reader(None)  # locked: nothing of a patient left in the list
    assert model.rowCount() == 0 and model.total == 0


def test_inbox_model_headers(practice: Practice, qapp: Any) -> None:
    model = InboxModel(None)
    model.set_reader(practice.reader)
    model.set_filter("all")
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert heads == ["Patient", "Category", "Practitioner", "Last message", "Time", "Unread"]
    assert model.headerData(6, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None


# -- the patients --------------------------------------------------------------------------


def test_patients_model_without_a_store(check) -> None:
    model = PatientsModel()
    check(model)
    assert model.rowCount() == 0 and model.total == 0 and not model.canFetchMore()


def test_patients_model_on_an_empty_store(check, empty_reader: Store) -> None:
    model = PatientsModel()
    model.set_reader(empty_reader)
    check(model)
    assert model.rowCount() == 0 and model.total == 0 and not model.canFetchMore()


def test_patients_model_with_hundreds_of_patients(check, practice: Practice) -> None:
    model = PatientsModel()
    model.set_reader(practice.reader)
    assert model.total == PATIENTS
    assert model.rowCount() == patients_model.PAGE and model.canFetchMore()
    check(model)
    _fetch_all(model)
    assert model.rowCount() == PATIENTS and not model.canFetchMore()
    ids = _ids(model, PatientRole)
    assert ids == [p.id for p in practice.reader.patients_page("", PATIENTS, 0)]
    assert len(set(ids)) == PATIENTS
    # What a person reads: a French date of birth, the practice's file number.
    row = next(r for r in range(PATIENTS) if model.patient(r).external_id)
    born = model.patient(row).born.split("-")
    assert model.data(model.index(row, PatientsModel.BORN)) == "/".join(reversed(born))
    assert model.data(model.index(row, PatientsModel.FILE)) == model.patient(row).external_id
    assert model.data(model.index(row, PatientsModel.ENROLLED)) == "Not enrolled"


@pytest.mark.parametrize(
    ("query", "matches"),
    [("Martin", lambda p: "Martin" in p.name),
     ("mar", lambda p: any(w.lower().startswith("mar") for w in p.name.split())),
     ("D-01", lambda p: (p.external_id or "").startswith("D-01")),
     ("1950", lambda p: p.born.startswith("1950-")),
     ("léa DUBOIS", lambda p: p.name == "Léa Dubois"),
     ("Zzyzx", lambda p: False)],
)
def test_patients_model_with_a_query(check, practice: Practice, query: str,
                                     matches: Callable[[Any], bool]) -> None:
    model = PatientsModel()
    model.set_reader(practice.reader)
    model.set_query(query)
    check(model)
    _fetch_all(model)
    everyone = practice.reader.patients_page("", PATIENTS, 0)
    expected = [p.id for p in everyone if matches(p)]
    assert model.total == model.rowCount() == len(expected) < PATIENTS
    assert sorted(_ids(model, PatientRole)) == sorted(expected)
    assert (query == "Zzyzx") == (not expected)


def test_patients_model_through_what_the_window_does(watched, practice: Practice,
                                                     empty_reader: Store) -> None:
    model = PatientsModel()
    watched(model)
    model.set_reader(empty_reader)
    assert model.rowCount() == 0
    model.set_reader(practice.reader)
    assert model.rowCount() == patients_model.PAGE
    model.fetchMore(QModelIndex())
    assert model.rowCount() == PATIENTS
    model.fetchMore(QModelIndex())  # nothing more: nothing inserted, the total stays right
    assert model.rowCount() == model.total == PATIENTS
    model.reload()  # a patient added elsewhere: the rows loaded stay loaded
    assert model.rowCount() == PATIENTS
    model.set_query("mar")  # search as you type
    assert 0 < model.rowCount() == model.total < PATIENTS
    model.set_query("")
    assert model.rowCount() == patients_model.PAGE and model.canFetchMore()
    model.set_reader(None)
    assert model.rowCount() == 0 and model.total == 0


def test_a_model_outlives_its_store(watched, tmp_path: Path) -> None:
    """Locking closes the reader while the list still exists: it empties, it does not crash."""
    store = Store.create(tmp_path / "cabinet.passerelle", PASSPHRASE)
    try:
        doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", None, True)
        patient = store.add_patient("Jean Martin", "1961-04-02")
        store.upsert_conversation("c1", patient.id, doctor.id, Category.OTHER,
                                  ConversationState.REQUESTED, T0)
        reader = store.reader()
        inbox, patients = InboxModel(None), PatientsModel()
        watched(inbox)
        watched(patients)
        inbox.set_reader(reader)
        patients.set_reader(reader)
        assert inbox.rowCount() == 1 and patients.rowCount() == 1
        reader.close()
        for model in (inbox, patients):
            model.reload()
            model.fetchMore(QModelIndex())
            assert model.rowCount() == 0
    finally:
        store.close()
