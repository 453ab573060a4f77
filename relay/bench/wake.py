"""How soon a message posted through one relay process reaches a client long-polling another.

Two relay processes on one PostgreSQL database (a fresh schema, dropped afterwards), the
practice on the first, the patient long-polling the second with ``wait=25``, and a poll
interval of 30 s: only the cross-process wake-up (LISTEN/NOTIFY) can answer quickly. Each
round posts one message and times it from the POST leaving the practice to the page
reaching the patient; the same on one process, for comparison. Prints p50 / p99::

    python -m relay.bench.wake --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import base64
import os
import threading
import time
import uuid
from urllib.parse import quote

import psycopg

from relay.bench.harness import Client, Relay, percentile, scene


def _rounds(poster: Client, poller: Client, conversation: str, rounds: int) -> list[float]:
    cursor = poller.ok("GET", "/v1/mailbox/events?limit=1000")["cursor"]
    took: list[float] = []
    for _ in range(rounds):
        arrived: list[float] = []
        pages: list[dict] = []

        def hold(
            after: str = cursor, arrived: list[float] = arrived, pages: list[dict] = pages
        ) -> None:
            page = poller.ok("GET", f"/v1/mailbox/events?after={after}&wait=25")
            arrived.append(time.perf_counter())
            pages.append(page)

        waiting = threading.Thread(target=hold)
        waiting.start()
        time.sleep(0.1)  # the long-poll is held by now
        sent = time.perf_counter()
        body = {"id": str(uuid.uuid4()), "envelope": base64.b64encode(os.urandom(300)).decode()}
        poster.ok("POST", f"/v1/conversations/{conversation}/messages", body)
        waiting.join()
        if [e["kind"] for e in pages[0]["items"]] != ["message"]:
            raise RuntimeError(f"unexpected page: {pages[0]}")
        took.append(arrived[0] - sent)
        cursor = pages[0]["cursor"]
    return took


def _report(label: str, took: list[float]) -> None:
    print(
        f"  {label}: p50 {percentile(took, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(took, 0.99) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms "
        f"({len(took)} messages)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgresql://… (a schema is made)")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    schema = f"relay_bench_{uuid.uuid4().hex[:12]}"
    base = args.database
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    relays: list[Relay] = []
    try:
        options = ("--poll-interval", "30", "--no-rate-limits")
        relays = [Relay(url, *options), Relay(url, *options)]
        world = scene(url, relays[0].port)
        practice = Client(relays[0].port, world.practice_token)
        across = Client(relays[1].port, world.patient_token)
        alongside = Client(relays[0].port, world.patient_token)
        _rounds(practice, across, world.conversation_id, 5)  # warm-up
        cross = _rounds(practice, across, world.conversation_id, args.rounds)
        same = _rounds(practice, alongside, world.conversation_id, args.rounds)
    finally:
        for relay in relays:
            relay.stop()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print("A message from the POST leaving the practice to the patient's long-poll answering:")
    _report("across two relay processes", cross)
    _report("on one relay process      ", same)


if __name__ == "__main__":
    main()
