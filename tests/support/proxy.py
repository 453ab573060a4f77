"""A faulting TCP proxy on loopback, between clients and a real relay.

Every connection a client opens is forwarded to the relay byte for byte,
except when the proxy's seeded random says otherwise: at any chunk it may cut
the connection (after a random part of a request or a response),
hold it still for a while and then reset it (a dropped link), or delay what it
forwards. ``cut_all()`` ends every open connection at once (the
Wi-Fi going away under a long-poll). With ``faults_on = False`` it forwards
faithfully, so that a test can let everything converge at the end.

The choices for the n-th connection come from a ``Random`` seeded with the seed
and n: the same
seed gives the same plan, connection by connection (when exactly a
connection opens still depends on the machine).
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass
from types import TracebackType
from typing import Self

_CHUNK = 16384


@dataclass(frozen=True)
class Faults:
    """How often the proxy misbehaves, per chunk it forwards (a request, or a part of a
    response: what one read from a socket brings)."""

    cut: float = 0.05  # chance that the chunk is cut at a random byte and the link reset
    stall: float = 0.015  # chance that the link is held still instead, then reset
    stall_seconds: tuple[float, float] = (0.5, 2.0)
    delay: float = 0.3  # chance that the chunk waits a little before it goes on
    delay_seconds: tuple[float, float] = (0.0, 0.05)


def _reset(sock: socket.socket) -> None:
    """End the connection abruptly, as a lost link or a killed peer does: shut it down (that
    wakes the pump thread blocked reading it; closing alone would leave it blocked, and
    the connection open, until the peer spoke), then close with SO_LINGER 0 so that what
    is still in flight is dropped, not delivered."""
    for step in (
        lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)),
        lambda: sock.shutdown(socket.SHUT_RDWR),
        sock.close,
    ):
        try:
            step()
        except OSError:
            pass  # already gone


class _Link:
    """One client connection and its connection to the relay, pumped both ways."""

    def __init__(self, proxy: FaultyProxy, client: socket.socket, rng: random.Random) -> None:
        self.proxy = proxy
        self.client = client
        self.rng = rng
        self.upstream: socket.socket | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.stall_for = 0.0

    def run(self) -> None:
        try:
            self.upstream = socket.create_connection(("127.0.0.1", self.proxy.upstream_port), 5)
        except OSError:
            self.close()  # the relay is down: the client sees the connection go
            return
        self.upstream.settimeout(None)
        threading.Thread(target=self._pump, args=(self.client, self.upstream), daemon=True).start()
        self._pump(self.upstream, self.client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                data, fault = self._fault(data)
                if data:
                    sink.sendall(data)
                if fault == "cut":
                    break  # what was let through (a part of a request or a response), then reset
                if fault == "stall":
                    threading.Event().wait(self.stall_for)
                    break
        except OSError:
            pass
        self.close()

    def _fault(self, data: bytes) -> tuple[bytes, str]:
        """What of ``data`` goes on, and the fault that follows it: ``""``, ``cut``, ``stall``.

        A cut lets a random prefix through first: all of a request but none of its answer,
        half of a response, or nothing."""
        proxy, faults = self.proxy, self.proxy.faults
        if not proxy.faults_on:
            return data, ""
        with self._lock:  # the two directions draw from one sequence, one at a time
            draw = self.rng.random()
            fault = ""
            if draw < faults.cut:
                data, fault = data[: self.rng.randrange(len(data) + 1)], "cut"
            elif draw < faults.cut + faults.stall:
                data, fault = b"", "stall"
                self.stall_for = self.rng.uniform(*faults.stall_seconds)
            wait = (
                self.rng.uniform(*faults.delay_seconds) if self.rng.random() < faults.delay else 0
            )
        if fault:
            proxy.count(fault)
        elif wait:
            proxy.count("delay")
            threading.Event().wait(wait)
        return data, fault

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _reset(self.client)
        if self.upstream is not None:
            _reset(self.upstream)
        self.proxy.forget(self)


class FaultyProxy:
    """Listens on a free loopback port and forwards to ``upstream_port``, misbehaving at will."""

    def __init__(self, upstream_port: int, seed: int, faults: Faults | None = None) -> None:
        self.upstream_port = upstream_port
        self.seed = seed
        self.faults = faults or Faults()
        self.faults_on = True
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._accepted = 0
        self._thread = threading.Thread(target=self._accept, name="faulty-proxy", daemon=True)
        self._thread.start()

    @property
    def counts(self) -> Counter[str]:
        """The faults made so far, by kind: ``cut``, ``stall``, ``cut_all`` (once per call that
        found connections open), ``delay``."""
        with self._lock:
            return Counter(self._counts)

    def count(self, kind: str, n: int = 1) -> None:
        with self._lock:
            self._counts[kind] += n

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                rng = random.Random(f"{self.seed}:{self._accepted}")
                self._accepted += 1
            link = _Link(self, client, rng)
            with self._lock:
                self._links.add(link)
            threading.Thread(target=link.run, daemon=True).start()

    def forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)

    def cut_all(self) -> int:
        """Reset every open connection now; returns how many there were."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()
        if links:
            self.count("cut_all")
        return len(links)

    def close(self) -> None:
        """Stop accepting (the accepting thread wakes and ends) and reset what is open."""
        self.faults_on = False
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # not every platform wakes accept() this way; closing still stops it
        self._listener.close()
        self.cut_all()
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
