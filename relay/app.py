"""The app factory: one FastAPI application per relay, built from its Settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from relay.config import Settings
from relay.context import Relay
from relay.db import Database
from relay.errors import install_error_handlers
from relay.events import MailboxWaker
from relay.listen import Listener, channel
from relay.middleware import BodyLimit, HeaderLimit, SecurityHeaders, security_headers
from relay.ratelimit import trusted_networks
from relay.routes import v1_router
from relay.routes.webapp import webapp_router

API_TITLE = "Passerelle relay"
API_VERSION = "1"


def create_app(settings: Settings) -> FastAPI:
    """Build the relay: database (schema created if missing), routes, errors, limits."""
    trusted_networks(settings.trusted_proxies)  # a mistyped proxy fails now, not per request
    db = Database(settings.database_url)
    db.create_schema()
    waker = MailboxWaker()
    if db.is_sqlite:
        relay = Relay(settings=settings, db=db, waker=waker)
        listener = None
    else:
        with db.read() as conn:
            relay = Relay(settings=settings, db=db, waker=waker, wake_channel=channel(conn))
        listener = Listener(db, waker)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if listener is not None:
            listener.start()
        try:
            yield
        finally:
            if listener is not None:
                listener.stop()
            db.dispose()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description="Carries encrypted envelopes between a practice and its patients. "
        "See docs/PROTOCOL.md for who may call what.",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.relay = relay
    app.state.listener = listener
    install_error_handlers(app)
    app.include_router(v1_router())
    # Last: its GET /{name} must not shadow anything the API serves.
    app.include_router(webapp_router())
    # The last added runs first: security headers go on every answer, refusals included.
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, max_json_depth=settings.max_json_depth
    )
    app.add_middleware(
        HeaderLimit, max_bytes=settings.max_header_bytes, max_headers=settings.max_headers
    )
    app.add_middleware(SecurityHeaders, hsts_seconds=settings.hsts_seconds)
    app.state.security_headers = security_headers(settings.hsts_seconds)
    return app
