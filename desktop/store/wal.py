"""Reading a store's write-ahead log as SQLite will, before SQLite does.

After a crash the ``-wal`` holds the last committed transactions. When SQLite
next opens the store it replays the log up to the first frame whose checksum
or salts are wrong and silently forgets everything after it, committed or
not. This module walks the log the same way (the format is SQLite's
``wal.c``: a 32-byte header, then frames of a 24-byte header and one page),
so that the store can

- see the current version of each page (the newest frame SQLite will keep,
  else the file's own), to prove a key without letting SQLite touch the files;
- notice committed transactions that SQLite is about to drop: frames that
  belong to this log (they repeat the header's salts), pass their own
  checksum, and close a transaction, but sit after a bad frame.

Pure reading: nothing here writes.
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
_MAGIC_LITTLE = 0x377F0682  # checksums over little-endian words
_MAGIC_BIG = 0x377F0683  # checksums over big-endian words
_MASK = 0xFFFFFFFF


@dataclass
class WalLog:
    """What SQLite will make of a ``-wal`` file, and what it will throw away."""

    page_size: int
    #: Offset in the log of the newest kept frame of each page: the current version.
    pages: dict[int, int] = field(default_factory=dict)
    #: Frames SQLite will replay (up to the last commit before the first bad frame).
    kept_frames: int = 0
    #: Index (from 0) of the first frame of this log that fails its checksum, if any.
    first_bad_frame: int | None = None
    #: Transactions committed after the first bad frame: SQLite will drop them.
    dropped_commits: int = 0

    @property
    def drops_commits(self) -> bool:
        return self.dropped_commits > 0


def wal_path(path: Path) -> Path:
    return Path(str(path) + "-wal")


def _checksum(big_endian: bool, data: bytes, s1: int, s2: int) -> tuple[int, int]:
    """SQLite's WAL checksum (``walChecksumBytes``): two running sums over word pairs."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    it = iter(words)
    for x0, x1 in zip(it, it, strict=True):
        s1 = (s1 + x0 + s2) & _MASK
        s2 = (s2 + x1 + s1) & _MASK
    return s1, s2


def read(path: Path, page_size: int) -> WalLog | None:
    """The log beside the store at ``path``; ``None`` when there is none to replay.

    ``page_size``: the store's; a log with another (or a header that fails
    its checksum, which SQLite ignores whole) is reported as having dropped
    whatever commits its frames carry.
    """
    try:
        data = wal_path(path).read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < HEADER_BYTES:
        return None
    frame_bytes = FRAME_HEADER_BYTES + page_size
    log = WalLog(page_size)
    magic, _version, size, _seq = struct.unpack(">4I", data[:16])
    big = magic == _MAGIC_BIG
    header_sums = struct.unpack(">2I", data[24:32])
    if (
        magic not in (_MAGIC_LITTLE, _MAGIC_BIG)
        or size != page_size
        or _checksum(big, data[:24], 0, 0) != header_sums
    ):
        # SQLite ignores such a log entirely: any commit in it is lost.
        log.first_bad_frame = 0
        log.dropped_commits = _commits_without_header(data, frame_bytes)
        return log
    salts = data[16:24]
    sums = header_sums
    in_order = True  # every frame so far passed: SQLite still replays
    offset = HEADER_BYTES
    index = 0
    pending: dict[int, int] = {}  # pages of the transaction not yet committed
    while offset + frame_bytes <= len(data):
        head = data[offset : offset + FRAME_HEADER_BYTES]
        page_number, commit = struct.unpack(">2I", head[:8])
        if head[8:16] != salts:
            # From an older log, or this frame's salts are damaged: SQLite stops here.
            if in_order:
                log.first_bad_frame = index
                in_order = False
            sums = struct.unpack(">2I", head[16:24])
            offset += frame_bytes
            index += 1
            continue
        stored = struct.unpack(">2I", head[16:24])
        # Seeded with the previous frame's stored sums, each frame is judged on its own,
        # so that good frames after a bad one are still recognised.
        computed = _checksum(big, head[:8], *sums)
        computed = _checksum(big, data[offset + FRAME_HEADER_BYTES : offset + frame_bytes],
                             *computed)
        good = computed == stored and page_number != 0
        if in_order and good:
            pending[page_number] = offset
            if commit:
                log.pages.update(pending)
                pending.clear()
                log.kept_frames = index + 1
        else:
            if in_order:
                log.first_bad_frame = index
                in_order = False
            if commit:
                log.dropped_commits += 1
        sums = stored
        offset += frame_bytes
        index += 1
    return log


def _commits_without_header(data: bytes, frame_bytes: int) -> int:
    """Commit frames in a log whose header is unreadable (their salts agreeing with the first)."""
    commits = 0
    first_salts: bytes | None = None
    for offset in range(HEADER_BYTES, len(data) - frame_bytes + 1, frame_bytes):
        head = data[offset : offset + FRAME_HEADER_BYTES]
        first_salts = first_salts or head[8:16]
        if head[8:16] == first_salts and struct.unpack(">I", head[4:8])[0]:
            commits += 1
    return commits


def current_page(path: Path, log: WalLog | None, number: int, page_size: int) -> bytes:
    """Page ``number`` as SQLite will read it: the newest kept frame, else the file's."""
    if log is not None and number in log.pages:
        with open(wal_path(path), "rb") as f:
            f.seek(log.pages[number] + FRAME_HEADER_BYTES)
            return f.read(page_size)
    with open(path, "rb") as f:
        f.seek((number - 1) * page_size)
        return f.read(page_size)


# SQLite's unix VFS: every connection to a WAL store holds a read lock on this byte
# of the -shm ("DMS", os_unix.c: UNIX_SHM_BASE 120 + 8 lock bytes).
_SHM_DMS_BYTE = 128


def in_use_elsewhere(path: Path) -> bool:
    """Whether another process has the store open now (its log is live, not left by a crash).

    Asks the system who holds SQLite's lock on the ``-shm`` without taking it
    (``F_GETLK``), so an opening in another process is never disturbed. Where
    that cannot be asked (Windows), ``False``: the log is then checked as if
    left by a crash, which at worst re-fetches from the relay for nothing.
    """
    try:
        import fcntl
    except ImportError:
        return False
    if sys.platform.startswith("linux"):
        layout, order = "@hhqqi4x", ("type", "whence", "start", "len", "pid")
    elif sys.platform == "darwin":
        layout, order = "@qqihh", ("start", "len", "pid", "type", "whence")
    else:
        return False
    fields = {"type": fcntl.F_WRLCK, "whence": os.SEEK_SET, "start": _SHM_DMS_BYTE, "len": 1,
              "pid": 0}
    try:
        fd = os.open(str(path) + "-shm", os.O_RDONLY)
    except OSError:
        return False  # no -shm: nobody has it open
    try:
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack(layout, *(fields[k] for k in order)))
    except OSError:
        return False
    finally:
        os.close(fd)
    return dict(zip(order, struct.unpack(layout, answer), strict=True))["type"] != fcntl.F_UNLCK
