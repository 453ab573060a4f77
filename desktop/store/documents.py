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


_COLUMNS = (
    "blob_id, conversation_id, message_id, sender, name, type, size, sha256, blob_key, "
    "chunk_count, state"
)


def _document(row: Any) -> StoredDocument:
    (blob_id, conversation_id, message_id, sender, name, kind, size, sha256, key, count,
     state) = row
    return StoredDocument(blob_id, conversation_id, message_id, sender, name, kind, int(size),
                          sha256, bytes(key), int(count), state)


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

    def get(self, blob_id: str) -> StoredDocument | None:
        with self.store._reading() as c:
            row = c.execute(
                f"SELECT {_COLUMNS} FROM documents WHERE blob_id = ?", (blob_id,)
            ).fetchone()
        return None if row is None else _document(row)

    def of_conversation(self, conversation_id: str) -> list[StoredDocument]:
        with self.store._reading() as c:
            rows = c.execute(
                f"SELECT {_COLUMNS} FROM documents WHERE conversation_id = ? "
                "ORDER BY created_at, blob_id",
                (conversation_id,),
            ).fetchall()
        return [_document(r) for r in rows]

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
            c.execute("UPDATE documents SET state = 'complete' WHERE blob_id = ?", (blob_id,))

    def forget_chunks(self, blob_id: str) -> None:
        """Drop what was downloaded (a document that failed its check)."""
        with self.store._writing() as c:
            c.execute("DELETE FROM document_chunks WHERE blob_id = ?", (blob_id,))
