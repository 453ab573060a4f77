"""What every answer carries and what every request is held to, before any route."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from relay.middleware import API_POLICY, nests_deeper
from tests.relay.helpers import World, ok, refused, send
from tests.support.relay import RelayThread

MakeRelay = Callable[..., tuple[RelayThread, World]]

SAFE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": API_POLICY,
    "cache-control": "no-store",
}


def assert_safe(response: httpx.Response) -> None:
    assert {name: response.headers.get(name) for name in SAFE} == SAFE, response.headers
    assert "server" not in response.headers


def test_every_answer_carries_the_security_headers(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation = world.open_conversation(practice, patient)
    sent = send(patient, conversation)
    ok(sent, 201)
    assert_safe(sent)
    assert_safe(patient.api.get("/v1/mailbox/events"))
    assert_safe(world.api().get("/v1/no-such-route"))
    assert_safe(world.api().get("/v1/me"))  # 401
    too_big = world.api().post("/v1/invitations/redeem", {"x": "a" * (2 * 1024 * 1024)})
    refused(too_big, 413, "body_too_large")
    assert_safe(too_big)
    assert "strict-transport-security" not in too_big.headers


def test_a_relay_bug_answers_500_with_the_same_headers(make_relay: MakeRelay) -> None:
    relay, world = make_relay(hsts_seconds=600)

    def bug() -> None:
        raise RuntimeError("a bug in a route")

    relay.app.add_api_route("/v1/test-bug", bug)
    api = world.api()
    response = api.http.get("/v1/test-bug")
    refused(response, 500, "internal_error")
    assert_safe(response)
    assert response.headers["strict-transport-security"] == "max-age=600; includeSubDomains"


def test_the_docs_page_may_load_swagger_and_nothing_else(world: World) -> None:
    response = world.api().get("/v1/docs")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy


def test_hsts_when_the_relay_is_reached_over_tls(make_relay: MakeRelay) -> None:
    _, world = make_relay(hsts_seconds=31536000)
    response = world.api().get("/v1/me")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_a_body_nested_too_deep_is_refused_not_a_crash(world: World) -> None:
    api = world.api()
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000):
        response = api.http.post(
            "/v1/invitations/redeem",
            content=body,
            headers=api.headers(None) | {"Content-Type": "application/json"},
        )
        refused(response, 400, "malformed_json")
        assert "deeper than 16 levels" in response.json()["message"]


def test_the_depth_check_ignores_brackets_inside_strings() -> None:
    assert not nests_deeper(b'{"a": "' + b"[{" * 1000 + b'", "b": [1, 2, {"c": []}]}', 16)
    assert not nests_deeper(b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 16)
    assert nests_deeper(b"[" * 17 + b"]" * 17, 16)
    assert not nests_deeper(b"[" * 16 + b"]" * 16, 16)


def test_too_many_headers_are_refused(world: World) -> None:
    api = world.api()
    headers = {f"X-Filler-{n}": "x" for n in range(100)}
    response = api.http.get("/v1/me", headers=headers)
    refused(response, 431, "headers_too_large")
    assert_safe(response)


def test_a_request_head_over_the_limit_is_refused(world: World) -> None:
    api = world.api()
    response = api.http.get("/v1/me", headers={"X-Filler": "x" * 20_000})
    assert response.status_code in (400, 431)  # h11 stops reading it first
    practice = world.practice()  # and the relay goes on serving
    assert ok(practice.api.get("/v1/me"))["practice_id"] == practice.practice_id
