"""The real relay, as people run it (``python -m relay serve``), in a process of its own.

A separate process is the fair setting for the sync figures: the relay's
event loop, JSON and database work do not share this interpreter's lock with
the practice's decryption and store writes, as they would in a thread.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from types import TracebackType
from typing import Self

START_TIMEOUT = 30.0
_LISTENING = re.compile(r"Passerelle relay listening on http://(\S+):(\d+)")


def end_process(process: subprocess.Popen[str], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RelayProcess:
    """``python -m relay serve`` on 127.0.0.1, any free port, on ``database_url``."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._output: list[str] = []

    @property
    def output(self) -> str:
        return "".join(self._output)

    def cpu_seconds(self) -> float | None:
        """CPU time the relay's process has used so far (user + system), where the
        system tells it (Linux's /proc); ``None`` elsewhere."""
        if self._process is None:
            return None
        try:
            with open(f"/proc/{self._process.pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # utime and stime, the 14th and 15th fields, counted after the command's ")".
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> Self:
        command = [
            sys.executable,
            "-m",
            "relay",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--database",
            self.database_url,
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        listening = threading.Event()
        # Read for the process's whole life: a full pipe would block the relay.
        threading.Thread(target=self._drain, args=(listening,), daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while not listening.wait(0.05):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the relay did not start:\n{self.output}")
        return self

    def _drain(self, listening: threading.Event) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self._output.append(line)
            found = _LISTENING.search(line)
            if found:
                self.url = f"http://{found.group(1)}:{found.group(2)}"
                listening.set()

    def stop(self) -> None:
        """SIGTERM: the relay releases its long-polls and exits."""
        if self._process is None:
            return
        end_process(self._process, 15)
        self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
