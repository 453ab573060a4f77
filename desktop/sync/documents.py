"""Documents over the relay: upload and download in encrypted chunks, resumable.

``prepare`` checks a file (type by content, size limit) and gives it an id and a
key; ``upload`` asks the relay what it already has and sends only the rest
(after a cut or a restart, the same key gives the same chunks); ``download``
fetches the missing chunks into a sink (the practice keeps them encrypted in its
store) and ``open_document`` decrypts them in memory, checking the SHA-256.
Progress is ``progress(done, total)`` in chunks; ``cancel()`` returning true, or
an exception from ``progress``, stops between two chunks with nothing lost.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop.core.documents import DEFAULT_MAX_BYTES, SNIFF_BYTES, check_file, sniff
from desktop.core.errors import EnvelopeRejected, PasserelleError, RelayError
from desktop.crypto.blobs import (
    BlobKey,
    chunk_count,
    chunk_id,
    ciphertext_size,
    decrypt_chunks,
    encrypt_chunks,
)
from desktop.store.documents import StoredDocument
from desktop.sync.client import API, RelayClient, b64, unb64

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class Cancelled(PasserelleError):
    """The transfer was cancelled; what was sent or received so far is kept for a resume."""

    def __init__(self) -> None:
        super().__init__("The transfer was cancelled.")


@dataclass(frozen=True)
class Attachment:
    """A document as the message envelope carries it (JSON-able with ``to_json``)."""

    blob_id: str
    key: BlobKey
    sha256: str
    size: int
    name: str
    type: str

    @property
    def chunk_count(self) -> int:
        return chunk_count(self.size)

    def to_json(self) -> dict[str, Any]:
        return {
            "blob_id": self.blob_id, "key": b64(self.key.to_bytes()), "sha256": self.sha256,
            "size": self.size, "name": self.name, "type": self.type,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        try:
            return cls(str(uuid.UUID(data["blob_id"])), BlobKey.from_bytes(unb64(data["key"])),
                       str(data["sha256"]), int(data["size"]), str(data["name"]),
                       str(data["type"]))
        except (KeyError, TypeError, ValueError, RelayError):
            raise EnvelopeRejected("an attachment is malformed") from None


def stored_attachment(doc: StoredDocument) -> Attachment:
    """The description of a document the store keeps."""
    return Attachment(doc.blob_id, BlobKey.from_bytes(doc.blob_key), doc.sha256, doc.size,
                      doc.name, doc.type)


def prepare(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Attachment:
    """Check the file (refused before any upload) and give it an id, a key and its digest."""
    checked = check_file(path, max_bytes)
    digest = hashlib.sha256()
    with checked.path.open("rb") as f:
        for piece in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(piece)
    return Attachment(str(uuid.uuid4()), BlobKey.generate(), digest.hexdigest(),
                      checked.size, checked.name, str(checked.type))


def _step(done: int, total: int, progress: Progress | None, cancel: Cancel | None) -> None:
    if progress is not None:
        progress(done, total)
    if cancel is not None and cancel():
        raise Cancelled()


def encrypted_file(doc: Attachment, path: Path | str) -> Iterator[bytes]:
    """The file's ciphertext chunks under the document's key, read one at a time."""
    with Path(path).open("rb") as f:
        yield from encrypt_chunks(f, doc.blob_id, doc.key)


def upload(client: RelayClient, doc: Attachment, path: Path | str, conversation_id: str,
           progress: Progress | None = None, cancel: Cancel | None = None) -> int:
    """Send what the relay does not have yet of the file and complete the blob; returns
    how many chunks were sent by this call."""
    return upload_chunks(client, doc, lambda: encrypted_file(doc, path), conversation_id,
                         progress, cancel)


def upload_chunks(client: RelayClient, doc: Attachment, chunks: Callable[[], Iterable[bytes]],
                  conversation_id: str, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> int:
    """Send the ciphertext ``chunks()`` the relay does not have yet, then complete the
    blob; returns how many chunks this call sent. ``chunks`` is only called when the
    relay lacks some (a retry after the blob was completed costs one request)."""
    size = ciphertext_size(doc.size)
    status = client.post(f"{API}/blobs", {"id": doc.blob_id, "conversation_id": conversation_id,
                                          "size": size}, str(uuid.uuid4()))
    have = set(status.get("received") or [])
    total, sent = doc.chunk_count, 0
    if not status.get("complete"):
        for index, chunk in enumerate(chunks()):
            if index not in have:
                answer = client.put_bytes(f"{API}/blobs/{doc.blob_id}/chunks/{index}",
                                          chunk, str(uuid.uuid4()))
                if answer.get("chunk_id") != chunk_id(chunk).hex():
                    raise RelayError(0, "bad_response", "The relay stored another chunk.")
                sent += 1
                have.add(index)
            _step(len(have), total, progress, cancel)
        client.post(f"{API}/blobs/{doc.blob_id}/complete",
                    {"chunk_count": total, "size": size}, str(uuid.uuid4()))
    elif progress is not None:
        progress(total, total)
    return sent


class ChunkSink(Protocol):
    def chunk_indexes(self, blob_id: str) -> set[int]: ...
    def put_chunk(self, blob_id: str, index: int, data: bytes) -> None: ...


def download(client: RelayClient, doc: Attachment, sink: ChunkSink,
             progress: Progress | None = None, cancel: Cancel | None = None) -> int:
    """Fetch the chunks the sink lacks (ciphertext, kept as is); returns how many."""
    have = sink.chunk_indexes(doc.blob_id)
    total, fetched = doc.chunk_count, 0
    for index in range(total):
        if index in have:
            continue
        data, headers = client.get_bytes(f"{API}/blobs/{doc.blob_id}/chunks/{index}")
        if headers.get("Chunk-Id") != chunk_id(data).hex():
            raise RelayError(0, "bad_response", "The relay sent a damaged chunk.")
        sink.put_chunk(doc.blob_id, index, data)
        fetched += 1
        have.add(index)
        _step(len(have), total, progress, cancel)
    return fetched


def open_document(doc: Attachment, chunks: Iterable[bytes]) -> bytes:
    """The plaintext, in memory only, after its integrity and SHA-256 checks."""
    data = b"".join(decrypt_chunks(chunks, doc.blob_id, doc.key))
    if len(data) != doc.size or hashlib.sha256(data).hexdigest() != doc.sha256:
        raise EnvelopeRejected("a document does not match its digest")
    if str(sniff(data[:SNIFF_BYTES])) != doc.type:
        raise EnvelopeRejected("a document is not of the type it claims")
    return data
