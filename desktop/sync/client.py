"""The relay's HTTP client: one session, JSON in and out, every failure a RelayError.

The relay is trusted to carry envelopes, not to be well-behaved: a response
that is not the JSON we expect is reported as ``bad_response`` and changes
nothing locally.
"""

from __future__ import annotations

import base64
import socket
import threading
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from desktop.core.errors import RelayError

API = "/v1"
# Long-polls hold the connection for up to `wait` seconds; the read timeout
# must outlast them, the connect timeout must not (an offline laptop should
# learn it quickly).
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
# A probe while offline only asks "is anyone there?": it must not hold a thread for long.
PROBE_TIMEOUT = 3.0


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


class _Sockets:
    """Every socket a client's connections open, so that another thread can cut them.

    What wakes a thread blocked reading a response (a long-poll) is shutting
    its socket down: closing the requests Session only drops idle
    connections, and closing the socket does nothing while the response's
    file object holds it (tests/sync/test_engine_stop.py checks this on a
    real relay). On a platform where a shutdown leaves the read blocked, the
    request ends with the long-poll; ``SyncEngine.stop`` does not rely on it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.cut = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.cut:
                self._open.add(sock)
                return
        sock.close()
        raise ConnectionAbortedError("the relay client was stopped")

    def cut_all(self) -> None:
        with self._lock:
            self.cut = True
            sockets = list(self._open)
        for sock in sockets:
            try:
                # socket's own shutdown, also for a TLS socket: SSLSocket.shutdown would
                # first drop its TLS state under the thread reading from it.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed


class _CuttableAdapter(HTTPAdapter):
    """requests' adapter, whose connections hand their sockets to a :class:`_Sockets`."""

    def __init__(self, sockets: _Sockets) -> None:
        self._sockets = sockets  # before super().__init__, which builds the pool manager
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        manager = self.poolmanager
        manager.pool_classes_by_scheme = {
            scheme: _registering(pool, self._sockets)
            for scheme, pool in manager.pool_classes_by_scheme.items()
        }


def _registering(pool_class: type, sockets: _Sockets) -> type:
    """A subclass of urllib3's ``pool_class`` whose connections register their socket."""

    class Connection(pool_class.ConnectionCls):  # type: ignore[name-defined,misc]
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)  # the TLS socket for https, the plain one otherwise

    return type(pool_class.__name__, (pool_class,), {"ConnectionCls": Connection})


class RelayClient:
    """Talks to one relay with one account's token (or none, to enrol or redeem)."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._sockets = _Sockets()
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "Passerelle/0.1"
        adapter = _CuttableAdapter(self._sockets)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """From any thread: end the request in flight now (a long-poll too) and refuse the
        next ones; each raises ``RelayError`` with code ``stopped``."""
        self._sockets.cut_all()

    @property
    def aborted(self) -> bool:
        """Whether :meth:`abort` was called: this client refuses every request from now on."""
        return bool(self._sockets.cut)

    def _stopped(self) -> RelayError:
        return RelayError(0, "stopped", "Sync was stopped.")

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
        if self._sockets.cut:
            raise self._stopped()
        try:
            response = self._http.request(
                method,
                self.base_url + path,
                json=body,
                params=params,
                headers=self._headers(idempotency_key),
                timeout=(CONNECT_TIMEOUT, read_timeout),
            )
        except requests.RequestException as exc:
            raise self._failure(exc) from None
        except Exception:
            if self._sockets.cut:  # a connection cut mid-read may fail in other ways
                raise self._stopped() from None
            raise
        return _decode(response)

    def _failure(self, exc: requests.RequestException) -> RelayError:
        if self._sockets.cut:  # a cut connection looks lost; it was not
            return self._stopped()
        if isinstance(exc, requests.ConnectionError):
            return RelayError(0, "offline", f"The relay cannot be reached ({_short(exc)}).")
        if isinstance(exc, requests.Timeout):
            return RelayError(0, "timeout", "The relay did not answer in time.")
        return RelayError(0, "offline", f"Network error: {_short(exc)}")

    def _send_raw(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> requests.Response:
        if self._sockets.cut:
            raise self._stopped()
        try:
            response = self._http.request(
                method, self.base_url + path, data=data, headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except requests.RequestException as exc:
            raise self._failure(exc) from None
        except Exception:
            if self._sockets.cut:
                raise self._stopped() from None
            raise
        if response.status_code >= 400:
            _decode(response)  # raises the relay's error
        return response

    def put_bytes(
        self, path: str, data: bytes, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """PUT raw bytes (a document chunk); the relay answers JSON."""
        headers = self._headers(idempotency_key or str(uuid.uuid4()))
        headers["Content-Type"] = "application/octet-stream"
        return _decode(self._send_raw("PUT", path, data, headers))

    def get_bytes(self, path: str) -> tuple[bytes, CaseInsensitiveDict[str]]:
        """GET raw bytes (a document chunk) and the response's headers (a dict whose keys
        are case-insensitive, as HTTP's are)."""
        response = self._send_raw("GET", path, None, self._headers(None))
        return response.content, CaseInsensitiveDict(response.headers)

    def reachable(self) -> bool:
        """Whether the relay answers now (a cheap GET of ``/v1/me``): what ends a backoff
        early once the connection is back. Any answer below 500 counts, even a refusal:
        the relay is there, and the retried request will say the rest."""
        if self._sockets.cut:
            return False
        try:
            response = self._http.get(
                self.base_url + f"{API}/me", headers=self._headers(None),
                timeout=(PROBE_TIMEOUT, PROBE_TIMEOUT),
            )
        except Exception:  # noqa: BLE001 - whatever failed, the relay is not answering yet
            return False
        return response.status_code < 500

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
            details = {k: v for k, v in data.items() if k not in ("code", "message")}
            raise RelayError(
                response.status_code, data["code"], str(data.get("message", "")), details
            )
        raise RelayError(
            response.status_code, "http_error", f"The relay answered HTTP {response.status_code}."
        )
    if not isinstance(data, dict):
        raise RelayError(0, "bad_response", "The relay sent a response that is not JSON.")
    return data


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
