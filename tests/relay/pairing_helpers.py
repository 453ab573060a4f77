"""Pairing a second workstation through a real relay, with the desktop's own crypto."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from desktop.crypto import Identity
from desktop.crypto.pairing import JoinRequest, check_offer, seal_practice_keys
from tests.relay.helpers import Api, PracticeSide, World, b64, ok


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def offer_body(join: JoinRequest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else b64(v) for k, v in join.offer().items()}


def redeem(code_or_join: JoinRequest | str) -> str:
    from desktop.crypto.pairing import CodeKeys

    code = code_or_join.code if isinstance(code_or_join, JoinRequest) else code_or_join
    return b64(CodeKeys.derive(code).redeem_token)


def offer_from(claimed: dict[str, Any]) -> dict[str, Any]:
    return {"id": claimed["id"], **{k: unb64(claimed[k])
                                    for k in ("enc_pk", "sign_pk", "sealed_name", "binding")}}


@dataclass
class Joined:
    api: Api
    account_id: str
    join: JoinRequest
    bundle: dict[str, Any]


def approve(approver: PracticeSide, join: JoinRequest, desk: Identity,
            bundle: dict[str, Any]) -> None:
    token = redeem(join)
    claimed = ok(approver.api.post("/v1/pairings/claim", {"redeem_token": token}))
    newcomer = check_offer(join.code, offer_from(claimed))
    sealed, mac = seal_practice_keys(join.code, newcomer, desk, bundle)
    ok(approver.api.post("/v1/pairings/approve",
                         {"redeem_token": token, "bundle": b64(sealed), "bundle_mac": b64(mac)}))


def fetch(world: World, join: JoinRequest) -> Any:
    return world.api().post(f"/v1/pairings/{join.pairing_id}/fetch",
                            {"fetch_secret": b64(join.fetch_secret)})


def pair(world: World, approver: PracticeSide, name: str = "Laptop",
         bundle: dict[str, Any] | None = None) -> Joined:
    """A new workstation joins ``approver``'s practice: start, claim, approve, fetch."""
    bundle = bundle if bundle is not None else {"practice_id": approver.practice_id}
    join = JoinRequest.start(name)
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    approve(approver, join, Identity.generate(), bundle)
    done = ok(fetch(world, join))
    opened = join.open_practice_keys(unb64(done["bundle"]), unb64(done["bundle_mac"]))
    return Joined(world.api(done["token"]), done["account_id"], join, opened)
