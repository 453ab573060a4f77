"""Renewal requests, decisions and prescriptions in the store: the queue, the rules applied
to it, the history of a treatment, and the promises the schema itself keeps."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from desktop.core.errors import InvalidField, StoreError
from desktop.core.model import AuditAction, Category, ConversationState
from desktop.core.renewal import (
    FlagCode,
    PrescriptionLine,
    RenewalDecision,
    RenewalRules,
    RenewalState,
)
from desktop.store import Store, migrations
from tests.store.conftest import PASSPHRASE, Practice, at

TODAY = date(2026, 3, 10)  # a week after the conftest's T0
PDF = b"%PDF-1.7\n% a stand-in for the renderer's bytes\n%%EOF\n"
LEVO = PrescriptionLine("Levothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)
KARD = PrescriptionLine("Kardégic 75 mg", "1 sachet à midi", 90, "3 boîtes", 0)


def uid() -> str:
    return str(uuid.uuid4())


def enrol(practice: Practice, patient_id: str, last_visit: str | None = "2026-01-15") -> None:
    store = practice.store
    store.record_patient_joined(patient_id, uid(), bytes(32), bytes(range(32)))
    store.update_patient(patient_id, last_visit=last_visit)


def ask(practice: Practice, patient: str, *treatments: str, minutes: float = 0, message=""):
    conv = practice.conversation(
        uid(), patient, ConversationState.REQUESTED, Category.RENEWAL, created=minutes
    )
    rid = uid()
    assert practice.store.add_renewal_request(
        rid, conv, patient, practice.doctor, list(treatments), message, at(minutes)
    )
    return rid


def counts(store: Store) -> tuple[int, ...]:
    c = store._conn
    return tuple(
        c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("renewal_requests", "prescriptions", "audit")
    )


def approve(store: Store, rid: str, who: str, lines=(LEVO,), override=None, flags=()):
    decision = RenewalDecision(rid, RenewalState.APPROVED, who, "Voici", flags, override, lines)
    return store.record_renewal_decision(decision, PDF)


def test_the_queue_is_oldest_first_and_pages(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    enrol(practice, practice.lucie)
    later = ask(practice, practice.jean, "Levothyrox", minutes=30, message="Merci docteur")
    first = ask(practice, practice.lucie, "Ventoline", "Seretide", minutes=5)
    middle = ask(practice, practice.jean, "Kardégic", minutes=10)
    assert store.count_pending_renewals() == 3
    queue = store.pending_renewals(today=TODAY)
    assert [q.request.id for q in queue] == [first, middle, later]
    line = queue[0]
    assert line.patient.name == "Lucie Bernard" and line.patient.last_visit == "2026-01-15"
    assert line.request.treatments == ("Ventoline", "Seretide")
    assert line.request.received_at == at(5) and line.last_renewal is None
    assert queue[2].request.message == "Merci docteur"
    assert [q.request.id for q in store.pending_renewals(limit=1, offset=1, today=TODAY)] == [
        middle
    ]
    # A decided request leaves the queue.
    store.record_renewal_decision(
        RenewalDecision(first, RenewalState.DECLINED, practice.doctor, "Consultation nécessaire")
    )
    assert [q.request.id for q in store.pending_renewals(today=TODAY)] == [middle, later]
    assert store.count_pending_renewals() == 2


def test_a_request_is_recorded_once_and_bad_ones_not_at_all(practice: Practice):
    store = practice.store
    conv = practice.conversation(
        "c-r", practice.jean, ConversationState.REQUESTED, Category.RENEWAL
    )
    rid = uid()
    args = (rid, conv, practice.jean, practice.doctor, ["Levothyrox"], "", at(0))
    assert store.add_renewal_request(*args)
    assert not store.add_renewal_request(*args)  # the same page applied twice
    before = counts(store)
    for bad in (
        (uid(), conv, practice.jean, practice.doctor, [], "", at(0)),
        (uid(), conv, practice.jean, practice.doctor, ["x" * 201], "", at(0)),
        (uid(), conv, practice.jean, practice.doctor, [f"T{i}" for i in range(13)], "", at(0)),
        (uid(), "nowhere", practice.jean, practice.doctor, ["Levothyrox"], "", at(0)),
        (uid(), conv, practice.lucie, practice.doctor, ["Levothyrox"], "", at(0)),
        (uid(), conv, practice.jean, "nobody", ["Levothyrox"], "", at(0)),
        ("not-a-uuid", conv, practice.jean, practice.doctor, ["Levothyrox"], "", at(0)),
    ):
        with pytest.raises(StoreError):
            store.add_renewal_request(*bad)
    assert counts(store) == before
    assert store.renewals_of_conversation(conv)[0].id == rid


def test_flags_follow_the_rules_and_the_patient_record_while_the_request_waits(
    practice: Practice,
):
    store = practice.store
    enrol(practice, practice.jean, last_visit="2024-12-01")
    rid = ask(practice, practice.jean, "Xanax 0,25 mg", "Levothyrox")
    flags = store.renewal(rid, TODAY).flags
    assert [(f.code, f.treatment) for f in flags] == [
        (FlagCode.LAST_VISIT_TOO_OLD, None),
        (FlagCode.NEVER_RENEW_REMOTELY, "Xanax 0,25 mg"),
    ]
    # The visit entered in the record clears the first flag.
    store.update_patient(practice.jean, last_visit="2026-02-20")
    [flag] = store.pending_renewals(today=TODAY)[0].request.flags
    assert flag.code is FlagCode.NEVER_RENEW_REMOTELY
    # A practice that renews Xanax remotely takes it off its list.
    store.set_renewal_rules(RenewalRules(12, ("Stilnox",), 14), practice.doctor)
    assert store.renewal(rid, TODAY).flags == ()
    # Revoked: flagged whatever the rules.
    store.revoke_patient(practice.jean)
    assert [f.code for f in store.renewal(rid, TODAY).flags] == [FlagCode.NOT_ENROLLED]


def test_rules_have_defaults_are_checked_and_their_changes_audited(practice: Practice):
    store = practice.store
    assert store.renewal_rules() == RenewalRules()
    assert "Xanax" in store.renewal_rules().never_renew_remotely
    kept = store.set_renewal_rules(
        RenewalRules(None, (" Stilnox ", "stilnox", "Lyrica"), None), practice.doctor
    )
    assert kept == RenewalRules(None, ("Stilnox", "Lyrica"), None)
    with Store.open(store.path, PASSPHRASE) as again:
        assert again.renewal_rules() == kept
    [entry] = store.audit()
    assert entry.action is AuditAction.RENEWAL_RULES_CHANGED and entry.actor_id == practice.doctor
    assert "Lyrica" in entry.detail
    store.set_renewal_rules(kept, practice.doctor)  # no change, no line
    assert len(store.audit()) == 1
    for bad in (RenewalRules(0, ()), RenewalRules(12, ("",)), RenewalRules(12, (), 500)):
        with pytest.raises(StoreError):
            store.set_renewal_rules(bad)
    assert store.renewal_rules() == kept
    # An unreadable setting falls back to the defaults rather than failing the queue.
    store.set_setting("renewal_rule_never_renew_remotely", "{not json")
    assert store.renewal_rules().never_renew_remotely == RenewalRules().never_renew_remotely


def test_an_approval_keeps_its_prescription_and_is_audited(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    rid = ask(practice, practice.jean, "Levothyrox", "Kardégic")
    request = approve(store, rid, practice.doctor, lines=(LEVO, KARD))
    assert request.state is RenewalState.APPROVED and request.decided_by == practice.doctor
    assert request.decided_at is not None and request.prescription_id is not None
    [prescription] = store.prescriptions_of(practice.jean)
    assert prescription.id == request.prescription_id
    assert prescription.lines == (LEVO, KARD) and prescription.renewal_request_id == rid
    assert prescription.size == len(PDF)
    assert prescription.sha256 == hashlib.sha256(PDF).hexdigest()
    assert store.prescription_pdf(prescription.id) == PDF
    entry = store.audit(patient_id=practice.jean)[0]  # after the record's edit
    assert entry.action is AuditAction.RENEWAL_APPROVED
    assert entry.detail == "Levothyrox 75 µg, Kardégic 75 mg"
    assert entry.actor_name == "Dr Claire Dupont" and entry.patient_name == "Jean Martin"


def test_an_override_is_recorded_with_the_flags_it_set_aside(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean, last_visit=None)
    rid = ask(practice, practice.jean, "Levothyrox")
    flags = store.renewal(rid, TODAY).flags
    assert [f.code for f in flags] == [FlagCode.NO_LAST_VISIT]
    with pytest.raises(InvalidField, match="reason"):
        approve(store, rid, practice.doctor, flags=flags)
    request = approve(store, rid, practice.doctor, override="Vu en visite à domicile", flags=flags)
    assert request.override_reason == "Vu en visite à domicile"
    # Once decided, the flags are those recorded, whatever the rules say now.
    store.set_renewal_rules(RenewalRules(None, ()))
    assert store.renewal(rid, TODAY).flags == flags
    entry = store.audit(patient_id=practice.jean)[0]
    assert entry.action is AuditAction.RENEWAL_APPROVED
    assert "no_last_visit" in entry.detail and "Vu en visite à domicile" in entry.detail


def test_a_decision_is_taken_once_and_a_decline_never_has_a_document(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    declined = ask(practice, practice.jean, "Levothyrox")
    decision = RenewalDecision(declined, RenewalState.DECLINED, practice.doctor, "Venez me voir")
    with pytest.raises(StoreError, match="only an approval"):
        store.record_renewal_decision(decision, PDF)
    assert store.renewal(declined).state is RenewalState.RECEIVED
    store.record_renewal_decision(decision)
    before = counts(store)
    with pytest.raises(StoreError, match="already decided"):
        approve(store, declined, practice.doctor)
    with pytest.raises(StoreError, match="already decided"):
        store.record_renewal_decision(decision)
    assert counts(store) == before
    assert store.prescriptions_of(practice.jean) == []

    # The schema refuses it too, whatever code tries.
    c = store._conn
    with pytest.raises(Exception, match="not approved"):
        c.execute(
            "INSERT INTO prescriptions (id, patient_id, renewal_request_id, prescriber_id, "
            "issued_at, treatments, pdf, size, sha256) VALUES (?, ?, ?, ?, ?, '[]', ?, 1, '')",
            (uid(), practice.jean, declined, practice.doctor, "2026-01-01", PDF),
        )
    with pytest.raises(Exception, match="already decided"):
        c.execute("UPDATE renewal_requests SET state = 'received' WHERE id = ?", (declined,))

    approved = ask(practice, practice.jean, "Kardégic")
    approve(store, approved, practice.doctor, lines=(KARD,))
    with pytest.raises(Exception, match="never changed"):
        c.execute("UPDATE prescriptions SET pdf = x'00'")


def test_bad_decisions_store_nothing(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    rid = ask(practice, practice.jean, "Levothyrox")
    before = counts(store)
    with pytest.raises(StoreError, match="No such renewal request"):
        approve(store, uid(), practice.doctor)
    with pytest.raises(StoreError, match="No such practitioner"):
        approve(store, rid, "nobody")
    with pytest.raises(StoreError, match="comes with its prescription"):
        store.record_renewal_decision(
            RenewalDecision(rid, RenewalState.APPROVED, practice.doctor, "", (), None, (LEVO,))
        )
    with pytest.raises(StoreError, match="must be a PDF"):
        store.record_renewal_decision(
            RenewalDecision(rid, RenewalState.APPROVED, practice.doctor, "", (), None, (LEVO,)),
            b"<html>",
        )
    with pytest.raises(StoreError, match="512 KiB"):
        store.record_renewal_decision(
            RenewalDecision(rid, RenewalState.APPROVED, practice.doctor, "", (), None, (LEVO,)),
            PDF + bytes(512 * 1024),
        )
    assert counts(store) == before
    assert store.renewal(rid).state is RenewalState.RECEIVED


def test_the_history_of_a_treatment_and_its_last_renewal(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    enrol(practice, practice.lucie)
    first = ask(practice, practice.jean, "Levothyrox", minutes=1)
    approve(store, first, practice.doctor, lines=(LEVO, KARD))
    second = ask(practice, practice.jean, "Levothyrox", minutes=2)
    approve(store, second, practice.doctor, lines=(LEVO,))
    other = ask(practice, practice.lucie, "Levothyrox", minutes=3)
    approve(store, other, practice.doctor, lines=(LEVO,))

    history = store.renewal_history(practice.jean, ["lévothyrox"])
    assert [p.renewal_request_id for p in history] == [second, first]
    assert [
        p.renewal_request_id for p in store.renewal_history(practice.jean, ["Kardegic 75"])
    ] == [first]
    assert store.renewal_history(practice.jean, ["Doliprane"]) == []
    assert store.last_renewal_date(practice.jean, "Levothyrox") == history[0].issued_at
    assert store.last_renewal_date(practice.jean, ["Doliprane", "Kardégic"]) == history[1].issued_at
    assert store.last_renewal_date(practice.jean, "Doliprane") is None
    assert len(store.prescriptions_of(practice.jean)) == 2

    # The queue shows when a requested treatment was last renewed, and the early flag.
    again = ask(practice, practice.jean, "Kardégic", minutes=4)
    [line] = store.pending_renewals(today=TODAY)
    assert line.request.id == again and line.last_renewal == history[1].issued_at
    assert [f.code for f in line.request.flags] == [FlagCode.STILL_COVERED]
    assert store.renewals_of_patient(practice.jean)[0].id == again


def test_a_signature_image_is_kept_with_the_practitioner(practice: Practice):
    store = practice.store
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert store.signature(practice.doctor) is None
    store.set_signature(practice.doctor, png)
    assert store.signature(practice.doctor) == png
    for bad in (b"GIF89a", b"\x89PNG\r\n\x1a\n" + bytes(300 * 1024)):
        with pytest.raises(StoreError):
            store.set_signature(practice.doctor, bad)
    with pytest.raises(StoreError, match="No such practitioner"):
        store.set_signature("nobody", png)
    store.set_signature(practice.doctor, None)
    assert store.signature(practice.doctor) is None


def test_treatments_and_prescriptions_are_not_readable_on_disk(practice: Practice, store_path):
    store = practice.store
    enrol(practice, practice.jean)
    rid = ask(practice, practice.jean, "Zolpidemoxyl-XYZZY", message="QWERTY-secret")
    line = PrescriptionLine("Zolpidemoxyl-XYZZY 10 mg", "1 le soir", 30, "1 boîte", 0)
    approve(store, rid, practice.doctor, lines=(line,), override="vu", flags=())
    store._conn.execute("PRAGMA wal_checkpoint(FULL)").fetchall()
    for path in store_path.parent.iterdir():
        data = path.read_bytes()
        for needle in (b"XYZZY", b"QWERTY", b"a stand-in for the renderer"):
            assert needle not in data, (needle, path.name)


def test_a_version_2_store_gains_the_renewal_tables_with_its_data_intact(store_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
    with Store.create(store_path, PASSPHRASE) as old:
        jean = old.add_patient("Jean Martin", "1961-04-02")
        assert old._conn.execute("PRAGMA user_version").fetchone()[0] == 2
    monkeypatch.undo()
    with Store.open(store_path, PASSPHRASE) as store:
        # Up to the newest version: V3 (renewals) and whatever came after it.
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(
            migrations.MIGRATIONS
        )
        assert store.patient(jean.id) == jean
        assert store.count_pending_renewals() == 0
        assert store.prescriptions_of(jean.id) == []
        assert store.renewal_rules() == RenewalRules()


def test_decision_times_are_utc(practice: Practice):
    store = practice.store
    enrol(practice, practice.jean)
    rid = ask(practice, practice.jean, "Levothyrox")
    before = datetime.now(UTC)
    request = approve(store, rid, practice.doctor)
    assert before - timedelta(seconds=1) <= request.decided_at <= datetime.now(UTC)
    assert request.decided_at.tzinfo is not None
