"""``passerelle backup`` and ``passerelle restore`` at the command line, on real files."""

from __future__ import annotations

import os
import subprocess
import sys

from desktop.store import Store
from tests.store.conftest import PASSPHRASE


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], capture_output=True,
                          check=False,
                          text=True, env=env, timeout=120)


def test_backup_now_then_restore_from_the_command_line(practice, tmp_path):
    path = practice.store.path
    practice.store.close()
    env = {**os.environ, "PASSERELLE_PASSPHRASE": PASSPHRASE, "PASSERELLE_STORE": str(path)}
    usb = tmp_path / "usb"
    usb.mkdir()

    refused = _cli("backup", "now", "--to", str(usb), env=env)
    assert refused.returncode == 2 and "no recovery key" in refused.stderr
    made_key = _cli("backup", "new-key", env=env)
    assert made_key.returncode == 0, made_key.stderr
    key = made_key.stdout.splitlines()[1].strip()
    gone = _cli("backup", "now", "--to", str(tmp_path / "unplugged"), env=env)
    assert gone.returncode == 2 and "cannot be reached" in gone.stderr
    done = _cli("backup", "now", "--to", str(usb), env=env)
    assert done.returncode == 0, done.stderr
    [backup] = list(usb.iterdir())
    assert str(backup) in done.stdout and "checked" in done.stdout

    target = tmp_path / "restored.passerelle"
    env_restore = {**env, "PASSERELLE_STORE": str(target), "PASSERELLE_RECOVERY_KEY": "A" * 30,
                   "PASSERELLE_NEW_PASSPHRASE": "une phrase pour la suite"}
    wrong = _cli("restore", str(backup), "--new-from-env", env=env_restore)
    assert wrong.returncode == 2 and "recovery key" in wrong.stderr and not target.exists()
    env_restore["PASSERELLE_RECOVERY_KEY"] = key
    ok = _cli("restore", str(backup), "--new-from-env", env=env_restore)
    assert ok.returncode == 0, ok.stderr
    with Store.open(target, "une phrase pour la suite") as restored:
        assert restored.count_patients() == 2
    again = _cli("restore", str(backup), "--new-from-env", env=env_restore)
    assert again.returncode == 2 and "already exists" in again.stderr
