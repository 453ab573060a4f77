"""The relay's settings: each one declared once, with its type, default and meaning."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

DEFAULT_DATABASE_FILE = "passerelle-relay.sqlite3"
DATABASE_ENV = "PASSERELLE_RELAY_DATABASE"

MIB = 1024 * 1024
DEFAULT_RETENTION_DAYS = 400.0


def retention_days(text: str) -> float | None:
    """What an operator types for the retention: a number of days, or ``forever``."""
    if text.strip().lower() in ("forever", "never", "0"):
        return None
    try:
        days = float(text)
    except ValueError:
        raise ValueError(f"the retention is a number of days or 'forever', not {text!r}") from None
    if not 0 < days < float("inf"):  # NaN fails this too
        raise ValueError(f"the retention is a number of days above zero or 'forever', "
                         f"not {text!r}")
    return days


def default_database_url() -> str:
    """``PASSERELLE_RELAY_DATABASE``, or a SQLite file in the current directory."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{DEFAULT_DATABASE_FILE}"


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests in ``seconds``: a burst of ``count`` at once, then one every
    ``seconds / count`` (a token bucket, kept as GCRA: one time per key)."""

    count: int
    seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or not self.seconds > 0:
            raise ValueError("a rate is at least 1 request in more than 0 seconds")

    @property
    def interval(self) -> float:
        """The sustained pace: seconds between two requests once the burst is spent."""
        return self.seconds / self.count

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``COUNT/SECONDS``, as the command line takes it: ``30/600``."""
        count, _, seconds = text.partition("/")
        try:
            return cls(int(count), float(seconds))
        except ValueError:
            raise ValueError(f"not a rate (COUNT/SECONDS, e.g. 30/600): {text!r}") from None

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds:g}"


@dataclass(frozen=True)
class Rule:
    """The limits of one action: per account (the caller's, or the account a sign-in names)
    and per source address. ``None``: not limited on that side."""

    per_account: Rate | None = None
    per_address: Rate | None = None


#: The actions the relay limits. A route declares which one it is (relay.ratelimit).
ACTIONS = ("redeem", "enrol", "signin", "pair", "post")


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per account and per source address, held across relay processes.

    The defaults stop guessing and flooding without ever slowing a practice or a patient
    who uses the apps: an address may be a whole practice, or many patients behind one
    carrier's NAT. An invitation code carries 125 bits, so the redeem limit is there to
    keep the relay's work bounded, not to make guessing hopeless (it already is; see
    docs/PROTOCOL.md, "Rate limits").
    """

    #: False turns every limit off (tests, benchmarks, a relay only on loopback).
    enabled: bool = True
    #: Redeeming an invitation (``POST /v1/invitations/redeem``). No account: a guess
    #: names none (the code is the credential).
    redeem: Rule = Rule(per_address=Rate(600, 600))
    #: A practice's first workstation (``POST /v1/practices/enrol``): as for redeem.
    enrol: Rule = Rule(per_address=Rate(600, 600))
    #: Signing in: ``POST /v1/auth/login`` (per practice), a patient's sign-in.
    signin: Rule = Rule(per_account=Rate(20, 600), per_address=Rate(120, 600))
    #: Pairing a device to an account.
    pair: Rule = Rule(per_account=Rate(20, 600), per_address=Rate(120, 600))
    #: Writing: conversations, messages, documents declared, notices, receipts.
    post: Rule = Rule(per_account=Rate(3000, 600), per_address=Rate(30000, 600))

    def rule(self, action: str) -> Rule:
        if action not in ACTIONS:
            raise KeyError(f"no rate limit for {action!r}; actions are {', '.join(ACTIONS)}")
        rule: Rule = getattr(self, action)
        return rule

    @classmethod
    def off(cls) -> RateLimits:
        return cls(enabled=False)

    def with_option(self, option: str) -> RateLimits:
        """One ``ACTION.account=COUNT/SECONDS`` or ``ACTION.address=...`` (``off`` allowed),
        as ``--rate-limit`` takes it."""
        name, _, value = option.partition("=")
        action, _, side = name.strip().partition(".")
        if side not in ("account", "address"):
            raise ValueError(
                f"--rate-limit: expected ACTION.account=… or ACTION.address=…: {option!r}"
            )
        rate = None if value.strip() == "off" else Rate.parse(value.strip())
        old = self.rule(action)
        new = Rule(
            per_account=rate if side == "account" else old.per_account,
            per_address=rate if side == "address" else old.per_address,
        )
        return RateLimits(**{f.name: getattr(self, f.name) for f in fields(self)} | {action: new})


@dataclass(frozen=True)
class Settings:
    """Everything a relay process can be told; the defaults are the protocol's."""

    #: SQLAlchemy-style URL: ``sqlite:///path`` or ``postgresql://user@host/db``.
    database_url: str
    #: How many conversations a patient may have ``requested`` or ``open`` at once.
    max_open_requests: int = 2
    #: Largest request body accepted, in bytes (larger → 413 ``body_too_large``).
    max_body_bytes: int = MIB
    #: Longest a ``GET /v1/mailbox/events`` may hold the request (protocol: 30 s).
    max_wait_seconds: float = 30.0
    #: A page of events stops early past this many envelope bytes, so that a
    #: mailbox of large envelopes cannot make one response (or the relay's
    #: memory) grow to a gigabyte; ``done`` is then false.
    max_page_bytes: int = 8 * MIB
    #: How often a long-poll looks at the database even without an in-process
    #: wake-up: events appended by another relay process sharing PostgreSQL.
    poll_interval_seconds: float = 1.0
    #: Largest document (blob) the relay stores, in ciphertext bytes (larger → 413
    #: ``blob_too_large``); each chunk is also bound by ``max_body_bytes``.
    max_blob_bytes: int = 100 * MIB
    #: How far ahead an invitation may expire.
    max_invitation_days: int = 365
    #: An upload left incomplete with no sign of life (declared again, a chunk received)
    #: for more than this many days is abandoned: the purge deletes it and its chunks.
    #: A complete document is never purged (a message refers to it).
    incomplete_blob_days: float = 7.0
    #: How often ``passerelle-relay serve`` runs that purge (the first time at start).
    purge_interval_seconds: float = 6 * 3600.0
    #: Requests per account and per source address (429 ``rate_limited`` past them).
    rate_limits: RateLimits = field(default_factory=RateLimits)
    #: Proxies (addresses or networks) whose ``X-Forwarded-For`` names the real source
    #: address; from anyone else the header is ignored and the socket's peer counts.
    trusted_proxies: tuple[str, ...] = ()
    #: Long-polls one account may hold at once in a relay process; one more answers the
    #: oldest at once (a client that reconnected is not kept out by its own lost poll).
    max_waits_per_account: int = 4
    #: Largest request head (all headers together) and most headers (larger → 431).
    max_header_bytes: int = 16 * 1024
    max_headers: int = 64
    #: Deepest nesting of arrays and objects in a JSON body (deeper → 400 ``malformed_json``).
    max_json_depth: int = 16
    #: ``Strict-Transport-Security`` max-age sent with every answer, for a relay reached
    #: over TLS (behind a proxy that terminates it); 0 sends none.
    hsts_seconds: int = 0
    #: How long what the relay carried (mailbox events, envelopes, complete documents,
    #: answers kept for retries) is kept, in days; ``None``: forever. 400 days: a year and
    #: a month during which a device that joins (a patient's new phone, a workstation
    #: restored from last year's backup) still finds what it needs (docs/PROTOCOL.md,
    #: "Retention"). Purged on the same timer as abandoned uploads.
    retention_days: float | None = DEFAULT_RETENTION_DAYS
