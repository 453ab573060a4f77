"""The relay's HTTP client: one session, JSON in and out, every failure a RelayError.

The relay is trusted to carry envelopes, not to be well-behaved: a response
that is not the JSON we expect is reported as ``bad_response`` and changes
nothing locally.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from desktop.core.errors import RelayError

API = "/v1"
# Long-polls hold the connection for up to `wait` seconds; the read timeout
# must outlast them, the connect timeout must not (an offline laptop should
# learn it quickly).
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise RelayError(0, "bad_response", "The relay sent a malformed field.")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise RelayError(0, "bad_response", "The relay sent malformed base64.") from None


@dataclass(frozen=True)
class EventPage:
    """One page of a mailbox: events after the cursor, the new cursor, and whether that is all."""

    items: list[dict[str, Any]]
    cursor: str
    done: bool


class RelayClient:
    """Talks to one relay with one account's token (or none, to enrol or redeem)."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "Passerelle/0.1"

    def close(self) -> None:
        self._http.close()

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        params: dict[str, Any] | None = None,
        read_timeout: float = READ_TIMEOUT,
    ) -> dict[str, Any]:
        """Send one request; every POST needs its idempotency key (the outbox row's id)."""
        if method == "POST" and idempotency_key is None:
            idempotency_key = str(uuid.uuid4())
        try:
            response = self._http.request(
                method,
                self.base_url + path,
                json=body,
                params=params,
                headers=self._headers(idempotency_key),
                timeout=(CONNECT_TIMEOUT, read_timeout),
            )
        except requests.ConnectionError as exc:
            raise RelayError(0, "offline", f"The relay cannot be reached ({_short(exc)}).") from None
        except requests.Timeout:
            raise RelayError(0, "timeout", "The relay did not answer in time.") from None
        except requests.RequestException as exc:
            raise RelayError(0, "offline", f"Network error: {_short(exc)}") from None
        return _decode(response)

    def post(self, path: str, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self.request("POST", path, body, idempotency_key=idempotency_key)

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params=params or None)

    def events(self, after: str | None, limit: int = 500, wait: float = 0) -> EventPage:
        """One page of this account's mailbox, long-polling up to ``wait`` seconds if empty."""
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        if wait:
            params["wait"] = int(wait)
        data = self.request(
            "GET", f"{API}/mailbox/events", params=params, read_timeout=READ_TIMEOUT + wait
        )
        items, cursor, done = data.get("items"), data.get("cursor"), data.get("done")
        if (
            not isinstance(items, list)
            or not all(isinstance(i, dict) for i in items)
            or not isinstance(cursor, str)
            or not isinstance(done, bool)
        ):
            raise RelayError(0, "bad_response", "The relay sent a malformed page of events.")
        return EventPage(items, cursor, done)


def _decode(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code >= 400:
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            raise RelayError(response.status_code, data["code"], str(data.get("message", "")))
        raise RelayError(
            response.status_code, "http_error", f"The relay answered HTTP {response.status_code}."
        )
    if not isinstance(data, dict):
        raise RelayError(0, "bad_response", "The relay sent a response that is not JSON.")
    return data


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
