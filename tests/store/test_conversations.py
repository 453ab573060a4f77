"""Patients, conversations and messages as the inbox and a thread show them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.core.errors import StoreError
from desktop.core.model import Category, ConversationState, DeliveryState, Sender
from desktop.store import Store
from tests.store.conftest import PASSPHRASE, Practice, at

# -- people ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "born"),
    [
        ("", "1961-04-02"),
        ("   ", "1961-04-02"),
        ("Jean Martin", "02/04/1961"),
        ("Jean Martin", "19610402"),
        ("Jean Martin", "1961-02-30"),
        ("Jean Martin", (date.today() + timedelta(days=1)).isoformat()),
    ],
)
def test_a_patient_needs_a_name_and_a_real_past_date_of_birth(store, name, born):
    with pytest.raises(StoreError):
        store.add_patient(name, born)
    assert store.patients() == []


def test_patients_are_listed_by_name(store):
    store.add_patient("lucie Bernard", "1990-12-24")
    store.add_patient("  Jean Martin ", date(1961, 4, 2))
    assert [(p.name, p.born) for p in store.patients()] == [
        ("Jean Martin", "1961-04-02"),
        ("lucie Bernard", "1990-12-24"),
    ]


def test_a_patient_joining_then_revoked(practice: Practice):
    store = practice.store
    enc, sign = b"e" * 32, b"s" * 32
    assert store.patient_keys(practice.jean) is None
    store.record_patient_joined(practice.jean, "relay-jean", enc, sign)
    jean = store.patient_by_relay_id("relay-jean")
    assert jean is not None and jean.id == practice.jean and jean.enrolled
    assert store.patient_keys(practice.jean) == (enc, sign)
    store.revoke_patient(practice.jean)
    assert not store.patient(practice.jean).enrolled
    assert store.patient_keys(practice.jean) == (enc, sign)  # still verifies his old messages
    with pytest.raises(StoreError):
        store.record_patient_joined(practice.lucie, "relay-jean", enc, sign)


def test_practitioners_and_their_messaging_switch(practice: Practice):
    store = practice.store
    assert [p.name for p in store.practitioners()] == ["Dr Claire Dupont", "Paul Infirmier"]
    assert not store.practitioner(practice.nurse).accepts_messaging
    store.set_accepts_messaging(practice.nurse, True)
    assert store.practitioner(practice.nurse).accepts_messaging
    with pytest.raises(StoreError):
        store.set_accepts_messaging("not-a-practitioner", True)


def test_an_invitation_is_kept_and_redeemed(practice: Practice):
    store = practice.store
    store.add_invitation(
        "6f1d0c1e-8a44-4d6b-9a5e-0d1b2c3d4e5f", practice.jean, "ABCD-EFGH", at(60 * 24)
    )
    inv = store.invitation("6f1d0c1e-8a44-4d6b-9a5e-0d1b2c3d4e5f")
    assert inv.patient_id == practice.jean and inv.code == "ABCD-EFGH"
    assert inv.expires_at == at(60 * 24) and inv.usable(at(0))
    store.mark_invitation_redeemed(inv.id)
    assert not store.invitation(inv.id).usable(at(0))
    assert store.invitation("00000000-0000-0000-0000-000000000000") is None


# -- messages ----------------------------------------------------------------


def test_a_message_is_stored_once(practice: Practice):
    conv = practice.conversation("c-1")
    assert practice.from_patient(conv, "m-1", "Bonjour docteur", 1) is True
    assert practice.from_patient(conv, "m-1", "Bonjour docteur", 1) is False
    assert practice.from_patient(conv, "m-1", "un autre texte", 5) is False
    assert [m.text for m in practice.store.thread(conv)] == ["Bonjour docteur"]
    assert practice.store.conversation(conv).unread == 1


def test_a_message_for_an_unknown_conversation_is_refused(practice: Practice):
    with pytest.raises(StoreError, match="conversation"):
        practice.store.add_message(
            "m-1",
            "no-such-conversation",
            Sender.PATIENT,
            practice.jean,
            "Bonjour",
            at(1),
            DeliveryState.DELIVERED,
        )
    assert practice.store.message("m-1") is None


def test_unread_counts_follow_patient_messages_and_reading(practice: Practice):
    store = practice.store
    conv = practice.conversation("c-1")
    practice.from_patient(conv, "m-1", "Bonjour", 1)
    practice.from_practice(conv, "m-2", "Bonjour, que puis-je faire ?", 2)
    practice.from_patient(conv, "m-3", "Mon ordonnance", 3)
    practice.from_patient(conv, "m-4", "Merci", 4)
    line = store.conversation(conv)
    assert line.unread == 3  # the practice's own reply is never "unread"
    assert line.last_preview == "Merci" and line.last_sender is Sender.PATIENT
    assert line.last_message_at == at(4)

    assert store.mark_conversation_read(conv) == ["m-1", "m-3", "m-4"]
    assert store.conversation(conv).unread == 0
    assert store.mark_conversation_read(conv) == []
    read = {m.id: m for m in store.thread(conv)}
    assert read["m-3"].read_at is not None and read["m-3"].delivery is DeliveryState.READ
    assert read["m-2"].read_at is None

    practice.from_patient(conv, "m-5", "Encore une question", 5)
    assert store.conversation(conv).unread == 1


def test_a_late_older_message_does_not_become_the_last_one(practice: Practice):
    conv = practice.conversation("c-1")
    practice.from_practice(conv, "m-2", "Réponse\nsur deux lignes", 10)
    practice.from_patient(conv, "m-1", "Question envoyée hors ligne hier", 5)
    line = practice.store.conversation(conv)
    assert line.last_preview == "Réponse sur deux lignes"
    assert line.last_message_at == at(10) and line.last_sender is Sender.PRACTICE
    assert line.unread == 1
    assert [m.id for m in practice.store.thread(conv)] == ["m-1", "m-2"]


def test_the_preview_is_one_short_line(practice: Practice):
    conv = practice.conversation("c-1")
    practice.from_patient(conv, "m-1", "Bonjour,\r\n" + "très long message " * 50, 1)
    preview = practice.store.conversation(conv).last_preview
    assert preview.startswith("Bonjour,  très long") and "\n" not in preview
    assert len(preview) <= 140


def test_delivery_only_moves_forward(practice: Practice):
    store = practice.store
    conv = practice.conversation("c-1")
    practice.from_practice(conv, "m-1", "un", 1)
    practice.from_practice(conv, "m-2", "deux", 2)
    practice.from_patient(conv, "m-3", "trois", 3)
    assert store.set_delivery(["m-1", "m-2", "m-3", "nope"], DeliveryState.SENT) == ["m-1", "m-2"]
    assert store.set_delivery(["m-1"], DeliveryState.SENT) == []
    assert store.set_delivery(["m-2", "m-1"], DeliveryState.READ) == ["m-2", "m-1"]
    assert store.set_delivery(["m-1"], DeliveryState.DELIVERED) == []  # a late receipt
    by_id = {m.id: m for m in store.thread(conv)}
    assert by_id["m-1"].delivery is DeliveryState.READ and by_id["m-1"].read_at is not None
    # A receipt naming the patient's own message changes nothing.
    assert by_id["m-3"].delivery is DeliveryState.DELIVERED
    assert store.conversation(conv).unread == 1


def test_a_large_receipt_is_applied_whole(practice: Practice):
    conv = practice.conversation("c-1")
    ids = [f"m-{i:04}" for i in range(1200)]
    practice.store.add_messages_bulk(
        (i, conv, "practice", practice.doctor, f"texte {i}", at(n), "sent")
        for n, i in enumerate(ids)
    )
    assert practice.store.set_delivery(ids, DeliveryState.DELIVERED) == ids


def test_a_thread_is_the_last_messages_oldest_first_and_pages_back(practice: Practice):
    store = practice.store
    conv = practice.conversation("c-1")
    other = practice.conversation("c-2", patient=practice.lucie)
    for i in range(250):
        practice.from_patient(conv, f"m-{i:03}", f"message {i}", i // 2)  # pairs share a time
    practice.from_patient(other, "x-1", "ailleurs", 1)
    page = store.thread(conv, limit=100)
    assert [m.id for m in page] == [f"m-{i:03}" for i in range(150, 250)]
    older = store.thread(conv, limit=100, before=page[0].id)
    assert [m.id for m in older] == [f"m-{i:03}" for i in range(50, 150)]
    oldest = store.thread(conv, limit=100, before=older[0].id)
    assert [m.id for m in oldest] == [f"m-{i:03}" for i in range(50)]
    assert [m.id for m in store.thread(conv, limit=3, before=at(2))] == ["m-001", "m-002", "m-003"]
    assert store.thread("no-such-conversation") == []


def test_bulk_messages_feed_the_inbox_and_search_like_single_ones(practice: Practice):
    store = practice.store
    conv = practice.conversation("c-1")
    rows = [
        (f"m-{i}", conv, "patient", practice.jean, f"résultats numéro {i}", at(i), "delivered")
        for i in range(10)
    ]
    rows.append(("m-read", conv, "patient", practice.jean, "déjà lu", at(20), "read", at(21)))
    assert store.add_messages_bulk(rows) == 11
    assert store.add_messages_bulk(rows) == 0
    line = store.conversation(conv)
    assert line.unread == 10 and line.last_preview == "déjà lu"
    assert len(store.search("resultats")) == 10


# -- conversations and the inbox ---------------------------------------------


def test_upsert_conversation_is_idempotent_and_keeps_a_later_state(practice: Practice):
    store = practice.store
    assert (
        store.upsert_conversation(
            "c-1",
            practice.jean,
            practice.doctor,
            Category.RENEWAL,
            ConversationState.REQUESTED,
            at(0),
        )
        is True
    )
    store.set_conversation_state("c-1", ConversationState.OPEN)
    assert (
        store.upsert_conversation(
            "c-1", practice.jean, practice.doctor, "renewal", "requested", at(0)
        )
        is False
    )
    line = store.conversation("c-1")
    assert line.state is ConversationState.OPEN and line.category is Category.RENEWAL
    assert line.patient_name == "Jean Martin"


@pytest.mark.parametrize(
    "bad",
    [
        {"category": "gossip"},
        {"state": "archived"},
        {"patient_id": "nobody"},
        {"practitioner_id": "nobody"},
    ],
)
def test_upsert_conversation_refuses_what_it_cannot_show(practice: Practice, bad):
    args = {
        "id": "c-1",
        "patient_id": practice.jean,
        "practitioner_id": practice.doctor,
        "category": "other",
        "state": "open",
        "created_at": at(0),
    }
    args.update(bad)
    with pytest.raises(StoreError):
        practice.store.upsert_conversation(**args)
    assert practice.store.conversation("c-1") is None


def _inbox_ids(store, filter="all", **kw):
    return [c.id for c in store.inbox(filter, limit=100, **kw)]


def test_inbox_filters(practice: Practice):
    store = practice.store
    p = practice
    p.conversation("requested", state=ConversationState.REQUESTED, created=1)
    p.from_patient("requested", "m-r", "Puis-je avoir un rendez-vous ?", 1)
    p.conversation("unread", created=2)
    p.from_patient("unread", "m-u", "Résultats joints", 2)
    p.conversation("waiting", created=3, patient=p.lucie)
    p.from_patient("waiting", "m-w1", "Une question", 3)
    store.mark_conversation_read("waiting")  # read, but still not answered
    p.conversation("answered", created=4)
    p.from_patient("answered", "m-a1", "Merci", 4)
    store.mark_conversation_read("answered")
    p.from_practice("answered", "m-a2", "Avec plaisir", 5)
    p.conversation("closed", state=ConversationState.CLOSED, created=6)
    p.conversation("declined", state=ConversationState.DECLINED, created=7)
    store.assign("unread", p.nurse)

    assert _inbox_ids(store) == ["declined", "closed", "answered", "waiting", "unread", "requested"]
    assert _inbox_ids(store, "to_process") == ["waiting", "unread", "requested"]
    assert _inbox_ids(store, "requested") == ["requested"]
    assert _inbox_ids(store, "open") == ["answered", "waiting", "unread"]
    assert _inbox_ids(store, "closed") == ["declined", "closed"]
    assert _inbox_ids(store, "assigned") == ["unread"]
    assert _inbox_ids(store, "assigned", practitioner_id=p.nurse) == ["unread"]
    assert _inbox_ids(store, "assigned", practitioner_id=p.doctor) == []
    # On the doctor's desk: everything addressed to her except what she handed over.
    assert "unread" not in _inbox_ids(store, practitioner_id=p.doctor)
    assert _inbox_ids(store, "to_process", practitioner_id=p.nurse) == ["unread"]
    for f in ("all", "to_process", "requested", "open", "closed", "assigned"):
        assert store.count_inbox(f) == len(_inbox_ids(store, f))
    assert store.count_inbox("to_process", practitioner_id=p.nurse) == 1
    with pytest.raises(StoreError, match="Unknown inbox filter"):
        store.inbox("spam")


def test_the_inbox_pages_without_gaps_or_repeats(practice: Practice):
    for i in range(23):
        practice.conversation(f"c-{i:02}", created=0)  # all at the same time: ties
        if i % 3:
            practice.from_patient(f"c-{i:02}", f"m-{i}", "texte", 10 + i)
    pages = [practice.store.inbox("all", limit=10, offset=o) for o in (0, 10, 20)]
    ids = [c.id for page in pages for c in page]
    assert [len(p) for p in pages] == [10, 10, 3]
    assert len(set(ids)) == 23
    assert ids[0] == "c-22"  # the newest message first
    activity = [c.last_message_at for c in pages[0]]
    assert activity == sorted(activity, reverse=True)


def test_a_new_conversation_without_messages_shows_at_its_creation_time(practice: Practice):
    practice.conversation("old", created=0)
    practice.from_patient("old", "m-1", "ancien", 1)
    practice.conversation("new", created=30)
    assert _inbox_ids(practice.store) == ["new", "old"]
    assert practice.store.conversation("new").last_message_at is None


def test_assign_needs_a_real_practitioner_and_can_be_undone(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    with pytest.raises(StoreError):
        store.assign("c-1", "nobody")
    store.assign("c-1", practice.nurse)
    assert store.conversation("c-1").assigned_to == practice.nurse
    store.assign("c-1", None)
    assert store.conversation("c-1").assigned_to is None
    with pytest.raises(StoreError):
        store.assign("no-such-conversation", practice.nurse)


def test_a_conversation_s_messages_are_stored_together(practice: Practice):
    """Why a thread reads few pages: a conversation's messages are neighbours."""
    a, b = practice.conversation("c-a"), practice.conversation("c-b")
    for i in range(30):
        practice.from_patient(a, f"a-{i}", "a", i)
        practice.from_patient(b, f"b-{i}", "b", i)
    rowids = dict(practice.store._conn.execute("SELECT id, rowid FROM messages"))
    a_ids = sorted(rowids[f"a-{i}"] for i in range(30))
    assert a_ids == list(range(a_ids[0], a_ids[0] + 30))


def test_a_conversation_whose_block_is_full_still_takes_messages(practice: Practice):
    from desktop.store.conversations import CONVERSATION_BITS

    conv = practice.conversation("c-1")
    practice.conversation("c-2")
    num = practice.store._conn.execute("SELECT num FROM conversations WHERE id = 'c-1'").fetchone()[
        0
    ]
    last = ((num + 1) << CONVERSATION_BITS) - 1
    practice.store._conn.execute(
        "INSERT INTO messages (rowid, id, conversation_id, sender, author, body, sent_at, "
        "received_at, delivery) VALUES (?, 'm-last', 'c-1', 'patient', 'x', 'plein', "
        "'2026-03-02T09:00:00.000000Z', '2026-03-02T09:00:00.000000Z', 'delivered')",
        (last,),
    )
    assert practice.from_patient(conv, "m-next", "encore un", 5)
    assert practice.from_patient("c-2", "m-other", "ailleurs", 6)
    assert [m.id for m in practice.store.thread(conv)] == ["m-last", "m-next"]
    assert [m.id for m in practice.store.thread("c-2")] == ["m-other"]


def test_a_run_of_messages_leaves_what_they_leave_one_by_one(tmp_path, practice: Practice):
    """A page of a sync goes in as one run (the index and the summaries kept once for the
    run, not by the triggers row by row): inbox, unread counts, previews and search come
    out as if the messages had come one by one, whatever their order."""
    one_by_one = Store.create(tmp_path / "un-par-un.passerelle", PASSPHRASE)
    try:
        stores = (practice.store, one_by_one)
        for s in stores[1:]:
            s.add_practitioner("Dr Claire Dupont", "Médecin", None, True)
        for s in stores:
            doctor = s.practitioners()[0].id
            for patient in ("Jean", "Lucie"):
                pid = s.add_patient(patient, "1961-04-02").id
                s.upsert_conversation(f"c-{patient}", pid, doctor, "other", "open", at(0))
            # Before the run: a summary the run must respect (a later message already there).
            s.add_message("avant", "c-Lucie", Sender.PATIENT, s.conversation("c-Lucie").patient_id,
                          "Déjà là, plus récent", at(500), DeliveryState.DELIVERED)
        patients = {c: practice.store.conversation(c).patient_id for c in ("c-Jean", "c-Lucie")}
        rows = []
        for n in range(40):  # interleaved, with an older one late, ties and line breaks
            conv = ("c-Jean", "c-Lucie")[n % 3 == 0]
            minutes = 100 - n if n == 17 else n // 2
            rows.append((f"m-{n}", conv, "patient", patients[conv],
                         f"ordonnance\r\nnuméro {n}  ", at(minutes), "delivered"))
        rows.append(("m-ours", "c-Jean", "practice", practice.doctor, "Réponse du cabinet",
                     at(83), "sent"))  # the same time as m-17: the later one wins
        rows.append(("m-0", "c-Jean", "patient", patients["c-Jean"], "doublon", at(50),
                      "delivered"))

        assert practice.store.add_messages_once(rows) == [r[0] for r in rows[:-1]]
        for r in rows:
            s = one_by_one
            pid = s.conversation(r[1]).patient_id if r[2] == "patient" else r[3]
            s.add_message(r[0], r[1], r[2], pid, r[4], r[5], r[6])

        for conv in ("c-Jean", "c-Lucie"):
            run, single = (s.conversation(conv) for s in stores)
            assert (run.last_preview, run.last_sender, run.last_message_at, run.unread) == (
                single.last_preview, single.last_sender, single.last_message_at, single.unread)
        assert [c.id for c in practice.store.inbox("all")] == [
            c.id for c in one_by_one.inbox("all")]
        assert practice.store.conversation("c-Jean").last_preview == "Réponse du cabinet"
        assert practice.store.conversation("c-Lucie").last_preview == "Déjà là, plus récent"
        for words in ("ordonnance", "numéro 17", "cabinet", "doublon"):
            found = sorted(h.message.id for h in practice.store.search(words, limit=100))
            assert found == sorted(h.message.id for h in one_by_one.search(words, limit=100))
        assert len(practice.store.search("ordonnance", limit=100)) == 40
        # The index is whole, and the triggers are back for whatever comes next.
        practice.store._conn.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
        practice.from_patient("c-Jean", "après", "Après la page", 900)
        assert practice.store.conversation("c-Jean").last_preview == "Après la page"
        assert [h.message.id for h in practice.store.search("après la page", limit=5)] == ["après"]
    finally:
        one_by_one.close()
