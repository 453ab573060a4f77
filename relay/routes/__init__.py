"""The v1 API: one router per area, mounted under ``/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from relay.routes import (
    accounts,
    blobs,
    conversations,
    erasure,
    invitations,
    journal,
    mailbox,
    notices,
    pairings,
    patient_accounts,
    patients,
    practitioners,
    profile,
    workstations,
)
from relay.schemas import Error


def v1_router() -> APIRouter:
    router = APIRouter(prefix="/v1", responses={"4XX": {"model": Error, "description": "Refused"}})
    for area in (
        accounts,
        profile,
        practitioners,
        invitations,
        patients,
        patient_accounts,
        erasure,
        conversations,
        notices,
        blobs,
        mailbox,
        workstations,
        pairings,
        journal,
    ):
        router.include_router(area.router)
    return router
