"""Backup and restore of a big store, and what a backup costs the window: ``python -m desktop.bench.backup``

Builds a store from the synthetic corpus (``desktop.bench.corpus``: skewed
threads, French text) plus ``--documents-mb`` of document chunks (random
bytes, as the encrypted chunks are), then measures:

- the backup: the copy (online backup API in steps, from a read connection),
  the check (integrity_check and row counts on the written file), total time
  and bytes;
- its effect while it runs: a Qt timer on the GUI thread ticking every 10 ms
  (a late tick is a stall: the interpreter lock, the disk), and a writer
  committing one small transaction every 20 ms on the store's own connection
  (as sync does) — the latency of each commit says whether the backup holds
  the writer back;
- the restore: check with the recovery key, copy, re-key to a new
  passphrase (every page re-encrypted), open.

It prints figures and never fails on them.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import nacl.utils

from desktop.bench.corpus import Corpus
from desktop.bench.report import percentile
from desktop.bench.store_bench import PASSPHRASE, build
from desktop.core.model import DeliveryState, Sender
from desktop.crypto.recovery import new_recovery_key
from desktop.store import Store
from desktop.store import backup as bk
from desktop.store.documents import DocumentStore, StoredDocument

CHUNK_BYTES = 512 * 1024


def add_documents(store: Store, megabytes: int) -> None:
    """``megabytes`` of document chunks, 5 MB per document, as sync stores them."""
    documents = DocumentStore(store)
    per_document = 10  # chunks of 512 KiB
    total = megabytes * 2
    made = 0
    while made < total:
        n = min(per_document, total - made)
        blob = str(uuid.uuid4())
        with store.transaction():
            documents.add(StoredDocument(
                blob, None, None, "patient", "resultats.pdf", "application/pdf",
                n * CHUNK_BYTES, "0" * 64, nacl.utils.random(32), n, "pending"))
            with store._writing() as c:
                c.executemany(
                    "INSERT INTO document_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                    [(blob, i, os.urandom(CHUNK_BYTES)) for i in range(n)])
        made += n


def measure(folder: Path, conversations: int, messages: int, documents_mb: int,
            step_pages: int) -> None:
    from desktop.ui.qt import QApplication, QElapsedTimer, QEventLoop, QTimer

    app = QApplication.instance() or QApplication([])  # the timers need one
    assert app is not None
    started = time.perf_counter()
    path = folder / "store.passerelle"
    if path.exists():  # built by an earlier run with --folder: measured again as it is
        store = Store.open(path, PASSPHRASE)
    else:
        built = build("store", path, Corpus(conversations, messages), "")
        store = Store.open(built.path, PASSPHRASE)
        add_documents(store, documents_mb)
    conv = store.inbox("all", limit=1)[0].id
    key = new_recovery_key()
    bk.set_recovery_key(store, key)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    size = path.stat().st_size
    print(f"store: {conversations} conversations, {messages} messages, {documents_mb} MB of "
          f"documents: {size / 1e6:.0f} MB, built in {time.perf_counter() - started:.0f} s")

    target = folder / "usb"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    copy_done: list[float] = []
    t0 = [0.0]

    def progress(copied: int, total: int) -> None:
        if copied == total and not copy_done:
            copy_done.append(time.perf_counter() - t0[0])

    # The writer: one small transaction every 20 ms on the store's own connection.
    commit_ms: list[float] = []
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            t = time.perf_counter()
            store.add_message(f"bench-{n}", conv, Sender.PATIENT, "p", "message pendant la "
                              "sauvegarde", datetime.now(UTC), DeliveryState.DELIVERED)
            commit_ms.append((time.perf_counter() - t) * 1000)
            n += 1
            time.sleep(0.02)

    # The window: a tick every 10 ms; a late one is a stall.
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(max(0.0, now - last[0] - 10))
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)

    # A real event loop, as the window runs (and not processEvents() in a loop: with
    # PySide6 6.12 each call drops a reference to None, and a long loop crashes).
    def run_until(done: Callable[[], bool], at_most: float) -> None:
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(lambda: loop.quit() if done() else None)
        poll.start(20)
        QTimer.singleShot(int(at_most * 1000), loop.quit)
        loop.exec()
        poll.stop()

    def idle(seconds: float) -> list[float]:
        gaps.clear()
        end = time.perf_counter() + seconds
        run_until(lambda: time.perf_counter() >= end, seconds + 1)
        return list(gaps)

    quiet = idle(2.0)
    result: list[bk.Backup] = []
    w = threading.Thread(target=writer)
    w.start()
    idle(1.0)
    quiet_commits = list(commit_ms)
    commit_ms.clear()
    gaps.clear()
    t0[0] = time.perf_counter()
    b = threading.Thread(target=lambda: result.append(
        bk.write_backup(store, target, step_pages=step_pages, progress=progress)))
    b.start()
    run_until(lambda: not b.is_alive(), 3600)
    b.join()
    during = list(gaps)
    stop.set()
    w.join()
    timer.stop()
    made = result[0]
    copy_s = copy_done[0] if copy_done else float("nan")
    print(f"backup: {made.seconds:.1f} s in all ({copy_s:.1f} s copy, "
          f"{made.seconds - copy_s:.1f} s check), {made.size / 1e6:.0f} MB "
          f"({made.size / max(size, 1):.2f} of the store), "
          f"{size / 1e6 / made.seconds:.0f} MB/s; rows {sum(made.counts.values())}")
    print(f"window while idle:      stalls p99 {percentile(quiet, 0.99):.0f} ms, "
          f"max {max(quiet, default=0):.0f} ms")
    print(f"window during backup:   stalls p99 {percentile(during, 0.99):.0f} ms, "
          f"max {max(during, default=0):.0f} ms, {sum(g > 100 for g in during)} over 100 ms "
          f"({len(during)} ticks)")
    print(f"writer commits idle:    p50 {percentile(quiet_commits, 0.5):.1f} ms, "
          f"max {max(quiet_commits, default=0):.1f} ms")
    print(f"writer during backup:   p50 {percentile(commit_ms, 0.5):.1f} ms, "
          f"p99 {percentile(commit_ms, 0.99):.1f} ms, max {max(commit_ms, default=0):.1f} ms "
          f"({len(commit_ms)} commits while it ran)")
    store.close()

    t = time.perf_counter()
    restored = bk.restore_backup(made.path, key, folder / "restored.passerelle",
                                 "une phrase pour la restauration")
    restore_s = time.perf_counter() - t
    restored.close()
    print(f"restore: {restore_s:.1f} s (check, copy, re-key every page, open)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--conversations", type=int, default=2_000)
    p.add_argument("--messages", type=int, default=100_000)
    p.add_argument("--documents-mb", type=int, default=100)
    p.add_argument("--step-pages", type=int, default=bk.STEP_PAGES)
    p.add_argument("--folder", type=Path, default=None, help="keep the files here")
    args = p.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="passerelle-backup-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        measure(folder, args.conversations, args.messages, args.documents_mb, args.step_pages)
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
