"""A real relay for tests: as a subprocess (``RelayProcess``) or in a thread (``RelayThread``).

``RelayProcess`` is the relay as people run it (``python -m relay serve``),
killable with SIGKILL to test crash recovery. ``RelayThread`` serves an app
built in-process: faster to start, and the test can reach its internals.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from fastapi import FastAPI

from relay.server import RelayServer

START_TIMEOUT = 20.0
REPO = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"Passerelle relay listening on http://(\S+):(\d+)")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the usual small race applies)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    # The repository first on the path: the subprocess imports this checkout's
    # relay, whatever the current directory.
    path = os.environ.get("PYTHONPATH", "")
    return os.environ | {"PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO)}


class RelayProcess:
    """``python -m relay serve`` on 127.0.0.1, started and stopped by a test.

    The port is fixed at the first start (a free one unless given), so that
    ``start()`` after ``kill()`` brings the relay back at the same ``url``, on
    the same database.
    """

    def __init__(
        self, database_url: str, port: int | None = None, extra_args: tuple[str, ...] = ()
    ) -> None:
        self.database_url = database_url
        self.port = port if port is not None else free_port()
        self.extra_args = tuple(extra_args)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self._output: list[str] = []
        self._reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        """Everything the process printed so far (stdout and stderr together)."""
        return "".join(self._output)

    def start(self) -> Self:
        """Start the relay and return once it accepts connections (or raise with its output)."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the relay process is already running")
        self._output = []
        command = [
            sys.executable,
            "-m",
            "relay",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--database",
            self.database_url,
            *self.extra_args,
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_env(),
        )
        listening = threading.Event()
        self._reader = threading.Thread(
            target=self._read_output, args=(self.process, listening), daemon=True
        )
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not listening.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"the relay did not start on port {self.port} "
                    f"(exit {self.process.returncode}):\n{self.output}"
                )
        return self

    def _read_output(self, process: subprocess.Popen[str], listening: threading.Event) -> None:
        # Drained for the process's whole life: a full pipe would block the relay.
        assert process.stdout is not None
        for line in process.stdout:
            self._output.append(line)
            if _LISTENING.search(line):
                listening.set()

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, requests in flight are cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        """A clean stop (SIGTERM), then wait for the process to end."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._reap()

    def _reap(self) -> None:
        if self.process is None:
            return
        self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def create_practice(database_url: str, name: str) -> str:
    """Create a practice with the real CLI; returns its one-time enrolment token."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "relay",
            "create-practice",
            "--name",
            name,
            "--database",
            database_url,
        ],
        check=False,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"create-practice failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout.strip().splitlines()[-1]


class RelayThread:
    """An app served by uvicorn in a daemon thread of the test process, on a free port."""

    def __init__(self, app: FastAPI, port: int = 0) -> None:
        self.app = app
        self.server = RelayServer(app, host="127.0.0.1", port=port)
        self._thread = threading.Thread(target=self.server.run, name="relay", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-thread relay did not start")
            time.sleep(0.01)
        self.port = self.server.bound_port
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Ask the server to stop, releasing long-polls, and wait for its thread."""
        self.server.should_exit = True
        self._thread.join(timeout=15)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
