"""What every request and answer goes through before a route: the limits on a request's
head and body, and the security headers on every answer."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relay.errors import error_response

# A JSON string (escapes included), and the brackets left once strings are blanked out.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413 ``body_too_large``.

    A declared Content-Length over the limit is refused without reading. A
    body without one (chunked) is read up to the limit and refused as soon
    as it passes it. Bodies within the limit are buffered and handed to the
    app whole: every route takes small JSON, so this costs nothing and spares
    the app a stream that could fail halfway through validation.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_json_depth: int = 16) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _is_json(scope) and nests_deeper(body, self.max_json_depth):
            # Python's parser recurses: a body of a million "[" would end in a 500.
            response = error_response(
                400,
                "malformed_json",
                f"The body nests arrays and objects deeper than {self.max_json_depth} levels.",
            )
            await response(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            # After the body, what the server says next (a disconnect).
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "body_too_large", f"The body is over the relay's limit of {self.max_bytes} bytes."
        )
        # Closing the connection: the rest of an oversized body is not worth reading.
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def nests_deeper(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` deep (brackets in strings aside).
    Cheap for the relay's bodies: few brackets, and those are counted in C first."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower().endswith(b"json")
    return False


class HeaderLimit:
    """Refuse a request with too many headers or too large a head: 431 ``headers_too_large``.

    The HTTP server (h11) already stops reading a head past ``max_bytes``; this is the same
    bound stated in the protocol's error shape, plus a count, whatever server runs the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_headers: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_headers = max_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope.get("headers", ())
            size = sum(len(name) + len(value) + 4 for name, value in headers)
            if len(headers) > self.max_headers or size > self.max_bytes:
                response = error_response(
                    431,
                    "headers_too_large",
                    f"The request has more than {self.max_headers} headers or more than "
                    f"{self.max_bytes} bytes of them.",
                )
                response.headers["connection"] = "close"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


#: What a browser may do with an API answer: nothing (no script, no frame, no referrer).
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The interactive API docs load Swagger UI from its CDN.
DOCS_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src https://cdn.jsdelivr.net; img-src https://fastapi.tiangolo.com data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def security_headers(hsts_seconds: int = 0) -> dict[str, str]:
    """The headers an API answer carries (also what the 500 handler, which runs outside
    every middleware, adds itself)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": API_POLICY,
        "Cache-Control": "no-store",
    }
    if hsts_seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return headers


class SecurityHeaders:
    """The same safe headers on every answer, errors included.

    A route that sets its own ``Content-Security-Policy`` or ``Cache-Control`` (the patient
    web app's pages) keeps it; the others are the relay's for every answer.
    """

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0, docs_path: str = "/v1/docs") -> None:
        self.app = app
        self.docs_path = docs_path
        headers = [
            (k.lower().encode(), v.encode()) for k, v in security_headers(hsts_seconds).items()
        ]
        # A route may set these two itself (the patient web app's pages do).
        overridable = (b"content-security-policy", b"cache-control")
        self.always = [h for h in headers if h[0] not in overridable]
        self.api_defaults = [h for h in headers if h[0] in overridable]
        self.docs_defaults = [
            (b"content-security-policy", DOCS_POLICY.encode()) if h[0] == overridable[0] else h
            for h in self.api_defaults
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        defaults = self.docs_defaults if scope.get("path") == self.docs_path else self.api_defaults

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in defaults if h[0] not in present)
                headers.extend(h for h in self.always if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
