"""Documents over the relay: upload and download in encrypted chunks, resumable.

``prepare`` checks a file (type by content, size limit) and gives it an id and a
key; ``upload`` asks the relay what it already has and sends only the rest
(after a cut or a restart, the same key gives the same chunks); ``download``
fetches the missing chunks into a sink (the practice keeps them encrypted in its
store), checking the document as it comes when it starts from its first chunk;
``open_document`` decrypts them in memory, checking the SHA-256.

Both directions keep up to ``LANES`` chunks in flight, each request on a connection
of its own, so that the relay's work on one chunk (and its disk's) overlaps with
the network and this side's encryption of the others. The caller's thread alone
reads chunks to send, writes the sink and runs the checks; the lanes only carry
bytes. Progress is ``progress(done, total)`` in chunks, counted as the relay
acknowledges them (upload, in any order) or as the sink stores them (download, in
order); ``cancel()`` returning true, or an exception from ``progress``, stops
between two chunks with nothing lost: what was acknowledged or stored stays, the
requests still in flight end (an upload's are given ``UPLOAD_SETTLE`` seconds to land
first), and the next call resumes from there.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from queue import SimpleQueue
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from desktop.core.documents import DEFAULT_MAX_BYTES, SNIFF_BYTES, check_file, sniff
from desktop.core.errors import EnvelopeRejected, PasserelleError, RelayError
from desktop.crypto.blobs import (
    BlobKey,
    ChunkOpener,
    Sha256Writer,
    chunk_count,
    chunk_id,
    ciphertext_size,
    encrypt_chunks,
)
from desktop.store.documents import StoredDocument
from desktop.sync.client import API, RelayClient, b64, unb64

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
T = TypeVar("T")

#: Chunk requests in flight at once, per transfer. Measured on loopback (2 cores shared
#: with the relay): one at a time leaves the relay idle while this side encrypts and
#: waits; past four nothing more is gained, and every lane is one more connection.
LANES = 4
#: A download asks for this many chunks ahead per lane: it takes them in order (they are
#: checked and stored in order), and a lane should not idle behind a slow first one.
_AHEAD = 2
#: How often a transfer waiting on its lanes looks whether its client was aborted.
_ABORT_POLL = 0.05
#: When an upload stops early (cancelled, its client aborted, a chunk refused), how long
#: the chunks already in flight may take to land before they are cut: on a fast link
#: they end well within it and the relay's state is settled when the upload returns; on
#: a slow one, stopping is not held up longer than this.
UPLOAD_SETTLE = 2.0


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
    relay lacks some (a retry after the blob was completed costs one request), and only
    on the caller's thread (the practice reads them from its store)."""
    size = ciphertext_size(doc.size)
    status = client.post(f"{API}/blobs", {"id": doc.blob_id, "conversation_id": conversation_id,
                                          "size": size}, str(uuid.uuid4()))
    have = set(status.get("received") or [])
    total, sent = doc.chunk_count, 0
    if status.get("complete"):
        if progress is not None:
            progress(total, total)
        return 0
    missing = sum(1 for index in range(total) if index not in have)
    if missing:
        if have:
            _step(len(have), total, progress, cancel)  # resumed: the bar starts where it was
        with _Lanes(client, missing, settle=UPLOAD_SETTLE) as lanes:
            flying: set[Future[int]] = set()

            def landed(done: set[Future[int]]) -> None:
                nonlocal sent
                for future in done:
                    flying.discard(future)
                    have.add(future.result())
                    sent += 1
                    _step(len(have), total, progress, cancel)

            for index, chunk in enumerate(chunks()):
                if index in have:
                    continue
                if len(flying) >= LANES:
                    landed(lanes.first_done(flying))
                flying.add(lanes.submit(partial(_put_chunk, doc.blob_id, index, chunk)))
            while flying:
                landed(lanes.first_done(flying))
    client.post(f"{API}/blobs/{doc.blob_id}/complete",
                {"chunk_count": total, "size": size}, str(uuid.uuid4()))
    return sent


def _put_chunk(blob_id: str, index: int, chunk: bytes, lane: RelayClient) -> int:
    answer = lane.put_bytes(f"{API}/blobs/{blob_id}/chunks/{index}", chunk, str(uuid.uuid4()))
    if answer.get("chunk_id") != chunk_id(chunk).hex():
        raise RelayError(0, "bad_response", "The relay stored another chunk.")
    return index


def _get_chunk(blob_id: str, index: int, lane: RelayClient) -> bytes:
    data, headers = lane.get_bytes(f"{API}/blobs/{blob_id}/chunks/{index}")
    if headers.get("Chunk-Id") != chunk_id(data).hex():
        raise RelayError(0, "bad_response", "The relay sent a damaged chunk.")
    return data


def _aborted(client: RelayClient) -> bool:
    # RelayClient.abort() (the engine stopping, a connection cut on purpose) is for good;
    # the lanes serve that client and must stop with it.
    return client.aborted


class _Lanes:
    """The connections a transfer's chunks travel on, each used by one thread at a time
    (a ``RelayClient`` is not for two threads at once): new clients for the caller's
    relay and token, which stop when the caller's client is aborted and are closed when
    the transfer ends, however it ends. A transfer of one chunk uses the caller's
    client, on the caller's thread.

    ``settle``: when the transfer stops early, how long the requests still in flight
    may take to end before they are cut. A PUT cut on this side may still be stored by
    the relay after the upload has returned; one allowed to end leaves the relay's
    state settled (a resume then starts exactly where the relay is). A GET changes
    nothing: it is cut at once."""

    def __init__(self, client: RelayClient, chunks: int, settle: float = 0.0) -> None:
        self._client = client
        self._settle = settle
        count = min(LANES, chunks) if chunks > 1 else 0
        self._clients = [RelayClient(client.base_url, client.token) for _ in range(count)]
        self._idle: SimpleQueue[RelayClient] = SimpleQueue()
        for lane in self._clients:
            self._idle.put(lane)
        self._pool = (ThreadPoolExecutor(count, thread_name_prefix="document-lane")
                      if count else None)
        self._handed_out: list[Future[Any]] = []

    def submit(self, work: Callable[[RelayClient], T]) -> Future[T]:
        self._check()
        if self._pool is None:  # done here and now; a failure is raised here and now
            future: Future[T] = Future()
            future.set_result(work(self._client))
            return future

        def run() -> T:
            lane = self._idle.get()  # never waits: there are as many lanes as threads
            try:
                return work(lane)
            finally:
                self._idle.put(lane)

        future = self._pool.submit(run)
        self._handed_out = [f for f in self._handed_out if not f.done()] + [future]
        return future

    def first_done(self, futures: set[Future[T]]) -> set[Future[T]]:
        """Those of ``futures`` that are done, once one is."""
        while True:
            self._check()
            done, _ = wait(futures, _ABORT_POLL, FIRST_COMPLETED)
            if done:
                return done

    def result(self, future: Future[T]) -> T:
        self._check()
        while not wait([future], _ABORT_POLL).done:
            self._check()
        return future.result()

    def _check(self) -> None:
        """``RelayError`` ``stopped`` once the caller's client is aborted: asked before each
        chunk is handed out or waited for, and while waiting."""
        if _aborted(self._client):
            raise RelayError(0, "stopped", "Sync was stopped.")

    def close(self) -> None:
        if self._pool is not None:
            running = [f for f in self._handed_out if not f.cancel()]
            if self._settle:
                wait(running, self._settle)
        for lane in self._clients:
            lane.abort()  # what is still in flight ends now; its chunk is not counted
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        for lane in self._clients:
            lane.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class ChunkSink(Protocol):
    def chunk_indexes(self, blob_id: str) -> set[int]: ...
    def put_chunk(self, blob_id: str, index: int, data: bytes) -> None: ...


class DocumentCheck:
    """Everything that makes a received document the one its envelope describes — each
    chunk authentic and in its place, nothing after the final one, then its size,
    SHA-256 and type — checked on its ciphertext chunks, given in order one at a time."""

    def __init__(self, doc: Attachment) -> None:
        self.doc = doc
        self._opener = ChunkOpener(doc.blob_id, doc.key)
        self._plain = Sha256Writer()
        self._head = b""
        #: Whether :meth:`finish` found the whole document good.
        self.passed = False

    def update(self, chunk: bytes) -> bytes:
        """The chunk's plaintext; ``EnvelopeRejected`` if the chunk is not authentic."""
        piece = self._opener.open(chunk)
        self._plain.update(piece)
        if len(self._head) < SNIFF_BYTES:
            self._head += piece[: SNIFF_BYTES - len(self._head)]
        return piece

    def finish(self) -> None:
        """After the last chunk: ``EnvelopeRejected`` unless the document is complete and
        its size, digest and type are those of the envelope."""
        self._opener.close()
        if self._plain.size != self.doc.size or self._plain.hexdigest() != self.doc.sha256:
            raise EnvelopeRejected("a document does not match its digest")
        if str(sniff(self._head)) != self.doc.type:
            raise EnvelopeRejected("a document is not of the type it claims")
        self.passed = True


def download(client: RelayClient, doc: Attachment, sink: ChunkSink,
             progress: Progress | None = None, cancel: Cancel | None = None,
             check: DocumentCheck | None = None) -> int:
    """Fetch the chunks the sink lacks (ciphertext, kept as is), storing them in order on
    the caller's thread; returns how many. ``check``: when the sink holds nothing of the
    document yet, each chunk passes through it before it is stored and ``check.finish()``
    runs after the last (``EnvelopeRejected`` stops the download there, and
    ``check.passed`` says the whole document was found good). A resumed download leaves
    it alone: check what the sink holds afterwards (:func:`check_document`)."""
    have = sink.chunk_indexes(doc.blob_id)
    total, fetched = doc.chunk_count, 0
    missing = [index for index in range(total) if index not in have]
    streaming = check is not None and not have
    with _Lanes(client, len(missing)) as lanes:
        waiting = iter(missing)
        flying: deque[tuple[int, Future[bytes]]] = deque()

        def ask() -> None:
            while len(flying) < LANES * _AHEAD:
                index = next(waiting, None)
                if index is None:
                    return
                flying.append((index, lanes.submit(partial(_get_chunk, doc.blob_id, index))))

        ask()
        while flying:
            index, future = flying.popleft()
            data = lanes.result(future)
            ask()  # the lanes go on while this chunk is checked and stored
            if streaming and check is not None:
                check.update(data)
            sink.put_chunk(doc.blob_id, index, data)
            fetched += 1
            have.add(index)
            _step(len(have), total, progress, cancel)
    if streaming and check is not None:
        check.finish()
    return fetched


def check_document(doc: Attachment, chunks: Iterable[bytes]) -> None:
    """``EnvelopeRejected`` unless the chunks make the document the envelope describes;
    one chunk in memory at a time."""
    check = DocumentCheck(doc)
    for chunk in chunks:
        check.update(chunk)
    check.finish()


def open_document(doc: Attachment, chunks: Iterable[bytes]) -> bytes:
    """The plaintext, in memory only, after its integrity and SHA-256 checks."""
    check = DocumentCheck(doc)
    data = b"".join([check.update(chunk) for chunk in chunks])
    check.finish()
    return data
