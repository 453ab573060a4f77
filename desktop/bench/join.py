"""Joining a workstation to a practice with years of history, then the two in step.

    python -m desktop.bench.join [--quick] [--conversations 10000] [--messages 100000]

A relay process on loopback; the desk (enrolled, the practice's administrator signed in)
holds the history: patients with the app, each with many conversations (the request and
the patient's messages, sealed by the patient to the practice), patients' files only
(imported), and what the practice did with it, through the features (notes, who has a
conversation on their desk, what was read, edits to patients' files) — all of it in the
journal as the features publish it. Then a laptop joins with ``desktop.sync.pairing``
(code, claim, approve, its own store) and syncs with ``SyncEngine``, as the window does.

Printed, beside the issue's targets (never a failure because the machine is slow):

- **time to usable**: from the laptop's store being made to its journal caught up
  (people, patients' files) and the inbox showing conversations (the first mailbox page);
- **time to complete**: every message pulled and the journal caught up (the receipts the
  laptop then sends for what it received are counted apart);
- **journal apply rate**: the journal's events over the time the laptop took to catch up
  with them (while its mailbox pulls beside it, as in the window);
- **change to display**: both engines running, a patient's file edited or a note written
  on the desk, until the laptop's store has it (p50/p99).

Like ``desktop.bench.sync_bench`` (whose practice set-up and sealing it reuses), filling
the relay skips HTTP (``relay.testing.seed_conversations``): posting 100,000 messages one by
one would measure the relay's intake.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from desktop.bench.corpus import BodyWriter
from desktop.bench.relay_process import RelayProcess
from desktop.bench.report import Figure, over, percentile, seconds
from desktop.bench.sync_bench import PASSPHRASE, Patient, _create_practice, _enrol
from desktop.crypto import Identity, seal_envelope
from desktop.crypto.envelope import message_context
from desktop.store import Store
from desktop.sync import pairing
from desktop.sync.content import encode
from desktop.sync.engine import Sync, SyncEngine
from desktop.sync.journal import JournalSync
from desktop.sync.workstation import Workstation

USABLE_TARGET = 60.0
USABLE_TARGET_MESSAGES = 100_000
LATENCY_TARGET = 5.0  # "the others show within a few seconds while online"
PIN = "123456"
#: Seconds without a journal event or a message arriving: the laptop is stuck.
STALLED = 60.0

# (full, --quick)
SIZES: dict[str, tuple[int, int]] = {
    "conversations": (10_000, 300),
    "messages": (100_000, 3_000),
    "patients": (20, 3),  # with the app, the conversations shared among them
    "files": (2_000, 100),  # patients' files only (no app)
    "latency_samples": (50, 10),
}


def _progress(started: float, text: str) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {text}", file=sys.stderr, flush=True)


# -- the history ------------------------------------------------------------------


def seal_conversations(identity: bytes, practice_enc_pk: bytes, sizes: list[int],
                       seed: int) -> list[tuple[str, tuple[str, bytes], list[tuple[str, bytes]]]]:
    """One patient's conversations (run in a worker process): for each, its id, its request
    and ``size - 1`` messages after it, sealed as his app seals them."""
    patient = Identity.from_bytes(identity)
    bodies = BodyWriter(seed)
    start = datetime.now(UTC) - timedelta(days=400)
    recipients = [practice_enc_pk, patient.enc_pk]
    made = []
    moment = 0
    for size in sizes:
        conv_id = str(uuid.uuid4())
        sealed = []
        for n in range(size):
            message_id = str(uuid.uuid4())
            moment += 1
            doc: dict[str, Any] = {"type": "request" if n == 0 else "message",
                                   "text": bodies.body(),
                                   "sent_at": (start + timedelta(minutes=moment)).isoformat()}
            if n == 0:
                doc["category"] = "other"
            sealed.append((message_id, seal_envelope(
                encode(doc), message_context(conv_id, message_id), patient.sign_key,
                recipients)))
        made.append((conv_id, sealed[0], sealed[1:]))
    return made


def _seed(database_url: str, ws: Workstation, patients: list[Patient], practitioner_id: str,
          conversations: int, messages: int) -> int:
    """``conversations`` conversations holding ``messages`` messages (requests included),
    shared among the patients; returns how many events the practice's mailbox got."""
    from relay.testing import SeededConversation, seed_conversations

    sizes = [1 + (messages - conversations) // conversations
             + (n < (messages - conversations) % conversations) for n in range(conversations)]
    shares: list[list[int]] = [sizes[n::len(patients)] for n in range(len(patients))]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        sealed = [pool.submit(seal_conversations, p.client.identity.to_bytes(),
                              p.client.practice_enc_pk, share, 7 + n)
                  for n, (p, share) in enumerate(zip(patients, shares, strict=True))]
        made = [s.result() for s in sealed]
    # The patients' conversations interleaved, as they came in over the years.
    ordered = []
    for n in range(max(len(m) for m in made)):
        for p, mine in zip(patients, made, strict=True):
            if n < len(mine):
                conv_id, request, rest = mine[n]
                ordered.append(SeededConversation(conv_id, p.client.patient_id,
                                                  practitioner_id, request, rest))
    written = 0
    for start in range(0, len(ordered), 1000):  # a thousand conversations a transaction
        written += seed_conversations(database_url, ws.practice_id, ordered[start:start + 1000])
    return written


def _practice_history(ws: Workstation, files: int, practitioner_id: str) -> None:
    """What a practice did over the years, through the features (each publishes its change
    to the journal in its own transaction): patients' files, edits, notes, who has a
    conversation on their desk, what was read."""
    store = ws.store
    with store.transaction():
        added = [store.add_patient(f"Dossier {n:05d} Lefèvre", f"{1930 + n % 80}-0{1 + n % 9}-1{n % 9}",
                                   phone=f"06{n:08d}", email=f"dossier{n}@exemple.fr")
                 for n in range(files)]
    with store.transaction():
        for n, patient in enumerate(added[::4]):
            store.update_patient(patient.id, actor_id=practitioner_id, phone=f"07{n:08d}",
                                 tags="diabète")
    inbox = store.inbox(limit=100_000)
    with store.transaction():
        for n, conv in enumerate(inbox):
            if n % 10 == 0:
                store.mark_conversation_read(conv.id)
            if n % 5 == 0:
                store.assign(conv.id, practitioner_id)
            if n % 10 == 0:
                store.add_note(conv.id, practitioner_id, f"Rappeler le patient, dossier {n}.")


# -- the laptop joins -------------------------------------------------------------


def _drop_receipts(store: Store) -> int:
    """The desk's "delivered" and "read" receipts for its history, dropped rather than
    sent: ten thousand of them would measure the relay's intake, and the bench's patients
    read nothing. Returns how many."""
    dropped = 0
    while True:
        receipts = [item for item in store.outbox_pending(1000)
                    if item.path.endswith("/receipts")]
        if not receipts:
            return dropped
        with store.transaction():
            for item in receipts:
                store.outbox_done(item.id)
        dropped += len(receipts)


def _join(desk: Workstation, relay_url: str, path: Path) -> tuple[Store, float]:
    """Code, claim, approve, collect, the laptop's store: returns it open, and how long the
    pairing itself took (two Argon2id derivations, four requests)."""
    t0 = time.perf_counter()
    session = pairing.JoinSession.start(relay_url, "Portable visites")
    try:
        newcomer = pairing.claim(desk, session.code)
        pairing.approve(desk, newcomer)
        if session.poll() != "done":
            raise RuntimeError("the laptop was approved but the relay did not say so")
        store = session.finish(path, PASSPHRASE)
    finally:
        session.close()
    pairing.settle(desk)  # the desk trusts it and says so in the journal
    return store, time.perf_counter() - t0


def _count(store: Store, sql: str) -> int:
    with store._reading() as c:
        return int(c.execute(sql).fetchone()[0])


def _remote_events(store: Store) -> int:
    return _count(store, "SELECT count(*) FROM journal_events WHERE state = 'remote'")


def _cursor(store: Store) -> int:
    return int(store.journal_cursor() or 0)


def _engine(ws: Workstation, **callbacks: Any) -> SyncEngine:
    try:
        return SyncEngine(ws, **callbacks)
    except TypeError:  # an engine without the journal's callback yet
        callbacks.pop("on_journal", None)
        return SyncEngine(ws, **callbacks)


def _wait(what: Callable[[], bool], timeout: float, every: float = 0.05) -> float | None:
    """Poll ``what`` until true: the moment (perf_counter) it was, None after ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if what():
            return time.perf_counter()
        time.sleep(every)
    return None


def _catch_up(laptop: Store, desk: Store, head: int, messages: int,
              started: float) -> tuple[list[Figure], SyncEngine]:
    """Start the laptop's engine; time usable, complete and the journal. Returns the figures
    and the engine, still running."""
    engine = _engine(Workstation(laptop))
    t0 = time.perf_counter()
    engine.start()
    marks: dict[str, float] = {}
    deadline = t0 + 900
    progress, moved = None, t0
    while time.perf_counter() < deadline and len(marks) < 3:
        now = time.perf_counter()
        seen = (_cursor(laptop), _count(laptop, "SELECT count(*) FROM messages"))
        if seen != progress:
            progress, moved = seen, now
        elif now - moved > STALLED:
            break  # nothing arrives any more: say so below rather than wait the whole time
        if "journal" not in marks and _cursor(laptop) >= head:
            marks["journal"] = now
            _progress(started, f"laptop: journal caught up ({now - t0:.1f} s)")
        if "inbox" not in marks and laptop.inbox(limit=1):
            marks["inbox"] = now
            _progress(started, f"laptop: the inbox shows conversations ({now - t0:.1f} s)")
        if "complete" not in marks and seen[1] >= messages and "journal" in marks:
            marks["complete"] = now
            _progress(started, f"laptop: every message is here ({now - t0:.1f} s)")
        time.sleep(0.05)
    events = _remote_events(laptop)
    backlog = laptop.outbox_count()
    got = _count(laptop, "SELECT count(*) FROM messages")
    if len(marks) < 3:
        missing = sorted({"journal", "inbox", "complete"} - set(marks))
        print(f"the laptop did not get there (stalled or 15 minutes): {', '.join(missing)} "
              f"({got:,} of {messages:,} messages, journal cursor {_cursor(laptop)} of {head}, "
              f"engine {engine.status})", file=sys.stderr)
    journal = marks.get("journal", float("nan")) - t0
    inbox = marks.get("inbox", float("nan")) - t0
    usable = math.nan if math.isnan(journal) or math.isnan(inbox) else max(journal, inbox)
    complete = marks.get("complete", float("nan")) - t0
    people = len(laptop.people())
    patients = laptop.count_patients(), desk.count_patients()
    judged = messages >= USABLE_TARGET_MESSAGES
    figures = [
        Figure("join: time to usable", seconds(usable),
               target=f"≤ {USABLE_TARGET:.0f} s for {USABLE_TARGET_MESSAGES:,} messages",
               result=over(usable, USABLE_TARGET, seconds(usable)) if judged
               else "not judged: smaller than the issue's practice",
               note=f"journal caught up {seconds(journal)} · inbox showing conversations "
                    f"{seconds(inbox)} · then {patients[0]:,} of the desk's {patients[1]:,} "
                    f"patients, {people} people on the laptop"),
        Figure("join: time to complete", seconds(complete),
               target="in the background, with progress", result="(no target)",
               note=f"{got:,} of {messages:,} messages; then {backlog:,} receipts still "
                    f"to send (the engine says {engine.status.state})"),
        Figure("journal apply rate, during the join", f"{events / journal:,.0f} events/s" if events else "n/a",
               target="(no target)",
               note=f"{events:,} events in {seconds(journal)}, the mailbox pulling beside it "
                    "(one process, two cores shared)"),
    ]
    return figures, engine


def _has_phone(store: Store, patient_id: str, phone: str) -> bool:
    patient = store.patient(patient_id)
    return patient is not None and patient.phone == phone


def _has_note(store: Store, conversation_id: str, text: str) -> bool:
    return any(note.text == text for note in store.notes(conversation_id))


def _latency(desk_ws: Workstation, desk_engine: SyncEngine, laptop: Store,
             practitioner_id: str, samples: int) -> Figure:
    """A change on the desk (a patient's phone, or a note on a conversation), until the
    laptop's store has it, both engines running."""
    desk = desk_ws.store
    patient = desk.add_patient("Mesure Latence", "1970-01-01", phone="0600000000")
    conv = desk.inbox(limit=1)[0].id
    desk_engine.wake()
    if _wait(lambda: laptop.patient(patient.id) is not None, 30) is None:
        return Figure("change to display, desk → laptop", "n/a", target=f"≤ {LATENCY_TARGET:.0f} s",
                      result="not measured: a patient added on the desk never reached the "
                             "laptop (is the patient kind published?)")
    time.sleep(0.5)  # the laptop's journal long-poll is held again
    latencies: list[float] = []
    lost = 0
    for n in range(samples):
        t0 = time.perf_counter()
        if n % 2 == 0:
            phone = f"06{n:08d}"
            desk.update_patient(patient.id, actor_id=practitioner_id, phone=phone)
            desk_engine.wake()
            arrived = _wait(partial(_has_phone, laptop, patient.id, phone), 30, every=0.002)
        else:
            text = f"Note de mesure {n}"
            desk.add_note(conv, practitioner_id, text)
            desk_engine.wake()
            arrived = _wait(partial(_has_note, laptop, conv, text), 30, every=0.002)
        if arrived is None:
            lost += 1
        else:
            latencies.append(arrived - t0)
        time.sleep(0.2)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return Figure("change to display, desk → laptop",
                  f"{seconds(p50)} p50 / {seconds(p99)} p99",
                  target=f"within a few seconds (≤ {LATENCY_TARGET:.0f} s p99)",
                  result=over(p99, LATENCY_TARGET, f"p99 {seconds(p99)}") if latencies
                  else "not measured",
                  note=f"{len(latencies)} samples (patient's phone, note, in turn), both "
                       f"engines running, journal long-polls held"
                       + (f"; {lost} never arrived within 30 s" if lost else ""))


def _journal_alone(desk: Workstation, relay_url: str, path: Path) -> Figure:
    """Another workstation joins and pulls only the journal: its apply rate with nothing
    beside it (open, verify, apply by rule, project into the tables)."""
    store, _ = _join(desk, relay_url, path)
    try:
        ws = Workstation(store)
        client = ws.client()
        t0 = time.perf_counter()
        try:
            applied = JournalSync(store, client, ws.identity).pull()
        finally:
            client.close()
        took = time.perf_counter() - t0
        events = len(applied.events)
    finally:
        store.close()
    return Figure("journal apply rate, journal alone", f"{events / took:,.0f} events/s",
                  target="(no target)",
                  note=f"{events:,} events in {seconds(took)}: pages fetched, each entry "
                       f"verified and opened, applied by its rule and projected")


def _table(title: str, context: list[str], figures: list[Figure]) -> str:
    rows = [("figure", "measured", "target", "result")] + [
        (f.label, f.measured, f.target, f.result) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out = [title, *context, ""]
    for n, row in enumerate(rows):
        out.append("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)),
                              row[3]]).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in [*widths, 6]))
        elif figures[n - 1].note:
            out.append(f"    └ {figures[n - 1].note}")
    return "\n".join(out)


def run(folder: Path, sizes: dict[str, int]) -> list[Figure]:
    started = time.perf_counter()
    database_url = f"sqlite:///{folder / 'relay.sqlite3'}"
    relay = RelayProcess(database_url).start()
    desk_store = Store.create(folder / "desk.passerelle", PASSPHRASE)
    people: list[Patient] = []
    laptop: Store | None = None
    engines: list[SyncEngine] = []
    try:
        token = _create_practice(database_url)
        desk = Workstation.enrol(desk_store, relay.url, token, "Accueil", "Cabinet du banc d'essai")
        doctor = desk.set_up_administrator(PIN, name="Dr Claire Dupont",
                                           profession="Médecin généraliste",
                                           accepts_messaging=True)
        Sync(desk).once()
        _progress(started, f"enrolling {sizes['patients']} patients with the app")
        for n in range(sizes["patients"]):
            people.append(_enrol(desk, relay.url, doctor.id, n))
        _progress(started, f"sealing and seeding {sizes['conversations']:,} conversations, "
                           f"{sizes['messages']:,} messages")
        _seed(database_url, desk, people, doctor.id, sizes["conversations"], sizes["messages"])
        _progress(started, "the desk syncs its mailbox")
        Sync(desk).pull(desk.client())
        _progress(started, f"the desk's history: {sizes['files']:,} patients' files, notes, "
                           "assignments, reading")
        _practice_history(desk, sizes["files"], doctor.id)
        dropped = _drop_receipts(desk_store)
        _progress(started, f"the desk publishes its journal ({dropped:,} receipts dropped)")
        Sync(desk).once()
        messages = _count(desk_store, "SELECT count(*) FROM messages")
        conversations = _count(desk_store, "SELECT count(*) FROM conversations")
        _progress(started, "the laptop joins")
        laptop, pairing_time = _join(desk, relay.url, folder / "laptop.passerelle")
        Sync(desk).once()  # the laptop's arrival, in the journal
        head = _cursor(desk_store)
        journal_events = _count(desk_store, "SELECT count(*) FROM journal_events")
        _progress(started, f"the laptop syncs: {messages:,} messages, journal of "
                           f"{journal_events:,} events (cursor {head})")
        load_before = os.getloadavg()
        figures, engine = _catch_up(laptop, desk_store, head, messages, started)
        engines.append(engine)
        figures.insert(0, Figure("join: pairing", seconds(pairing_time), target="(no target)",
                                 note="code offered, claimed, approved, collected, store made"))
        _progress(started, "another workstation joins and pulls the journal alone")
        figures.append(_journal_alone(desk, relay.url, folder / "second.passerelle"))
        desk_engine = _engine(desk)
        engines.append(desk_engine)
        desk_engine.start()
        _progress(started, "change to display, desk → laptop")
        figures.append(_latency(desk, desk_engine, laptop, doctor.id, sizes["latency_samples"]))
        load = os.getloadavg()
        for f in figures:
            f.raw.setdefault("load_before", load_before)
        context = [
            (f"practice: {conversations:,} conversations, {messages:,} messages, "
             f"{sizes['patients']} patients with the app, {sizes['files']:,} patients' "
             f"files, journal {journal_events:,} events"),
            (f"machine: {os.cpu_count()} cores, load average {load_before[0]:.2f} "
             f"{load_before[1]:.2f} {load_before[2]:.2f} when the laptop started syncing, "
             f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end"),
        ]
        print(_table("Passerelle: joining a workstation", context, figures))
        return figures
    finally:
        for engine in engines:
            engine.stop()
        relay.stop()
        for p in people:
            p.client.close()
        if laptop is not None:
            laptop.close()
        desk_store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m desktop.bench.join",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    for name, (full, quick) in SIZES.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=None, metavar="N",
                            help=f"default {full:,} ({quick:,} with --quick)")
    parser.add_argument("--tmp", type=Path, default=None,
                        help="where to make the temporary folder (default: the system's)")
    args = parser.parse_args(argv)
    sizes = {name: getattr(args, name) or (quick if args.quick else full)
             for name, (full, quick) in SIZES.items()}
    if sizes["messages"] < sizes["conversations"]:
        raise SystemExit("--messages must be at least --conversations (a request each)")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        run(Path(tmp), sizes)


if __name__ == "__main__":
    main()
