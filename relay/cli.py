"""``passerelle-relay``: run the relay, create a practice on it, purge abandoned uploads and
what is past the retention."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import asdict

from sqlalchemy.exc import SQLAlchemyError

from relay.app import create_app
from relay.config import (
    DATABASE_ENV,
    DEFAULT_RETENTION_DAYS,
    RateLimits,
    Settings,
    default_database_url,
    retention_days,
)
from relay.db import Database, SchemaMismatch
from relay.operator import create_practice, purge_incomplete_blobs
from relay.retention import purge_expired
from relay.server import RelayServer

LISTENING = "Passerelle relay listening on http://{host}:{port}"
PURGED = (
    "Purged {blobs} abandoned upload(s), incomplete and idle for more than {days:g} days: "
    "{chunks} chunk(s), {bytes} bytes."
)
EXPIRED = (
    "Retention {retention}: deleted {events} event(s), {items} envelope(s), {blobs} "
    "document(s) ({chunks} chunk(s), {bytes} bytes) and {retries} kept answer(s)."
)

log = logging.getLogger("relay")


def _retention(text: str) -> float | None:
    try:
        return retention_days(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _retention_label(days: float | None) -> str:
    return "forever" if days is None else f"{days:g} days"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passerelle-relay",
        description="The Passerelle relay: carries encrypted envelopes between a practice "
        "and its patients.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    database_help = (
        f"sqlite:///FILE, a file path or postgresql://... (default: ${DATABASE_ENV}, "
        "else passerelle-relay.sqlite3 in the current directory)"
    )

    serve = commands.add_parser("serve", help="run the relay over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8470, help="port (0: any free port)")
    serve.add_argument("--database", default=None, help=database_help)
    serve.add_argument(
        "--incomplete-blob-days",
        type=float,
        default=Settings.incomplete_blob_days,
        metavar="DAYS",
        help="purge uploads left incomplete this long, at start and every "
        f"{Settings.purge_interval_seconds / 3600:g} hours (default %(default)g)",
    )
    serve.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        metavar="ACTION.SIDE=COUNT/SECONDS",
        help="change one rate limit, e.g. redeem.address=600/600 or signin.account=off "
        "(actions: redeem, signin, pair, post; sides: account, address); repeatable",
    )
    serve.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="no rate limit at all (a relay reached only from this machine, a benchmark)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a proxy (address or network) whose X-Forwarded-For names the client; repeatable",
    )
    serve.add_argument(
        "--hsts-seconds",
        type=int,
        default=0,
        metavar="SECONDS",
        help="send Strict-Transport-Security with this max-age (when clients reach the relay "
        "over TLS, through a proxy that terminates it); default: none",
    )
    serve.add_argument(
        "--poll-interval",
        type=float,
        default=Settings.poll_interval_seconds,
        metavar="SECONDS",
        help="how often a long-poll looks at the database without being woken "
        "(default %(default)g)",
    )
    serve.add_argument(
        "--max-page-bytes",
        type=int,
        default=Settings.max_page_bytes,
        metavar="BYTES",
        help="a mailbox page stops past this many bytes of envelopes (default %(default)d)",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log one line per request (paths without their query strings)",
    )
    serve.add_argument(
        "--retention-days",
        type=_retention,
        default=Settings.retention_days,
        metavar="DAYS|forever",
        help="delete delivered events, envelopes and documents older than this, on the same "
        f"timer (default {DEFAULT_RETENTION_DAYS:g}; see docs/PROTOCOL.md, Retention)",
    )

    purge = commands.add_parser(
        "purge-blobs",
        help="delete the uploads left incomplete (abandoned) for more than --days days",
    )
    purge.add_argument(
        "--days",
        type=float,
        default=Settings.incomplete_blob_days,
        help="idle for more than this many days (default %(default)g)",
    )
    purge.add_argument("--database", default=None, help=database_help)

    expired = commands.add_parser(
        "purge-expired",
        help="delete the events, envelopes and documents older than the retention",
    )
    expired.add_argument("--days", type=_retention, default=Settings.retention_days,
                         metavar="DAYS|forever",
                         help=f"the retention (default {DEFAULT_RETENTION_DAYS:g})")
    expired.add_argument("--database", default=None, help=database_help)

    practice = commands.add_parser(
        "create-practice", help="create a practice and print its one-time enrolment token"
    )
    practice.add_argument("--name", required=True, help="the operator's label for the practice")
    practice.add_argument("--database", default=None, help=database_help)
    return parser


def _settings(database_url: str, args: argparse.Namespace) -> Settings:
    if not args.incomplete_blob_days > 0:
        raise ValueError("--incomplete-blob-days must be above zero")
    if not args.poll_interval > 0:
        raise ValueError("--poll-interval must be above zero")
    limits = RateLimits.off() if args.no_rate_limits else RateLimits()
    for option in args.rate_limit:
        limits = limits.with_option(option)
    return Settings(
        database_url=database_url,
        incomplete_blob_days=args.incomplete_blob_days,
        rate_limits=limits,
        trusted_proxies=tuple(args.trusted_proxy),
        hsts_seconds=max(0, args.hsts_seconds),
        poll_interval_seconds=args.poll_interval,
        retention_days=args.retention_days,
        max_page_bytes=max(1, args.max_page_bytes),
    )


def _serve(settings: Settings, host: str, port: int, access_log: bool) -> None:
    server = RelayServer(create_app(settings), host=host, port=port, access_log=access_log)

    async def run() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if not server.started:
            await serving
            return
        shown = f"[{host}]" if ":" in host else host
        print(LISTENING.format(host=shown, port=server.bound_port), flush=True)
        purging = asyncio.create_task(_purge_now_and_then(server.relay.db, settings))
        try:
            await serving
        finally:
            purging.cancel()

    asyncio.run(run())


async def _purge_now_and_then(db: Database, settings: Settings) -> None:
    """Abandoned uploads, purged at start and then every ``purge_interval_seconds``, off
    the event loop. A database that cannot be reached is tried again next time."""
    days = settings.incomplete_blob_days
    while True:
        try:
            purged = await asyncio.to_thread(purge_incomplete_blobs, db, days)
        except SQLAlchemyError as exc:
            log.warning("purging abandoned uploads failed: %s", exc)
        else:
            if purged.blobs:
                log.info(PURGED.format(days=days, **asdict(purged)))
        try:
            expired = await asyncio.to_thread(purge_expired, db, settings.retention_days)
        except SQLAlchemyError as exc:
            log.warning("purging what is past the retention failed: %s", exc)
        else:
            if any(asdict(expired).values()):
                log.info(EXPIRED.format(retention=_retention_label(settings.retention_days),
                                        **asdict(expired)))
        await asyncio.sleep(settings.purge_interval_seconds)


def _purge_blobs(database_url: str, days: float) -> None:
    db = Database(database_url)
    try:
        db.create_schema()
        purged = purge_incomplete_blobs(db, days)
    finally:
        db.dispose()
    print(PURGED.format(days=days, **asdict(purged)))


def _purge_expired(database_url: str, days: float | None) -> None:
    db = Database(database_url)
    try:
        db.create_schema()
        expired = purge_expired(db, days)
    finally:
        db.dispose()
    print(EXPIRED.format(retention=_retention_label(days), **asdict(expired)))


def _create_practice(database_url: str, name: str) -> None:
    db = Database(database_url)
    try:
        db.create_schema()
        created = create_practice(db, name)
    finally:
        db.dispose()
    print(f"Practice created: {name.strip()}")
    print(f"Practice id: {created.practice_id}")
    print("Enrolment token (shown once; enter it in the practice's first workstation):")
    print(created.enrolment_token)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    database_url = args.database or default_database_url()
    try:
        if args.command == "serve":
            _serve(_settings(database_url, args), args.host, args.port, args.access_log)
        elif args.command == "purge-blobs":
            _purge_blobs(database_url, args.days)
        elif args.command == "purge-expired":
            _purge_expired(database_url, args.days)
        else:
            _create_practice(database_url, args.name)
    except (SchemaMismatch, ValueError) as exc:
        print(f"passerelle-relay: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
