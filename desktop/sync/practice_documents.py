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

``PracticeDocuments`` is the feature's service over the practice's context
(``Workstation.practice_documents``); the sync engine calls :func:`upload_stored` and
:func:`fetch` with the context itself, through its gate.
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
from desktop.sync.conversations import Conversations
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

if TYPE_CHECKING:
    from desktop.sync.practice_context import PracticeContext

#: What guards each use of the store from a sync thread: a context manager factory.
Gate = Callable[[], AbstractContextManager[Any]]

#: The outbox "method" of an upload: not an HTTP request but the chunks of one document,
#: which sync sends (resuming what the relay has) before the requests queued after it.
BLOB = "BLOB"


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
    ctx: PracticeContext, client: RelayClient, blob_id: str, conversation_id: str,
    progress: Progress | None = None, cancel: Cancel | None = None,
    gate: Gate | None = None,
) -> int:
    """Upload a document the practice attached, from its encrypted chunks in the store;
    resumes what the relay has. ``gate``: a context manager factory around each use of
    the store (the sync engine's). Returns how many chunks were sent."""
    guard = gate or nullcontext
    documents = DocumentStore(ctx.store)
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


def withdraw(ctx: PracticeContext, message_id: str) -> str:
    """Take back a message with documents that has not left yet; returns its
    conversation. ``PasserelleError`` once it has been sent."""
    docs = DocumentStore(ctx.store).of_message(message_id)
    try:
        return ctx.store.withdraw_unsent(message_id, [_upload_id(d.blob_id) for d in docs])
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
    ctx: PracticeContext, document_id: str, progress: Progress | None = None,
    cancel: Cancel | None = None, client: RelayClient | None = None,
    gate: Gate | None = None,
) -> int:
    """Download a document into the store (chunks kept encrypted), resuming; checked
    before it is marked complete — as it comes when the download starts from its first
    chunk, else every chunk read back afterwards. A document that fails its check is
    forgotten and marked refused (not fetched again on its own), and
    ``EnvelopeRejected`` says why. ``gate``: as for :func:`upload_stored`."""
    guard = gate or nullcontext
    store = DocumentStore(ctx.store)
    with guard():
        stored = store.get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    if stored.downloaded:
        return 0
    doc = stored_attachment(stored)
    check = DocumentCheck(doc)
    own = client is None
    client = client or ctx.client()
    try:
        fetched = download(client, doc, _GuardedChunks(store, guard), progress, cancel, check)
        with guard():
            if not check.passed:
                check_document(doc, store.chunks(document_id))
            store.mark_complete(document_id)
    except EnvelopeRejected as exc:
        with guard(), ctx.store.transaction():
            store.forget_chunks(document_id)
            store.mark_refused(document_id, str(exc))
        raise
    finally:
        if own:
            client.close()
    return fetched


def open_bytes(ctx: PracticeContext, document_id: str) -> bytes:
    """A downloaded document's bytes, decrypted in memory and checked (never written)."""
    return open_stored(ctx.store, document_id)


def open_stored(store_or_reader: Any, document_id: str) -> bytes:
    """As :func:`open_bytes`, from any connection to the store (the window's reader)."""
    store = DocumentStore(store_or_reader)
    stored = store.get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    if not stored.downloaded:
        raise PasserelleError("This document has not been downloaded yet.")
    return open_plain(stored_attachment(stored), store.chunks(document_id))


def save_as(ctx: PracticeContext, document_id: str, path: Path | str, actor_id: str | None) -> Path:
    """Write a copy of a document where the person chose, and record it in the patient's
    audit: the one way a document leaves the store in clear. Nothing is recorded if the
    file cannot be written."""
    stored = DocumentStore(ctx.store).get(document_id)
    if stored is None:
        raise PasserelleError("No such document.")
    return _write_out(ctx, open_bytes(ctx, document_id), path, actor_id, stored.name,
                      conversation_id=stored.conversation_id)


def save_prescription_as(
    ctx: PracticeContext, prescription_id: str, path: Path | str, actor_id: str | None
) -> Path:
    """As :func:`save_as`, for a renewed prescription the practice issued."""
    prescription = ctx.store.prescription(prescription_id)
    data = ctx.store.prescription_pdf(prescription_id)
    if prescription is None or data is None:
        raise PasserelleError("No such prescription.")
    return _write_out(ctx, data, path, actor_id, prescription_name(prescription),
                      patient_id=prescription.patient_id)


def _write_out(
    ctx: PracticeContext, data: bytes, path: Path | str, actor_id: str | None, name: str,
    patient_id: str | None = None, conversation_id: str | None = None,
) -> Path:
    """Write ``data`` to ``path`` and its ``document_saved`` audit line, both or neither."""
    target = Path(path)
    with ctx.store.transaction():
        ctx.store.record_audit(AuditAction.DOCUMENT_SAVED, actor_id, patient_id,
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


def set_limit(ctx: PracticeContext, max_bytes: int) -> None:
    """The practice's limit per document; patients learn it from the practice profile,
    published in the same transaction."""
    check_limit(max_bytes)
    with ctx.store.transaction():
        ctx.store.set_setting(LIMIT_SETTING, str(max_bytes))
        publish_current_profile(ctx)


class PracticeDocuments:
    """Documents in the practice's conversations: sending files, fetching and opening what
    patients send, saving a copy out; over the practice's context. A document sent in
    reply to a request accepts it first, through ``conversations``."""

    def __init__(self, ctx: PracticeContext, conversations: Conversations) -> None:
        self.ctx = ctx
        self.conversations = conversations

    def of_conversation(self, conversation_id: str) -> list[StoredDocument]:
        """The documents of a conversation; ``downloaded`` says whether they are here."""
        return DocumentStore(self.ctx.store).of_conversation(conversation_id)

    def limit(self) -> int:
        """The practice's limit per document, in bytes (25 MB until it sets one)."""
        return document_limit(self.ctx.store)

    def set_limit(self, max_bytes: int, actor_id: str | None = None) -> None:
        """Set the limit per document (1 MB to 100 MB); published to the patients."""
        self.ctx.acting(Right.PRACTICE_SETTINGS, actor_id)
        set_limit(self.ctx, max_bytes)

    def send(
        self, conversation_id: str, paths: Sequence[Path | str], text: str, author_id: str
    ) -> str:
        """Attach files to a message to the patient; returns the message's id.

        Every file is checked first (type by its content, the practice's limit):
        ``InvalidField`` names each refused file and why, and nothing is stored.
        Then each is encrypted with its own key into the store, and one
        transaction records the documents, the message (accepting a request
        first, as a reply does) and the uploads sync will carry before it.
        Audited (``document_sent``, one line per file).
        """
        ctx = self.ctx
        text = check_text(text) if text.strip() else ""
        author = ctx.acting(Right.REPLY, author_id)
        author_id = author.id
        conv = ctx.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        if conv.state is not ConversationState.REQUESTED and not conv.state.practice_may_write:
            raise PasserelleError(f"This conversation is {conv.state}; reopen it to write.")
        ctx.recipients(conversation_id)  # the patient's keys must be here: refused before the work
        limit = document_limit(ctx.store)
        checked = check_files(paths, limit)
        message_id = str(uuid.uuid4())
        attachments = [(prepare(f.path, limit), f) for f in checked]
        documents = DocumentStore(ctx.store)
        with ctx.store.transaction():
            accepted = None
            if conv.state is ConversationState.REQUESTED:
                # The message waits on the acceptance, as a reply does (Conversations.reply).
                accepted = self.conversations.change_state(
                    conversation_id, ConversationState.OPEN, author_id)
            for doc, f in attachments:
                documents.add_outgoing(_stored(doc, conversation_id, message_id),
                                       _checked_chunks(doc, f))
                ctx.store.enqueue(BLOB, f"{API}/blobs/{doc.blob_id}",
                                 {"conversation_id": conversation_id, "message_id": message_id},
                                 id=_upload_id(doc.blob_id))
                ctx.store.record_audit(AuditAction.DOCUMENT_SENT, author.id,
                                      conversation_id=conversation_id, detail=doc.name)
            ctx.send_message(conversation_id, text, author, message_id,
                             {"attachments": [doc.to_json() for doc, _ in attachments]},
                             after_journal=accepted)
        return message_id

    def withdraw(self, message_id: str) -> str:
        """Take back a message with documents that has not left this workstation (the
        sync engine's ``withdraw`` first stops its upload). ``PasserelleError`` once sent."""
        self.ctx.acting(Right.REPLY)
        return withdraw(self.ctx, message_id)

    def fetch(
        self,
        document_id: str,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        client: RelayClient | None = None,
    ) -> int:
        """Download a document into the store (its chunks kept encrypted), resuming what
        an earlier try fetched; checked against its SHA-256 before it is marked complete
        (a document that fails is forgotten and marked refused). Returns how many chunks
        this call fetched. ``Cancelled`` from ``cancel``: what came is kept."""
        return fetch(self.ctx, document_id, on_progress, cancel, client)

    def open(self, document_id: str) -> bytes:
        """A downloaded document's bytes, decrypted in memory and checked (never written)."""
        return open_bytes(self.ctx, document_id)

    def save(self, document_id: str, path: Path | str, actor_id: str | None) -> Path:
        """Write a copy where the person chose; recorded in the patient's audit
        (``document_saved``)."""
        actor_id = self.ctx.acting(Right.REPLY, actor_id).id
        return save_as(self.ctx, document_id, path, actor_id)

    def save_prescription(
        self, prescription_id: str, path: Path | str, actor_id: str | None
    ) -> Path:
        """Write a copy of a renewed prescription; recorded as ``document_saved``."""
        actor_id = self.ctx.acting(Right.REPLY, actor_id).id
        return save_prescription_as(self.ctx, prescription_id, path, actor_id)
