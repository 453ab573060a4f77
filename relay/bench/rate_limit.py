"""What a rate-limit check costs a request: ``relay.ratelimit.spend`` on SQLite and on
PostgreSQL, one account and one address per call (as a message's POST spends), from one
thread and from several at once::

    python -m relay.bench.rate_limit [--database postgresql://…]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import psycopg

from relay.config import Rate
from relay.db import Database
from relay.ratelimit import bucket, spend

RATE = Rate(10**9, 600)  # never refuses: the cost of the check, not of a refusal


def _calls(db: Database, count: int, keys: int) -> float:
    charges = [
        [(bucket("post", "account", f"a{n}"), RATE), (bucket("post", "address", f"x{n}"), RATE)]
        for n in range(keys)
    ]
    start = time.perf_counter()
    for n in range(count):
        spend(db, charges[n % keys])
    return time.perf_counter() - start


def measure(url: str, count: int) -> None:
    db = Database(url)
    try:
        db.create_schema()
        _calls(db, 50, 10)  # warm-up: connections made
        one = _calls(db, count, 100) / count
        with ThreadPoolExecutor(4) as pool:
            start = time.perf_counter()
            list(pool.map(lambda _: _calls(db, count // 4, 100), range(4)))
            four = (time.perf_counter() - start) / count
    finally:
        db.dispose()
    name = "SQLite" if db.is_sqlite else "PostgreSQL"
    print(
        f"  {name}: {one * 1e6:.0f} µs a check from one thread; "
        f"{1 / four:,.0f} checks per second from four"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="postgresql://… (a schema is made and dropped)")
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    print("A rate-limit check (one account, one address):")
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'relay.sqlite3'}", args.count)
    if args.database:
        schema = f"relay_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            separator = "&" if "?" in args.database else "?"
            options = quote(f"-csearch_path={schema}")
            measure(f"{args.database}{separator}options={options}", args.count)
        finally:
            with psycopg.connect(args.database, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
