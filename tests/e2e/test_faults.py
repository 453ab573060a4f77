"""A practice and a patient write to each other through faults; nothing is lost, doubled or
reordered.

Real pieces only: the relay is a process (``python -m relay serve``) on its
SQLite file; between it and every client sits a faulting TCP proxy
(tests/support/proxy.py) that cuts connections at random points, holds some
still and then resets them, and delays what it forwards; the practice is a
process of its own (tests/support/practice_process.py: its SQLCipher store and
background sync engine) that answers each ``patient N`` with ``cabinet N`` and
reads the thread; the patient is the patient client, saving its encrypted
file after every step as the command line does. A seeded random decides what
happens next: the patient writes, syncs or reads; the relay is SIGKILLed; the
practice's process is SIGKILLed; the patient's run ends without saving (as a
SIGKILL of the command line would end it); every open connection is reset at
once.

Then the faults stop, everything converges, and both sides and the relay's
mailboxes are counted: each message once, in the order written, and each
receipt ("delivered", "read") given once and seen by the sender.

``PASSERELLE_FAULT_SEED`` picks another seed (the default replays the same plan).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from desktop.core.errors import RelayError
from desktop.core.model import Category, DeliveryState, Sender
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.client import RelayClient
from tests.support.proxy import FaultyProxy
from tests.support.relay import REPO, RelayProcess, create_practice
from tests.support.world import PASSPHRASE, make_practice

SEED = int(os.environ.get("PASSERELLE_FAULT_SEED", "1515"))
MESSAGES = 50  # the patient's messages, each answered by the practice
MIN_FAULTS = 50
FAULT_PHASE = 240.0  # seconds at most of faults (about 90 s here; a bound for a loaded machine)
CONVERGE = 120.0  # seconds at most for everything to arrive once the faults stop

_NUMBERED = re.compile(r"(patient|cabinet) (\d+)$")


class PracticeProcess:
    """tests/support/practice_process.py, started again after each SIGKILL."""

    def __init__(self, store: Path, status: Path, log: Path) -> None:
        self.store, self.status, self.log = store, status, log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        env = os.environ | {"PYTHONPATH": str(REPO)}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.practice_process",
                 "--store", str(self.store), "--status", str(self.status), "--long-poll", "5"],
                env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.kills += 1

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        return self.process.returncode

    def counts(self) -> dict[str, int]:
        try:
            return json.loads(self.status.read_text())
        except (OSError, ValueError):
            return {}


def _numbers(texts: list[str], kind: str) -> list[int]:
    return [int(m.group(2)) for t in texts if (m := _NUMBERED.match(t)) and m.group(1) == kind]


def _tally(seen: list[int], expected: int) -> dict[str, int]:
    """Lost, doubled and out-of-order among the numbers 0..expected-1, as they were seen."""
    return {
        "lost": len(set(range(expected)) - set(seen)),
        "doubled": len(seen) - len(set(seen)),
        "reordered": sum(1 for a, b in pairwise(seen) if b < a),
    }


def _all_events(url: str, token: str) -> list[dict]:
    client = RelayClient(url, token)
    try:
        events, cursor = [], None
        while True:
            page = client.events(cursor, limit=500)
            events += page.items
            cursor = page.cursor
            if page.done:
                return events
    finally:
        client.close()


def _doubled_receipts(events: list[dict]) -> int:
    """Receipts given more than once for the same message: each is said once, or a retry
    went through twice."""
    said = Counter(
        (event["receipt"], message_id)
        for event in events if event.get("kind") == "receipt"
        for message_id in event.get("message_ids", [])
    )
    return sum(n - 1 for n in said.values() if n > 1)


def _doubled_events(events: list[dict]) -> int:
    ids = Counter(e["message_id"] for e in events
                  if e.get("kind") in ("message", "conversation_requested"))
    return sum(n - 1 for n in ids.values() if n > 1)


@pytest.mark.slow
def test_nothing_lost_doubled_or_reordered_over_fifty_faults(tmp_path):
    rng = random.Random(SEED)
    database = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    relay = RelayProcess(database).start()
    proxy = FaultyProxy(relay.port, SEED)
    proxy.faults_on = False  # a clean start: enrolment is not what is tested here
    state_file = tmp_path / "jean.patient"
    practice_proc = PracticeProcess(
        tmp_path / "cabinet.passerelle", tmp_path / "status.json", tmp_path / "practice.log"
    )
    try:
        practice = make_practice(proxy.url, create_practice(database, "Cabinet Dupont"),
                                 tmp_path / "cabinet.passerelle")
        jean = practice.enrol(proxy.url, "Jean Martin")
        conv = jean.request(practice.practitioner_id, Category.OTHER, "patient 0")
        practice.sync()
        practice_token = practice.workstation.token.decode()
        practice.store.close()  # from now on, only the practice's process holds it
        jean.save(state_file, PASSPHRASE)
        practice_proc.start()

        written, relay_kills, cuts_at_once, patient_crashes = 1, 0, 0, 0
        offline_steps = 0

        def patient_step(step) -> None:
            """One command of the patient's: run it, then save, as the command line does."""
            nonlocal offline_steps
            try:
                step(jean)
            except RelayError as exc:
                assert exc.retryable, f"a fault must never look like a refusal: {exc}"
                offline_steps += 1
            jean.save(state_file, PASSPHRASE)

        def faults() -> int:
            c = proxy.counts
            return (relay_kills + practice_proc.kills + patient_crashes + c["cut"] + c["stall"]
                    + cuts_at_once)

        proxy.faults_on = True
        end = time.monotonic() + FAULT_PHASE
        while (written < MESSAGES or faults() < MIN_FAULTS) and time.monotonic() < end:
            action = rng.choices(
                ["write", "sync", "read", "kill_relay", "kill_practice", "cut_all",
                 "crash_patient"],
                weights=[40, 20, 8, 5, 5, 8, 5],
            )[0]
            if action == "write" and written < MESSAGES:
                text = f"patient {written}"
                patient_step(lambda p, text=text: p.write(conv, text))
                written += 1
            elif action == "sync":
                patient_step(lambda p: p.sync())
            elif action == "read":
                patient_step(lambda p: p.mark_read(conv))
            elif action == "kill_relay":
                relay.kill()
                relay_kills += 1
                time.sleep(rng.uniform(0, 1.5))
                relay.start()
            elif action == "kill_practice":
                practice_proc.kill()
                time.sleep(rng.uniform(0, 1.0))
                practice_proc.start()
            elif action == "crash_patient":
                # Killed at the end of a sync, before saving: the next run starts from the
                # file as it was, and says again what the lost run had already said.
                try:
                    jean.sync()
                except RelayError as exc:
                    assert exc.retryable, f"a fault must never look like a refusal: {exc}"
                jean.close()
                jean = PatientClient.load(state_file, PASSPHRASE)
                patient_crashes += 1
            elif action == "cut_all":
                cuts_at_once += 1 if proxy.cut_all() else 0
            time.sleep(rng.uniform(0, 0.25))
        made = faults()
        counts = proxy.counts
        took = FAULT_PHASE - (end - time.monotonic())
        print(
            f"\nseed {SEED}: {made} faults — {relay_kills} relay SIGKILLs, "
            f"{practice_proc.kills} practice SIGKILLs, {patient_crashes} patient runs lost "
            f"before saving, {counts['cut']} connections cut "
            f"mid-stream, {counts['stall']} held then reset, {cuts_at_once} times all reset at once "
            f"(and {counts['delay']} delays); {written} patient messages, "
            f"{offline_steps} patient steps met a fault, in {took:.0f} s"
        )
        assert written == MESSAGES and made >= MIN_FAULTS, "the fault phase ran out of time"

        # The faults stop; everything must arrive, once.
        proxy.faults_on = False
        end = time.monotonic() + CONVERGE
        while time.monotonic() < end:
            patient_step(lambda p: p.sync())
            patient_step(lambda p: p.mark_read(conv))
            mine = [m for m in jean.thread(conv) if m["sender"] == "patient"]
            theirs = [m for m in jean.thread(conv) if m["sender"] == "practice"]
            status = practice_proc.counts()
            if (
                len(theirs) >= MESSAGES
                and all(m["delivery"] == "read" for m in mine)
                and status.get("replies_read", 0) >= MESSAGES
                and status.get("outbox") == 0
            ):
                break
            time.sleep(0.5)
        print(f"converged {CONVERGE - (end - time.monotonic()):.0f} s after the faults stopped")
        assert practice_proc.stop() == 0, (tmp_path / "practice.log").read_text()[-3000:]
        jean.save(state_file, PASSPHRASE)

        store = Store.open(tmp_path / "cabinet.passerelle", PASSPHRASE)
        try:
            thread = store.thread(conv, limit=100_000)
            outbox_left = store.outbox_count()
        finally:
            store.close()
        at_practice = [m.text for m in thread if m.sender == Sender.PATIENT]
        replies = [m for m in thread if m.sender == Sender.PRACTICE]
        at_patient = [m["text"] for m in jean.thread(conv) if m["sender"] == "practice"]
        mine = [m for m in jean.thread(conv) if m["sender"] == "patient"]
        # Each side's mailbox on its own: a message is in both, a receipt in the other's.
        mailboxes = [_all_events(relay.url, practice_token),
                     _all_events(relay.url, jean.state["token"])]

        found = {
            "patient → practice": _tally(_numbers(at_practice, "patient"), MESSAGES),
            "practice → patient": _tally(_numbers(at_patient, "cabinet"), MESSAGES),
            "practice's own thread": _tally(_numbers([m.text for m in replies], "cabinet"),
                                            MESSAGES),
            "patient's own thread": _tally(_numbers([m["text"] for m in mine], "patient"),
                                           MESSAGES),
            "receipts": {
                "lost at the practice": sum(1 for m in replies
                                            if m.delivery != DeliveryState.READ),
                "lost at the patient": sum(1 for m in mine if m["delivery"] != "read"),
                "doubled on the relay": sum(map(_doubled_receipts, mailboxes)),
            },
            "relay": {"messages doubled": sum(map(_doubled_events, mailboxes)), "outbox left": outbox_left},
        }
        print(json.dumps(found, indent=1))
        problems = {
            where: {k: v for k, v in tally.items() if v}
            for where, tally in found.items()
            if any(tally.values())
        }
        assert problems == {}, f"seed {SEED}: {problems}"
        assert len(replies) == MESSAGES
    finally:
        if practice_proc.process is not None:
            practice_proc.stop()
        proxy.close()
        relay.kill()
