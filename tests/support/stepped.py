"""A Python process that a fault test kills (SIGKILL) at a step it chose.

The child says each step on a line of its own and then waits for the test's go on its
stdin, so a step the test has not read yet is never passed: the test knows where the
child stands when it kills it, however loaded the machine is (a child running ahead of
a busy test reader would otherwise finish before it is killed). To kill *within* the
work after a step, the test says go, waits a moment of its choosing, then kills: the
child can go no further than its next step.

The child's script starts with ``STEP``, which defines ``step(word)``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]

STEP = """
import sys as _sys
def step(word):
    print(word, flush=True)
    _sys.stdin.readline()
"""


class Stepped:
    """``with Stepped(script, *args) as child:`` — ``child.next()`` is its next step's
    line ("" once it ended), ``child.go()`` lets it on, ``child.kill(after=s)`` lets it on
    for ``s`` seconds and kills it (or kills it where it stands, for 0)."""

    def __init__(self, script: str, *args: str, timeout: float = 120) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", STEP + script, *args], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._deadline = time.monotonic() + timeout

    def next(self) -> str:
        assert self._process.stdout is not None
        assert time.monotonic() < self._deadline, "the child took too long"
        return self._process.stdout.readline().strip()

    def go(self) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write("\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            pass  # it ended already; its next line says so

    def kill(self, after: float = 0.0) -> None:
        if after > 0:
            self.go()
            time.sleep(after)
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()
