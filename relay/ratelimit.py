"""Rate limits per account and per source address, held in the relay database.

Several relay processes share one database, so a limit kept in memory would be a limit
per process: an attacker behind a load balancer would get one allowance per process. Each
limited key is one row of ``rate_limits`` holding a GCRA "theoretical arrival time"
(a token bucket kept as a single number): a request is allowed when
``max(tat, now) + interval - now <= seconds``, and then moves ``tat`` on by ``interval``.
That test and the move are one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` statement,
atomic on SQLite and PostgreSQL alike; the transaction does not wait for the disk
(``Database.scratch``): losing the last counts in a power cut costs nothing.

A route declares what it is and whose allowance it spends::

    @router.post("/invitations/redeem", dependencies=[Depends(rate_limit("redeem"))])
    @router.post("/auth/login",
                 dependencies=[Depends(rate_limit("signin", per_account=body_field("practice_id")))])
    @router.post("/conversations", dependencies=[Depends(rate_limit("post", per_account=caller_account))])

The figures live in ``relay.config.RateLimits``. A refused request answers ``429
rate_limited`` with ``Retry-After`` (whole seconds) before the route runs, so it changes
nothing; nor does it spend any allowance (its transaction is rolled back), so a client
that waits as told gets in.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, text

from relay.auth import AnyCaller, RelayDep
from relay.config import Rate, RateLimits
from relay.db import Database
from relay.errors import ApiError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Rows whose time has passed are deleted now and then, by whichever process gets there.
_SWEEP_SECONDS = 600.0
_last_sweep = 0.0


class RateLimited(ApiError):
    """429 ``rate_limited``: too many requests of this kind; ``Retry-After`` says when."""

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            429,
            "rate_limited",
            f"Too many requests of this kind; try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )
        self.retry_after = seconds


def bucket(action: str, side: str, key: str) -> bytes:
    """The row's key: a hash, so that the table holds no address nor account id in clear."""
    return hashlib.blake2b(f"{action}\x00{side}\x00{key}".encode(), digest_size=16).digest()


# One statement for both engines (SQLite 3.35+, PostgreSQL), written once: building a
# statement costs more than running it. The WHERE makes a spent-out bucket a no-op that
# returns no row. A name in DO UPDATE is the stored row's column.
_SPEND = text(
    "INSERT INTO rate_limits (bucket, tat) VALUES (:bucket, :now + :interval) "
    "ON CONFLICT (bucket) DO UPDATE "
    "SET tat = (CASE WHEN rate_limits.tat > :now THEN rate_limits.tat ELSE :now END) + :interval "
    "WHERE (CASE WHEN rate_limits.tat > :now THEN rate_limits.tat ELSE :now END) "
    "+ :interval - :now <= :seconds "
    "RETURNING tat"
)
_TAT = text("SELECT tat FROM rate_limits WHERE bucket = :bucket")
_SWEEP = text("DELETE FROM rate_limits WHERE tat < :now")


def _spend(conn: Connection, key: bytes, rate: Rate, now: float) -> float | None:
    """Spend one request of ``rate`` for ``key``; None if allowed, else seconds to wait."""
    values = {"bucket": key, "now": now, "interval": rate.interval, "seconds": rate.seconds}
    if conn.execute(_SPEND, values).first() is not None:
        return None
    tat = float(conn.execute(_TAT, {"bucket": key}).scalar_one())
    return max(tat, now) + rate.interval - rate.seconds - now


def spend(db: Database, charges: Sequence[tuple[bytes, Rate]], now: float | None = None) -> None:
    """Spend one request from each ``(bucket, rate)``, all or none; raise RateLimited if any
    is spent out (with the longest wait among them). Call from a worker thread."""
    global _last_sweep
    now = time.time() if now is None else now
    waits: list[float] = []
    with db.scratch() as conn:
        for key, rate in charges:
            wait = _spend(conn, key, rate, now)
            if wait is not None:
                waits.append(wait)
        if waits:
            raise RateLimited(max(waits))  # rolls the spent ones back: nothing spent
        if now - _last_sweep > _SWEEP_SECONDS:
            _last_sweep = now
            conn.execute(_SWEEP, {"now": now})


# Where a request comes from.


@lru_cache(maxsize=16)
def trusted_networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted proxies as networks (ValueError for one that is not an address)."""
    try:
        return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted)
    except ValueError as exc:
        raise ValueError(f"trusted proxy: {exc}") from None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def source_address(request: Request, trusted_proxies: tuple[str, ...]) -> str:
    """The address a limit counts: the socket's peer, or, when that peer is a trusted proxy,
    the nearest address in ``X-Forwarded-For`` that is not one. An IPv6 address counts by
    its /64, which is what one subscriber gets (any address in it costs nothing)."""
    peer = request.client.host if request.client else ""
    address = _address(peer)
    networks = trusted_networks(trusted_proxies) if trusted_proxies else ()
    if address is not None and networks and any(address in n for n in networks):
        hops = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
        for hop in reversed(hops):
            candidate = _address(hop)
            if candidate is None:
                break  # garbage from the client side of the chain: stop at the last proxy
            address = candidate
            if not any(candidate in n for n in networks):
                break
    if address is None:
        return peer or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


# The dependencies a route declares.

AccountKey = Callable[..., Awaitable[str | None]]


async def no_account() -> None:
    return None


async def caller_account(caller: AnyCaller) -> str:
    """The authenticated caller's account: whose allowance a write spends."""
    return str(caller.account_id)


def body_field(name: str) -> AccountKey:
    """The account a sign-in names, read from a field of its JSON body (absent or not a
    string: only the address counts; the route then refuses the body itself)."""

    async def named_in_body(request: Request) -> str | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str):
            return None
        try:  # one account whichever way its id is written (case, dashes, braces)
            return str(uuid.UUID(value.strip()))
        except ValueError:
            return value.strip().lower()[:100]

    return named_in_body


def rate_limit(
    action: str, *, per_account: AccountKey = no_account, per_address: bool = True
) -> Callable[..., Awaitable[None]]:
    """A dependency spending one ``action`` request from the account ``per_account`` names
    (a dependency returning its key, or None) and from the source address; the figures are
    ``Settings.rate_limits``'s. Raises 429 ``rate_limited`` before the route runs."""

    async def limited(
        request: Request,
        relay: RelayDep,
        # A default, not Annotated: the annotation would name a local of the factory.
        account: str | None = Depends(per_account),
    ) -> None:
        limits = relay.settings.rate_limits
        if not limits.enabled:
            return
        rule = limits.rule(action)
        charges: list[tuple[bytes, Rate]] = []
        if rule.per_account is not None and account is not None:
            charges.append((bucket(action, "account", account), rule.per_account))
        if rule.per_address is not None and per_address:
            address = source_address(request, relay.settings.trusted_proxies)
            charges.append((bucket(action, "address", address), rule.per_address))
        if charges:
            await run_in_threadpool(spend, relay.db, charges)

    RateLimits().rule(action)  # an unknown action fails at import, not on a request
    limited.__name__ = f"rate_limit_{action}"
    return limited
