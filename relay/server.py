"""Running the app with uvicorn, for the CLI and for tests."""

from __future__ import annotations

import logging
import socket

import uvicorn
from fastapi import FastAPI

from relay.context import Relay


class RelayServer(uvicorn.Server):
    """A uvicorn server that releases its long-polls as soon as it is asked to stop.

    Without this, a graceful stop would wait for every held
    ``/v1/mailbox/events?wait=30`` to run out.
    """

    def __init__(
        self, app: FastAPI, host: str = "127.0.0.1", port: int = 0, access_log: bool = False
    ) -> None:
        self.relay: Relay = app.state.relay
        settings = self.relay.settings
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info" if access_log else "warning",
            access_log=access_log,
            # Long-polls last up to 30 s; idle keep-alive connections between
            # them are cheap and save a reconnect per poll.
            timeout_keep_alive=60,
            # h11 (pure Python) whatever is installed: its bound on a request's head is
            # the first line of the header limits (relay.middleware checks the rest).
            http="h11",
            h11_max_incomplete_event_size=settings.max_header_bytes,
            # Headers are the relay's own (relay.middleware.SecurityHeaders).
            server_header=False,
            # uvicorn would believe X-Forwarded-For from 127.0.0.1, rewriting the client's
            # address before the rate limits see it: the relay decides (trusted_proxies).
            proxy_headers=False,
        )
        super().__init__(config)
        access = logging.getLogger("uvicorn.access")
        if not any(isinstance(f, WithoutQuery) for f in access.filters):
            access.addFilter(WithoutQuery())

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.relay.waker.close()
        await super().shutdown(sockets)

    @property
    def bound_port(self) -> int:
        """The port actually listening (useful with port 0); only once started."""
        for server in self.servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        raise RuntimeError("the relay is not listening yet")


class WithoutQuery(logging.Filter):
    """Access log lines name the path, never its query string: nothing a client puts
    in a URL (a cursor today, who knows what tomorrow) reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            path = args[2]
            if isinstance(path, str):
                record.args = (*args[:2], path.split("?", 1)[0], *args[3:])
        return True
