"""The one error shape, ``{"code", "message"}``, for everything the relay refuses.

Clients branch on ``code``; people read ``message``. Bad input is a 4xx with a
code from docs/PROTOCOL.md; a 5xx is a bug in the relay.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

# pydantic error types meaning "the body as a whole is not a JSON object".
_NOT_AN_OBJECT = {"model_attributes_type", "model_type", "dict_type", "missing"}

# Errors Starlette raises itself (routing, body parsing), by status.
_HTTP_CODES = {
    400: ("malformed_json", "The body could not be read as JSON."),
    404: ("not_found", "There is no such route."),
    405: ("method_not_allowed", "This route does not accept this method."),
    413: ("body_too_large", "The body is larger than the relay accepts."),
}


class ApiError(Exception):
    """A refusal with a status, a machine-readable code and a sentence for people."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def forbidden(message: str = "Your account may not use this route.") -> ApiError:
    return ApiError(403, "forbidden", message)


def invalid_request(message: str) -> ApiError:
    return ApiError(422, "invalid_request", message)


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    what = str(error.get("msg", "invalid value"))
    return f"{where}: {what}" if where else what


async def _on_api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {}
    loc = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return error_response(400, "malformed_json", "The body is not valid JSON.")
    if loc == ("body",) and first.get("type") in _NOT_AN_OBJECT:
        return error_response(400, "malformed_json", "The body must be a JSON object.")
    message = "; ".join(_describe(e) for e in errors[:5])
    return error_response(422, "invalid_request", message or "The request is not valid.")


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("error", str(exc.detail)))
    return JSONResponse(
        {"code": code, "message": message},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("relay bug", exc_info=exc)
    # This handler answers from outside every middleware: it adds the safe headers itself.
    headers = getattr(request.app.state, "security_headers", None)
    return error_response(500, "internal_error", "The relay failed; this is a bug.", headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
