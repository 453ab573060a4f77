"""Rate limits: 429 ``rate_limited`` with Retry-After, per account and per address, and a
refused request changes nothing (not even the allowance it would have spent)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select
from starlette.requests import Request

from relay.config import ACTIONS, Rate, RateLimits, Rule
from relay.db import invitations, patients, rate_limits
from relay.ratelimit import source_address
from tests.relay.helpers import Api, World, b64, new_id, ok, refused, send
from tests.support.relay import RelayThread

MakeRelay = Callable[..., tuple[RelayThread, World]]


def limits(**rules: Rule) -> RateLimits:
    """Only the rules given; every other action unlimited."""
    unlimited = {name: Rule() for name in ACTIONS}
    return RateLimits(**(unlimited | rules))


def wrong_redeem(world: World) -> dict[str, str]:
    body = world.redeem_body(world.invite(world.practice()))
    return body | {"redeem_token": b64(os.urandom(32))}


def assert_rate_limited(response: httpx.Response, longest: float) -> int:
    refused(response, 429, "rate_limited")
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= longest
    assert "try again in" in response.json()["message"]
    return retry_after


def test_guessing_invitation_codes_is_slowed_per_address(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=limits(redeem=Rule(per_address=Rate(3, 60))))
    guess = world.api()
    for _ in range(3):
        refused(
            guess.post("/v1/invitations/redeem", wrong_redeem(world)), 404, "invitation_not_found"
        )
    assert_rate_limited(guess.post("/v1/invitations/redeem", wrong_redeem(world)), 20)

    # Even the right code is refused from this address now, and nothing is changed by it.
    practice = world.practice()
    invitation = world.invite(practice)
    response = world.api().post("/v1/invitations/redeem", world.redeem_body(invitation))
    assert_rate_limited(response, 20)
    with world.db.read() as conn:
        assert conn.execute(select(invitations.c.state)).scalars().all() == ["pending"] * 5
        assert conn.execute(select(func.count()).select_from(patients)).scalar_one() == 0
    assert practice.api.all_events() == []


def test_a_client_that_waits_as_told_gets_in(make_relay: MakeRelay) -> None:
    """A refused request spends nothing: after Retry-After, the next one is allowed."""
    _, world = make_relay(rate_limits=limits(redeem=Rule(per_address=Rate(2, 2))))
    guess = world.api()
    body = wrong_redeem(world)
    for _ in range(2):
        refused(guess.post("/v1/invitations/redeem", body), 404, "invitation_not_found")
    retry_after = 0
    for _ in range(5):  # hammering while refused does not push the time back
        retry_after = assert_rate_limited(guess.post("/v1/invitations/redeem", body), 2)
    time.sleep(retry_after)
    refused(guess.post("/v1/invitations/redeem", body), 404, "invitation_not_found")


def login_body(practice_id: str, password: str) -> dict[str, str]:
    return {"practice_id": practice_id, "password": password, "device_name": "b"}


def test_password_guessing_is_slowed_per_practice(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=limits(signin=Rule(per_account=Rate(2, 600))))
    target, other = world.practice(), world.practice()
    for practice in (target, other):
        ok(practice.api.post("/v1/practice/password", {"password": "correct horse battery"}))
    anonymous = world.api()
    for _ in range(2):
        refused(
            anonymous.post("/v1/auth/login", login_body(target.practice_id, "guess")),
            401,
            "invalid_credentials",
        )
    # The right password no longer gets in to this practice for a while...
    right = login_body(target.practice_id, "correct horse battery")
    assert_rate_limited(anonymous.post("/v1/auth/login", right), 300)
    # ...the practice id written otherwise is the same account...
    for written in (target.practice_id.upper(), target.practice_id.replace("-", "")):
        again = login_body(written, "correct horse battery")
        assert_rate_limited(anonymous.post("/v1/auth/login", again), 300)
    # ...while another practice signs in from the same address.
    ok(
        anonymous.post("/v1/auth/login", login_body(other.practice_id, "correct horse battery")),
        201,
    )


def test_signing_in_is_limited_per_address_too(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=limits(signin=Rule(per_address=Rate(2, 600))))
    anonymous = world.api()
    for _ in range(2):
        refused(
            anonymous.post("/v1/auth/login", login_body(new_id(), "guess")),
            401,
            "invalid_credentials",
        )
    assert_rate_limited(anonymous.post("/v1/auth/login", login_body(new_id(), "guess")), 300)


def test_posting_is_limited_per_account_and_a_refused_message_is_not_stored(
    make_relay: MakeRelay,
) -> None:
    _, world = make_relay(rate_limits=limits(post=Rule(per_account=Rate(3, 600))))
    practice = world.practice()
    flooder, neighbour = world.patient(practice), world.patient(practice)
    conversation = world.open_conversation(practice, flooder)  # the request: one post
    ok(send(flooder, conversation), 201)
    ok(send(flooder, conversation), 201)
    seen = len(practice.api.all_events())
    assert_rate_limited(send(flooder, conversation), 300)
    assert len(practice.api.all_events()) == seen
    # Another account, from the same address, posts as usual.
    world.request(neighbour, world.practitioner(practice))


def test_blobs_declared_spend_the_same_allowance(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=limits(post=Rule(per_account=Rate(1, 600))))
    practice = world.practice()
    patient = world.patient(practice)
    world.request(patient, world.practitioner(practice))
    body = {"id": new_id(), "conversation_id": new_id(), "size": 10}
    assert_rate_limited(patient.api.post("/v1/blobs", body), 600)


def spoofing(api: Api, forwarded_for: str) -> httpx.Response:
    body = {"redeem_token": b64(os.urandom(32)), "enc_pk": b64(os.urandom(32))}
    body |= {"sign_pk": b64(os.urandom(32)), "binding": b64(os.urandom(32))}
    headers = api.headers(None) | {"X-Forwarded-For": forwarded_for}
    return api.http.post("/v1/invitations/redeem", json=body, headers=headers)


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    make_relay: MakeRelay, trusted: bool
) -> None:
    _, world = make_relay(
        rate_limits=limits(redeem=Rule(per_address=Rate(1, 600))),
        trusted_proxies=("127.0.0.0/8",) if trusted else (),
    )
    api = world.api()
    refused(spoofing(api, "203.0.113.7"), 404, "invitation_not_found")
    second = spoofing(api, "203.0.113.8")
    if trusted:  # another client behind the proxy: its own allowance
        refused(second, 404, "invitation_not_found")
        assert_rate_limited(spoofing(api, "198.51.100.1, 203.0.113.8"), 600)
    else:  # anyone can write the header: ignored, the socket's peer counts
        assert_rate_limited(second, 600)


def request_from(peer: str, forwarded: str | None) -> Request:
    headers = [] if forwarded is None else [(b"x-forwarded-for", forwarded.encode())]
    return Request({"type": "http", "client": (peer, 40000), "headers": headers})


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "counted"),
    [
        ("192.0.2.1", None, (), "192.0.2.1"),
        ("192.0.2.1", "203.0.113.9", (), "192.0.2.1"),
        ("10.0.0.2", "203.0.113.9", ("10.0.0.0/8",), "203.0.113.9"),
        # The client may prepend anything: the nearest untrusted hop counts.
        ("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.3", ("10.0.0.0/8",), "203.0.113.9"),
        ("10.0.0.2", "not-an-address", ("10.0.0.0/8",), "10.0.0.2"),
        # One subscriber's IPv6 addresses are one /64: changing the last bits gains nothing.
        ("2001:db8:1:2:aaaa::1", None, (), "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::7", None, (), "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.5", None, (), "192.0.2.5"),
    ],
)
def test_the_source_address_a_limit_counts(
    peer: str, forwarded: str | None, trusted: tuple[str, ...], counted: str
) -> None:
    assert source_address(request_from(peer, forwarded), trusted) == counted


def test_the_table_holds_hashes_not_addresses(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=limits(redeem=Rule(per_address=Rate(5, 60))))
    refused(
        world.api().post("/v1/invitations/redeem", wrong_redeem(world)), 404, "invitation_not_found"
    )
    with world.db.read() as conn:
        buckets = conn.execute(select(rate_limits.c.bucket)).scalars().all()
    assert len(buckets) == 1 and b"127.0.0.1" not in buckets[0] and len(buckets[0]) == 16


def test_limits_off_refuse_nothing(make_relay: MakeRelay) -> None:
    _, world = make_relay(rate_limits=RateLimits.off())
    api = world.api()
    for _ in range(5):
        refused(
            api.post("/v1/invitations/redeem", wrong_redeem(world)), 404, "invitation_not_found"
        )
    with world.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(rate_limits)).scalar_one() == 0


def test_a_rate_limit_option_as_the_command_line_takes_it() -> None:
    changed = RateLimits().with_option("signin.account=5/60").with_option("post.address=off")
    assert changed.signin == Rule(
        per_account=Rate(5, 60), per_address=RateLimits().signin.per_address
    )
    assert changed.post.per_address is None and changed.post.per_account is not None
    for bad in ("signin=5/60", "nothing.account=5/60", "signin.account=five", "post.account=0/60"):
        with pytest.raises((ValueError, KeyError)):
            RateLimits().with_option(bad)
