"""Requests per second the relay holds on its sync route, ``GET /v1/mailbox/events``.

A relay process on a SQLite file (or ``--database postgresql://…``), a practice whose
mailbox holds a few events, and a load generator in other processes: each of its
connections asks for the mailbox after its end (what a client that is up to date does
between long-polls, ``wait=0``) as fast as the relay answers, for ``--seconds``. Prints
the rate and the latency percentiles. ``--code DIR`` runs the relay from another
checkout (the figure before a change)::

    python -m relay.bench.sync_route
    git archive <commit> relay | tar -x -C /tmp/before && python -m relay.bench.sync_route --code /tmp/before
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from relay.bench.harness import Client, Relay, percentile, scene


def _load(port: int, token: str, path: str, connections: int, seconds: float) -> list[float]:
    """One load process: ``connections`` threads asking in a bounded loop; their latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        client = Client(port, token)
        mine: list[float] = []
        try:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                status, _ = client.call("GET", path)
                mine.append(time.perf_counter() - start)
                if status != 200:
                    raise RuntimeError(f"GET {path}: {status}")
        finally:
            client.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="postgresql://… (default: a SQLite file)")
    parser.add_argument("--code", help="run the relay from this checkout (before a change)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=2, help="load processes (2)")
    parser.add_argument("--connections", type=int, default=4, help="per process (4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'relay.sqlite3'}"
        relay = Relay(url, code=args.code)
        try:
            world = scene(url, relay.port)
            practice = Client(relay.port, world.practice_token)
            cursor = practice.ok("GET", "/v1/mailbox/events?limit=1000")["cursor"]
            practice.close()
            path = f"/v1/mailbox/events?after={cursor}&limit=200"
            with ProcessPoolExecutor(args.processes, mp_context=get_context("spawn")) as pool:
                runs = [
                    pool.submit(
                        _load, relay.port, world.practice_token, path, args.connections, 0.5
                    )
                    for _ in range(args.processes)
                ]
                for run in runs:  # warm-up: processes started, connections open
                    run.result()
                cpu_before = relay.cpu_seconds()
                runs = [
                    pool.submit(
                        _load,
                        relay.port,
                        world.practice_token,
                        path,
                        args.connections,
                        args.seconds,
                    )
                    for _ in range(args.processes)
                ]
                latencies = [latency for run in runs for latency in run.result()]
                cpu_after = relay.cpu_seconds()
        finally:
            relay.stop()
    total = args.processes * args.connections
    print(f"GET /v1/mailbox/events (up to date, wait=0), {total} connections, {args.seconds:g} s")
    print(f"  requests per second: {len(latencies) / args.seconds:,.0f}")
    if cpu_before is not None and cpu_after is not None:
        # Less at the mercy of the machine's other work than the rate: what one answer costs.
        cost = (cpu_after - cpu_before) / len(latencies) * 1e6
        print(f"  relay CPU per request: {cost:.0f} µs")
    print(
        f"  latency p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
