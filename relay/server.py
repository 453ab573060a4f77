"""Running the app with uvicorn, for the CLI and for tests."""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from relay.context import Relay


class RelayServer(uvicorn.Server):
    """A uvicorn server that releases its long-polls as soon as it is asked to stop.

    Without this, a graceful stop would wait for every held
    ``/v1/mailbox/events?wait=30`` to run out.
    """

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.relay: Relay = app.state.relay
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            # Long-polls last up to 30 s; idle keep-alive connections between
            # them are cheap and save a reconnect per poll.
            timeout_keep_alive=60,
        )
        super().__init__(config)

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
