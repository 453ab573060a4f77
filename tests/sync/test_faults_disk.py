"""A patient's file on a full disk: one clear sentence, the previous file intact, no debris.

The disk is real: a 1 MiB tmpfs mounted for the test and filled up. Where
mounting is refused (a container without the right), the command runs with
RLIMIT_FSIZE below the file's size instead, which the kernel enforces the same
way on every write (EFBIG instead of ENOSPC). The patient is the command line,
``python -m desktop.patient``, as a person runs it.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.relay import REPO
from tests.support.world import PASSPHRASE


def _mount_small_disk(where: Path) -> bool:
    where.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)],
            capture_output=True, timeout=30, check=False,
        )
    except OSError:
        return False
    return done.returncode == 0


def _fill(directory: Path) -> None:
    """Write a filler file until the file system refuses a single byte more."""
    with open(directory / "filler", "wb", buffering=0) as f:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC


@pytest.fixture()
def small_disk(tmp_path):
    """A directory on a 1 MiB disk, and whether it really is one (else: use the file limit)."""
    disk = tmp_path / "disk"
    mounted = _mount_small_disk(disk)
    yield disk, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(disk)], check=False, timeout=30)


def _patient(args: list[str], file_limit: int | None = None) -> subprocess.CompletedProcess:
    env = os.environ | {
        "PASSERELLE_PATIENT_PASSPHRASE": PASSPHRASE,
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    }

    def limit() -> None:
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG rather than a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, "-m", "desktop.patient", *args], env=env, capture_output=True,
        text=True, timeout=120, preexec_fn=limit, check=False,
    )


def test_a_full_disk_says_so_keeps_the_previous_file_and_leaves_no_temp_file(
    relay, practice, small_disk
):
    disk, mounted = small_disk
    state = disk / "jean.patient"
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, "other", "Première question")
    jean.save(state, PASSPHRASE)
    jean.close()
    before = state.read_bytes()

    if mounted:
        _fill(disk)
        limit = None
    else:
        limit = len(before) // 2
    print("a full tmpfs" if mounted else f"RLIMIT_FSIZE of {limit} bytes (mount refused)")

    done = _patient(["write", "--state", str(state), "--conversation", conv,
                     "--text", "Écrit sur un disque plein"], limit)
    assert done.returncode != 0
    assert "The disk is full" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert state.read_bytes() == before, "the previous patient file must be left as it was"
    assert sorted(p.name for p in disk.iterdir()) == sorted(
        ["jean.patient"] + (["filler"] if mounted else [])
    ), "no temporary file may be left behind"

    # Room again: the message the relay took is not lost, the next sync brings it home.
    if mounted:
        (disk / "filler").unlink()
    assert _patient(["sync", "--state", str(state)]).returncode == 0
    shown = _patient(["read", "--state", str(state), "--conversation", conv, "--json"])
    assert shown.returncode == 0, shown.stderr
    texts = [m["text"] for m in json.loads(shown.stdout)]
    assert texts == ["Première question", "Écrit sur un disque plein"]


def test_an_invitation_is_not_spent_when_there_is_no_room_for_the_patient_file(
    relay, practice, small_disk
):
    disk, mounted = small_disk
    state = disk / "jean.patient"
    patient = practice.store.add_patient("Jean Martin", "1961-04-02")
    code = practice.workstation.invite(patient.id)
    practice.sync()
    if mounted:
        _fill(disk)
    redeem = ["redeem", "--state", str(state), "--relay", relay.url, "--code", code]

    done = _patient(redeem, None if mounted else 1000)
    assert done.returncode != 0
    assert "The disk is full" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert sorted(p.name for p in disk.iterdir()) == (["filler"] if mounted else [])

    # The code was not spent: with room again, it enrols.
    if mounted:
        (disk / "filler").unlink()
    done = _patient(redeem)
    assert done.returncode == 0, done.stderr
    assert "Enrolled with Cabinet Dupont" in done.stdout
