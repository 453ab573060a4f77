"""Notices in the store: recipients recorded once, states that only move forward, statistics,
the templates a new store starts with, and the criteria kept only inside the encrypted file."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.core.notices import (
    Audience,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeStatistics,
    NoticeTemplate,
    RecipientState,
)
from desktop.store import Store, migrations
from tests.store.conftest import PASSPHRASE, T0, Practice


def uid() -> str:
    return str(uuid.uuid4())


def enrolled(practice: Practice, n: int) -> list[str]:
    ids = []
    for i in range(n):
        p = practice.store.add_patient(f"Patiente {i:02d}", "1960-05-01", sex="F", tags="diabète")
        practice.store.record_patient_joined(p.id, uid(), bytes([i]) * 32, bytes(32))
        ids.append(p.id)
    return ids


def notice(kind=NoticeKind.PREVENTION, replies=False) -> Notice:
    return Notice.new(kind, "Dépistage du cancer du sein", "Madame, une mammographie…", replies)


def test_a_new_store_has_the_campaign_templates_and_they_are_the_practices_to_edit(store):
    found = store.notice_templates()
    assert [t.key for t in found] == [
        "flu_vaccination",
        "covid_booster",
        "colorectal_screening",
        "breast_screening",
        "cervical_screening",
        "practice_closure",
        "new_opening_hours",
    ]
    breast = found[3]
    assert breast.audience == Audience(50, 74, "F") and breast.kind is NoticeKind.PREVENTION
    changed = store.save_notice_template(
        NoticeTemplate(
            breast.kind, breast.title, breast.text + " Merci.", Audience(50, 70, "F"), id=breast.id
        )
    )
    assert changed.text.endswith("Merci.") and changed.audience.max_age == 70
    assert changed.key == "breast_screening"
    mine = store.save_notice_template(
        NoticeTemplate(NoticeKind.PRACTICE_ORGANISATION, "Parking", "Le parking est fermé.")
    )
    assert store.notice_templates()[-1] == mine and mine.key is None
    store.delete_notice_template(found[0].id)
    assert len(store.notice_templates()) == 7
    with pytest.raises(StoreError):
        store.save_notice_template(NoticeTemplate(NoticeKind.PREVENTION, "", "texte"))
    with pytest.raises(StoreError):
        store.delete_notice_template(found[0].id)


def test_recipients_move_forward_only_and_the_statistics_follow(practice: Practice):
    store = practice.store
    ids = enrolled(practice, 6)
    n = notice(replies=True)
    audience = Audience(50, 74, "F", ("diabète",))
    assert store.add_notice(n, audience, ids, practice.doctor) == 6
    campaign = store.notice(n.id)
    assert campaign.state is NoticeState.PREPARED and campaign.audience == audience.checked()
    assert store.notice_statistics(n.id) == NoticeStatistics(recipients=6, queued=6)
    assert store.audit()[0].action is AuditAction.NOTICE_PREPARED

    first = store.queued_notice_recipients(n.id, 4)
    assert [r.patient_id for r in first] == sorted(ids)[:4]
    with store.transaction():
        outbox = store.enqueue("POST", f"/v1/notices/{n.id}/deliveries", {"items": []})
        store.hand_over_notice(n.id, [r.patient_id for r in first], outbox)
    # Handed over once only: a second hand-over of the same recipients changes nothing.
    with pytest.raises(StoreError), store.transaction():
        other = store.enqueue("POST", f"/v1/notices/{n.id}/deliveries", {"items": [1]})
        store.hand_over_notice(n.id, [first[0].patient_id], other)
    assert store.outbox_count() == 1
    assert [r.patient_id for r in store.queued_notice_recipients(n.id, 10)] == sorted(ids)[4:]
    assert store.notice_statistics(n.id) == NoticeStatistics(6, 2, 4, 0)
    store.outbox_done(outbox)  # the relay took the batch
    a, b, c = (r.patient_id for r in first[:3])
    assert store.record_notice_receipt(n.id, a, "delivered")
    assert store.record_notice_receipt(n.id, a, "read")
    assert not store.record_notice_receipt(n.id, a, "delivered")  # never back
    assert store.record_notice_receipt(n.id, b, RecipientState.READ)  # read before delivered
    assert not store.record_notice_receipt(n.id, sorted(ids)[5], "read")  # still queued
    assert store.record_notice_reply(n.id, c, uid())
    assert not store.record_notice_reply(n.id, c, uid())  # once
    assert store.notice_recipient_state(n.id, a) is RecipientState.READ
    assert store.notice_statistics(n.id) == NoticeStatistics(
        recipients=6, queued=2, handed_over=4, sent=4, delivered=2, read=2, replies=1
    )


def test_a_notice_without_replies_counts_none(practice: Practice):
    store = practice.store
    [pid] = enrolled(practice, 1)
    n = notice()
    store.add_notice(n, Audience(), [pid])
    with store.transaction():
        store.hand_over_notice(n.id, [pid], store.enqueue("POST", "/v1/x", {}))
    assert not store.record_notice_reply(n.id, pid, uid())
    assert store.notice_statistics(n.id).replies == 0


def test_bad_notices_are_refused_and_leave_nothing(practice: Practice):
    store = practice.store
    ids = enrolled(practice, 2)
    n = notice()
    for bad in (
        lambda: store.add_notice(n, Audience(), [ids[0], ids[0]]),
        lambda: store.add_notice(n, Audience(), [ids[0], uid()]),
        lambda: store.add_notice(n, Audience(min_age=80, max_age=20), ids),
        lambda: store.add_notice(n, Audience(), ids, author_id=uid()),
    ):
        with pytest.raises(StoreError):
            bad()
        assert store.notice(n.id) is None
    store.add_notice(n, Audience(), ids)
    with pytest.raises(StoreError, match="already prepared"):
        store.add_notice(n, Audience(), ids)


def test_due_notices_honour_send_after_and_cancel_drops_the_queued(practice: Practice):
    store = practice.store
    ids = enrolled(practice, 3)
    now, later = notice(), notice()
    store.add_notice(now, Audience(), ids)
    store.add_notice(later, Audience(), ids, send_after=T0 + timedelta(days=365 * 20))
    assert [c.id for c in store.due_notices()] == [now.id]
    assert {c.id for c in store.due_notices(T0 + timedelta(days=365 * 21))} == {now.id, later.id}
    with store.transaction():
        store.hand_over_notice(now.id, ids[:1], store.enqueue("POST", "/v1/x", {}))
    assert store.cancel_notice(now.id, practice.doctor) == 2
    assert store.notice(now.id).state is NoticeState.CANCELLED
    assert store.notice_statistics(now.id).recipients == 1  # the one handed over
    assert store.audit()[0].action is AuditAction.NOTICE_CANCELLED
    assert store.cancel_notice(now.id) == 0
    assert [c.id for c in store.due_notices(T0 + timedelta(days=365 * 21))] == [later.id]


def test_the_criteria_and_the_text_stay_inside_the_encrypted_file(practice: Practice, store_path):
    store = practice.store
    ids = enrolled(practice, 2)
    n = Notice.new(NoticeKind.PREVENTION, "Campagne zygomorphe", "Texte xylophage unique")
    store.add_notice(n, Audience(50, 74, "F", ("polyarthrite",)), ids)
    store.close()
    for suffix in ("", "-wal", "-shm"):
        path = store_path.with_name(store_path.name + suffix)
        if path.exists():
            raw = path.read_bytes()
            for word in (b"zygomorphe", b"xylophage", b"polyarthrite", b"SQLite format 3"):
                assert word not in raw
    reopened = Store.open(store_path, PASSPHRASE)
    try:
        assert reopened.notice(n.id).audience.tags == ("polyarthrite",)
    finally:
        reopened.close()


def test_v4_upgrades_a_v3_store_with_the_templates(tmp_path, monkeypatch):
    path = tmp_path / "old.passerelle"
    # A V3 store as an older Passerelle left it.
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
    store = Store.create(path, PASSPHRASE)
    c = store._conn
    assert c.execute("PRAGMA user_version").fetchone()[0] == 3
    store.close()
    monkeypatch.undo()
    store = Store.open(path, PASSPHRASE)
    try:
        assert c is not store._conn
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(
            migrations.MIGRATIONS
        )
        assert len(store.notice_templates()) == 7
    finally:
        store.close()
