"""Journal figures, over real stores: push rate, pull-and-apply rate, the store's own apply
rate (pages of opened events into the SQLCipher store, with their cursor), and the latency
from a change on one workstation to its arrival in another's store (p50/p99), through a
relay process on loopback.

    python -m desktop.bench.journal [--events 2000] [--latency-samples 30]

The relay runs with its default limits: a push is one POST per batch of up to 500 entries,
which the ``post`` limit (3000 requests per account per 10 minutes) leaves room for.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from desktop.bench.relay_process import _LISTENING, START_TIMEOUT, end_process
from desktop.crypto import Identity
from desktop.crypto.pairing import CodeKeys, JoinRequest, check_offer, seal_practice_keys
from desktop.store import Store
from desktop.store.journal import Received
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.journal import JournalSync
from desktop.sync.workstation import Workstation

PASSPHRASE = "banc d'essai du journal"


def _start_relay(database_url: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "relay", "serve", "--host", "127.0.0.1", "--port", "0",
               "--database", database_url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = _LISTENING.search(line)
            if match and not found:
                found.append(f"http://{match.group(1)}:{match.group(2)}")
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(START_TIMEOUT):
        end_process(process, 5)
        raise RuntimeError("the relay did not start")
    return process, found[0]


def _desk(database_url: str, url: str, path: Path) -> Workstation:
    from relay.db import Database
    from relay.operator import create_practice

    db = Database(database_url)
    try:
        token = create_practice(db, "Cabinet du banc d'essai").enrolment_token
    finally:
        db.dispose()
    return Workstation.enrol(Store.create(path, PASSPHRASE), url, token, "desk", "Cabinet")


def _join(url: str, desk: Workstation, path: Path) -> Workstation:
    """A second workstation through the relay's pairing; its store takes the desk's keys
    directly (the journal is measured here, not pairing) and the desk admits it."""
    join = JoinRequest.start("Laptop")
    offer = {k: v if isinstance(v, str) else b64(v) for k, v in join.offer().items()}
    RelayClient(url).post(f"{API}/pairings", offer, str(uuid.uuid4()))
    token = b64(CodeKeys.derive(join.code).redeem_token)
    client = desk.client()
    claimed = client.request("POST", f"{API}/pairings/claim", {"redeem_token": token})
    newcomer = check_offer(join.code, {"id": claimed["id"], **{
        k: unb64(claimed[k]) for k in ("enc_pk", "sign_pk", "sealed_name", "binding")}})
    sealed, mac = seal_practice_keys(join.code, newcomer, Identity.generate(), {})
    client.post(f"{API}/pairings/approve", {"redeem_token": token, "bundle": b64(sealed),
                                           "bundle_mac": b64(mac)}, str(uuid.uuid4()))
    done = RelayClient(url).request("POST", f"{API}/pairings/{join.pairing_id}/fetch",
                                    {"fetch_secret": b64(join.fetch_secret)})
    store = Store.create(path, PASSPHRASE)
    with store.transaction():
        for key in ("practice_identity", "decision_secret"):
            store.set_secret(key, desk.store.get_secret(key))
        for key in ("relay_url", "practice_id"):
            store.set_setting(key, desk.store.get_setting(key))
        store.set_setting("account_id", done["account_id"])
        store.set_secret("relay_token", str(done["token"]).encode())
        store.set_secret("workstation_identity", join.identity.to_bytes())
        for w in desk.store.journal_workstations():
            store.journal_trust(w.account_id, w.sign_pk, w.enc_pk, w.name)
        store.ensure_workstation_keys(first=False)
    desk.store.journal_admit(done["account_id"], join.identity.sign_pk, join.identity.enc_pk,
                             "Laptop", "2026-12-03T10:00:00Z", "desk")
    return Workstation(store)


def _apply_only(path: Path, desk: Workstation, pages: list[list[Received]]) -> float:
    """Seconds to apply these opened pages into a fresh enrolled store, page by page."""
    store = Store.create(path, PASSPHRASE)
    try:
        with store.transaction():
            store.set_secret("practice_identity", desk.store.get_secret("practice_identity"))
            store.set_setting("account_id", str(uuid.uuid4()))
            store.ensure_workstation_keys()
        started = time.perf_counter()
        for number, page in enumerate(pages):
            store.journal_apply_page(page, str(number))
        return time.perf_counter() - started
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--latency-samples", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'relay.sqlite3'}"
        # The schema first, so that the operator step below finds its tables.
        from relay.db import Database

        Database(database_url).create_schema()
        process, url = _start_relay(database_url)
        try:
            desk = _desk(database_url, url, Path(tmp) / "desk.passerelle")
            laptop = _join(url, desk, Path(tmp) / "laptop.passerelle")
            desk_j = JournalSync(desk.store, desk.client(), desk.identity)
            laptop_j = JournalSync(laptop.store, laptop.client(), laptop.identity)
            desk_j.push()  # the laptop's admission
            laptop_j.pull()
            with desk.store.transaction():
                for i in range(args.events):
                    kind = ("patient", "note", "conversation_flags")[i % 3]
                    desk.store.journal_record(kind, f"p-{i % 500}",
                                              {"phone": f"06{i:08d}", "text": "x" * 80})
            started = time.perf_counter()
            desk_j.push()
            push = time.perf_counter() - started
            started = time.perf_counter()
            applied = laptop_j.pull()
            pull = time.perf_counter() - started
            assert len(applied.events) == args.events
            assert laptop.store.journal_state() == desk.store.journal_state()
            # The store alone: the same events, opened already, in pages of 500.
            events = [e for e in (desk.store.journal_event(c.client_id)
                                  for c in applied.events) if e is not None]
            pages = [[Received(i + j + 1, e) for j, e in enumerate(events[i:i + 500])]
                     for i in range(0, len(events), 500)]
            apply_only = _apply_only(Path(tmp) / "third.passerelle", desk, pages)
            latencies = []
            for _ in range(args.latency_samples):
                box: dict[str, float] = {}

                def wait_for_it(box: dict[str, float] = box) -> None:
                    laptop_j.pull(wait=10)
                    box["arrived"] = time.perf_counter()

                waiter = threading.Thread(target=wait_for_it)
                waiter.start()
                time.sleep(0.05)  # the long-poll is held
                box["made"] = time.perf_counter()
                desk.store.journal_record("patient", "p-latency", {"phone": str(time.time())})
                desk_j.push()
                waiter.join(15)
                latencies.append(box["arrived"] - box["made"])
            desk.store.close()
            laptop.store.close()
        finally:
            end_process(process, 10)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"journal push (store, seal, sign, POST in batches of 500): {args.events / push:,.0f} "
          f"events/s ({args.events} in {push:.2f} s)")
    print(f"journal pull and apply (page, verify, open, apply into the store): "
          f"{args.events / pull:,.0f} events/s ({args.events} in {pull:.2f} s)")
    print(f"journal apply into the store alone (pages of 500 opened events, with cursor): "
          f"{args.events / apply_only:,.0f} events/s ({args.events} in {apply_only:.2f} s)")
    print(f"change on one workstation to another's store (long-poll held): "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
          f"({len(latencies)} samples)")


if __name__ == "__main__":
    main()
