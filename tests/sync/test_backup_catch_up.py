"""A backup made while sync applies pages, and a restore that catches up from a real relay.

A restored store holds the mailbox cursor of the moment of its backup: its first
sync pulls again everything since, and the store's dedup (message ids, the
practice's own messages recognised as sent, conversation upserts) must leave
exactly one copy of each.
"""

from __future__ import annotations

import threading
from pathlib import Path

from desktop.core.model import Category, ConversationState
from desktop.crypto.recovery import new_recovery_key
from desktop.store import backup as bk
from desktop.sync import engine
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _snapshot(store) -> dict[str, object]:
    """What a person would see of the practice: every message once, states, documents."""
    convs = sorted(c.id for c in store.inbox("all", limit=1000))
    messages = {c: [(m.id, m.text, str(m.sender)) for m in store.thread(c, limit=100_000)]
                for c in convs}
    states = {c: str(store.conversation(c).state) for c in convs}
    with store._reading() as c:
        docs = sorted(tuple(r) for r in c.execute(
            "SELECT blob_id, name, state FROM documents").fetchall())
        total = c.execute("SELECT count(*) FROM messages").fetchone()[0]
    return {"messages": messages, "states": states, "documents": docs, "total": total,
            "patients": sorted(p.name for p in store.patients())}


def test_a_restore_after_a_lost_store_catches_up_with_nothing_lost_or_doubled(
    relay, practice, tmp_path: Path
):
    key = new_recovery_key()
    bk.set_recovery_key(practice.store, key)
    folder = tmp_path / "nas"
    folder.mkdir()
    jean = practice.enrol(relay.url, "Jean Martin")
    # Enrolled before the backup: an invitation lives only in the store (its code is
    # what proves the patient's keys), so a patient invited after the last backup
    # would have to be invited again.
    lucie = practice.enrol(relay.url, "Lucie Bernard")
    ws, doctor = practice.workstation, practice.practitioner_id
    conv = jean.request(doctor, Category.OTHER, "Bonjour docteur")
    practice.sync()
    ws.reply(conv, "Bonjour, je vous écoute", doctor)
    practice.sync()
    made = bk.write_backup(practice.store, folder)

    # After the backup: both sides go on writing, a document arrives, a state changes.
    for i in range(5):
        jean.write(conv, f"Après la sauvegarde {i}")
    practice.sync()
    ws.reply(conv, "Réponse après la sauvegarde", doctor)
    ws.change_state(conv, ConversationState.CLOSED, doctor)
    other = lucie.request(doctor, Category.RENEWAL, "Mon renouvellement")
    (tmp_path / "resultats.pdf").write_bytes(PDF)
    lucie.send_document(other, tmp_path / "resultats.pdf", "Mes résultats")
    Sync(ws).once(documents=True)
    before = _snapshot(practice.store)
    assert before["total"] == 10 and len(before["documents"]) == 1

    # The disk dies: the store, its WAL and all are gone.
    path = practice.store.path
    practice.store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    restored = bk.restore_backup(bk.latest_good(folder, key).path, key, path,
                                 "une nouvelle phrase pour le cabinet")
    try:
        assert bk.latest_good(folder, key).path == made.path
        partial = _snapshot(restored)
        assert partial["total"] == 2 and partial["documents"] == []
        Sync(Workstation(restored)).once(documents=True)
        after = _snapshot(restored)
        assert restored.rejected() == []
        assert after == before
        assert restored.outbox_count() == 0
        # A second sync finds nothing new: the cursor moved with what was applied.
        _, applied = Sync(Workstation(restored)).once()
        assert applied.new_messages == [] and _snapshot(restored) == before
    finally:
        restored.close()
        jean.close()
        lucie.close()


def test_a_backup_made_while_sync_applies_pages_is_whole_and_catches_up(
    relay, practice, tmp_path: Path, monkeypatch
):
    # A save per page, so that backups fall between the three pages' saves.
    monkeypatch.setattr(engine, "SAVE_EVENTS", engine.PAGE)
    key = new_recovery_key()
    bk.set_recovery_key(practice.store, key)
    folder = tmp_path / "usb"
    folder.mkdir()
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Première question")
    for i in range(2500):  # three pages of the practice's mailbox
        jean.write(conv, f"message du patient {i}")
    base = _snapshot(practice.store)["total"]

    done = threading.Event()
    errors: list[BaseException] = []

    def sync() -> None:
        try:
            practice.sync()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    backups: list[bk.Backup] = []
    t = threading.Thread(target=sync)
    t.start()
    n = 0
    while not done.is_set():
        backups.append(bk.write_backup(practice.store, folder, step_pages=16))
        n += 1
    t.join()
    assert not errors
    final = _snapshot(practice.store)
    assert final["total"] == base + 2501
    # Each backup checked itself (rows equal to its snapshot); some were made mid-way.
    mid_way = [b for b in backups if base < b.counts["messages"] < final["total"]]
    assert backups and all(b.counts["messages"] <= final["total"] for b in backups)
    assert mid_way, [b.counts["messages"] for b in backups]
    chosen = mid_way[0]

    practice.store.close()
    restored = bk.restore_backup(chosen.path, key, tmp_path / "restored.passerelle",
                                 "une phrase pour la restauration")
    try:
        assert _snapshot(restored)["total"] == chosen.counts["messages"]
        Sync(Workstation(restored)).once()
        assert _snapshot(restored) == final
    finally:
        restored.close()
        jean.close()
