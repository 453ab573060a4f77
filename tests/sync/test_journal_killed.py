"""A workstation killed (SIGKILL) at random points while it applies the practice journal:
what it kept holds together — each page's events, their effect and the cursor landed
together — and the next pull brings the rest, each event once, to the same state as the
workstation that wrote them.

A real relay, real stores, the journal's pull in a process of its own, killed for real.
"""

from __future__ import annotations

import random
from pathlib import Path

from desktop.core.journal import JournalState, apply_all
from desktop.store import Store
from desktop.sync.journal import JournalSync
from desktop.sync.workstation import Workstation
from tests.support.stepped import Stepped
from tests.support.workstations import office  # noqa: F401  (the fixture)
from tests.support.world import PASSPHRASE

PAGE = 100
EVENTS = 2400

# The journal's pull, saying after each page it stored the page's cursor.
PULLING = f"""
from desktop.store import Store
from desktop.sync import journal
from desktop.sync.workstation import Workstation
journal.PAGE = {PAGE}
store = Store.open(_sys.argv[1], _sys.argv[2])
ws = Workstation(store)
apply_page = store.journal_apply_page
def said(items, cursor):
    applied = apply_page(items, cursor)
    step(str(cursor))
    return applied
store.journal_apply_page = said
journal.JournalSync(store, ws.client(), ws.identity).pull()
step("done")
"""


def _whole(store: Store) -> int:
    """The tables say what the events held say, nothing beyond the cursor: returns how
    many events are held."""
    c = store._conn
    held = [e for e in (store.journal_event(r[0]) for r in c.execute(
        "SELECT client_id FROM journal_events")) if e is not None]
    assert store.journal_state() == apply_all(JournalState(), held)
    cursor = int(store.journal_cursor() or 0)
    beyond = c.execute("SELECT count(*) FROM journal_events WHERE seq > ?", (cursor,))
    assert beyond.fetchone()[0] == 0
    return len(held)


def _pull_and_kill(path: Path, rng: random.Random) -> bool:
    """Start the pull, kill it after a few pages and a little more (within the next page
    at most); True if it finished before it could be killed."""
    with Stepped(PULLING, str(path), PASSPHRASE) as pulling:
        for _ in range(rng.randint(1, 4)):
            if pulling.next() in ("done", ""):
                return True
            pulling.go()
        if pulling.next() in ("done", ""):
            return True
        pulling.kill(after=rng.uniform(0, 0.3))  # mid-page, or between two
        return False


def test_a_journal_pull_killed_at_random_points_converges_with_nothing_lost_or_doubled(
    office,  # noqa: F811
) -> None:
    desk, laptop = (p.workstation for p in office(2))
    rng = random.Random(2026)
    with desk.store.transaction():
        for i in range(EVENTS):
            kind = rng.choice(["patient", "note", "renewal_decision", "practice_setting"])
            fields = {"phone": f"06{i:08d}", "by": "Dr Martin"}
            entity = f"r-{i}" if kind == "renewal_decision" else f"p-{i % 300}"
            desk.store.journal_record(kind, entity, fields)
    desk_j = JournalSync(desk.store, desk.client(), desk.identity)
    desk_j.push()
    desk_j.pull()
    path = Path(laptop.store.path)
    before = _whole(laptop.store)
    laptop.store.close()

    kills = 0
    for _ in range(4):
        if _pull_and_kill(path, rng):
            break
        kills += 1
        with Store.open(path, PASSPHRASE) as store:
            held = _whole(store)
            assert held >= before  # nothing it kept was lost
            before = held
    assert kills >= 2, "the pull ended before it could be killed"
    assert before < EVENTS, "the kills came too late to test anything"

    store = Store.open(path, PASSPHRASE)
    try:
        ws = Workstation(store)
        JournalSync(store, ws.client(), ws.identity).pull()
        assert _whole(store) == _whole(desk.store)
        assert store.journal_state() == desk.store.journal_state()
    finally:
        store.close()
