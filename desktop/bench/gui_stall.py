"""Does the window stay responsive while it syncs 10,000 messages? ``python -m desktop.bench.gui_stall``

The promise measured: *the GUI thread is never blocked longer than 100 ms
during a sync of 10k messages.* It prints figures and never fails on them.

What runs is the real thing, end to end:

- the relay as people run it (``python -m relay serve``), in a process of its
  own (:class:`desktop.bench.relay_process.RelayProcess`): in a thread of this
  process its JSON, HTTP and database work would take the interpreter lock
  from the window, a stall the practice never has;
- a practice store enrolled through the API, with patients who redeemed real
  invitations and opened real requests (the practice has synced those: it
  opens the window on an inbox of ``--conversations`` requests);
- ``--messages`` more patient messages waiting on the relay, spread evenly
  over those conversations, each a real envelope sealed by its patient to the
  practice (laid in with ``relay.testing.seed_messages``: posting them one by
  one would measure the relay's intake, not the window);
- the real :class:`MainWindow` and :class:`Session`, shown (offscreen),
  unlocked through the unlock screen, with the first conversation of the
  inbox open as a practitioner reading it would have it; its background
  :class:`SyncEngine` pulls and applies everything while we watch.

How: a ``QTimer`` on the GUI thread fires every 10 ms and notes the time; a
gap between two ticks longer than 10 ms is a stall of ``gap − 10 ms``. Where
the worst stalls come from is found two ways: the window's own slots that
run on sync (inbox reload, conversation view, badge, status) are timed, and a
watchdog thread samples every thread's Python stack while a tick is late.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import functools
import itertools
import math
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from types import FrameType
from typing import Any

from desktop.bench.relay_process import RelayProcess
from desktop.bench.report import percentile
from desktop.bench.sync_bench import seal_batch
from desktop.core.model import Category
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

PASSPHRASE = "une phrase de passe pour mesurer la fenêtre"
TICK_MS = 10
STALL_LIMIT_MS = 100.0
# A tick later than this makes the watchdog look at the stacks.
SAMPLE_AFTER_MS = 40.0
SAMPLE_EVERY_S = 0.005
REPO = Path(__file__).resolve().parents[2]


# -- the world: relay, practice, patients, messages waiting -----------------------------


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _create_practice(database_url: str) -> str:
    from relay.db import Database  # a benchmark, like a test, may reach the relay
    from relay.operator import create_practice

    db = Database(database_url)
    try:
        return create_practice(db, "Cabinet du banc d'essai").enrolment_token
    finally:
        db.dispose()


def _max_open_requests(database_url: str) -> int:
    from relay.config import Settings

    return Settings(database_url).max_open_requests


def build_world(
    folder: Path, relay: RelayProcess, database_url: str, messages: int, conversations: int
) -> Path:
    """A practice store (closed) with ``conversations`` requests, ``messages`` more waiting."""
    store_path = folder / "cabinet.passerelle"
    store = Store.create(store_path, PASSPHRASE)
    clients: list[PatientClient] = []
    try:
        token = _create_practice(database_url)
        ws = Workstation.enrol(store, relay.url, token, "gui-stall", "Cabinet du banc d'essai")
        doctor = ws.set_up_administrator("123456", name="Dr Claire Dupont",
                                         profession="Médecin généraliste",
                                         accepts_messaging=True)
        store.set_setting("default_practitioner", doctor.id)
        Sync(ws).once()
        # A patient may have only a few requests open at once (the relay's rule).
        per_patient = _max_open_requests(database_url)
        codes = []
        for n in range(math.ceil(conversations / per_patient)):
            patient = store.add_patient(f"Patient {n:03d}", "1961-04-02")
            codes.append(ws.invite(patient.id))
        Sync(ws).once()
        _say(f"  {len(codes)} patients redeem their invitations…")
        clients = [PatientClient.redeem(relay.url, code) for code in codes]
        Sync(ws).once()  # the practice learns its patients' keys
        categories = list(Category)
        opened: list[tuple[PatientClient, str]] = []
        for n in range(conversations):
            client = clients[n // per_patient]
            text = f"Bonjour docteur, demande n° {n} : pouvez-vous me rappeler ?"
            opened.append((client, client.request(doctor.id, categories[n % 4], text)))
        Sync(ws).once()  # the inbox the practice had when it last closed the window
        _seed(database_url, ws, opened, messages)
    finally:
        for client in clients:
            client.close()
        store.close()
    return store_path


def _seed(
    database_url: str, ws: Workstation, opened: list[tuple[PatientClient, str]], total: int
) -> None:
    from relay.testing import seed_messages

    shares = [total // len(opened) + (n < total % len(opened)) for n in range(len(opened))]
    _say(f"  sealing and seeding {total:,} envelopes over {len(opened)} conversations…")
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        batches = [
            pool.submit(
                seal_batch,
                client.identity.to_bytes(),
                client.practice_enc_pk,
                conversation_id,
                share,
                1000 + n,
            )
            for n, ((client, conversation_id), share) in enumerate(zip(opened, shares, strict=True))
        ]
        for (client, conversation_id), batch in zip(opened, batches, strict=True):
            ids, envelopes = batch.result()
            if ids:
                seed_messages(
                    database_url,
                    ws.practice_id,
                    client.patient_id,
                    conversation_id,
                    envelopes,
                    message_ids=ids,
                )


# -- watching the GUI thread -------------------------------------------------------------


@dataclass
class Span:
    """One call of a timed window slot, on the GUI thread."""

    label: str
    start: float
    end: float


@dataclass
class Sample:
    """What every thread was doing while a tick was late."""

    tick: float  # the last tick before the stall: identifies it
    at: float
    main: str
    others: dict[str, str]


@dataclass
class Watch:
    """Everything measured; filled from the GUI thread, the sync threads and the watchdog."""

    ticks: list[float] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    pages: list[tuple[float, float, int]] = field(default_factory=list)  # apply: start, end, n
    fetches: list[tuple[float, float]] = field(default_factory=list)
    applied_at: list[tuple[float, int]] = field(default_factory=list)  # sync thread: t, msgs
    shown_at: list[tuple[float, int]] = field(default_factory=list)  # GUI thread: t, msgs
    adopted_at: float = math.nan  # GUI thread: the store is open, sync starts
    unlocked_at: float = math.nan
    synced_at: float = math.nan  # sync thread: the last message applied
    all_shown_at: float = math.nan  # GUI thread: the window has handled it
    rejected: int = 0
    main_ident: int = field(default_factory=threading.get_ident)
    session: Any = None


def _where(frame: FrameType | None, depth: int = 3) -> str:
    """The innermost few frames of our code (desktop/, relay/), else the innermost one."""
    ours: list[str] = []
    first: str | None = None
    while frame is not None and len(ours) < depth:
        code = frame.f_code
        here = f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}"
        first = first or here
        if code.co_filename.startswith(str(REPO)) and "/.venv/" not in code.co_filename:
            ours.append(here)
        frame = frame.f_back
    return " ← ".join(ours) if ours else (first or "?")


class Watchdog(threading.Thread):
    """Samples every thread's Python stack while the GUI thread's tick is late.

    When the GUI thread's innermost Python frame is the event loop itself, it
    was in Qt's C++ (layout, painting, event dispatch) or waiting for the
    interpreter lock that another thread held; the other threads' stacks say
    which.
    """

    def __init__(self, watch: Watch) -> None:
        super().__init__(name="stall-watchdog", daemon=True)
        self.watch = watch
        self.stop = threading.Event()

    def run(self) -> None:
        names: dict[int | None, str] = {}
        while not self.stop.wait(SAMPLE_EVERY_S):
            ticks = self.watch.ticks
            if not ticks:
                continue
            last = ticks[-1]
            now = time.perf_counter()
            if (now - last) * 1000 < SAMPLE_AFTER_MS:
                continue
            frames = sys._current_frames()
            if not names or any(i not in names for i in frames):
                names = {t.ident: t.name for t in threading.enumerate()}
            frame = frames.get(self.watch.main_ident)
            if frame is not None and frame.f_code is watch_sync.__code__:
                main = "the Qt event loop (C++: layout, painting; or waiting for the GIL)"
            else:
                main = _where(frame)
            others = {
                names.get(ident, str(ident)): _where(frame)
                for ident, frame in frames.items()
                if ident not in (self.watch.main_ident, threading.get_ident())
                and names.get(ident, "").startswith(("sync-", "store", "network", "compute"))
            }
            self.watch.samples.append(Sample(last, now, main, others))


def _timed(watch: Watch, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        if threading.get_ident() != watch.main_ident:
            return fn(*args, **kw)
        t0 = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            watch.spans.append(Span(label, t0, time.perf_counter()))

    return wrapper


def instrument(watch: Watch, per_page: bool) -> None:
    """Time the window's slots that sync sets off, and the sync's own steps.

    Done on the classes before the window exists: a slot connected as a bound
    method is looked up when it is connected. ``per_page``: tell the window
    after every page applied, as an engine reporting its progress would,
    instead of once the mailbox is drained (what ``SyncEngine`` does today).
    """
    from desktop.sync.apply import PracticeMailbox
    from desktop.sync.client import RelayClient
    from desktop.ui.conversation import ConversationView
    from desktop.ui.inbox import InboxScreen
    from desktop.ui.inbox_model import InboxModel
    from desktop.ui.main_window import MainWindow
    from desktop.ui.patients import PatientsScreen
    from desktop.ui.session import Session
    from desktop.ui.settings import SettingsScreen
    from desktop.ui.sync_status import SyncStatusLabel

    gui: list[tuple[type, str]] = [
        (Session, "adopt"),
        (InboxScreen, "refresh"),
        (InboxScreen, "_unlocked"),
        (InboxScreen, "_filter_chosen"),
        (InboxScreen, "select"),
        (InboxModel, "reload"),
        (InboxModel, "fetchMore"),
        (ConversationView, "show_conversation"),
        (ConversationView, "_render"),
        (MainWindow, "_applied"),
        (MainWindow, "_unlocked"),
        (MainWindow, "_update_badge"),
        (MainWindow, "_changed"),
        (SyncStatusLabel, "show_status"),
        (PatientsScreen, "refresh"),
        (PatientsScreen, "_unlocked"),
        (SettingsScreen, "load"),
    ]
    for cls, name in gui:
        if callable(getattr(cls, name, None)):
            setattr(cls, name, _timed(watch, f"{cls.__name__}.{name}", getattr(cls, name)))

    apply_pages = PracticeMailbox.apply_pages
    events = RelayClient.events
    applied_in_background = Session._applied_in_background

    def timed_apply(self: Any, pages: Any) -> Any:
        events = 0

        def counted() -> Any:
            nonlocal events
            for page in pages:
                events += len(page[0])
                yield page

        t0 = time.perf_counter()
        result = apply_pages(self, counted())
        watch.pages.append((t0, time.perf_counter(), events))
        watch.rejected += result.rejected
        if (
            per_page
            and watch.session is not None
            and (result.new_messages or result.conversations or result.patients)
        ):
            applied_in_background(watch.session, result)
        return result

    def timed_events(self: Any, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return events(self, *args, **kw)
        finally:
            watch.fetches.append((t0, time.perf_counter()))

    def noted(self: Any, applied: Any) -> None:
        watch.applied_at.append((time.perf_counter(), len(applied.new_messages)))
        if not per_page:  # else the window heard of every page already
            applied_in_background(self, applied)

    PracticeMailbox.apply_pages = timed_apply  # type: ignore[method-assign,assignment]
    RelayClient.events = timed_events  # type: ignore[method-assign,assignment]
    Session._applied_in_background = noted  # type: ignore[method-assign,assignment]


# -- the run ---------------------------------------------------------------------------


def watch_sync(
    store_path: Path,
    expected: int,
    open_first: bool,
    per_page: bool,
    settle_s: float,
    timeout_s: float,
) -> tuple[Watch, dict[str, Any]]:
    """Unlock the real window on the store and watch its GUI thread while it syncs."""
    from desktop.ui import app as app_module
    from desktop.ui import errors, operations
    from desktop.ui.qt import QApplication, QEventLoop, Qt, QTimer

    app = app_module.make_application()
    watch = Watch()
    instrument(watch, per_page)
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    session = Session(store_path, long_poll=2)
    watch.session = session
    window = MainWindow(session)
    window.resize(1360, 860)
    window.show()
    QApplication.processEvents()

    loop = QEventLoop()
    seen = {"messages": 0}
    timed_out = {"yes": False}

    tick = QTimer()
    tick.setTimerType(Qt.TimerType.PreciseTimer)
    tick.setInterval(TICK_MS)
    tick.timeout.connect(lambda: watch.ticks.append(time.perf_counter()))

    def unlocked() -> None:
        watch.unlocked_at = time.perf_counter()
        if open_first and window.inbox.model.rowCount():
            # A practitioner reading a conversation: every refresh re-shows it.
            window.inbox.table.selectRow(0)

    def applied(result: Any) -> None:  # connected last: runs after the window's own slots
        seen["messages"] += len(result.new_messages)
        watch.shown_at.append((time.perf_counter(), len(result.new_messages)))
        if seen["messages"] >= expected and math.isnan(watch.all_shown_at):
            watch.all_shown_at = time.perf_counter()
            watch.synced_at = watch.pages[-1][1] if watch.pages else math.nan
            QTimer.singleShot(int(settle_s * 1000), loop.quit)

    def give_up() -> None:
        timed_out["yes"] = True
        loop.quit()

    session.unlocked.connect(unlocked)
    session.applied.connect(applied)
    dog = Watchdog(watch)
    tick.start()
    dog.start()
    QTimer.singleShot(int(timeout_s * 1000), give_up)

    def type_passphrase() -> None:
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        window.unlock_screen.try_unlock()

    QTimer.singleShot(300, type_passphrase)
    loop.exec()
    tick.stop()
    dog.stop.set()
    dog.join()

    info: dict[str, Any] = {"timed_out": timed_out["yes"], "messages_shown": seen["messages"]}
    reader = session.reader
    if reader is not None:
        info["inbox_all"] = reader.count_inbox("all")
        info["inbox_to_process"] = reader.count_inbox("to_process")
        info["open_conversation"] = window.inbox.current_id() is not None
    info["errors_shown"] = list(errors.shown)
    info["platform"] = app.platformName()
    info["session"] = session
    info["window"] = window
    info["operations"] = operations
    return watch, info


def _close_window(info: dict[str, Any]) -> None:
    session, window, operations = info.pop("session"), info.pop("window"), info.pop("operations")
    window.close()
    session.close()
    operations.drain()


# -- the figures -------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return "—" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def report(watch: Watch, info: dict[str, Any], expected: int, conversations: int) -> None:
    # From the moment the store is open: the engine starts inside Session.adopt.
    watch.adopted_at = next(
        (s.start for s in watch.spans if s.label == "Session.adopt"), watch.unlocked_at
    )
    start, end = watch.adopted_at, watch.all_shown_at
    if math.isnan(end):
        end = watch.ticks[-1] if watch.ticks else start
    # The tick just before the store opened too: the gap across Session.adopt counts.
    # The ticks either side as well: the gaps across Session.adopt (the engine starts in
    # it) and across the last refresh and its repaint count.
    before = [t for t in watch.ticks if t < start][-1:]
    after = [t for t in watch.ticks if t > end][:1]
    during = before + [t for t in watch.ticks if start <= t <= end] + after
    gaps = [(b - a, a) for a, b in itertools.pairwise(during)]
    values = [g for g, _ in gaps]
    stalls = sorted(((g - TICK_MS / 1000, a) for g, a in gaps), reverse=True)
    whole = sorted(
        ((b - a - TICK_MS / 1000, a) for a, b in itertools.pairwise(watch.ticks)), reverse=True
    )
    whole_worst = whole[0] if whole else (math.nan, math.nan)
    sync_s = watch.synced_at - start
    shown_s = end - start
    first_fetch = min((a for a, _ in watch.fetches if a >= start), default=math.nan)
    page_times = [b - a for a, b, _ in watch.pages if a >= start]
    fetch_times = [b - a for a, b in watch.fetches if a >= start and b <= watch.synced_at]

    print()
    print(
        "GUI-thread stalls during a sync of the window "
        f"({info['platform']} platform, relay in its own process)"
    )
    print(
        "  the window is told                "
        + (
            "after every page applied (--refresh-per-page)"
            if info.get("per_page")
            else "once the mailbox is drained (as SyncEngine does)"
        )
    )
    print(
        f"  messages pulled and applied     {info['messages_shown']:,} of {expected:,} "
        f"over {conversations} conversations (rejected: {watch.rejected})"
    )
    if info.get("timed_out"):
        print("  !! the run timed out before the window had every message")
    print(
        f"  total sync time                 {sync_s:.2f} s (store open, sync starts → last page applied); "
        f"{shown_s:.2f} s until the window had shown it"
    )
    if not math.isnan(first_fetch):
        print(
            f"                                  of which {first_fetch - start:.2f} s before "
            "the first fetch"
        )
    rate = expected / sync_s if sync_s > 0 else math.nan
    print(f"  messages/s                      {rate:,.0f}")
    print(
        f"  pages applied                   {len(page_times)} (apply {sum(page_times):.2f} s "
        f"total, {max(page_times, default=0) * 1000:.0f} ms the longest); "
        f"fetches {sum(fetch_times):.2f} s"
    )
    print(
        f"  'applied' signals to the window {len(watch.shown_at)} "
        f"(messages per signal: {[n for _, n in watch.shown_at]})"
    )
    print(
        f"  ticks (every {TICK_MS} ms)            {len(during):,} "
        f"(expected ≈ {shown_s * 1000 / TICK_MS:,.0f} if never late)"
    )
    worst = stalls[0][0] if stalls else math.nan
    verdict = "within" if worst <= STALL_LIMIT_MS / 1000 else "OVER"
    print(
        f"  worst stall                     {_ms(worst)} ({verdict} the {STALL_LIMIT_MS:.0f} ms "
        f"promise) at {(stalls[0][1] - start) if stalls else math.nan:+.2f} s"
    )
    print(
        f"  gap p50 / p99 / max             {_ms(percentile(values, 0.5))} / "
        f"{_ms(percentile(values, 0.99))} / {_ms(max(values, default=math.nan))}"
    )
    for limit in (50, 100, 250):
        n = sum(1 for s, _ in stalls if s * 1000 > limit)
        print(f"  stalls > {limit:<3} ms                 {n}")
    print(
        "  (whole run, from before the passphrase is typed to the end of the settling: "
        f"worst stall {_ms(whole_worst[0])} at {whole_worst[1] - start:+.2f} s, "
        f"{len(watch.ticks):,} ticks)"
    )
    print(
        f"  inbox after sync                {info.get('inbox_all')} conversations, "
        f"{info.get('inbox_to_process')} to process; a conversation open: "
        f"{info.get('open_conversation')}"
    )
    if info["errors_shown"]:
        print(f"  errors the window reported      {info['errors_shown']}")

    _slots(watch, start, end)
    _worst(watch, "during sync", stalls[:5], start)
    inside = set(during[:-1])
    outside = [(g, a) for g, a in whole if a not in inside][:3]
    _worst(watch, "outside the sync (window shown, unlock screen, KDF, settling)", outside, start)


def _slots(watch: Watch, start: float, end: float) -> None:
    by_label: dict[str, list[float]] = defaultdict(list)
    for s in watch.spans:
        if start <= s.start <= end:
            by_label[s.label].append(s.end - s.start)
    if not by_label:
        return
    print()
    print("  the window's slots during sync (GUI thread): calls, total, longest")
    for label, times in sorted(by_label.items(), key=lambda kv: -max(kv[1])):
        print(
            f"    {label:<34} {len(times):>4}  {sum(times) * 1000:8.1f} ms  "
            f"{max(times) * 1000:7.1f} ms"
        )


def _worst(watch: Watch, title: str, stalls: list[tuple[float, float]], start: float) -> None:
    if not stalls:
        return
    print()
    print(
        f"  the worst stalls {title}, and what ran meanwhile "
        f"(stacks sampled only past {SAMPLE_AFTER_MS:.0f} ms)"
    )
    for stall, tick in stalls:
        end = tick + stall + TICK_MS / 1000
        spans = [s for s in watch.spans if s.end > tick and s.start < end]
        # The outermost ones: a slot's own callees are listed with it.
        outer = [
            s
            for s in spans
            if not any(o is not s and o.start <= s.start and s.end <= o.end for o in spans)
        ]
        paging = [(a, b, n) for a, b, n in watch.pages if b > tick and a < end]
        print(f"    {stall * 1000:6.1f} ms at {tick - start:+.2f} s")
        for s in outer:
            inner = sorted(
                (i for i in spans if i is not s and s.start <= i.start and i.end <= s.end),
                key=lambda i: -(i.end - i.start),
            )[:3]
            detail = ", ".join(f"{i.label} {(i.end - i.start) * 1000:.0f}" for i in inner)
            print(
                f"      GUI slot {s.label} {(s.end - s.start) * 1000:.1f} ms"
                + (f" (in it: {detail} ms)" if detail else "")
            )
        if paging:
            print(f"      sync thread applying a page of {paging[0][2]} events meanwhile")
        samples = [x for x in watch.samples if x.tick == tick]
        if samples:
            mains = Counter(x.main for x in samples).most_common(2)
            print(
                f"      GUI thread sampled {len(samples)}×: "
                + "; ".join(f"{n}× {where}" for where, n in mains)
            )
            others: Counter[str] = Counter()
            for x in samples:
                for name, where in x.others.items():
                    others[f"{name}: {where}"] += 1
            for where, n in others.most_common(2):
                print(f"      meanwhile {n}× {where}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m desktop.bench.gui_stall",
        description="GUI-thread stalls of the real window while it syncs many messages "
        f"(promise: none over {STALL_LIMIT_MS:.0f} ms). Prints figures; never fails on them.",
    )
    p.add_argument("--messages", type=int, default=10_000, help="messages to sync (10,000)")
    p.add_argument(
        "--conversations", type=int, default=200, help="conversations they are spread over (200)"
    )
    p.add_argument(
        "--no-open", action="store_true", help="no conversation open in the window during sync"
    )
    p.add_argument(
        "--refresh-per-page",
        action="store_true",
        help="tell the window after every page applied (as an engine reporting progress "
        "would), not once the mailbox is drained (what SyncEngine does today)",
    )
    p.add_argument(
        "--settle",
        type=float,
        default=1.0,
        help="seconds to keep watching after the window has everything (1)",
    )
    p.add_argument("--timeout", type=float, default=600.0, help="give up after (600 s)")
    p.add_argument("--keep", type=Path, help="build in this folder and keep it")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.messages < 1 or args.conversations < 1:
        raise SystemExit("--messages and --conversations must be at least 1")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="passerelle-gui-stall-"))
    folder.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{folder / 'relay.sqlite3'}"
    relay = RelayProcess(database_url).start()
    info: dict[str, Any] = {}
    try:
        _say(
            f"building: a relay process at {relay.url}, a practice, "
            f"{args.conversations} conversations, {args.messages:,} messages waiting…"
        )
        t0 = time.perf_counter()
        store_path = build_world(folder, relay, database_url, args.messages, args.conversations)
        _say(f"  built in {time.perf_counter() - t0:.1f} s; unlocking the window…")
        watch, info = watch_sync(
            store_path,
            args.messages,
            not args.no_open,
            args.refresh_per_page,
            args.settle,
            args.timeout,
        )
        info["per_page"] = args.refresh_per_page
        report(watch, info, args.messages, args.conversations)
    finally:
        relay.stop()  # first: it releases the engine's long-poll
        if "session" in info:
            _close_window(info)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
