"""``python -m desktop.bench.documents [--size-mb 100] [--quick]``: a large document sent
by a patient and fetched by the practice over loopback, beside a plain HTTP copy of the
same bytes.

The Passerelle side is the real thing: a relay process on 127.0.0.1 (SQLite file, as
people run it), a practice with its SQLCipher store, a patient who redeemed an
invitation and whose request the practice accepted (``sync_bench``'s helpers). The
patient sends the file with ``PatientClient.send_document`` (checked, hashed,
encrypted in 512 KiB chunks, one PUT per chunk, then the message that carries the key);
the practice syncs, downloads it into its store with ``Workstation.fetch_document``
(which checks the whole document before marking it complete) and opens it in memory
with ``Workstation.open_document``.

The plain side is the floor under it: the same bytes PUT then GET with ``requests`` to
a stdlib ``ThreadingHTTPServer`` in a process of its own that keeps bodies in memory,
once as one request and once as one request per 512 KiB piece on a keep-alive session.
Between the two plain figures is the cost of cutting a file into requests; between the
chunked one and Passerelle, encryption, hashing, the relay's checks and both databases.

Throughput is in MB/s with MB = 10^6 bytes. Each measurement is repeated (three times by
default, once with ``--quick``) on fresh data and the median printed; the set-up is not
repeated. It prints figures and never fails because a machine is slow; it fails (exit
status 1) only if the practice's bytes are not the file's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

import requests

from desktop.bench.relay_process import RelayProcess, end_process
from desktop.bench.report import seconds
from desktop.bench.sync_bench import Patient, _create_practice, _enrol
from desktop.crypto.blobs import CHUNK_SIZE, chunk_count, ciphertext_size
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

PASSPHRASE = "une phrase de passe pour le banc d'essai des documents"
MB = 1_000_000
DEFAULT_SIZE_MB = 100
QUICK_SIZE_MB = 4
REPEATS = 3
PDF_HEAD = b"%PDF-1.7\n"
# The relay's default limit on a document's ciphertext (relay.config.Settings.max_blob_bytes).
RELAY_MAX_BLOB_BYTES = 100 * 1024 * 1024
START_TIMEOUT = 30.0

# The first words of every figure line, in the order printed: the test checks each one.
FIGURES = ("upload", "download", "open in memory")
SHA_LINE = "sha256 check:"


# -- the plain HTTP server -----------------------------------------------------


class _Bodies(BaseHTTPRequestHandler):
    """PUT keeps the body in memory under its path, GET gives it back; HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    bodies: ClassVar[dict[str, bytes]] = {}  # one server per process: a class attribute will do

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.bodies[self.path] = self.rfile.read(length)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        body = self.bodies.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_plain() -> None:
    """The plain server's process: print the port, then serve until terminated."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bodies)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class PlainServer:
    """A minimal plain HTTP server (stdlib) in a process of its own, on 127.0.0.1.

    Started as ``python -c`` like the relay is started as ``python -m``: a process of its
    own whatever imported this module (multiprocessing's spawn would run the importer's
    main script again)."""

    def __init__(self) -> None:
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from desktop.bench.documents import serve_plain; serve_plain()",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        port: list[str] = []
        stdout = self._process.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: port.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not port or not port[0].strip().isdigit():
            self.stop()
            raise RuntimeError("the plain HTTP server did not start")
        self.url = f"http://127.0.0.1:{port[0].strip()}"
        return self

    def stop(self) -> None:
        if self._process is None:
            return
        end_process(self._process, 10)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# -- measurements --------------------------------------------------------------


@dataclass
class Samples:
    """Durations in seconds, one per repetition, for each thing measured."""

    durations: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.durations.setdefault(name, []).append(value)

    def median(self, name: str) -> float:
        return statistics.median(self.durations[name])


def _timed(samples: Samples, name: str, work: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    result = work()
    samples.add(name, time.perf_counter() - t0)
    return result


def write_file(path: Path, size: int) -> str:
    """``size`` random bytes starting with a PDF header (an accepted type); their sha256."""
    digest = hashlib.sha256()
    left = size - len(PDF_HEAD)
    with path.open("wb") as f:
        f.write(PDF_HEAD)
        digest.update(PDF_HEAD)
        while left > 0:
            piece = os.urandom(min(left, 8 * 1024 * 1024))
            f.write(piece)
            digest.update(piece)
            left -= len(piece)
    return digest.hexdigest()


def _plain_put(session: requests.Session, url: str, source: Path, pieces: bool) -> None:
    with source.open("rb") as f:
        if not pieces:
            session.put(url, data=f.read()).raise_for_status()
            return
        for index, piece in enumerate(iter(lambda: f.read(CHUNK_SIZE), b"")):
            session.put(f"{url}/{index}", data=piece).raise_for_status()


def _plain_get(session: requests.Session, url: str, count: int | None) -> bytes:
    if count is None:
        response = session.get(url)
        response.raise_for_status()
        return response.content
    received = []
    for index in range(count):
        response = session.get(f"{url}/{index}")
        response.raise_for_status()
        received.append(response.content)
    return b"".join(received)


def _plain_round(
    session: requests.Session, base: str, source: Path, size: int, samples: Samples
) -> None:
    """One PUT and GET of the file, whole then in pieces; the bytes must come back."""
    expected = source.read_bytes()
    count = chunk_count(size)
    for kind, pieces in (("single", False), ("chunked", True)):
        url = f"{base}/{kind}"  # each run replaces the last: the server's memory stays flat
        _timed(samples, f"plain_{kind}_put", partial(_plain_put, session, url, source, pieces))
        got = _timed(
            samples,
            f"plain_{kind}_get",
            partial(_plain_get, session, url, count if pieces else None),
        )
        if got != expected:
            raise RuntimeError(f"the plain HTTP server gave back other bytes ({kind})")


@dataclass
class ChunkMarks:
    """When the first and the last chunk went (or came), from a transfer's progress calls."""

    first_chunk: float = 0.0
    last_chunk: float = 0.0

    def progress(self, done: int, _total: int) -> None:
        now = time.perf_counter()
        if done == 1:
            self.first_chunk = now
        self.last_chunk = now


def _send(patient: Patient, source: Path, size: int, samples: Samples) -> str:
    """The patient sends the file (the real path); returns the document's id."""
    before = {d["id"] for d in patient.client.documents(patient.conversation_id)}
    marks = ChunkMarks()
    t0 = time.perf_counter()
    patient.client.send_document(
        patient.conversation_id, source, "Mes examens", on_progress=marks.progress, max_bytes=size
    )
    end = time.perf_counter()
    samples.add("upload", end - t0)
    # Before the first chunk: checking and hashing the file, declaring the blob, chunk 0.
    samples.add("upload_before_chunks", marks.first_chunk - t0)
    samples.add("upload_after_chunks", end - marks.last_chunk)
    [doc_id] = {d["id"] for d in patient.client.documents(patient.conversation_id)} - before
    return doc_id


def _fetch(ws: Workstation, doc_id: str, size: int, digest: str, samples: Samples) -> bool:
    """The practice downloads the document into its store, then opens it in memory; whether
    the bytes it opened are the file's."""
    marks = ChunkMarks()
    t0 = time.perf_counter()
    fetched = ws.fetch_document(doc_id, on_progress=marks.progress)
    end = time.perf_counter()
    if fetched != chunk_count(size):
        raise RuntimeError(
            f"the practice fetched {fetched} of {chunk_count(size)} chunks (had something "
            "downloaded it already?): the figure would mean nothing"
        )
    samples.add("download", end - t0)
    # After the last chunk is stored: the whole document decrypted and checked once.
    samples.add("download_check", end - marks.last_chunk)
    data = _timed(samples, "open", lambda: ws.open_document(doc_id))
    return hashlib.sha256(data).hexdigest() == digest


def run(size: int, repeats: int, folder: Path) -> dict[str, Any]:
    """Set up once, then measure ``repeats`` times; the figures as a dict."""
    source = folder / "examens.pdf"
    print(f"writing {size / MB:,.1f} MB of random bytes…", file=sys.stderr, flush=True)
    digest = write_file(source, size)
    samples = Samples()
    database_url = f"sqlite:///{folder / 'relay.sqlite3'}"
    relay = RelayProcess(database_url)
    plain = PlainServer()
    store: Store | None = None
    patient: Patient | None = None
    session = requests.Session()
    try:
        relay.start()
        plain.start()
        store = Store.create(folder / "documents.passerelle", PASSPHRASE)
        token = _create_practice(database_url)
        ws = Workstation.enrol(store, relay.url, token, "banc d'essai", "Cabinet du banc d'essai")
        doctor = ws.set_up_administrator("123456", name="Dr Claire Dupont",
                                         profession="Médecin généraliste",
                                         accepts_messaging=True)
        Sync(ws).once()
        patient = _enrol(ws, relay.url, doctor.id, 0)

        sent: list[str] = []
        for n in range(repeats):
            print(f"upload {n + 1}/{repeats}…", file=sys.stderr, flush=True)
            sent.append(_send(patient, source, size, samples))
            _plain_round(session, plain.url, source, size, samples)
        Sync(ws).once()  # the practice learns of the documents from the patient's messages
        known = {d.blob_id for d in ws.documents(patient.conversation_id)}
        if not set(sent) <= known:
            raise RuntimeError("the practice did not learn of every document sent")
        matched = 0
        for n, doc_id in enumerate(sent):
            print(f"download {n + 1}/{repeats}…", file=sys.stderr, flush=True)
            matched += _fetch(ws, doc_id, size, digest, samples)
        return _figures(size, repeats, samples, matched, digest)
    finally:
        session.close()
        plain.stop()
        relay.stop()
        if patient is not None:
            patient.client.close()
        if store is not None:
            store.close()


def _figures(
    size: int, repeats: int, samples: Samples, matched: int, digest: str
) -> dict[str, Any]:
    medians = {name: samples.median(name) for name in samples.durations}
    rates = {name: size / MB / value for name, value in medians.items()}
    return {
        "size_bytes": size,
        "chunk_bytes": CHUNK_SIZE,
        "chunks": chunk_count(size),
        "ciphertext_bytes": ciphertext_size(size),
        "repeats": repeats,
        "median_s": medians,
        "median_mb_per_s": rates,
        "samples_s": samples.durations,
        "sha256": digest,
        "sha256_matched": matched,
    }


# -- the printed table ---------------------------------------------------------


def _rate(r: dict[str, Any], name: str) -> str:
    return f"{r['median_mb_per_s'][name]:7.1f} MB/s ({seconds(r['median_s'][name])})"


def _ratio(r: dict[str, Any], plain: str, ours: str) -> str:
    return f"{r['median_mb_per_s'][plain] / r['median_mb_per_s'][ours]:.1f}×"


def report(r: dict[str, Any]) -> str:
    n, chunks = r["repeats"], r["chunks"]
    runs = "median of 3 runs" if n == 3 else f"median of {n} runs" if n > 1 else "1 run"
    headers = (
        "",
        "Passerelle",
        "plain HTTP, 1 request",
        f"plain HTTP, {chunks} requests",
        "plain/Passerelle, 1 req.",
        f"plain/Passerelle, {chunks} req.",
    )

    def figure(label: str, ours: str, single: str, chunked: str) -> tuple[str, ...]:
        return (
            label,
            _rate(r, ours),
            _rate(r, single),
            _rate(r, chunked),
            _ratio(r, single, ours),
            _ratio(r, chunked, ours),
        )

    rows = [
        headers,
        figure("upload", "upload", "plain_single_put", "plain_chunked_put"),
        figure("download", "download", "plain_single_get", "plain_chunked_get"),
        ("open in memory", _rate(r, "open"), "", "", "", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    table = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    table.insert(1, "  ".join("-" * w for w in widths))
    m = r["median_s"]
    ok = r["sha256_matched"] == n
    lines = [
        (
            f"Documents over loopback: a {r['size_bytes'] / MB:,.1f} MB file in {chunks} chunks "
            f"of {r['chunk_bytes'] // 1024} KiB; MB/s with MB = 10^6 bytes of the file; {runs}"
        ),
        "",
        *table,
        "",
        "What each figure is:",
        (
            f"  upload: PatientClient.send_document — before the first chunk is acknowledged "
            f"(check, SHA-256 of the file, declare, chunk 0) {seconds(m['upload_before_chunks'])}"
            f", after the last (complete, seal and post the message) "
            f"{seconds(m['upload_after_chunks'])}"
        ),
        (
            f"  download: Workstation.fetch_document into the SQLCipher store, of which the "
            f"check after the last chunk (the end of the streaming check, decrypted, SHA-256) "
            f"{seconds(m['download_check'])}"
        ),
        "  open in memory: Workstation.open_document (read from the store, decrypt, verify)",
        (
            "  plain HTTP: requests ↔ http.server.ThreadingHTTPServer in its own process, "
            "bodies kept in memory; the file read from disk on each PUT"
        ),
        (
            f"{SHA_LINE} "
            + (
                f"the practice's decrypted bytes match the file ({n} of {n} documents, "
                f"sha256 {r['sha256'][:16]}…)"
                if ok
                else f"MISMATCH: {r['sha256_matched']} of {n} documents match the file"
            )
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m desktop.bench.documents",
        description="Upload and download a large document through a relay process, beside a "
        "plain HTTP copy of the same bytes; print MB/s (MB = 10^6 bytes) and the ratios.",
    )
    parser.add_argument(
        "--size-mb",
        type=float,
        default=None,
        metavar="N",
        help=f"size of the file in MB of 10^6 bytes (default {DEFAULT_SIZE_MB}, "
        f"{QUICK_SIZE_MB} with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SIZE_MB} MB and one run, for the test"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        metavar="N",
        help=f"measurements of each figure, the median printed (default {REPEATS}, 1 with --quick)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--tmp", type=Path, default=None, help="where to make the temporary folder")
    args = parser.parse_args(argv)
    size_mb = (
        args.size_mb
        if args.size_mb is not None
        else (QUICK_SIZE_MB if args.quick else DEFAULT_SIZE_MB)
    )
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else REPEATS)
    size = int(size_mb * MB)
    if size <= len(PDF_HEAD) or repeats < 1:
        parser.error("the size must be above a few bytes and --repeats at least 1")
    if ciphertext_size(size) > RELAY_MAX_BLOB_BYTES:
        parser.error(
            f"the relay refuses documents over {RELAY_MAX_BLOB_BYTES:,} bytes of ciphertext "
            f"(about {RELAY_MAX_BLOB_BYTES / MB:.1f} MB)"
        )
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-documents-", dir=args.tmp) as tmp:
        result = run(size, repeats, Path(tmp))
    print(report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["sha256_matched"] == repeats else 1


if __name__ == "__main__":
    raise SystemExit(main())
