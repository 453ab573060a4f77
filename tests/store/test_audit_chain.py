"""The audit trail is append-only and chained: what the raw SQLCipher connection does to it
behind Passerelle's back is found at the next unlock."""

from __future__ import annotations

import pytest
import sqlcipher3

from desktop.core.model import AuditAction
from desktop.store import Store, audit_chain, migrations
from tests.store.conftest import PASSPHRASE


def _trail(store: Store, n: int = 5) -> list[int]:
    doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", "10001234567")
    jean = store.add_patient("Jean Martin", "1961-04-02")
    return [store.record_audit(AuditAction.PATIENT_EDITED, doctor.id, jean.id, detail=f"n{i}")
            for i in range(n)]


def test_the_triggers_refuse_update_and_delete(store):
    ids = _trail(store)
    c = store._conn
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        c.execute("DELETE FROM audit WHERE id = ?", (ids[1],))
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        c.execute("UPDATE audit SET detail = 'autre' WHERE id = ?", (ids[1],))
    assert store.audit_check is not None and store.audit_check.intact


@pytest.mark.parametrize("tamper", ["delete", "alter", "delete_last"])
def test_a_row_removed_or_altered_by_hand_is_found_at_the_next_unlock(store_path, tamper):
    with Store.create(store_path, PASSPHRASE) as store:
        ids = _trail(store)
        assert store.audit_check.intact
    with Store.open(store_path, PASSPHRASE) as store:
        c = store._conn  # the raw SQLCipher connection, as any tool with the key has it
        c.execute("DROP TRIGGER audit_append_only_delete")
        c.execute("DROP TRIGGER audit_append_only_update")
        if tamper == "delete":
            c.execute("DELETE FROM audit WHERE id = ?", (ids[2],))
        elif tamper == "alter":
            c.execute("UPDATE audit SET detail = 'rien' WHERE id = ?", (ids[2],))
        else:
            c.execute("DELETE FROM audit WHERE id = ?", (ids[-1],))
    with Store.open(store_path, PASSPHRASE) as store:
        report = store.audit_check
        assert not report.intact
        expected = ids[-1] if tamper == "delete_last" else ids[2]
        assert report.broken_at == expected
        assert str(expected) in report.reason
        assert set(report.triggers_restored) == {
            "audit_append_only_delete", "audit_append_only_update"}
        # Put back: the trail is append-only again.
        with pytest.raises(sqlcipher3.IntegrityError):
            store._conn.execute("DELETE FROM audit")


def test_erasure_redacts_through_the_one_sanctioned_change_and_the_chain_holds(store):
    ids = _trail(store)
    jean = store.audit()[0].patient_id
    with store.transaction(), store._writing() as c:
        assert audit_chain.redact_patient(c, jean, []) == len(ids)
        store.record_audit(AuditAction.PATIENT_ERASED, None)
    assert all(e.patient_id is None and e.detail == "" for e in store.audit()[1:])
    assert audit_chain.verify(store._conn).intact
    # A redaction is not a way to alter a row: anything else still refused.
    with pytest.raises(sqlcipher3.IntegrityError):
        store._conn.execute("UPDATE audit SET action = 'x', redacted = 1 WHERE id = ?", (ids[0],))


def test_an_upgraded_store_has_its_existing_rows_chained(store_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
    store = Store.create(store_path, PASSPHRASE)
    c = store._conn
    c.execute("INSERT INTO practitioners (id, name, profession, created_at) "
              "VALUES ('p1', 'Dr Ancien', 'Médecin', '2025-01-01T00:00:00.000000Z')")
    for i in range(3):
        c.execute("INSERT INTO audit (at, actor_id, action, detail) VALUES "
                  "('2025-01-01T00:00:00.000000Z', 'p1', 'patient_edited', ?)", (f"n{i}",))
    store.close()
    monkeypatch.undo()
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.audit_check.intact and store.audit_check.rows == 3
        # The practitioner became a person without a secret: an administrator is needed.
        [old] = store.people()
        assert old.role == "practitioner" and not old.has_secret and not old.administrator
        assert store.needs_administrator()
