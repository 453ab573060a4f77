"""Journal figures: push rate, pull-and-apply rate, and the latency from a change on one
workstation to its arrival on another (p50/p99), through a relay process on loopback.

    python -m desktop.bench.journal [--events 2000] [--latency-samples 30]

The relay runs with its default limits: a push is one POST per batch of up to 500 entries,
which the ``post`` limit (3000 requests per account per 10 minutes) leaves room for.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from desktop.bench.relay_process import _LISTENING, START_TIMEOUT, end_process
from desktop.core.hlc import HybridClock
from desktop.crypto import Identity
from desktop.crypto.pairing import CodeKeys, JoinRequest, check_offer, seal_practice_keys
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.journal import JournalSync


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


def _practice(database_url: str, url: str) -> tuple[RelayClient, str, str]:
    from relay.db import Database
    from relay.operator import create_practice

    db = Database(database_url)
    try:
        token = create_practice(db, "Cabinet du banc d'essai").enrolment_token
    finally:
        db.dispose()
    identity = Identity.generate()
    session = RelayClient(url).post(f"{API}/practices/enrol", {
        "enrolment_token": token, "enc_pk": b64(identity.enc_pk),
        "sign_pk": b64(identity.sign_pk), "device_name": "desk"}, str(uuid.uuid4()))
    return RelayClient(url, session["token"]), session["practice_id"], session["account_id"]


def _pair(url: str, desk: RelayClient) -> tuple[RelayClient, str]:
    join = JoinRequest.start("Laptop")
    offer = {k: v if isinstance(v, str) else b64(v) for k, v in join.offer().items()}
    RelayClient(url).post(f"{API}/pairings", offer, str(uuid.uuid4()))
    token = b64(CodeKeys.derive(join.code).redeem_token)
    claimed = desk.request("POST", f"{API}/pairings/claim", {"redeem_token": token})
    newcomer = check_offer(join.code, {"id": claimed["id"], **{
        k: unb64(claimed[k]) for k in ("enc_pk", "sign_pk", "sealed_name", "binding")}})
    sealed, mac = seal_practice_keys(join.code, newcomer, Identity.generate(), {})
    desk.post(f"{API}/pairings/approve", {"redeem_token": token, "bundle": b64(sealed),
                                          "bundle_mac": b64(mac)}, str(uuid.uuid4()))
    done = RelayClient(url).request("POST", f"{API}/pairings/{join.pairing_id}/fetch",
                                    {"fetch_secret": b64(join.fetch_secret)})
    return RelayClient(url, done["token"]), done["account_id"]


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
            desk_client, practice_id, desk_id = _practice(database_url, url)
            laptop_client, laptop_id = _pair(url, desk_client)
            practice = Identity.generate()
            keys = {ws: Identity.generate().sign_key for ws in (desk_id, laptop_id)}
            trusted = {bytes(k.verify_key): ws for ws, k in keys.items()}

            def journal(client: RelayClient, ws: str) -> JournalSync:
                return JournalSync(client, practice_id, ws, keys[ws], practice.enc_pk,
                                   [practice.enc_key], trusted, hashlib.sha256(b"d").digest(),
                                   HybridClock(ws))

            desk, laptop = journal(desk_client, desk_id), journal(laptop_client, laptop_id)
            for i in range(args.events):
                kind = ("patient", "note", "conversation_flags")[i % 3]
                desk.record(kind, f"p-{i % 500}", {"phone": f"06{i:08d}", "text": "x" * 80})
            started = time.perf_counter()
            desk.push()
            push = time.perf_counter() - started
            started = time.perf_counter()
            applied = laptop.pull()
            pull = time.perf_counter() - started
            assert applied == args.events and laptop.replica.state == desk.replica.state
            latencies = []
            for _ in range(args.latency_samples):
                box: dict[str, float] = {}

                def wait_for_it(box: dict[str, float] = box) -> None:
                    laptop.pull(wait=10)
                    box["arrived"] = time.perf_counter()

                waiter = threading.Thread(target=wait_for_it)
                waiter.start()
                time.sleep(0.05)  # the long-poll is held
                box["made"] = time.perf_counter()
                desk.record("patient", "p-latency", {"phone": str(time.time())})
                desk.push()
                waiter.join(15)
                latencies.append(box["arrived"] - box["made"])
        finally:
            end_process(process, 10)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"journal push (seal, sign, POST in batches of 500): {args.events / push:,.0f} events/s "
          f"({args.events} in {push:.2f} s)")
    print(f"journal pull and apply (page, verify, open, apply): {args.events / pull:,.0f} "
          f"events/s ({args.events} in {pull:.2f} s)")
    print(f"change on one workstation to another's replica (long-poll held): "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
          f"({len(latencies)} samples)")


if __name__ == "__main__":
    main()
