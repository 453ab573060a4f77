"""The practice journal on a real relay: ordered, deduplicated, first decision wins, sealed."""

from __future__ import annotations

import threading
import time
import uuid

from desktop.core.hlc import HybridClock
from desktop.core.journal import JournalEvent
from desktop.crypto import Identity
from desktop.crypto.journal import entry_decision_key, open_entry, seal_entry
from tests.relay.helpers import World, b64, new_id, ok, refused
from tests.relay.pairing_helpers import pair, unb64
from tests.relay.test_erasure import rows_naming


def entry(envelope: bytes = b"sealed", decision_key: str | None = None) -> dict[str, str]:
    body = {"id": new_id(), "envelope": b64(envelope)}
    if decision_key:
        body["decision_key"] = decision_key
    return body


def test_entries_come_back_in_order_after_a_cursor_and_a_retry_appends_nothing(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk)
    assert ok(desk.api.get("/v1/journal/entries")) == {"items": [], "cursor": "0", "done": True}
    written = [entry(f"e{i}".encode()) for i in range(5)]
    seqs = [ok(desk.api.post("/v1/journal/entries", body), 201)["seq"] for body in written]
    assert ok(desk.api.post("/v1/journal/entries", written[2]), 201)["seq"] == seqs[2]  # retry
    page = ok(laptop.api.get("/v1/journal/entries", limit=3))
    assert [i["id"] for i in page["items"]] == [w["id"] for w in written[:3]]
    assert page["done"] is False and page["items"][0]["workstation"] == desk.account_id
    rest = ok(laptop.api.get("/v1/journal/entries", after=page["cursor"]))
    assert [i["id"] for i in rest["items"]] == [w["id"] for w in written[3:]] and rest["done"]
    assert unb64(rest["items"][-1]["envelope"]) == b"e4"
    refused(laptop.api.get("/v1/journal/entries", after="999"), 422, "invalid_request")


def test_only_the_practices_own_workstations_read_and_write_its_journal(world: World) -> None:
    desk = world.practice()
    ok(desk.api.post("/v1/journal/entries", entry(b"ours")), 201)
    other = world.practice("Cabinet B")
    assert ok(other.api.get("/v1/journal/entries"))["items"] == []
    patient = world.patient(desk)
    refused(patient.api.get("/v1/journal/entries"), 403, "forbidden")
    refused(patient.api.post("/v1/journal/entries", entry()), 403, "forbidden")
    refused(world.api().get("/v1/journal/entries"), 401, "unauthenticated")
    assert desk.api.post("/v1/journal/entries", {"id": new_id(), "envelope": "%%"}).status_code == 422


def test_the_second_decision_is_refused_with_who_decided_and_when(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk)
    decision = "ab" * 16
    first = ok(desk.api.post("/v1/journal/entries", entry(b"approve", decision)), 201)
    second_body = entry(b"refuse", decision)
    response = laptop.api.post("/v1/journal/entries", second_body)
    refused(response, 409, "already_decided")
    told = response.json()
    assert told["decided_by"] == desk.account_id and told["seq"] == first["seq"]
    assert told["decided_at"].endswith("Z")
    # Asked again (a retry) it says the same; the journal holds the first decision only.
    assert laptop.api.post("/v1/journal/entries", second_body).json() == told
    items = ok(laptop.api.get("/v1/journal/entries"))["items"]
    assert [unb64(i["envelope"]) for i in items] == [b"approve"]
    # Another decision, and entries without one, go in as usual.
    ok(laptop.api.post("/v1/journal/entries", entry(b"other", "cd" * 16)), 201)
    ok(laptop.api.post("/v1/journal/entries", entry(b"note")), 201)


def test_a_long_poll_wakes_when_another_workstation_writes(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk)
    cursor = ok(laptop.api.get("/v1/journal/entries"))["cursor"]
    got: dict[str, object] = {}

    def poll() -> None:
        started = time.monotonic()
        got["page"] = ok(laptop.api.get("/v1/journal/entries", after=cursor, wait=20))
        got["waited"] = time.monotonic() - started

    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(0.5)
    body = entry(b"wake up")
    ok(desk.api.post("/v1/journal/entries", body), 201)
    waiting.join(25)
    assert [i["id"] for i in got["page"]["items"]] == [body["id"]]  # type: ignore[index]
    assert got["waited"] < 10  # type: ignore[operator]


def test_the_relay_database_holds_no_plaintext_of_what_the_journal_carries(world: World) -> None:
    desk_side = world.practice()
    laptop = pair(world, desk_side)
    practice, desk = Identity.generate(), Identity.generate()
    clock = HybridClock("desk")
    secret = b"d" * 32
    words = ["Ghislaine Vermorel", "allergie pénicilline", "0612345678", "renouvellement Lévothyrox"]
    events = [
        JournalEvent("patient", "p-1", {"name": words[0], "phone": words[2]}, clock.now(),
                     str(uuid.uuid4()), "desk"),
        JournalEvent("note", "p-1", {"text": words[1]}, clock.now(), str(uuid.uuid4()), "desk"),
        JournalEvent("renewal_decision", "r-1", {"decision": "approved", "drug": words[3]},
                     clock.now(), str(uuid.uuid4()), "desk"),
    ]
    for e in events:
        sealed = seal_entry(e, desk_side.practice_id, practice.enc_pk, desk.sign_key)
        body = {"id": e.client_id, "envelope": b64(sealed)}
        key = entry_decision_key(e, secret)
        if key:
            body["decision_key"] = key
        ok(desk_side.api.post("/v1/journal/entries", body), 201)
    # The laptop, holding the practice key, reads them all back.
    items = ok(laptop.api.get("/v1/journal/entries"))["items"]
    opened = [open_entry(unb64(i["envelope"]), desk_side.practice_id, i["id"],
                         [practice.enc_key], {desk.sign_pk: "desk"}) for i in items]
    assert opened == events
    needles = [*words, *(w.split()[-1] for w in words), "p-1", "r-1"]
    assert rows_naming(world.db, needles) == []


def test_workstations_deciding_at_the_same_moment_get_one_yes_and_the_rest_told(
    world: World,
) -> None:
    desk = world.practice()
    others = [pair(world, desk, f"ws{i}") for i in range(3)]
    apis = [desk.api, *(o.api for o in others)] * 2
    decision = "ef" * 16
    answers: list[object] = [None] * len(apis)
    start = threading.Barrier(len(apis))

    def decide(i: int) -> None:
        start.wait()
        answers[i] = apis[i].post("/v1/journal/entries", entry(f"d{i}".encode(), decision))

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(len(apis))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(a.status_code for a in answers)  # type: ignore[attr-defined]
    assert statuses == [201] + [409] * (len(apis) - 1)
    told = {a.json()["seq"] for a in answers if a.status_code == 409}  # type: ignore[attr-defined]
    [winner] = [a.json() for a in answers if a.status_code == 201]  # type: ignore[attr-defined]
    assert told == {winner["seq"]}
    items = ok(desk.api.get("/v1/journal/entries"))["items"]
    assert [i["decision_key"] for i in items] == [decision]


def test_a_batch_appends_in_order_answers_each_entry_and_is_safe_to_retry(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk)
    ok(laptop.api.post("/v1/journal/entries", entry(b"decided", "aa" * 16)), 201)
    sent_alone = entry(b"alone")
    alone = ok(desk.api.post("/v1/journal/entries", sent_alone), 201)
    batch = [entry(b"one"), entry(b"late decision", "aa" * 16), sent_alone, entry(b"two", "bb" * 16),
             entry(b"same decision in the batch", "bb" * 16)]
    first = ok(desk.api.post("/v1/journal/entries/batch", {"entries": batch}))["results"]
    assert [r["status"] for r in first] == [201, 409, 201, 201, 409]
    assert first[1]["decided_by"] == laptop.account_id and first[2]["seq"] == alone["seq"]
    assert first[4]["seq"] == first[3]["seq"]
    # The answer was lost: the same batch again appends nothing and answers the same.
    assert ok(desk.api.post("/v1/journal/entries/batch", {"entries": batch}))["results"] == first
    items = ok(desk.api.get("/v1/journal/entries"))["items"]
    assert [unb64(i["envelope"]) for i in items] == [b"decided", b"alone", b"one", b"two"]
    # An entry sent in a batch, sent again alone, keeps its seq.
    assert ok(desk.api.post("/v1/journal/entries", batch[0]), 201)["seq"] == first[0]["seq"]
    assert desk.api.post("/v1/journal/entries/batch", {"entries": []}).status_code == 422
