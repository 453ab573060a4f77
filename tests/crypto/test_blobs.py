"""Blobs: chunked secretstream encryption, deterministic for resumes, tamper-evident."""

from __future__ import annotations

import io
import os

import pytest

from desktop.core.errors import EnvelopeRejected
from desktop.crypto.blobs import (
    BlobKey,
    chunk_count,
    chunk_id,
    ciphertext_size,
    decrypt_chunks,
    encrypt_chunks,
)

BLOB = "0b9f5d4e-7c55-4f7e-9d0a-3d1e5b1c2a77"


@pytest.mark.parametrize("size", [0, 1, 1000, 4096, 4097, 10_000])
def test_round_trip(size: int) -> None:
    data = os.urandom(size)
    key = BlobKey.generate()
    chunks = list(encrypt_chunks(io.BytesIO(data), BLOB, key, chunk_size=4096))
    assert len(chunks) == chunk_count(size, 4096)
    assert sum(map(len, chunks)) == ciphertext_size(size, 4096)
    assert b"".join(decrypt_chunks(chunks, BLOB, key)) == data


def test_same_key_same_chunks_so_a_resume_stores_nothing_twice() -> None:
    data = os.urandom(20_000)
    key = BlobKey.from_bytes(BlobKey.generate().to_bytes())
    first = [chunk_id(c) for c in encrypt_chunks(io.BytesIO(data), BLOB, key, 4096)]
    again = [chunk_id(c) for c in encrypt_chunks(io.BytesIO(data), BLOB, key, 4096)]
    assert first == again and len(set(first)) == len(first)
    other = [chunk_id(c) for c in encrypt_chunks(io.BytesIO(data), BLOB, BlobKey.generate(), 4096)]
    assert not set(first) & set(other)


def test_tampering_reordering_truncation_and_wrong_blob_are_detected() -> None:
    key = BlobKey.generate()
    chunks = list(encrypt_chunks(io.BytesIO(os.urandom(10_000)), BLOB, key, 4096))
    bad = [chunks[0][:-1] + bytes([chunks[0][-1] ^ 1]), *chunks[1:]]
    for broken in (bad, [chunks[1], chunks[0], chunks[2]], chunks[:2], [*chunks, chunks[2]]):
        with pytest.raises(EnvelopeRejected):
            b"".join(decrypt_chunks(broken, BLOB, key))
    with pytest.raises(EnvelopeRejected):
        b"".join(decrypt_chunks(chunks, "another-blob", key))
    with pytest.raises(EnvelopeRejected):
        b"".join(decrypt_chunks(chunks, BLOB, BlobKey.generate()))
    with pytest.raises(EnvelopeRejected):
        BlobKey.from_bytes(b"short")
