"""Documents in the practice's store: their description and their *encrypted* chunks.

The chunks are kept exactly as the relay served them (ciphertext under the
document's own key); the key sits in the ``documents`` row. Both are inside the
SQLCipher file, so a document is encrypted twice at rest and never written in
clear anywhere: reading one decrypts it in memory, chunk by chunk.

``DocumentStore(store)`` works on an open :class:`desktop.store.Store` through its
transactions; it adds no state of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import StoreError
from desktop.store.timestamps import now


@dataclass(frozen=True)
class StoredDocument:
    blob_id: str
    conversation_id: str | None
    message_id: str | None
    sender: str
    name: str
    type: str
    size: int
    sha256: str
    blob_key: bytes
    chunk_count: int
    state: str
    #: For a document this practice sends: whether the relay has all of it.
    uploaded: bool = True
    #: Why the last download was refused (a damaged document), if it was.
    last_error: str | None = None
    created_at: str = ""

    @property
    def downloaded(self) -> bool:
        return self.state == "complete"


_COLUMNS = (
    "blob_id, conversation_id, message_id, sender, name, type, size, sha256, blob_key, "
    "chunk_count, state"
)
_READ = _COLUMNS + ", uploaded, last_error, created_at"


def _document(row: Any) -> StoredDocument:
    (blob_id, conversation_id, message_id, sender, name, kind, size, sha256, key, count,
     state, uploaded, last_error, created_at) = row
    return StoredDocument(blob_id, conversation_id, message_id, sender, name, kind, int(size),
                          sha256, bytes(key), int(count), state, bool(uploaded), last_error,
                          created_at)


@dataclass(frozen=True)
class PatientDocument:
    """A document in a patient's list: what it is, in which conversation, and when."""

    document: StoredDocument
    conversation_id: str
    category: str


class DocumentStore:
    """The documents of one open store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def add(self, doc: StoredDocument) -> bool:
        """Record a document to download (``pending``); ``False`` if it is already known."""
        with self.store._writing() as c:
            cur = c.execute(
                f"INSERT OR IGNORE INTO documents ({_COLUMNS}, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.blob_id, doc.conversation_id, doc.message_id, doc.sender, doc.name,
                    doc.type, doc.size, doc.sha256, doc.blob_key, doc.chunk_count,
                    doc.state, now().isoformat(),
                ),
            )
            return bool(cur.rowcount)

    def add_outgoing(self, doc: StoredDocument, chunks: Iterator[bytes]) -> None:
        """Record a document this practice sends, with all its ciphertext chunks, still
        to upload. Call inside the transaction that queues its message."""
        with self.store._writing() as c:
            c.execute(
                f"INSERT INTO documents ({_COLUMNS}, uploaded, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'complete', 0, ?)",
                (
                    doc.blob_id, doc.conversation_id, doc.message_id, doc.sender, doc.name,
                    doc.type, doc.size, doc.sha256, doc.blob_key, doc.chunk_count,
                    now().isoformat(),
                ),
            )
            c.executemany(
                "INSERT INTO document_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                ((doc.blob_id, i, chunk) for i, chunk in enumerate(chunks)),
            )

    def get(self, blob_id: str) -> StoredDocument | None:
        with self.store._reading() as c:
            row = c.execute(
                f"SELECT {_READ} FROM documents WHERE blob_id = ?", (blob_id,)
            ).fetchone()
        return None if row is None else _document(row)

    def of_conversation(self, conversation_id: str) -> list[StoredDocument]:
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {_READ} FROM documents WHERE conversation_id = ? "
                "ORDER BY created_at, blob_id",
                (conversation_id,),
            ).fetchall()
        return [_document(r) for r in rows]

    def of_message(self, message_id: str) -> list[StoredDocument]:
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {_READ} FROM documents WHERE message_id = ? ORDER BY created_at, blob_id",
                (message_id,),
            ).fetchall()
        return [_document(r) for r in rows]

    def of_patient(self, patient_id: str) -> list[PatientDocument]:
        """Every document exchanged with a patient, across conversations, newest first."""
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {', '.join('d.' + col for col in _READ.split(', '))}, c.id, "
                "c.category FROM documents d "
                "JOIN conversations c ON c.id = d.conversation_id "
                "WHERE c.patient_id = ? ORDER BY d.created_at DESC, d.blob_id",
                (patient_id,),
            ).fetchall()
        return [PatientDocument(_document(r[:-2]), r[-2], r[-1]) for r in rows]

    def from_patients(self, limit: int = 50) -> list[StoredDocument]:
        """The documents patients sent, newest first."""
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {_READ} FROM documents WHERE sender = 'patient' "
                "ORDER BY created_at DESC, blob_id LIMIT ?",
                (limit,),
            ).fetchall()
        return [_document(r) for r in rows]

    def to_fetch(self, limit: int = 20) -> list[StoredDocument]:
        """Documents not downloaded yet and not refused before, oldest first."""
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {_READ} FROM documents WHERE state = 'pending' AND last_error IS NULL "
                "ORDER BY created_at, blob_id LIMIT ?",
                (limit,),
            ).fetchall()
        return [_document(r) for r in rows]

    def mark_uploaded(self, blob_id: str) -> None:
        with self.store._writing() as c:
            c.execute("UPDATE documents SET uploaded = 1 WHERE blob_id = ?", (blob_id,))

    def mark_refused(self, blob_id: str, reason: str) -> None:
        """A download that failed its checks: not fetched again unless a person asks."""
        with self.store._writing() as c:
            c.execute("UPDATE documents SET last_error = ? WHERE blob_id = ?",
                      (reason[:500], blob_id))

    def clear_refusal(self, blob_id: str) -> None:
        with self.store._writing() as c:
            c.execute("UPDATE documents SET last_error = NULL WHERE blob_id = ?", (blob_id,))

    def forget(self, blob_id: str) -> None:
        """Remove a document and its chunks (one withdrawn before it was sent)."""
        with self.store._writing() as c:
            c.execute("DELETE FROM documents WHERE blob_id = ?", (blob_id,))

    # -- chunks (ciphertext) ------------------------------------------------

    def chunk_indexes(self, blob_id: str) -> set[int]:
        with self.store._reading() as c:
            rows = c.execute("SELECT idx FROM document_chunks WHERE blob_id = ?", (blob_id,))
            return {int(r[0]) for r in rows}

    def put_chunk(self, blob_id: str, index: int, data: bytes) -> None:
        with self.store._writing() as c:
            c.execute(
                "INSERT OR REPLACE INTO document_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                (blob_id, index, data),
            )

    def chunk(self, blob_id: str, index: int) -> bytes:
        with self.store._reading() as c:
            row = c.execute(
                "SELECT data FROM document_chunks WHERE blob_id = ? AND idx = ?", (blob_id, index)
            ).fetchone()
        if row is None:
            raise StoreError("A part of this document is missing from the store.")
        return bytes(row[0])

    def chunks(self, blob_id: str) -> Iterator[bytes]:
        """The ciphertext chunks in order, read one at a time."""
        count = self.get(blob_id)
        for index in range(count.chunk_count if count else 0):
            with self.store._reading() as c:
                row = c.execute(
                    "SELECT data FROM document_chunks WHERE blob_id = ? AND idx = ?",
                    (blob_id, index),
                ).fetchone()
            if row is None:
                return
            yield bytes(row[0])

    def mark_complete(self, blob_id: str) -> None:
        with self.store._writing() as c:
            c.execute("UPDATE documents SET state = 'complete', last_error = NULL "
                      "WHERE blob_id = ?", (blob_id,))

    def forget_chunks(self, blob_id: str) -> None:
        """Drop what was downloaded (a document that failed its check)."""
        with self.store._writing() as c:
            c.execute("DELETE FROM document_chunks WHERE blob_id = ?", (blob_id,))
