"""Notices through a real relay: a targeted campaign reaches exactly its patients, once each,
even when the workstation is killed in the middle of sending; opted-out patients get no
prevention but do get the practice's news; statistics follow the patients' receipts; the
relay's database never holds a notice's text nor why its patients were chosen.

Real pieces throughout: the relay as a process on loopback (SQLite file), the practice's
SQLCipher store and outbox, patient clients over HTTP, and a workstation process killed
with SIGKILL.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.model import AuditAction
from desktop.core.notices import (
    Audience,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeStatistics,
    RecipientState,
)
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.client import RelayClient
from desktop.sync.engine import Sync
from desktop.sync.notices import NoticeRefused
from desktop.sync.workstation import Workstation
from tests.support.relay import REPO
from tests.support.world import PASSPHRASE

TODAY = date.today()
TITLE = "Dépistage organisé du cancer du sein"
TEXT = "Madame, votre mammographie de dépistage est prise en charge. Zéphyrmammo."
TARGET = Audience(min_age=50, max_age=74, sex="F", tags=("diabète",))


def born(years: int, later_days: int = 0) -> str:
    """The birth date of someone who turns ``years`` today (``later_days`` after today)."""
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return (day + timedelta(days=later_days)).isoformat()


@dataclass
class Person:
    name: str
    born: str
    sex: str
    tags: str
    expected: bool  # in the targeted prevention campaign
    enrolled: bool = True
    client: PatientClient | None = None
    patient_id: str = ""


def people() -> list[Person]:
    return [
        Person("Anne Fifty", born(50), "F", "diabète", True),
        Person("Berthe Soixante", born(60), "F", "asthme,diabète", True),
        Person("Claire Septante", born(70), "F", "diabète", True),
        Person("Denise Veille", born(75, later_days=1), "F", "diabète", True),  # 74 until tomorrow
        Person("Estelle Cinquante-Deux", born(52), "F", "diabète", True),
        Person("Fanny Refus", born(55), "F", "diabète", False),  # will opt out
        Person("Gisèle Pas-Inscrite", born(58), "F", "diabète", False, enrolled=False),
        Person("Hélène Soixante-Quinze", born(75), "F", "diabète", False),  # 75 today
        Person("Irène Quarante-Neuf", born(50, later_days=1), "F", "diabète", False),
        Person("Julie Trente", born(30), "F", "diabète", False),
        Person("Karine Sans-Diabète", born(60), "F", "asthme", False),
        Person("Léa Sans-Étiquette", born(62), "F", "", False),
        Person("Marc Soixante", born(60), "M", "diabète", False),
        Person("Nicolas Cinquante", born(50), "M", "diabète", False),
        Person("Olivier Septante", born(70), "M", "asthme,diabète", False),
        Person("Pierre Jeune", born(25), "M", "", False),
        Person("Quentin Asthme", born(40), "M", "asthme", False),
        Person("Rose Quatre-Vingts", born(80), "F", "diabète", False),
        Person("Sophie Grossesse", born(31), "F", "grossesse", False),
        Person("Thérèse Soixante-Cinq", born(65), "F", "diabète,hypertension", True),
    ]


@pytest.fixture()
def cabinet(relay, practice):
    """The practice with twenty patients, all but one enrolled (one invitation at a time
    would take a sync each: they are all invited, then all redeem, around two syncs)."""
    store, ws = practice.store, practice.workstation
    everyone = people()
    codes = {}
    for person in everyone:
        patient = store.add_patient(person.name, person.born, sex=person.sex, tags=person.tags)
        person.patient_id = patient.id
        if person.enrolled:
            codes[person.name] = ws.invite(patient.id)
    practice.sync()
    for person in everyone:
        if person.enrolled:
            person.client = PatientClient.redeem(relay.url, codes[person.name])
    practice.sync()
    assert sum(store.patient(p.patient_id).enrolled for p in everyone) == 19
    yield practice, everyone
    for person in everyone:
        if person.client is not None:
            person.client.close()


def notice_events(client: PatientClient) -> list[dict]:
    """The notice events in the patient's relay mailbox, raw: a copy delivered twice would
    show here even though the patient's application keeps only one."""
    raw = RelayClient(client.state["relay_url"], client.state["token"])
    try:
        return [e for e in raw.events(None, limit=1000).items if e["kind"] == "notice"]
    finally:
        raw.close()


def kill_while_sending(path: Path, notice_id: str, batch: int) -> str:
    """A workstation process that sends one batch and is then killed with SIGKILL."""
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(REPO)!r})
from desktop.store import Store
from desktop.sync.workstation import Workstation

ws = Workstation(Store.open({str(path)!r}, {PASSPHRASE!r}))

def killed(progress):
    print(progress.handed_over, progress.recipients, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

ws.send_notice_batch({notice_id!r}, batch={batch}, on_progress=killed)
print("not killed", flush=True)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    return proc.stdout.strip()


def test_a_targeted_campaign_reaches_exactly_its_patients_once_despite_a_kill(
    relay, cabinet, tmp_path
):
    practice, everyone = cabinet
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    by_name = {p.name: p for p in everyone}

    # Fanny opts out of preventive notices from her application; the practice learns it.
    fanny = by_name["Fanny Refus"]
    fanny.client.opt_out_of_prevention_notices()
    assert fanny.client.prevention_opt_out
    practice.sync()
    assert store.patient(fanny.patient_id).notices_opt_out
    assert store.audit(patient_id=fanny.patient_id)[0].action is AuditAction.PATIENT_EDITED

    expected = {p.name for p in everyone if p.expected}
    preview = ws.notice_audience(TARGET, NoticeKind.PREVENTION)
    assert {p.name for p in preview} == expected

    notice = Notice.new(NoticeKind.PREVENTION, TITLE, TEXT)
    assert ws.prepare_notice(notice, TARGET, doctor) == len(expected) == 6
    assert store.notice(notice.id).state is NoticeState.PREPARED
    path = store.path
    store.close()

    # The workstation process is killed right after its first batch of two.
    assert kill_while_sending(path, notice.id, batch=2) == "2 6"

    store = Store.open(path, PASSPHRASE)
    try:
        ws = Workstation(store)
        assert store.notice_statistics(notice.id) == NoticeStatistics(
            recipients=6, queued=4, handed_over=2
        )
        assert store.notice(notice.id).state is NoticeState.SENDING
        assert [c.id for c in store.due_notices()] == [notice.id]  # to resume at start-up
        # Worse: the dead process's batch had reached the relay, and is sent again under
        # another key (a lost answer, a second workstation): the relay stores nothing twice.
        [row] = store.outbox_pending(now=datetime.now(UTC) + timedelta(days=1))[-1:]
        client = ws.client()
        assert client.post(row.path, row.body, idempotency_key=str(uuid.uuid4()))["delivered"] == 2
        client.close()

        # Resumed: the four left are sealed and queued; the first two are skipped.
        progress = ws.send_notice_batch(notice.id, batch=2)
        assert (progress.recipients, progress.handed_over, progress.requests) == (6, 6, 2)
        assert progress.done and store.notice(notice.id).state is NoticeState.SENT
        assert store.outbox_failures() == []
        Sync(ws).once()
        assert store.outbox_count() == 0 and store.outbox_failures() == []
        assert store.notice_statistics(notice.id).sent == 6

        # Exactly the right patients have it, once each, and nobody else.
        for person in everyone:
            if person.client is None:
                continue
            events = notice_events(person.client)
            person.client.sync()
            got = person.client.notices()
            if person.name in expected:
                assert len(events) == 1, person.name
                [mine] = got
                assert (mine["id"], mine["title"], mine["text"]) == (notice.id, TITLE, TEXT)
                assert mine["kind"] == "prevention" and not mine["read"]
                # His copy names nobody else: sealed to him and the practice only.
                assert set(mine) == {
                    "id",
                    "kind",
                    "title",
                    "text",
                    "sent_at",
                    "replies_allowed",
                    "reply_conversation_id",
                    "read",
                }
            else:
                assert events == [] and got == [], person.name
            assert person.client.state["rejected"] == []

        # The delivered receipts came back; two read it.
        for name in ("Anne Fifty", "Thérèse Soixante-Cinq"):
            assert by_name[name].client.mark_notice_read(notice.id)
            assert not by_name[name].client.mark_notice_read(notice.id)
        _, applied = Sync(ws).once()
        assert notice.id in applied.notices
        assert store.notice_statistics(notice.id) == NoticeStatistics(
            recipients=6, queued=0, handed_over=6, sent=6, delivered=6, read=2, replies=0
        )
        anne = by_name["Anne Fifty"].patient_id
        assert store.notice_recipient_state(notice.id, anne) is RecipientState.READ
    finally:
        store.close()

    # The relay's database: ciphertext and ids, never the text nor the criteria.
    stored = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("relay.sqlite3*")))
    assert notice.id.encode() in stored  # the check can find what is there
    for secret in (
        TITLE,
        TEXT,
        "Zéphyrmammo",
        "mammographie",
        "diabète",
        "diabete",
        "asthme",
        "prevention",
        "min_age",
        "Fanny",
        "Anne Fifty",
    ):
        assert secret.encode() not in stored, secret
        assert secret.encode("utf-16-le") not in stored, secret


def test_opted_out_patients_still_get_the_practices_news_and_may_answer(relay, cabinet):
    practice, everyone = cabinet
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    by_name = {p.name: p for p in everyone}
    fanny = by_name["Fanny Refus"]
    fanny.client.opt_out_of_prevention_notices()
    practice.sync()

    flu = Notice.new(NoticeKind.PREVENTION, "Grippe", "La campagne de vaccination a commencé.")
    assert ws.prepare_notice(flu, Audience(tags=("diabète",)), doctor) == 13
    closure = Notice.new(
        NoticeKind.PRACTICE_ORGANISATION,
        "Fermeture du cabinet",
        "Le cabinet sera fermé du 1er au 15 août. En cas d'urgence, appelez le 15.",
        replies_allowed=True,
    )
    assert ws.prepare_notice(closure, Audience(), doctor) == 19  # every enrolled patient
    progress = ws.send_due_notices()
    assert [p.notice_id for p in progress] == [flu.id, closure.id]
    assert all(p.done for p in progress)
    practice.sync()
    fanny.client.sync()
    assert [n["id"] for n in fanny.client.notices()] == [closure.id]
    gisele = by_name["Gisèle Pas-Inscrite"]
    assert store.notice_recipient_state(closure.id, gisele.patient_id) is None

    # She answers: an ordinary request to the author, which names the notice inside.
    conversation = fanny.client.reply_to_notice(closure.id, "Et pour mon vaccin, le 16 ?")
    assert fanny.client.notices()[0]["reply_conversation_id"] == conversation
    practice.sync()
    assert store.conversation(conversation).practitioner_id == doctor
    assert store.thread(conversation)[0].text == "Et pour mon vaccin, le 16 ?"
    assert store.notice_statistics(closure.id).replies == 1
    # A notice that takes no replies cannot be answered.
    anne = by_name["Anne Fifty"].client
    anne.sync()
    with pytest.raises(Exception, match="does not take replies"):
        anne.reply_to_notice(flu.id, "Merci")

    # Opting back in reaches the practice too.
    fanny.client.opt_out_of_prevention_notices(False)
    practice.sync()
    assert not store.patient(fanny.patient_id).notices_opt_out


def test_cancel_between_batches_and_resume_or_stop(relay, cabinet):
    practice, everyone = cabinet
    ws = practice.workstation
    notice = Notice.new(NoticeKind.PRACTICE_ORGANISATION, "Nouveaux horaires", "Ouvert le samedi.")
    assert ws.prepare_notice(notice, Audience()) == 19
    stop = threading.Event()
    seen = []

    def after_batch(progress):
        seen.append(progress.handed_over)
        if progress.handed_over >= 10:
            stop.set()

    progress = ws.send_notice_batch(notice.id, batch=5, cancel=stop, on_progress=after_batch)
    assert progress.cancelled and (progress.handed_over, progress.remaining) == (10, 9)
    assert seen[:2] == [5, 10]
    # Later, it goes on from there.
    progress = ws.send_notice_batch(notice.id, batch=5)
    assert progress.done and progress.handed_over == 19 and progress.requests == 2
    again = ws.send_notice_batch(notice.id)  # sent: nothing more to do
    assert again.done and again.requests == 0

    other = Notice.new(NoticeKind.PRACTICE_ORGANISATION, "Parking", "Le parking est fermé.")
    ws.prepare_notice(other, Audience())
    calls = iter([False, True])
    progress = ws.send_notice_batch(other.id, batch=5, cancel=lambda: next(calls))
    assert progress.handed_over == 5
    assert ws.cancel_notice(other.id, practice.practitioner_id) == 14
    with pytest.raises(NoticeRefused, match="cancelled"):
        ws.send_notice_batch(other.id)
    practice.sync()
    got = 0
    for person in everyone:
        if person.client is not None:
            person.client.sync()
            ids = [n["id"] for n in person.client.notices()]
            assert notice.id in ids
            got += other.id in ids
    assert got == 5  # the first batch had gone; the rest never will


def test_scheduled_notices_wait_for_their_time(relay, cabinet):
    practice, _ = cabinet
    store, ws = practice.store, practice.workstation
    later = datetime.now(UTC) + timedelta(hours=2)
    notice = Notice.new(NoticeKind.PREVENTION, "Covid", "Un rappel est recommandé.")
    ws.prepare_notice(notice, Audience(min_age=65), send_after=later)
    assert ws.send_due_notices() == []
    assert (
        store.notice_statistics(notice.id).queued == store.notice_statistics(notice.id).recipients
    )
    [progress] = ws.send_due_notices(later + timedelta(minutes=1))
    assert progress.done


def test_bad_notices_are_refused_and_nothing_is_stored(relay, cabinet):
    practice, _ = cabinet
    store, ws = practice.store, practice.workstation
    nurse = ws.add_practitioner("Paul Infirmier", "Infirmier", accepts_messaging=False)
    template = next(t for t in store.notice_templates() if t.key == "practice_closure")
    cases = [
        (template.notice(), Audience(), None, "blanks"),
        (
            Notice.new("prevention", "T", "x"),
            Audience(min_age=99, max_age=100),
            None,
            "No enrolled",
        ),
        (Notice.new("prevention", "T", "x"), Audience(min_age=80, max_age=20), None, "minimum"),
        (Notice.new("prevention", "T", "x", True), Audience(), None, "accept messaging"),
        (Notice.new("prevention", "T", "x", True), Audience(), nurse.id, "accept messaging"),
    ]
    for notice, audience, author, message in cases:
        with pytest.raises(NoticeRefused, match=message):
            ws.prepare_notice(notice, audience, author)
        assert store.notice(notice.id) is None
    assert store.notices() == []
    with pytest.raises(NoticeRefused, match="No such notice"):
        ws.send_notice_batch(str(uuid.uuid4()))
