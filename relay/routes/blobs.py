"""Documents: encrypted blobs uploaded in chunks, resumable, content-addressed.

A client declares a blob (its id, its conversation, its ciphertext size), PUTs its
chunks in any order (a chunk sent again with the same bytes stores nothing twice;
other bytes at a stored index are a conflict), asks which chunks the relay has to
resume after a cut or a restart, and completes it. The recipients named by the
conversation read it chunk by chunk. The relay sees ciphertext, sizes and ids:
the key, the name, the type and the content travel inside the message envelope.

Who may do what: a blob belongs to a conversation. Its patient may read the blobs
of his own conversations, the practice those of its patients' conversations;
anyone else gets 404 ``blob_not_found``, as for a blob that does not exist. Only
the side that declared a blob (practice or patient) uploads to it and completes it.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.auth import AnyCaller, Caller, RelayDep
from relay.db import blob_chunks, blobs, conversations, utcnow
from relay.errors import ApiError
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit
from relay.schemas import BlobCompleteRequest, BlobRequest, BlobStatus, ChunkStored

router = APIRouter(tags=["blobs"])

#: Chunk indexes are below this (a 100 MiB blob in 512 KiB chunks has 200).
MAX_CHUNKS = 1_000_000
CHUNK_ID = "Chunk-Id"

ChunkIndex = Annotated[int, Path(ge=0, lt=MAX_CHUNKS)]

# The statements of the chunk routes, built once (building one costs more than running it):
# a blob, its conversation's two sides and what it holds at one index, in one query.
_CHUNK_SLOT = (
    select(
        blobs.c.uploader,
        blobs.c.chunk_count,
        conversations.c.practice_id,
        conversations.c.patient_id,
        blob_chunks.c.chunk_id,
        blob_chunks.c.data,
    )
    .select_from(
        blobs.join(conversations, conversations.c.id == blobs.c.conversation_id).outerjoin(
            blob_chunks,
            and_(blob_chunks.c.blob_id == blobs.c.id, blob_chunks.c.index == bindparam("index")),
        )
    )
    .where(blobs.c.id == bindparam("blob_id"))
)
# The same without the chunk's bytes (what a PUT needs to know).
_CHUNK_SLOT_ID = _CHUNK_SLOT.with_only_columns(
    *(column for column in _CHUNK_SLOT.selected_columns if column.name != "data")
)
_STORE_CHUNK = insert(blob_chunks)
# The size check and the count in one statement: no concurrent PUT of the same blob can
# slip between the check and the count.
_COUNT_CHUNK = (
    update(blobs)
    .where(
        blobs.c.id == bindparam("blob_id"),
        blobs.c.chunk_count.is_(None),
        blobs.c.received_bytes + bindparam("grown_by") <= blobs.c.size,
    )
    .values(
        received_bytes=blobs.c.received_bytes + bindparam("grown_by"),
        updated_at=bindparam("touched_at"),
    )
)


def _not_found() -> ApiError:
    return ApiError(404, "blob_not_found", "There is no such document, or it is not yours.")


def _may_see(caller: Caller, practice_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
    if caller.role == "practice":
        return practice_id == caller.practice_id
    return patient_id == caller.patient_id


def _blob(conn: Connection, blob_id: uuid.UUID, caller: Caller, *, lock: bool = False) -> Any:
    query = (
        select(
            blobs.c.id,
            blobs.c.conversation_id,
            blobs.c.uploader,
            blobs.c.size,
            blobs.c.chunk_count,
            conversations.c.practice_id,
            conversations.c.patient_id,
        )
        .select_from(blobs.join(conversations, conversations.c.id == blobs.c.conversation_id))
        .where(blobs.c.id == blob_id)
    )
    if lock:
        query = query.with_for_update(of=blobs)
    row = conn.execute(query).first()
    if row is None or not _may_see(caller, row.practice_id, row.patient_id):
        raise _not_found()
    return row


def _uploading(conn: Connection, blob_id: uuid.UUID, caller: Caller) -> Any:
    row = _blob(conn, blob_id, caller, lock=True)
    if row.uploader != caller.role:
        raise ApiError(403, "forbidden", "Only the side that declared this document uploads it.")
    return row


def _status(conn: Connection, row: Any) -> dict[str, Any]:
    chunks = conn.execute(
        select(blob_chunks.c.index.label("position"), blob_chunks.c.size)
        .where(blob_chunks.c.blob_id == row.id)
        .order_by(blob_chunks.c.index)
    ).all()
    return {
        "id": str(row.id),
        "conversation_id": str(row.conversation_id),
        "size": int(row.size),
        "complete": row.chunk_count is not None,
        "chunk_count": row.chunk_count,
        "received": [int(c.position) for c in chunks],
        "received_bytes": sum(int(c.size) for c in chunks),
    }


@router.post(
    "/blobs",
    response_model=BlobStatus,
    status_code=201,
    # The chunks are not counted: a declared size bounds them.
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def declare_blob(
    body: BlobRequest, caller: AnyCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Declare a document before its chunks: refused at once (413 ``blob_too_large``) over
    the relay's limit. Declaring again the same id, conversation and size answers as the
    first time, with the chunks already received (how an upload resumes)."""
    limit = relay.settings.max_blob_bytes
    if body.size > limit:
        raise ApiError(
            413, "blob_too_large", f"This document is over the relay's limit of {limit} bytes."
        )

    def effect(conn: Connection) -> Outcome:
        conv = conn.execute(
            select(conversations.c.practice_id, conversations.c.patient_id).where(
                conversations.c.id == body.conversation_id
            )
        ).first()
        if conv is None or not _may_see(caller, conv.practice_id, conv.patient_id):
            raise ApiError(404, "conversation_not_found", "You have no such conversation.")
        existing = conn.execute(
            select(blobs.c.conversation_id, blobs.c.size, blobs.c.uploader).where(
                blobs.c.id == body.id
            )
        ).first()
        if existing is not None and (
            existing.conversation_id,
            existing.size,
            existing.uploader,
        ) != (
            body.conversation_id,
            body.size,
            caller.role,
        ):
            raise ApiError(409, "conflict", "This document id is already used.")
        now = utcnow()
        # Declared again: the upload is alive, whatever the purge of abandoned ones thinks.
        # No row touched: new, or purged since it was read (PostgreSQL): declared afresh.
        touched = (
            existing is not None
            and conn.execute(
                update(blobs).where(blobs.c.id == body.id).values(updated_at=now)
            ).rowcount
            == 1
        )
        if not touched:
            conn.execute(
                insert(blobs).values(
                    id=body.id,
                    conversation_id=body.conversation_id,
                    uploader=caller.role,
                    size=body.size,
                    chunk_count=None,
                    created_at=now,
                    updated_at=now,
                )
            )
        return Outcome(201, _status(conn, _blob(conn, body.id, caller)))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.get("/blobs/{blob_id}", response_model=BlobStatus)
def blob_status(blob_id: uuid.UUID, caller: AnyCaller, relay: RelayDep) -> JSONResponse:
    """Which chunks the relay has, and whether the document is complete."""
    with relay.db.read() as conn:
        return JSONResponse(_status(conn, _blob(conn, blob_id, caller)))


@router.put(
    "/blobs/{blob_id}/chunks/{index}",
    response_model=ChunkStored,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def put_chunk(
    blob_id: uuid.UUID,
    index: ChunkIndex,
    caller: AnyCaller,
    _key: IdempotencyKey,
    relay: RelayDep,
    data: Annotated[
        bytes, Body(media_type="application/octet-stream", include_in_schema=False)
    ] = b"",
) -> JSONResponse:
    """Store one ciphertext chunk (``Content-Type: application/octet-stream``). The same
    bytes at the same index again store nothing (``stored: false``); other bytes at a
    stored index are 409 ``chunk_conflict``. Chunks past the declared size are 413
    ``blob_too_large``; a completed document takes no new chunk (409 ``blob_complete``).

    The ``Idempotency-Key`` is required as for every PUT but not recorded: the chunk's
    index and bytes already make a repeat harmless (answered ``stored: false``), and a
    record per chunk would cost each PUT two more writes and grow without end."""
    if not isinstance(data, bytes) or not data:
        raise ApiError(422, "invalid_request", "A chunk is a non-empty binary body.")
    digest = hashlib.blake2b(data, digest_size=32).digest()
    answer = {"blob_id": str(blob_id), "index": index, "chunk_id": digest.hex(), "size": len(data)}
    try:
        with relay.db.write() as conn:
            row = _chunk_slot(conn, blob_id, index, caller, digest)
            if row.chunk_id is not None:
                return JSONResponse({**answer, "stored": False})
            if row.chunk_count is not None:
                raise ApiError(409, "blob_complete", "This document is complete.")
            now = utcnow()
            conn.execute(
                _STORE_CHUNK,
                {
                    "blob_id": blob_id,
                    "index": index,
                    "chunk_id": digest,
                    "size": len(data),
                    "data": data,
                    "created_at": now,
                },
            )
            # Counted after the chunk's big write: on PostgreSQL the blob's row lock is
            # then held only from here to the commit.
            grown = conn.execute(
                _COUNT_CHUNK, {"blob_id": blob_id, "grown_by": len(data), "touched_at": now}
            )
            if grown.rowcount != 1:
                completed = conn.execute(
                    select(blobs.c.chunk_count).where(blobs.c.id == blob_id)
                ).scalar()
                if completed is not None:  # completed since the row was read (PostgreSQL)
                    raise ApiError(409, "blob_complete", "This document is complete.")
                raise ApiError(
                    413, "blob_too_large", "These chunks are larger than the document declared."
                )
    except IntegrityError:
        # PostgreSQL: a PUT of the same index committed first, or the blob was purged
        # meanwhile. Answer as if this request had come after the other one.
        with relay.db.read() as conn:
            row = _chunk_slot(conn, blob_id, index, caller, digest)
        if row.chunk_id is None:
            raise ApiError(
                409, "conflict", "This chunk could not be stored; send it again."
            ) from None
        return JSONResponse({**answer, "stored": False})
    return JSONResponse({**answer, "stored": True})


def _chunk_slot(
    conn: Connection, blob_id: uuid.UUID, index: int, caller: Caller, digest: bytes
) -> Any:
    """The blob (which the caller must have declared) and what it holds at ``index``, in
    one query; 409 ``chunk_conflict`` if that is other bytes than ``digest``."""
    row = conn.execute(_CHUNK_SLOT_ID, {"blob_id": blob_id, "index": index}).first()
    if row is None or not _may_see(caller, row.practice_id, row.patient_id):
        raise _not_found()
    if row.uploader != caller.role:
        raise ApiError(403, "forbidden", "Only the side that declared this document uploads it.")
    if row.chunk_id is not None and bytes(row.chunk_id) != digest:
        raise ApiError(409, "chunk_conflict", "Another chunk is stored at this index.")
    return row


@router.post("/blobs/{blob_id}/complete", response_model=BlobStatus)
def complete_blob(
    blob_id: uuid.UUID,
    body: BlobCompleteRequest,
    caller: AnyCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """The upload is done: the relay checks it holds exactly chunks ``0 .. chunk_count-1``
    making ``size`` bytes, the size declared (else 409 ``blob_incomplete``), and from then
    on the document is read-only and readable by the conversation's other side."""

    def effect(conn: Connection) -> Outcome:
        row = _uploading(conn, blob_id, caller)
        status = _status(conn, row)
        if row.chunk_count is not None:
            if row.chunk_count != body.chunk_count or row.size != body.size:
                raise ApiError(409, "conflict", "This document was completed otherwise.")
            return Outcome(200, status)
        if (
            body.size != row.size
            or status["received"] != list(range(body.chunk_count))
            or status["received_bytes"] != body.size
        ):
            raise ApiError(
                409,
                "blob_incomplete",
                f"The relay holds {len(status['received'])} chunks, "
                f"{status['received_bytes']} of {row.size} bytes: send the missing ones.",
            )
        conn.execute(
            update(blobs)
            .where(blobs.c.id == blob_id)
            .values(chunk_count=body.chunk_count, completed_at=utcnow())
        )
        return Outcome(200, {**status, "complete": True, "chunk_count": body.chunk_count})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.get(
    "/blobs/{blob_id}/chunks/{index}",
    response_class=Response,
    responses={
        200: {
            "description": "The chunk's ciphertext; its BLAKE2b-256 in the Chunk-Id header.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def get_chunk(
    blob_id: uuid.UUID, index: ChunkIndex, caller: AnyCaller, relay: RelayDep
) -> Response:
    """One ciphertext chunk of a complete document (409 ``blob_incomplete`` before)."""
    with relay.db.read() as conn:
        row = conn.execute(_CHUNK_SLOT, {"blob_id": blob_id, "index": index}).first()
    if row is None or not _may_see(caller, row.practice_id, row.patient_id):
        raise _not_found()
    if row.chunk_count is None:
        raise ApiError(409, "blob_incomplete", "This document is not completely uploaded.")
    if row.chunk_id is None:
        raise ApiError(404, "chunk_not_found", "This document has no such chunk.")
    return Response(
        content=bytes(row.data),
        media_type="application/octet-stream",
        headers={CHUNK_ID: bytes(row.chunk_id).hex()},
    )
