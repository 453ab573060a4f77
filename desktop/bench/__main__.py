"""``python -m desktop.bench``: build, measure, print the table (and save it with ``--out``).

Progress goes to stderr, the table to stdout. Every file the benchmark makes
(two stores of ~600 MB each at full size, the relay's database) lives in a
temporary folder removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlcipher3

from desktop.bench import FIGURES, SYNC_FIGURES, store_bench, sync_bench
from desktop.bench.corpus import Corpus
from desktop.bench.plain import DRIVERS, driver_version, open_plain
from desktop.bench.report import Figure, table, write
from desktop.store import Store

# (full, --quick): the sizes, and a run that takes well under a minute.
SIZES: dict[str, tuple[int, int]] = {
    "conversations": (10_000, 300),
    "messages": (1_000_000, 20_000),
    "relay_messages": (100_000, 3_000),
    "relay_patients": (10, 2),
    "samples": (300, 40),
    "latency_samples": (300, 20),
    "first_syncs": (3, 1),
    "unlock_runs": (5, 2),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop.bench",
        description="Passerelle's benchmark: the store against plain SQLite, and sync over "
        "loopback. Prints figures beside the issue's targets.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (a minute at most); explicit sizes still win",
    )
    for name, (full, quick) in SIZES.items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            default=None,
            metavar="N",
            help=f"default {full:,} ({quick:,} with --quick)",
        )
    parser.add_argument(
        "--plain-driver",
        choices=DRIVERS,
        default="sqlcipher3",
        help="the plain copy's driver: sqlcipher3 without a key (the same "
        "SQLite build, default) or the standard library's sqlite3",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="folder to write results.txt and results.json into"
    )
    parser.add_argument(
        "--tmp",
        type=Path,
        default=None,
        help="where to make the temporary folder (default: the system's)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="N CPU-bound processes running beside each first sync: a machine doing "
        "other work (default 0)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--only",
        choices=("store", "sync"),
        default=None,
        help="measure only the store's figures or only the sync's (default: both)",
    )
    return parser


def _progress(started: float, text: str) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {text}", file=sys.stderr, flush=True)


def _sizes(args: argparse.Namespace) -> dict[str, int]:
    sizes = {}
    for name, (full, quick) in SIZES.items():
        given = getattr(args, name)
        sizes[name] = given if given is not None else (quick if args.quick else full)
        if sizes[name] < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be at least 1")
    if args.busy < 0:
        raise SystemExit("--busy must be 0 or more")
    if sizes["messages"] < sizes["conversations"]:
        raise SystemExit("--messages must be at least --conversations (one message each)")
    return sizes


def _machine() -> str:
    cipher = sqlcipher3.connect(":memory:")
    version = cipher.execute("PRAGMA cipher_version").fetchone()[0]
    cipher.close()
    return (
        f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLCipher {version} "
        f"(SQLite {sqlcipher3.sqlite_version})"
    )


def _store_part(
    args: argparse.Namespace,
    folder: Path,
    started: float,
    sizes: dict[str, int],
    context: list[str],
    parameters: dict[str, Any],
) -> list[Figure]:
    """Build the store and its plain copy, time unlocking and the queries."""
    corpus = Corpus(sizes["conversations"], sizes["messages"])
    _progress(
        started,
        f"building the store and its plain copy ({corpus.messages:,} messages "
        f"each, in parallel) in {folder}",
    )
    built_store, built_plain = store_bench.build_both(folder, corpus, args.plain_driver)
    _progress(
        started,
        f"built in {built_store.seconds:.0f} s / {built_plain.seconds:.0f} s; timing unlock",
    )
    figures = store_bench.unlock(built_store.path, sizes["unlock_runs"])
    _progress(started, "timing queries against the plain copy")
    store = Store.open(built_store.path, store_bench.PASSPHRASE)
    plain = open_plain(built_plain.path, args.plain_driver)
    try:
        figures += store_bench.queries(store, plain, corpus, sizes["samples"])
    finally:
        store.close()
        plain.close()
    mb = 1024 * 1024
    context += [
        (
            f"store: {corpus.conversations:,} conversations, {corpus.messages:,} messages, "
            f"{corpus.patients:,} patients; SQLCipher {built_store.bytes / mb:,.0f} MB built "
            f"in {built_store.seconds:.0f} s, plain copy {built_plain.bytes / mb:,.0f} MB in "
            f"{built_plain.seconds:.0f} s (in parallel)"
        ),
        (
            f"plain copy: {driver_version(args.plain_driver)}, same schema, same rows, same "
            "pragmas, no key; queries alternate sides, same arguments, "
            f"{sizes['samples']} samples each"
        ),
    ]
    parameters.update(
        plain_driver=args.plain_driver,
        store_build_s=built_store.seconds,
        plain_build_s=built_plain.seconds,
        store_bytes=built_store.bytes,
        plain_bytes=built_plain.bytes,
    )
    return figures


def run(
    args: argparse.Namespace, folder: Path, started: float
) -> tuple[str, list[Figure], dict[str, Any]]:
    sizes = _sizes(args)
    figures: list[Figure] = []
    context = [_machine()]
    parameters: dict[str, Any] = {
        **sizes, "machine": _machine(), "only": args.only, "busy": args.busy
    }
    if args.only != "sync":
        figures += _store_part(args, folder, started, sizes, context, parameters)
    if args.only != "store":
        _progress(
            started,
            f"sync: a relay process, {sizes['relay_patients']} patients, "
            f"{sizes['relay_messages']:,} messages to seal and seed",
        )
        figures += sync_bench.run(
            folder,
            sizes["relay_messages"],
            sizes["relay_patients"],
            sizes["latency_samples"],
            sizes["first_syncs"],
            args.busy,
        )
        context.append(
            f"relay: a separate process on 127.0.0.1 (SQLite), {sizes['relay_messages']:,} "
            f"messages from {sizes['relay_patients']} patients for one practice"
        )
    wanted = [
        label
        for label in FIGURES
        if args.only is None or (label in SYNC_FIGURES) == (args.only == "sync")
    ]
    missing = [label for label in wanted if not any(f.label.startswith(label) for f in figures)]
    if missing:
        raise RuntimeError(f"figures not measured: {missing}")
    text = table("Passerelle benchmark", context, figures)
    return text, figures, parameters


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-", dir=args.tmp))
    try:
        text, figures, parameters = run(args, folder, started)
    finally:
        if args.keep:
            _progress(started, f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    text += f"\n\nwhole run: {elapsed:.0f} s"
    print(text, flush=True)
    if args.out is not None:
        write(args.out, text, figures, {**parameters, "whole_run_s": elapsed})
        _progress(started, f"written to {args.out / 'results.txt'} and results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
