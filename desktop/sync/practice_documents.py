"""The practice's documents: attaching files to a message, fetching and opening what
patients send, saving a copy out.

Sending is offline first, like every action. The files are checked (type by
content, the practice's size limit) before anything is stored; each is then
encrypted with its own key straight into the store (``document_chunks``: the
plaintext is never written anywhere), and ONE transaction records the
documents, the message and its outbox requests: one ``BLOB`` request per
document, then the message. Sync uploads a ``BLOB`` request's chunks
(:func:`upload_stored`) before it sends the message behind it, so a patient
never receives a message whose document the relay does not have yet.

Until the message has left, it can be withdrawn (:func:`withdraw`): the
message, its documents and their requests go, as if never written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from desktop.core.documents import (
    LIMIT_SETTING,
    CheckedFile,
    check_files,
    check_limit,
    safe_name,
)
from desktop.core.errors import EnvelopeRejected, InvalidField, PasserelleError, StoreError
from desktop.core.model import AuditAction, ConversationState
from desktop.core.rights import Right
from desktop.crypto.blobs import Sha256Writer, chunk_count, encrypt_chunks
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync.client import API, RelayClient
from desktop.sync.content import check_text
from desktop.sync.documents import (
    Attachment,
    Cancel,
    DocumentCheck,
    Progress,
    check_document,
    download,
    prepare,
    stored_attachment,
    upload_chunks,
)
from desktop.sync.documents import open_document as open_plain
from desktop.sync.profile import document_limit, publish_current_profile

#: What guards each use of the store from a sync thread: a context manager factory.
Gate = Callable[[], AbstractContextManager[Any]]

if TYPE_CHECKING:
    from desktop.sync.workstation import Workstation

#: The outbox "method" of an upload: not an HTTP request but the chunks of one document,
#: which sync sends (resuming what the relay has) before the requests queued after it.
BLOB = "BLOB"


def send(
    ws: Workstation, conversation_id: str, paths: Sequence[Path | str], text: str, author_id: str
) -> str:
    """Attach files to a message to the patient; returns the message's id. See the module."""
    text = check_text(text) if text.strip() else ""
    author = ws.acting(Right.REPLY, author_id)
    author_id = author.id
    conv = ws.store.conversation(conversation_id)
    if conv is None:
        raise PasserelleError("No such conversation.")
    if conv.state is not ConversationState.REQUESTED and not conv.state.practice_may_write:
        raise PasserelleError(f"This conversation is {conv.state}; reopen it to write.")
    ws._recipients(conversation_id)  # the patient's keys must be here: refused before the work
    limit = document_limit(ws.store)
    checked = check_files(paths, limit)
    message_id = str(uuid.uuid4())
    attachments = [(prepare(f.path, limit), f) for f in checked]
    documents = DocumentStore(ws.store)
    with ws.store.transaction():
        accepted = None
        if conv.state is ConversationState.REQUESTED:
            # The message waits on the acceptance, as a reply does (Workstation.reply).
            accepted = ws.change_state(conversation_id, ConversationState.OPEN, author_id)
        for doc, f in attachments:
            documents.add_outgoing(_stored(doc, conversation_id, message_id),
                                   _checked_chunks(doc, f))
            ws.store.enqueue(BLOB, f"{API}/blobs/{doc.blob_id}",
                             {"conversation_id": conversation_id, "message_id": message_id},
                             id=_upload_id(doc.blob_id))
            ws.store.record_audit(AuditAction.DOCUMENT_SENT, author.id,
                                  conversation_id=conversation_id, detail=doc.name)
        ws._send(conversation_id, text, author, message_id,
                 {"attachments": [doc.to_json() for doc, _ in attachments]},
                 after_journal=accepted)
    return message_id


def _checked_chunks(doc: Attachment, f: CheckedFile) -> Iterator[bytes]:
    """The file's chunks, hashed as they are read: a file that changed since it was
    checked (its digest no longer what the envelope says) raises after the last one,
    which undoes the transaction storing them."""
    with f.path.open("rb") as source:
        reading = _Hashing(source)
        yield from encrypt_chunks(reading, doc.blob_id, doc.key)
    if reading.plain.size != doc.size or reading.plain.hexdigest() != doc.sha256:
        raise InvalidField(f"{doc.name}: the file changed while it was being attached; "
                           "attach it again.")


class _Hashing:
    """A file read for encryption, hashed on the way."""

    def __init__(self, source: BinaryIO) -> None:
        self.source, self.plain = source, Sha256Writer()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.plain.update(data)
        return data


def _stored(doc: Attachment, conversation_id: str, message_id: str) -> StoredDocument:
    return StoredDocument(doc.blob_id, conversation_id, message_id, "practice", doc.name,
                          doc.type, doc.size, doc.sha256, doc.key.to_bytes(),
                          chunk_count(doc.size), "complete", uploaded=False)


def _upload_id(blob_id: str) -> str:
    # The outbox id of a document's upload, derived so that withdrawing finds it.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"passerelle:upload:{blob_id}"))


def upload_stored(
    ws: Workstation, client: RelayClient, blob_id: str, conversation_id: str,
    progress: Progress | None = None, cancel: Cancel | None = None,
    gate: Gate | None = None,
) -> int:
    """Upload a document the practice attached, from its encrypted chunks in the store;
    resumes what the relay has. ``gate``: a context manager factory around each use of
    the store (the sync engine's). Returns how many chunks were sent."""
    guard = gate or nullcontext
    documents = DocumentStore(ws.store)
    with guard():
        stored = documents.get(blob_id)
    if stored is None:
        raise StoreError("This document is no longer in the store.")
    doc = stored_attachment(stored)

    def chunks() -> Iterator[bytes]:
        for index in range(stored.chunk_count):
            with guard():
                data = documents.chunk(blob_id, index)
            yield data

    sent = upload_chunks(client, doc, chunks, conversation_id, progress, cancel)
    with guard():
        documents.mark_uploaded(blob_id)
    return sent


def withdraw(ws: Workstation, message_id: str) -> str:
    """Take back a message with documents that has not left yet; returns its
    conversation. ``PasserelleError`` once it has been sent."""
    docs = DocumentStore(ws.store).of_message(message_id)
    try:
        return ws.store.withdraw_unsent(message_id, [_upload_id(d.blob_id) for d in docs])
    except StoreError as exc:
        raise PasserelleError(str(exc)) from None


class _GuardedChunks:
    """A document's chunks in the store, each access inside ``guard()``."""

    def __init__(self, documents: DocumentStore, guard: Gate) -> None:
        self.documents, self.guard = documents, guard

    def chunk_indexes(self, blob_id: str) -> set[int]:
        with self.guard():
            return self.documents.chunk_indexes(blob_id)

    def put_chunk(self, blob_id: str, index: int, data: bytes) -> None:
        with self.guard():
            self.documents.put_chunk(blob_id, index, data)


def fetch(
    ws: Workstation, document_id: str, progress: Progress | None = None,
    cancel: Cancel | None = None, client: RelayClient | None = None,
    gate: Gate | None = None,
) -> int:
    """Download a document into the store (chunks kept encrypted), resuming; checked
    before it is marked complete — as it comes when the download starts from its first
    chunk, else every chunk read back afterwards. A document that fails its check is
    forgotten and marked refused (not fetched again on its own), and
    ``EnvelopeRejected`` says why. ``gate``: as for :func:`upload_stored`."""
    guard = gate or nullcontext
    store = DocumentStore(ws.store)
    with guard():
        stored = store.get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    if stored.downloaded:
        return 0
    doc = stored_attachment(stored)
    check = DocumentCheck(doc)
    own = client is None
    client = client or ws.client()
    try:
        fetched = download(client, doc, _GuardedChunks(store, guard), progress, cancel, check)
        with guard():
            if not check.passed:
                check_document(doc, store.chunks(document_id))
            store.mark_complete(document_id)
    except EnvelopeRejected as exc:
        with guard(), ws.store.transaction():
            store.forget_chunks(document_id)
            store.mark_refused(document_id, str(exc))
        raise
    finally:
        if own:
            client.close()
    return fetched


def open_bytes(ws: Workstation, document_id: str) -> bytes:
    """A downloaded document's bytes, decrypted in memory and checked (never written)."""
    return open_stored(ws.store, document_id)


def open_stored(store_or_reader: Any, document_id: str) -> bytes:
    """As :func:`open_bytes`, from any connection to the store (the window's reader)."""
    store = DocumentStore(store_or_reader)
    stored = store.get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    if not stored.downloaded:
        raise PasserelleError("This document has not been downloaded yet.")
    return open_plain(stored_attachment(stored), store.chunks(document_id))


def save_as(ws: Workstation, document_id: str, path: Path | str, actor_id: str | None) -> Path:
    """Write a copy of a document where the person chose, and record it in the patient's
    audit: the one way a document leaves the store in clear. Nothing is recorded if the
    file cannot be written."""
    stored = DocumentStore(ws.store).get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    return _write_out(ws, open_bytes(ws, document_id), path, actor_id, stored.name,
                      conversation_id=stored.conversation_id)


def save_prescription_as(
    ws: Workstation, prescription_id: str, path: Path | str, actor_id: str | None
) -> Path:
    """As :func:`save_as`, for a renewed prescription the practice issued."""
    prescription = ws.store.prescription(prescription_id)
    data = ws.store.prescription_pdf(prescription_id)
    if prescription is None or data is None:
        raise PasserelleError("No such prescription.")
    return _write_out(ws, data, path, actor_id, prescription_name(prescription),
                      patient_id=prescription.patient_id)


def _write_out(
    ws: Workstation, data: bytes, path: Path | str, actor_id: str | None, name: str,
    patient_id: str | None = None, conversation_id: str | None = None,
) -> Path:
    """Write ``data`` to ``path`` and its ``document_saved`` audit line, both or neither."""
    target = Path(path)
    with ws.store.transaction():
        ws.store.record_audit(AuditAction.DOCUMENT_SAVED, actor_id, patient_id,
                              conversation_id, detail=f"{name} → {target}")
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise PasserelleError(
                f"The document could not be saved to {target} ({exc.strerror or exc})."
            ) from None
    return target


def prescription_name(prescription: Any) -> str:
    """The file name a renewed prescription is shown and saved under."""
    return safe_name(f"Ordonnance {prescription.issued_at.date().isoformat()}.pdf")


def set_limit(ws: Workstation, max_bytes: int) -> None:
    """The practice's limit per document; patients learn it from the practice profile,
    published in the same transaction."""
    check_limit(max_bytes)
    with ws.store.transaction():
        ws.store.set_setting(LIMIT_SETTING, str(max_bytes))
        publish_current_profile(ws)
