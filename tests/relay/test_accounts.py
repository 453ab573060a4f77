"""Enrolment, login and the account routes."""

from __future__ import annotations

import os

from tests.relay.helpers import NO_KEY, World, b64, new_id, ok, refused


def enrol_body(token: str) -> dict[str, str]:
    return {
        "enrolment_token": token,
        "enc_pk": b64(os.urandom(32)),
        "sign_pk": b64(os.urandom(32)),
        "device_name": "reception",
    }


def test_enrolment_token_works_once(world: World) -> None:
    token = world.enrolment_token()
    anonymous = world.api()
    first = ok(anonymous.post("/v1/practices/enrol", enrol_body(token)), 201)
    assert set(first) == {"practice_id", "account_id", "token"}
    me = ok(world.api(first["token"]).get("/v1/me"))
    assert me == {
        "account_id": first["account_id"],
        "role": "practice",
        "practice_id": first["practice_id"],
        "patient_id": None,
    }
    refused(anonymous.post("/v1/practices/enrol", enrol_body(token)), 409, "enrolment_token_used")


def test_enrolment_retried_with_its_key_gets_the_same_working_token(world: World) -> None:
    token, key = world.enrolment_token(), new_id()
    anonymous = world.api()
    body = enrol_body(token)
    first = ok(anonymous.post("/v1/practices/enrol", body, key=key), 201)
    again = ok(anonymous.post("/v1/practices/enrol", body, key=key), 201)
    assert again == first
    assert ok(world.api(again["token"]).get("/v1/me"))["account_id"] == first["account_id"]


def test_unknown_enrolment_token_is_refused(world: World) -> None:
    refused(
        world.api().post("/v1/practices/enrol", enrol_body("not-a-token")),
        401,
        "invalid_credentials",
    )


def test_practice_keys_are_served_to_its_accounts(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    expected = {
        "practice_id": practice.practice_id,
        "enc_pk": b64(practice.enc_pk),
        "sign_pk": b64(practice.sign_pk),
    }
    assert ok(practice.api.get("/v1/practice")) == expected
    assert ok(patient.api.get("/v1/practice")) == expected


def test_login_with_the_practice_password(world: World) -> None:
    practice = world.practice()
    anonymous = world.api()
    login = {
        "practice_id": practice.practice_id,
        "password": "correct horse battery",
        "device_name": "b",
    }
    # No password set yet: nobody can log in.
    refused(anonymous.post("/v1/auth/login", login), 401, "invalid_credentials")
    ok(practice.api.post("/v1/practice/password", {"password": "correct horse battery"}))

    session = ok(anonymous.post("/v1/auth/login", login), 201)
    assert session["practice_id"] == practice.practice_id
    assert session["account_id"] != practice.account_id
    second = world.api(session["token"])
    assert ok(second.get("/v1/me"))["role"] == "practice"

    refused(
        anonymous.post("/v1/auth/login", {**login, "password": "wrong horse battery"}),
        401,
        "invalid_credentials",
    )
    refused(
        anonymous.post("/v1/auth/login", {**login, "practice_id": new_id()}),
        401,
        "invalid_credentials",
    )


def test_login_retried_with_its_key_is_the_same_session(world: World) -> None:
    practice = world.practice()
    ok(practice.api.post("/v1/practice/password", {"password": "correct horse battery"}))
    login = {
        "practice_id": practice.practice_id,
        "password": "correct horse battery",
        "device_name": "b",
    }
    key, anonymous = new_id(), world.api()
    first = ok(anonymous.post("/v1/auth/login", login, key=key), 201)
    assert ok(anonymous.post("/v1/auth/login", login, key=key), 201) == first
    # The key alone is not a credential: a wrong password on a replay is refused.
    refused(
        anonymous.post("/v1/auth/login", {**login, "password": "wrong horse battery"}, key=key),
        401,
        "invalid_credentials",
    )


def test_password_rules(world: World) -> None:
    practice = world.practice()
    refused(
        practice.api.post("/v1/practice/password", {"password": "short"}), 422, "invalid_request"
    )
    refused(
        practice.api.post("/v1/practice/password", {"password": "x" * 1025}), 422, "invalid_request"
    )


def test_missing_or_unknown_token(world: World) -> None:
    refused(world.api().get("/v1/me"), 401, "unauthenticated")
    refused(world.api("not-a-token").get("/v1/me"), 401, "invalid_token")
    latin1 = {b"Authorization": "Bearer ünïcode".encode("latin-1")}
    refused(world.api().http.get("/v1/me", headers=latin1), 401, "invalid_token")
    refused(
        world.api().post(
            "/v1/practitioners", {"id": new_id(), "accepts_messaging": True}, key=NO_KEY
        ),
        401,
        "unauthenticated",
    )


def test_patient_me(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    assert ok(patient.api.get("/v1/me")) == {
        "account_id": patient.account_id,
        "role": "patient",
        "practice_id": practice.practice_id,
        "patient_id": patient.patient_id,
    }
