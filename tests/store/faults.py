"""Faults done for real to a store: a writer process SIGKILLed, bytes flipped on disk."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop.store import wal
from desktop.store.keys import PAGE_SIZE

ROOT = Path(__file__).resolve().parents[2]

# A workstation writing as fast as it can; it prints what is committed (so acknowledged).
NOTES_WRITER = """
import sys
from desktop.store import Store
store = Store.open(sys.argv[1], sys.argv[2])
i = 0
while True:
    with store.transaction():
        store.set_setting(f"note-{i}", "consultation du jour " * 20)
        store.set_cursor("practice", str(1000 + i))
    print(i, flush=True)
    i += 1
"""


def kill_mid_write(store_path: Path, passphrase: str, commits: int = 300,
                   script: str = NOTES_WRITER) -> int:
    """Run ``script`` on the store, SIGKILL it once it printed ``commits``; the last
    number it printed (for the notes writer: the last transaction committed)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(store_path), passphrase],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    last = -1
    try:
        assert writer.stdout is not None
        deadline = time.monotonic() + 120
        while last < commits and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            last = int(line)
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        last = max([last, *(int(x) for x in writer.stdout.read().split())])
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert last >= commits, "the writer did not get going"
    assert wal.wal_path(store_path).stat().st_size > PAGE_SIZE, "the scenario needs a -wal"
    return last


def files_of(store_path: Path) -> dict[str, tuple[str, int]]:
    """Every file of the store's folder: its digest and its mtime."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(store_path.parent.iterdir())
    }


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def frame_offset(index: int) -> int:
    """Where frame ``index`` (from 0) of a log starts."""
    return wal.HEADER_BYTES + index * (wal.FRAME_HEADER_BYTES + PAGE_SIZE)


class FullDisk:
    """A small real filesystem (tmpfs) that can be filled to the last byte and freed."""

    def __init__(self, folder: Path, size: str = "16m") -> None:
        self.folder = folder
        self.size = size
        self.filler = folder / "filler"

    def __enter__(self) -> FullDisk:  # noqa: PYI034
        self.folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size},mode=0700", "tmpfs",
             str(self.folder)], capture_output=True, text=True, check=False,
        )
        if done.returncode:
            import pytest

            pytest.skip(f"a full disk is simulated with a tmpfs, and mounting one needs root: "
                        f"{done.stderr.strip()}")
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["umount", "-l", str(self.folder)], check=True)

    def fill(self) -> None:
        """Write until the filesystem refuses even one byte (ENOSPC)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 4096, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError:
                        break
        finally:
            os.close(fd)
        assert os.statvfs(self.folder).f_bavail == 0

    def free(self) -> None:
        self.filler.unlink()

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if p != self.filler)
