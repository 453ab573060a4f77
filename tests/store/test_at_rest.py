"""Nothing readable on disk: the file, its WAL and its shared-memory index."""

from __future__ import annotations

from pathlib import Path

from desktop.core.model import Category, ConversationState
from tests.store.conftest import Practice

NAME = "Zéphyrine Quatremère-Lavoisier"
TEXT = "Renouvellement de lévothyroxine XYZZY-4711 pour l'hypothyroïdie"
SECRET = b"relay-token-QWERTY-8472"


def _forms(text: str) -> list[bytes]:
    """The ways a string could sit in a file: UTF-8, UTF-16 either way, and a distinctive part."""
    return [
        text.encode("utf-8"),
        text.encode("utf-16-le"),
        text.encode("utf-16-be"),
        text.split()[-1].encode("utf-8"),
    ]


def _assert_unreadable(path: Path) -> None:
    data = path.read_bytes()
    assert b"SQLite format 3" not in data, path.name
    for needle in [*_forms(NAME), *_forms(TEXT), SECRET, b"Quatremere", b"XYZZY"]:
        assert needle not in data, f"{needle!r} readable in {path.name}"


def test_file_wal_and_shm_hold_no_patient_text_while_open(practice: Practice, store_path):
    store = practice.store
    patient = store.add_patient(NAME, "1948-07-14")
    store.set_secret("relay_token", SECRET)
    store.upsert_conversation(
        "c-1", patient.id, practice.doctor, Category.RENEWAL, ConversationState.REQUESTED
    )
    practice.from_patient("c-1", "m-1", TEXT, 1)
    practice.from_practice("c-1", "m-2", f"Bien reçu {NAME}, {TEXT}", 2)
    assert {h.message.id for h in store.search("lévothyroxine")} == {"m-1", "m-2"}

    # The store is still open and nothing has checkpointed: the recent writes
    # are in the WAL, the place a careless setup would leave them in clear.
    wal, shm = Path(str(store_path) + "-wal"), Path(str(store_path) + "-shm")
    assert wal.exists() and wal.stat().st_size > 0
    assert shm.exists()
    for path in (store_path, wal, shm):
        _assert_unreadable(path)

    store.close()
    assert not wal.exists()  # checkpointed into the file on close
    _assert_unreadable(store_path)


def test_a_reader_connection_leaves_nothing_readable_either(practice: Practice, store_path):
    patient = practice.store.add_patient(NAME, "1948-07-14")
    practice.store.upsert_conversation(
        "c-1", patient.id, practice.doctor, Category.OTHER, ConversationState.OPEN
    )
    with practice.store.reader() as reader:
        practice.from_patient("c-1", "m-1", TEXT, 1)
        assert reader.search("XYZZY")[0].message.text == TEXT
        for suffix in ("", "-wal", "-shm"):
            _assert_unreadable(Path(str(store_path) + suffix))
