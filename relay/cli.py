"""``passerelle-relay``: run the relay, or create a practice on it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from relay.app import create_app
from relay.config import DATABASE_ENV, Settings, default_database_url
from relay.db import Database, SchemaMismatch
from relay.operator import create_practice
from relay.server import RelayServer

LISTENING = "Passerelle relay listening on http://{host}:{port}"


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

    practice = commands.add_parser(
        "create-practice", help="create a practice and print its one-time enrolment token"
    )
    practice.add_argument("--name", required=True, help="the operator's label for the practice")
    practice.add_argument("--database", default=None, help=database_help)
    return parser


def _serve(database_url: str, host: str, port: int) -> None:
    server = RelayServer(create_app(Settings(database_url=database_url)), host=host, port=port)

    async def run() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if server.started:
            shown = f"[{host}]" if ":" in host else host
            print(LISTENING.format(host=shown, port=server.bound_port), flush=True)
        await serving

    asyncio.run(run())


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
            _serve(database_url, args.host, args.port)
        else:
            _create_practice(database_url, args.name)
    except (SchemaMismatch, ValueError) as exc:
        print(f"passerelle-relay: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
