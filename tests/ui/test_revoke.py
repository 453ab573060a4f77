"""Settings → Workstations → Revoke, in the window: the lost laptop is locked out, the
practice's keys change under the running window, and the audit trail says so."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.core.errors import RelayError
from desktop.store.audit_query import AuditFilter
from desktop.sync import pairing
from desktop.sync.workstation import Workstation
from desktop.ui.qt import QMessageBox
from tests.support.world import PASSPHRASE
from tests.ui.conftest import unlock


def test_revoking_in_settings_locks_the_laptop_out_and_changes_the_keys(
    qtbot: Any, relay: Any, window: Any, tmp_path: Any
) -> None:
    unlock(qtbot, window)  # Dr Claire Dupont, the practice's administrator
    ws = window.session.workstation
    join = pairing.JoinSession.start(relay.url, "Portable visites")
    try:
        pairing.approve(ws, pairing.claim(ws, join.code))
        assert join.poll() == "done"
        laptop = Workstation(join.finish(tmp_path / "laptop.passerelle", PASSPHRASE))
    finally:
        join.close()
    try:
        pairing.settle(ws)
        laptop.client().get("/v1/me")  # in, for now
        group = window.show_screen("settings").workstations
        group.load()
        qtbot.waitUntil(lambda: not group.loading and group.model.rowCount() == 2,
                        timeout=15000)
        before = ws.identity.enc_pk
        group.table.selectRow(1)
        group.revoke_button.click()
        group.confirmation.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: "is revoked" in group.message.text(), timeout=30000)
        qtbot.waitUntil(lambda: not group.loading
                        and [w.revoked for w in group.model.rows] == [False, True],
                        timeout=15000)
        assert ws.identity.enc_pk != before
        assert window.session.reader.audit_count(
            AuditFilter(action="workstation_revoked")) == 1
        with pytest.raises(RelayError) as refused:
            laptop.client().get("/v1/me")
        assert refused.value.code == "invalid_token"
    finally:
        laptop.store.close()
