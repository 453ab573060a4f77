"""The patient's web app: static files served by the relay at its root, on its own origin.

The files are built from ``webapp/`` (TypeScript, esbuild) and shipped inside the
relay package (``relay/webapp_dist/``), so that ``pip install`` alone gives a relay
that serves them, without node on the server. They are read and compressed once,
at start, and served with a strict Content-Security-Policy: scripts, styles and
everything else from this origin only, no inline script, no ``eval``.
``'wasm-unsafe-eval'`` is there because libsodium runs as WebAssembly, which the
browser compiles only under that keyword; it allows compiling WebAssembly, not
evaluating JavaScript strings.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relay.errors import error_response

DIST = Path(__file__).resolve().parent.parent / "webapp_dist"

CONTENT_SECURITY_POLICY = "; ".join(  # noqa: FLY002 (one directive a line, each said why)
    (
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        # A PDF the practice sent is shown from a blob: URL made in memory, never a file.
        "frame-src blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), interest-cohort=()",
}

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


@dataclass(frozen=True)
class StaticFile:
    """One built file, held in memory with its gzip form and its ETag."""

    body: bytes
    gzipped: bytes
    media_type: str
    etag: str


def load(folder: Path = DIST) -> dict[str, StaticFile]:
    files: dict[str, StaticFile] = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        body = path.read_bytes()
        media = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        files[path.name] = StaticFile(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            media_type=media or "application/octet-stream",
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        )
    return files


def webapp_router(folder: Path = DIST) -> APIRouter:
    """``GET /`` (the app) and ``GET /<file>`` for each built file; nothing else."""
    files = load(folder)
    router = APIRouter(include_in_schema=False)

    def serve(name: str, request: Request) -> Response:
        found = files.get(name)
        if found is None:
            return error_response(404, "not_found", "There is no such route.")
        # The shell and the service worker are looked at every time (a new version
        # is picked up on the next visit); the rest is named by the build and may wait.
        cache = "no-cache" if name in ("index.html", "sw.js") else "public, max-age=3600"
        headers = SECURITY_HEADERS | {"ETag": found.etag, "Cache-Control": cache,
                                      "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == found.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(found.gzipped, media_type=found.media_type, headers=headers)
        return Response(found.body, media_type=found.media_type, headers=headers)

    @router.get("/")
    def index(request: Request) -> Response:
        return serve("index.html", request)

    @router.get("/{name}")
    def static_file(name: str, request: Request) -> Response:
        return serve(name, request)

    return router
