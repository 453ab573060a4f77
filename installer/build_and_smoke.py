"""Build the one-folder bundle with PyInstaller, then smoke-test the FROZEN binary.

    .venv/bin/pip install -e ".[build]"
    .venv/bin/python installer/build_and_smoke.py             # build, then test
    .venv/bin/python installer/build_and_smoke.py --no-build  # test dist/ as it is

What it proves, with the frozen executable (dist/passerelle/passerelle; on Windows the
console twin passerelle-cli.exe, on macOS the one inside Passerelle.app):
- the bundle holds what it must (resources, Qt plugins, French Qt translation, Qt's PDF
  module) and not what it must not (QtQml, QtWebEngine, tkinter, the test tools, psycopg);
- it creates a store and registers a practice with a relay on loopback (a real relay
  process from the source tree), adds and invites a patient, syncs; a patient (the
  source patient client) redeems and writes; the frozen binary syncs the message in,
  replies, syncs it out, and the patient reads the reply;
- a store made by the frozen binary opens with the source build, and the reverse;
- the window starts (offscreen) and shows the unlock screen, in French, with its SVG
  icon and Qt's own French strings, reads a PDF made in memory with Qt's PDF module (the
  document preview), then quits with status 0; the time to the unlock screen is measured
  from process start;
- `passerelle --demo --no-window` runs the in-process relay from the bundle.

Nothing is written to the real per-user folders: HOME and the XDG folders point into
a temporary directory. Exit status 0 only if every step passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "passerelle.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
PASSPHRASE = "smoke-test-cabinet-2026"
PATIENT_PASSPHRASE = "smoke-test-patient-2026"
LISTENING = re.compile(r"listening on (http://\S+)")

results: list[tuple[str, bool, str]] = []


def step(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"[{'PASS' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""), flush=True)
    return ok


def frozen_executable() -> Path:
    if sys.platform == "win32":
        # The windowed passerelle.exe has no stdout; its console twin is the same program.
        return DIST / "passerelle" / "passerelle-cli.exe"
    if sys.platform == "darwin":
        return DIST / "Passerelle.app" / "Contents" / "MacOS" / "passerelle"
    return DIST / "passerelle" / "passerelle"


def bundle_folder() -> Path:
    return DIST / "passerelle"


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


# -- build --------------------------------------------------------------------------------


def build() -> float:
    shutil.rmtree(DIST / "passerelle", ignore_errors=True)
    shutil.rmtree(DIST / "Passerelle.app", ignore_errors=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    print("$ " + " ".join(command), flush=True)
    done = subprocess.run(command, cwd=ROOT, check=False)
    seconds = time.monotonic() - started
    if not step("build", done.returncode == 0, f"{seconds:.0f} s"):
        raise SystemExit(1)
    return seconds


# -- what is in the bundle --------------------------------------------------------------


def check_contents() -> None:
    internal = bundle_folder() / "_internal"
    files = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    names = {Path(f).name for f in files}

    wanted = [f"resources/{p.relative_to(ROOT / 'resources').as_posix()}"
              for p in (ROOT / "resources").rglob("*") if p.is_file() and p.suffix != ".ts"]
    missing = [w for w in wanted if w not in files]
    step("resources bundled", not missing,
         f"{len(wanted) - len(missing)}/{len(wanted)} files" + (f", missing {missing}" if missing else ""))

    plugins = {"platforms": ["qoffscreen"], "iconengines": ["qsvgicon"],
               "imageformats": ["qsvg", "qjpeg"]}
    plugins["platforms"] += {"win32": ["qwindows"], "darwin": ["qcocoa"]}.get(
        sys.platform, ["qxcb", "qwayland"])
    absent = [f"{kind}/{stem}" for kind, stems in plugins.items() for stem in stems
              if not any(re.search(rf"plugins/{kind}/(lib)?{stem}\.", f) for f in files)]
    step("Qt plugins bundled", not absent,
         ", ".join(f"{k}/{'+'.join(v)}" for k, v in plugins.items()) + (f"; missing {absent}" if absent else ""))

    qt_translations = sorted(n for f in files if "/translations/" in f and "PySide6" in f
                             for n in [Path(f).name])
    step("Qt translations: French only", qt_translations == ["qtbase_fr.qm"], ", ".join(qt_translations))

    # Qt's PDF module (the document preview): the bindings and the Qt libraries (libQt6Pdf.so.6,
    # Qt6Pdf.dll, QtPdf.framework's QtPdf).
    pdf_missing = [f for m in ("Pdf", "PdfWidgets")
                   for f, pattern in ((f"PySide6.Qt{m}", rf"Qt{m}\.(abi3\.so|pyd)"),
                                      (f"Qt6{m}", rf"(lib)?Qt6?{m}(\.so\.6|\.dll)?"))
                   if not any(re.fullmatch(pattern, p.name) and p.is_file()  # not a dangling link
                              for p in internal.rglob("*"))]
    step("Qt PDF module bundled", not pdf_missing,
         "QtPdf, QtPdfWidgets" + (f"; missing {pdf_missing}" if pdf_missing else ""))

    # What must never be in the bundle, and (Linux) what the spec and its hook trim. libQt6Network
    # is in (libQt6Pdf links it); the PySide6.QtNetwork bindings are not.
    unwanted = ["Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt63D", "Qt6Multimedia", "PdfQuick",
                "QtNetwork.abi3", "QtNetwork.pyd",
                "_tkinter", "tcl86", "libtk", "pytest", "pytestqt", "psycopg", "pypdf"]
    if sys.platform.startswith("linux"):
        unwanted += ["libqgtk3", "libgtk", "libavif", "libqeglfs"]
    found = sorted({u for u in unwanted for n in names if u.lower() in n.lower()})
    step("unused modules left out", not found,
         "no " + ", ".join(unwanted) if not found else f"found {found}")


# -- running things -----------------------------------------------------------------------


class Runner:
    """Runs the frozen binary, the source build and the source patient client in a sandbox."""

    def __init__(self, tmp: Path, frozen: Path) -> None:
        self.tmp = tmp
        self.frozen = frozen
        home = tmp / "home"
        home.mkdir()
        self.env = os.environ | {
            "HOME": str(home), "USERPROFILE": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"), "XDG_RUNTIME_DIR": str(tmp / "runtime"),
            "PASSERELLE_PASSPHRASE": PASSPHRASE,
            "PASSERELLE_PATIENT_PASSPHRASE": PATIENT_PASSPHRASE,
            # Every command acts as a person (desktop.core.rights): init makes the first
            # practitioner the administrator with this PIN, the later commands sign her in.
            "PASSERELLE_PIN": "135790",
            "PYTHONUTF8": "1",
        }
        (tmp / "runtime").mkdir(mode=0o700)
        for name in ("PASSERELLE_STORE", "PASSERELLE_SMOKE_TEST", "QT_QPA_PLATFORM"):
            self.env.pop(name, None)

    def run(self, command: list[str], timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, env=self.env | env, capture_output=True, text=True, check=False,
                              encoding="utf-8", errors="replace", timeout=timeout, cwd=self.tmp)

    def frozen_cmd(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return self.run([str(self.frozen), *args], **env)

    def source_cmd(self, *args: str) -> subprocess.CompletedProcess:
        return self.run([sys.executable, "-m", "desktop", *args])

    def patient(self, *args: str) -> subprocess.CompletedProcess:
        return self.run([sys.executable, "-m", "desktop.patient", *args])


def expect(name: str, proc: subprocess.CompletedProcess, check: Callable[[str], bool] = lambda _: True,
           detail: Callable[[str], str] = lambda out: out.strip().splitlines()[-1] if out.strip() else "") -> str:
    ok = proc.returncode == 0 and check(proc.stdout)
    shown = detail(proc.stdout) if proc.returncode == 0 else f"exit {proc.returncode}"
    if not ok:
        shown += "\n    " + (proc.stdout + proc.stderr).strip().replace("\n", "\n    ")[-2000:]
    step(name, ok, shown)
    if not ok:
        raise StepFailed(name)
    return proc.stdout


class StepFailed(Exception):
    pass


class Relay:
    """The source tree's relay as a process on a free loopback port, with a SQLite file."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.database = f"sqlite:///{(runner.tmp / 'relay.sqlite3').as_posix()}"
        self.log = runner.tmp / "relay.log"
        with open(self.log, "wb") as log:  # a file, not a pipe nobody drains
            self.process = subprocess.Popen(
                [sys.executable, "-m", "relay", "serve", "--host", "127.0.0.1", "--port", "0",
                 "--database", self.database],
                env=runner.env, stdout=log, stderr=subprocess.STDOUT, cwd=runner.tmp)
        deadline = time.monotonic() + 30
        while not (match := LISTENING.search(self.log.read_text(errors="replace"))):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise StepFailed(f"the relay did not start: {self.log.read_text(errors='replace')}")
            time.sleep(0.05)
        self.url = match.group(1)

    def create_practice(self, name: str) -> str:
        proc = self.runner.run([sys.executable, "-m", "relay", "create-practice", "--name", name,
                                "--database", self.database])
        if proc.returncode != 0:
            raise StepFailed(f"create-practice failed: {proc.stderr}")
        return proc.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if sys.platform == "win32":
            self.process.terminate()
        else:  # uvicorn's graceful stop; SIGTERM also stops it, but reports death by signal
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- the scenario -------------------------------------------------------------------------


def scenario(runner: Runner, relay: Relay) -> Path:
    """The practice side with the frozen binary; returns its store."""
    store = runner.tmp / "frozen.passerelle"
    s = ["--store", str(store)]
    # --token=VALUE: an enrolment token is URL-safe base64 and may begin with "-", which
    # argparse would take for an option in the two-word form.
    token = relay.create_practice("Cabinet Gel")
    expect("frozen: init (create store, register with the relay)",
           runner.frozen_cmd("init", *s, "--relay", relay.url, f"--token={token}",
                             "--practitioner", "Dr Claire Dupont", "--practice", "Cabinet Gel"),
           lambda out: "registered" in out, lambda out: out.splitlines()[0])
    patient_id = expect("frozen: patient add",
                        runner.frozen_cmd("patient", "add", *s, "--name", "Jean Martin",
                                          "--born", "1961-04-02")).strip()
    code = expect("frozen: invite", runner.frozen_cmd("invite", *s, "--patient", patient_id),
                  lambda out: len(out.strip()) == 29, lambda out: "invitation code issued").strip()
    expect("frozen: sync --once (invitation to the relay)",
           runner.frozen_cmd("sync", *s, "--once", "--json"),
           lambda out: json.loads(out)["outbox_pending"] == 0,
           lambda out: "sent {sent}, outbox {outbox_pending}".format(**json.loads(out)))

    state = ["--state", str(runner.tmp / "jean.patient")]
    expect("source patient client: redeem the invitation",
           runner.patient("redeem", *state, "--relay", relay.url, "--code", code),
           lambda out: "Cabinet Gel" in out)
    practitioner = runner.patient("practitioners", *state).stdout.split()[0]
    conversation = expect("source patient client: request",
                          runner.patient("request", *state, "--practitioner", practitioner,
                                         "--category", "renewal", "--text",
                                         "Renouvellement de mon Lévothyrox, s'il vous plaît")).strip()

    expect("frozen: sync --once (the patient's message in)",
           runner.frozen_cmd("sync", *s, "--once", "--json"),
           lambda out: json.loads(out)["new_messages"] == 1,
           lambda out: "{new_messages} new message, {patients_joined} patient joined".format(
               **json.loads(out)))
    expect("frozen: inbox --json", runner.frozen_cmd("inbox", *s, "--json"),
                   lambda out: [(c["id"], c["patient"], c["state"]) for c in json.loads(out)]
                   == [(conversation, "Jean Martin", "requested")],
                   lambda out: json.dumps([{k: c[k] for k in ("patient", "category", "state", "unread")}
                                           for c in json.loads(out)], ensure_ascii=False))
    expect("frozen: reply",
           runner.frozen_cmd("reply", *s, conversation, "Ordonnance prête à l'accueil."))
    expect("frozen: sync --once (the reply out)", runner.frozen_cmd("sync", *s, "--once", "--json"),
           lambda out: json.loads(out)["sent"] >= 1 and json.loads(out)["outbox_pending"] == 0,
           lambda out: "sent {sent}, outbox {outbox_pending}".format(**json.loads(out)))
    runner.patient("sync", *state)
    expect("source patient client reads the frozen binary's reply",
           runner.patient("read", *state, "--conversation", conversation, "--json"),
           lambda out: [m["text"] for m in json.loads(out)][-1] == "Ordonnance prête à l'accueil.",
           lambda out: json.loads(out)[-1]["author_name"] + ": " + json.loads(out)[-1]["text"])
    return store


def cross_open(runner: Runner, relay: Relay, frozen_store: Path) -> None:
    expect("source build opens the frozen binary's store (inbox --json)",
           runner.source_cmd("inbox", "--store", str(frozen_store), "--json"),
           lambda out: [c["patient"] for c in json.loads(out)] == ["Jean Martin"],
           lambda out: f"{len(json.loads(out))} conversation(s), patient Jean Martin")

    source_store = runner.tmp / "source.passerelle"
    s = ["--store", str(source_store)]
    expect("source build: init + patient add",
           runner.source_cmd("init", *s, "--relay", relay.url,
                             f"--token={relay.create_practice('Cabinet Source')}",
                             "--practitioner", "Dr Paul Durand", "--practice", "Cabinet Source"),
           lambda out: "registered" in out, lambda out: out.splitlines()[0])
    runner.source_cmd("patient", "add", *s, "--name", "Chantal Lefèvre", "--born", "1948-11-17")
    expect("frozen binary opens the source build's store (patient list, status, sync)",
           runner.frozen_cmd("patient", "list", *s, "--json"),
           lambda out: [p["name"] for p in json.loads(out)] == ["Chantal Lefèvre"],
           lambda out: "patients: " + ", ".join(p["name"] for p in json.loads(out)))
    expect("frozen: sync --once on the source build's store",
           runner.frozen_cmd("sync", *s, "--once", "--json"),
           lambda out: json.loads(out)["outbox_pending"] == 0,
           lambda out: "outbox {outbox_pending}".format(**json.loads(out)))


def window(runner: Runner, store: Path, command: list[str], label: str, runs: int) -> list[float]:
    """Start the window offscreen on ``store`` until its unlock screen is painted."""
    times = []
    for i in range(runs):
        errors = runner.tmp / f"{label}-window-{i}.stderr"
        started = time.monotonic()
        with open(errors, "wb") as stderr:
            proc = subprocess.Popen(
                [*command, "--lang", "fr"], cwd=runner.tmp, text=True, encoding="utf-8",
                stdout=subprocess.PIPE, stderr=stderr,
            env=runner.env | {"QT_QPA_PLATFORM": "offscreen", "PASSERELLE_SMOKE_TEST": "1",
                                  "PASSERELLE_STORE": str(store)})
        report, seen_at = None, None
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("PASSERELLE_SMOKE "):
                report = json.loads(line.split(" ", 1)[1])
                # The PDF check runs after the unlock screen is painted, before the line.
                seen_at = time.monotonic() - started - report.get("pdf_check_s", 0)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = None
        err = errors.read_text(encoding="utf-8", errors="replace")
        ok = (code == 0 and report is not None and seen_at is not None
              and report["unlock_button"] == "Déverrouiller" and report["window_icon"]
              and report["qt_cancel"] == "Annuler" and report.get("pdf_pages", 0) >= 1)
        detail = (f"exit {code}; " + (
            f"unlock screen after {seen_at:.2f} s from process start "
            f"({report['unlock_screen_after_s']:.2f} s in the window code); button "
            f"{report['unlock_button']!r}, SVG icon {'ok' if report['window_icon'] else 'MISSING'}, "
            f"Qt's 'Cancel' is {report['qt_cancel']!r}, "
            f"PDF read by Qt: {report.get('pdf_pages', 0)} page(s)"
            + (f" ({report['pdf_error']})" if report.get("pdf_error") else "")
            if report and seen_at else "no unlock screen"))
        if not ok:
            detail += "\n    " + err.strip().replace("\n", "\n    ")[-2000:]
        step(f"{label} window #{i + 1} (offscreen, --lang fr): starts, unlock screen, quits", ok, detail)
        if not ok:
            raise StepFailed(label)
        times.append(seen_at)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-build", action="store_true", help="smoke-test dist/ as it is")
    parser.add_argument("--runs", type=int, default=3, help="window starts to time (default 3)")
    args = parser.parse_args()

    build_seconds = None if args.no_build else build()
    frozen = frozen_executable()
    if not step("frozen executable present", frozen.is_file(), str(frozen.relative_to(ROOT))):
        return 1
    size = size_of(bundle_folder())
    step("bundle size", True, f"{mib(size)} ({bundle_folder().relative_to(ROOT)}/)")
    check_contents()

    startup: list[float] = []
    source_startup: list[float] = []
    with tempfile.TemporaryDirectory(prefix="passerelle-smoke-", ignore_cleanup_errors=True) as tmp:
        runner = Runner(Path(tmp), frozen)
        relay = Relay(runner)
        try:
            store = scenario(runner, relay)
            cross_open(runner, relay, store)
            startup = window(runner, store, [str(frozen)], "frozen", args.runs)
            source_startup = window(runner, store, [sys.executable, "-m", "desktop"], "source", 1)
            expect("frozen: --demo --no-window (in-process relay from the bundle)",
                   runner.frozen_cmd("--demo", "--no-window"),
                   lambda out: "SQLite header in clear? False" in out,
                   lambda out: out.strip().splitlines()[0])
        except StepFailed:
            pass
        except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError, IndexError) as exc:
            step("smoke test", False, f"{type(exc).__name__}: {exc}")
        finally:
            relay.stop()
            step("relay stopped", relay.process.returncode is not None,
                 f"exit {relay.process.returncode}")

    failed = [name for name, ok, _ in results if not ok]
    print()
    print("== Passerelle frozen bundle ==")
    print(f"platform:        {sys.platform}")
    if build_seconds is not None:
        print(f"build time:      {build_seconds:.0f} s (PyInstaller --clean)")
    print(f"bundle size:     {mib(size)}")
    if startup:
        print(f"start-up to the unlock screen (frozen, offscreen, from process start): "
              f"first {startup[0]:.2f} s, median of {len(startup)} {statistics.median(startup):.2f} s")
    if source_startup:
        print(f"start-up to the unlock screen (source build, for comparison): {source_startup[0]:.2f} s")
    print(f"smoke test: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
