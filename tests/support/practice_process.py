"""A practice workstation as a process of its own, for fault tests that SIGKILL it.

    python -m tests.support.practice_process --store FILE --status FILE

It opens the store, runs the background sync engine, and plays a practitioner
who answers every patient message ``patient N`` with ``cabinet N`` and reads
each thread. What it has done lives only in the store, so after a SIGKILL the
next run picks up where the store says: a reply whose transaction committed
is not written again, one that did not is written now. Every few tenths of a
second it writes counts (no text) to the status file, atomically, for the
test to watch. SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import threading
from pathlib import Path

from desktop.core.model import DeliveryState, Sender
from desktop.store import Store
from desktop.sync.engine import SyncEngine
from desktop.sync.workstation import Workstation
from tests.support.world import PASSPHRASE, PIN

_PATIENT = re.compile(r"patient (\d+)$")
_REPLY = re.compile(r"cabinet (\d+)$")
TICK = 0.2


def _answer(workstation: Workstation, practitioner_id: str, engine: SyncEngine) -> dict[str, int]:
    """Reply to what is not answered yet, mark threads read; returns the counts."""
    store = workstation.store
    counts = {"patient": 0, "replies": 0, "replies_read": 0, "patient_unread": 0}
    for conv in store.inbox("all"):
        thread = store.thread(conv.id, limit=100_000)
        asked = [int(m.group(1)) for t in thread if (m := _PATIENT.match(t.text))]
        answered = {int(m.group(1)) for t in thread if (m := _REPLY.match(t.text))}
        wrote = False
        for n in asked:
            if n not in answered:
                workstation.reply(conv.id, f"cabinet {n}", practitioner_id)
                wrote = True
        if workstation.mark_read(conv.id):
            wrote = True
        if wrote:
            engine.wake()
            thread = store.thread(conv.id, limit=100_000)
        mine = [t for t in thread if t.sender == Sender.PRACTICE and _REPLY.match(t.text)]
        counts["patient"] += len(asked)
        counts["replies"] += len(mine)
        counts["replies_read"] += sum(1 for t in mine if t.delivery == DeliveryState.READ)
    counts["outbox"] = store.outbox_count()
    return counts


def _write_status(path: Path, counts: dict[str, int]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(counts))
    os.replace(tmp, path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--status", type=Path, required=True)
    parser.add_argument("--long-poll", type=float, default=5)
    args = parser.parse_args()

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    store = Store.open(args.store, PASSPHRASE)
    workstation = Workstation(store)
    practitioner_id = store.get_setting("default_practitioner") or ""
    workstation.sign_in(practitioner_id, PIN)  # as she would at the desk, after each start
    engine = SyncEngine(workstation, long_poll=args.long_poll)
    engine.start()
    try:
        while not stopping.wait(TICK):
            _write_status(args.status, _answer(workstation, practitioner_id, engine))
    finally:
        engine.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
