"""The local store: build it and a plain copy, time unlocking, then the queries side by side.

Both files are filled by the same calls with the same rows in the same order
(see ``corpus``), in two processes at once: building a million messages is
most of the benchmark's time and the machine has two cores. The queries are
then timed in one process, alternating which side goes first, with the same
arguments for both, so that noise and caches treat them alike.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from desktop.bench.corpus import COMMON_WORDS, Corpus, rare_words
from desktop.bench.plain import open_plain
from desktop.bench.report import Figure, seconds, store_query
from desktop.store import Store, derive_key
from desktop.store.keys import SALT_BYTES

PASSPHRASE = "une phrase de passe pour le banc d'essai"
# Rows per add_messages_bulk call, i.e. per transaction: big enough that the
# commit (and its fsync) is noise, small enough to keep memory flat.
CHUNK = 50_000
SELECTIVE_CEILING = 0.050  # the "FTS selective ≤ 50 ms p95"


@dataclass(frozen=True)
class Built:
    """One filled file: how long it took and how big it is."""

    kind: str
    path: Path
    seconds: float
    bytes: int


def _fill(target: Store, corpus: Corpus) -> None:
    """Every row of the corpus, through the calls the application itself makes."""
    conversations = corpus.conversation_rows()
    with target.transaction():
        for pid, name, profession in corpus.practitioner_rows():
            target.add_practitioner(name, profession, None, True, id=pid)
        for pid, name, born in corpus.patient_rows():
            target.add_patient(name, born, id=pid)
        for c in conversations:
            target.upsert_conversation(
                c.id, c.patient_id, c.practitioner_id, c.category, c.state, c.created_at
            )
            if c.assigned_to:
                target.assign(c.id, c.assigned_to)
    chunk: list[tuple[Any, ...]] = []
    for row in corpus.message_rows(conversations):
        chunk.append(row)
        if len(chunk) == CHUNK:
            target.add_messages_bulk(chunk)
            chunk = []
    if chunk:
        target.add_messages_bulk(chunk)


def build(kind: str, path: Path, corpus: Corpus, driver: str) -> Built:
    """Fill one file (run in a worker process): ``kind`` is "store" or "plain"."""
    started = time.perf_counter()
    target = Store.create(path, PASSPHRASE) if kind == "store" else open_plain(path, driver)
    try:
        _fill(target, corpus)
    finally:
        target.close()  # the last connection out checkpoints: the WAL is in the file
    return Built(kind, path, time.perf_counter() - started, path.stat().st_size)


def build_both(folder: Path, corpus: Corpus, driver: str) -> tuple[Built, Built]:
    """The SQLCipher store and its plain copy, built in parallel."""
    # spawn: a fresh interpreter per worker, nothing inherited from this one's state.
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        store = pool.submit(build, "store", folder / "store.passerelle", corpus, driver)
        plain = pool.submit(build, "plain", folder / "plain.sqlite3", corpus, driver)
        return store.result(), plain.result()


def unlock(path: Path, runs: int) -> list[Figure]:
    """Opening the store with its passphrase, and the bare key derivation inside it."""
    with open(path, "rb") as f:
        salt = f.read(SALT_BYTES)  # SQLCipher keeps the salt as the file's first bytes
    kdf, opened, keyed = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        key = derive_key(PASSPHRASE, salt)
        kdf.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        Store.open(path, PASSPHRASE).close()
        opened.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        Store.open_with_key(path, key).close()
        keyed.append(time.perf_counter() - t0)
    k, o, w = (statistics.median(x) for x in (kdf, opened, keyed))
    return [
        Figure(
            "unlock (Store.open, passphrase)",
            f"{seconds(o)} median",
            target="none set",
            result="—",
            note=f"median of {runs} runs; the same with the key already derived "
            f"(Store.open_with_key): {seconds(w)}",
            raw={"runs": runs, "unlock_median_s": o, "open_with_key_median_s": w},
        ),
        Figure(
            "bare KDF (Argon2id, 128 MiB, 3 passes)",
            f"{seconds(k)} median",
            target="none set",
            result="—",
            raw={"runs": runs, "kdf_median_s": k},
        ),
    ]


def _compare(
    store: Store,
    plain: Store,
    call: Callable[[Any, Any], list[Any]],
    arguments: Sequence[Any],
    key: Callable[[Any], str],
) -> tuple[list[float], list[float]]:
    """Time ``call`` on both sides for each argument; the answers must be the same."""
    warmup = arguments[: max(1, len(arguments) // 20)]
    for argument in warmup:  # caches and prepared statements, on both sides alike
        call(store, argument), call(plain, argument)
    store_times: list[float] = []
    plain_times: list[float] = []
    for n, argument in enumerate(arguments):
        sides = [(store, store_times), (plain, plain_times)]
        if n % 2:
            sides.reverse()  # neither side always runs right after the other's cache work
        answers = []
        for target, times in sides:
            t0 = time.perf_counter()
            answer = call(target, argument)
            times.append(time.perf_counter() - t0)
            answers.append(sorted(key(a) for a in answer))
        if answers[0] != answers[1]:
            raise RuntimeError(f"the plain copy answered differently for {argument!r}")
    return store_times, plain_times


def queries(store: Store, plain: Store, corpus: Corpus, samples: int) -> list[Figure]:
    """The inbox, a 100-message thread and search, each beside the plain copy."""
    rng = random.Random(corpus.seed + 10)
    conversations = corpus.conversation_rows()
    long_ones = [c.id for c in conversations if c.messages >= 100] or [
        max(conversations, key=lambda c: c.messages).id
    ]
    practitioners = [p[0] for p in corpus.practitioner_rows()]
    # Only rare words that exist in this corpus: a search finding nothing is not "selective".
    rare = [w for w in rare_words() if plain.search(w, 1)] or rare_words()[:1]

    # What makes two answers the same: the ids they list (conversations, messages, hits).
    def by_id(row: Any) -> str:
        return str(row.id)

    def by_message_id(hit: Any) -> str:
        return str(hit.message.id)

    figures = []
    inbox_runs = [None] * samples
    for label, call in (
        ("inbox: all, newest 50", lambda t, _: t.inbox("all", None, 50, 0)),
        ("inbox: to process, newest 50", lambda t, _: t.inbox("to_process", None, 50, 0)),
    ):
        s, p = _compare(store, plain, call, inbox_runs, by_id)
        figures.append(store_query(label, s, p))
    desks = [rng.choice(practitioners) for _ in range(samples)]
    s, p = _compare(store, plain, lambda t, pid: t.inbox("all", pid, 50, 0), desks, by_id)
    figures.append(store_query("inbox: one practitioner's desk", s, p))
    threads = [rng.choice(long_ones) for _ in range(samples)]
    s, p = _compare(store, plain, lambda t, cid: t.thread(cid, 100), threads, by_id)
    figures.append(
        store_query(
            "thread: last 100 messages",
            s,
            p,
            note=f"{len(long_ones):,} conversations of 100+ messages, one at random each time",
        )
    )
    words = [rng.choice(rare) for _ in range(samples)]
    s, p = _compare(store, plain, lambda t, w: t.search(w, 50), words, by_message_id)
    hits = statistics.mean(len(plain.search(w, 1000)) for w in rare[:20])
    figures.append(
        store_query(
            "search: selective word (FTS)",
            s,
            p,
            max_p95=SELECTIVE_CEILING,
            note=f"{len(rare)} rare words, about {hits:.0f} messages each, top 50 by rank",
        )
    )
    common = [rng.choice(COMMON_WORDS) for _ in range(max(10, samples // 4))]
    s, p = _compare(store, plain, lambda t, w: t.search(w, 50), common, by_message_id)
    figures.append(
        store_query(
            "search: common word (FTS)",
            s,
            p,
            note="each word in about a quarter of all messages; the newest 5,000 matches ranked",
        )
    )
    return figures
