"""The store's schema, as numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. Each
migration is a list of statements run in ONE transaction together with the
version bump, so a crash or an error mid-way leaves the file at the previous
version, never between two. Migrations are only ever appended: once a version
has shipped, its statements are frozen.

The statements are kept as separate strings rather than one script because
``executescript`` commits any open transaction first, which would break that
promise. Everything here works on a stdlib ``sqlite3`` connection too, so a
benchmark can build a plain (unencrypted) copy of the same schema with
:func:`apply_all`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.notices import DEFAULT_TEMPLATES
from desktop.core.patient_fields import fold
from desktop.store import audit_chain, journal_keys

# What the inbox shows of a new message: one line, cut short.
PREVIEW_CHARS = 140



def preview_of(body: str) -> str:
    """The SQL for what the inbox shows of a message whose text is ``body`` (an expression)."""
    return f"substr(trim(replace(replace({body}, char(13), ' '), char(10), ' ')), 1, {PREVIEW_CHARS})"


def is_latest(sent_at: str) -> str:
    """The SQL saying whether a message sent at ``sent_at`` becomes its conversation's last."""
    return f"(last_message_at IS NULL OR {sent_at} >= last_message_at)"


_PREVIEW = preview_of("NEW.body")
# The new message becomes the conversation's last one unless an older message
# arrives late (a patient's phone offline for a day): order is by sent_at.
_IS_LATEST = is_latest("NEW.sent_at")

# The inbox's "to process" and "closed" tabs, shared by the partial indexes
# below and the queries (SQLite uses a partial index only for a query that
# repeats its condition). Frozen with V1: a new condition needs new indexes.
TO_PROCESS = (
    "(state = 'requested' OR (state = 'open' AND (unread_count > 0 OR last_sender = 'patient')))"
)
CLOSED = "state IN ('closed', 'declined')"

V1: tuple[str, ...] = (
    # Practice identity, relay address, account ids: text. Keys and tokens live
    # in `secrets` as bytes so that a text setting is never a blob by surprise.
    """CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE secrets (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE practitioners (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        profession        TEXT NOT NULL,
        rpps              TEXT,
        accepts_messaging INTEGER NOT NULL DEFAULT 0 CHECK (accepts_messaging IN (0, 1)),
        created_at        TEXT NOT NULL
    )""",
    """CREATE TABLE patients (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        born             TEXT NOT NULL,
        relay_patient_id TEXT UNIQUE,
        enc_pk           BLOB,
        sign_pk          BLOB,
        enrolled         INTEGER NOT NULL DEFAULT 0 CHECK (enrolled IN (0, 1)),
        created_at       TEXT NOT NULL,
        revoked_at       TEXT
    )""",
    """CREATE TABLE invitations (
        id          TEXT PRIMARY KEY,
        patient_id  TEXT NOT NULL REFERENCES patients (id),
        code        TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        redeemed_at TEXT,
        revoked_at  TEXT
    )""",
    "CREATE INDEX invitations_by_patient ON invitations (patient_id)",
    # last_*, unread_count and activity_at are kept by the triggers below, so
    # that the inbox reads one row per line and never aggregates messages.
    # activity_at (creation, then the newest message) orders the inbox: a
    # conversation without a message yet does not sink to the bottom.
    # num: a stable small integer that places the conversation's messages
    # together in the messages table (see conversations.MESSAGE_ROWID).
    """CREATE TABLE conversations (
        num             INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        patient_id      TEXT REFERENCES patients (id),
        practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
        assigned_to     TEXT REFERENCES practitioners (id),
        category        TEXT NOT NULL
                        CHECK (category IN ('renewal', 'document', 'administrative', 'other')),
        state           TEXT NOT NULL
                        CHECK (state IN ('requested', 'open', 'closed', 'declined')),
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        activity_at     TEXT NOT NULL,
        last_message_at TEXT,
        last_preview    TEXT NOT NULL DEFAULT '',
        last_sender     TEXT CHECK (last_sender IN ('patient', 'practice')),
        unread_count    INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX conversations_by_activity ON conversations (activity_at)",
    "CREATE INDEX conversations_by_state ON conversations (state, activity_at)",
    "CREATE INDEX conversations_by_assignee ON conversations (assigned_to, activity_at)",
    "CREATE INDEX conversations_by_practitioner ON conversations (practitioner_id, activity_at)",
    "CREATE INDEX conversations_by_patient ON conversations (patient_id)",
    # The two tabs whose condition is not one state: an index each that is
    # already in inbox order, so a page is read without sorting the lot.
    f"CREATE INDEX conversations_to_process ON conversations (activity_at) WHERE {TO_PROCESS}",
    f"CREATE INDEX conversations_closed ON conversations (activity_at) WHERE {CLOSED}",
    # An explicit INTEGER PRIMARY KEY: the full-text index refers to messages by
    # rowid, and a declared one survives VACUUM unchanged. Its value is chosen
    # on insert so that a conversation's messages sit together (see
    # conversations.MESSAGE_ROWID).
    """CREATE TABLE messages (
        rowid           INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        sender          TEXT NOT NULL CHECK (sender IN ('patient', 'practice')),
        author          TEXT NOT NULL,
        body            TEXT NOT NULL,
        sent_at         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        delivery        TEXT NOT NULL CHECK (delivery IN ('pending', 'sent', 'delivered', 'read')),
        read_at         TEXT
    )""",
    "CREATE INDEX messages_by_thread ON messages (conversation_id, sent_at)",
    # Small by nature (only what nobody has read yet): marking a thread read
    # finds its unread messages without walking the thread.
    """CREATE INDEX messages_unread ON messages (conversation_id, sent_at)
        WHERE sender = 'patient' AND read_at IS NULL""",
    # External content: the text is stored once, in messages; the index holds
    # tokens only. remove_diacritics 2 folds "résultats" and "resultats".
    """CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body,
        content = 'messages',
        content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (NEW.rowid, NEW.body);
    END""",
    """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', OLD.rowid, OLD.body);
    END""",
    """CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', OLD.rowid, OLD.body);
        INSERT INTO messages_fts (rowid, body) VALUES (NEW.rowid, NEW.body);
    END""",
    f"""CREATE TRIGGER messages_to_conversation AFTER INSERT ON messages BEGIN
        UPDATE conversations SET
            unread_count = unread_count + (NEW.sender = 'patient' AND NEW.read_at IS NULL),
            last_preview = CASE WHEN {_IS_LATEST} THEN {_PREVIEW} ELSE last_preview END,
            last_sender = CASE WHEN {_IS_LATEST} THEN NEW.sender ELSE last_sender END,
            last_message_at = CASE WHEN {_IS_LATEST} THEN NEW.sent_at ELSE last_message_at END,
            activity_at = max(activity_at, NEW.sent_at),
            updated_at = max(updated_at, NEW.received_at)
        WHERE id = NEW.conversation_id;
    END""",
    """CREATE TRIGGER messages_read AFTER UPDATE OF read_at ON messages
        WHEN NEW.sender = 'patient' AND (OLD.read_at IS NULL) != (NEW.read_at IS NULL)
    BEGIN
        UPDATE conversations
        SET unread_count = max(0, unread_count + CASE WHEN NEW.read_at IS NULL THEN 1 ELSE -1 END)
        WHERE id = NEW.conversation_id;
    END""",
    # position gives the sending order; AUTOINCREMENT so that a position is
    # never reused after the last row is sent. id is the Idempotency-Key.
    """CREATE TABLE outbox (
        position        INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        method          TEXT NOT NULL,
        path            TEXT NOT NULL,
        body            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_at TEXT,
        state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed'))
    )""",
    """CREATE TABLE cursors (
        mailbox TEXT PRIMARY KEY,
        cursor  TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE rejected_envelopes (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        seq         INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        received_at TEXT NOT NULL
    )""",
)

# The SQL function V2 uses to fill patients.search_name for the patients
# already there; afterwards the store keeps that column itself (a trigger
# calling it would break every connection that had not registered it).
FOLD_FUNCTION = "passerelle_fold"


def _fold(text: object) -> str:
    return fold(str(text or ""))


_CANNED_REPLIES = (
    (
        "Ordonnance prête",
        (
            "Bonjour,\n\nVotre ordonnance est prête. Vous pouvez la retirer au secrétariat du "
            "cabinet aux heures d'ouverture.\n\nBien cordialement."
        ),
    ),
    (
        "Merci de prendre rendez-vous",
        (
            "Bonjour,\n\nVotre demande nécessite une consultation. Merci de prendre rendez-vous "
            "auprès du secrétariat.\n\nBien cordialement."
        ),
    ),
    (
        "Résultats reçus",
        (
            "Bonjour,\n\nNous avons bien reçu vos résultats. Ils seront examinés et nous "
            "reviendrons vers vous si nécessaire.\n\nBien cordialement."
        ),
    ),
    (
        "Demande bien reçue",
        (
            "Bonjour,\n\nNous avons bien reçu votre message et vous répondrons dans les meilleurs "
            "délais. En cas d'urgence, appelez le 15 ou le 112.\n\nBien cordialement."
        ),
    ),
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


V2: tuple[str, ...] = (
    # What the practice software knows of a patient. external_id is that
    # software's patient number: unique when present (a partial index, since
    # ADD COLUMN cannot declare UNIQUE). search_name is the name folded to
    # lowercase without accents (desktop.core.patient_fields.fold), kept by
    # the store so that a search for "zephyrine" finds "Zéphyrine".
    "ALTER TABLE patients ADD COLUMN sex TEXT CHECK (sex IN ('F', 'M'))",
    "ALTER TABLE patients ADD COLUMN phone TEXT",
    "ALTER TABLE patients ADD COLUMN email TEXT",
    "ALTER TABLE patients ADD COLUMN external_id TEXT",
    "ALTER TABLE patients ADD COLUMN last_visit TEXT",
    "ALTER TABLE patients ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
    """ALTER TABLE patients ADD COLUMN notices_opt_out INTEGER NOT NULL DEFAULT 0
        CHECK (notices_opt_out IN (0, 1))""",
    "ALTER TABLE patients ADD COLUMN search_name TEXT NOT NULL DEFAULT ''",
    f"UPDATE patients SET search_name = {FOLD_FUNCTION}(name)",
    """CREATE UNIQUE INDEX patients_by_external_id ON patients (external_id)
        WHERE external_id IS NOT NULL""",
    "CREATE INDEX patients_by_search_name ON patients (search_name, born)",
    # An absence covers whole local days, both ends included; response_days
    # is the answer time promised to patients, in working days.
    "ALTER TABLE practitioners ADD COLUMN absent_from TEXT",
    "ALTER TABLE practitioners ADD COLUMN absent_until TEXT",
    "ALTER TABLE practitioners ADD COLUMN absence_message TEXT NOT NULL DEFAULT ''",
    """ALTER TABLE practitioners ADD COLUMN response_days INTEGER NOT NULL DEFAULT 2
        CHECK (response_days BETWEEN 0 AND 60)""",
    # Internal notes: never queued to the relay, and kept out of messages_fts
    # so that a search of what patients wrote never surfaces one.
    """CREATE TABLE notes (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        author_id       TEXT NOT NULL REFERENCES practitioners (id),
        body            TEXT NOT NULL,
        created_at      TEXT NOT NULL
    )""",
    "CREATE INDEX notes_by_conversation ON notes (conversation_id, created_at)",
    """CREATE TABLE canned_replies (
        id       INTEGER PRIMARY KEY,
        title    TEXT NOT NULL,
        body     TEXT NOT NULL,
        position INTEGER NOT NULL
    )""",
    # Seeded here rather than at creation: a store upgraded from V1 gets them
    # too, and a practice that deletes them all does not see them come back.
    *(
        f"INSERT INTO canned_replies (title, body, position) "
        f"VALUES ({_quote(title)}, {_quote(body)}, {n})"
        for n, (title, body) in enumerate(_CANNED_REPLIES, start=1)
    ),
    # What the practice did, for a person to look back at. action is
    # desktop.core.AuditAction's value, unchecked here so that a new action
    # needs no migration. AUTOINCREMENT: ids never reused, so id order is
    # the order things happened.
    """CREATE TABLE audit (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        actor_id        TEXT REFERENCES practitioners (id),
        patient_id      TEXT REFERENCES patients (id),
        conversation_id TEXT REFERENCES conversations (id),
        action          TEXT NOT NULL,
        detail          TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX audit_by_patient ON audit (patient_id)",
    "CREATE INDEX audit_by_conversation ON audit (conversation_id)",
    # One automatic absence reply per conversation and absence (known by its
    # first day): a second message during the same absence gets none.
    """CREATE TABLE absence_replies (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
        absent_from     TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        sent_at         TEXT NOT NULL,
        PRIMARY KEY (conversation_id, practitioner_id, absent_from)
    ) WITHOUT ROWID""",
)

V3: tuple[str, ...] = (
    # A patient's request to renew treatments: one row per request, its id the
    # id of the patient's request message (the patient knows it, a decision
    # names it; no foreign key to messages, which may be written later in the
    # same transaction). treatments: JSON list of the names the patient gave;
    # flags: JSON list of the rules' flags, as they stood at the decision.
    """CREATE TABLE renewal_requests (
        id                  TEXT PRIMARY KEY,
        conversation_id     TEXT NOT NULL REFERENCES conversations (id),
        patient_id          TEXT NOT NULL REFERENCES patients (id),
        practitioner_id     TEXT NOT NULL REFERENCES practitioners (id),
        treatments          TEXT NOT NULL,
        message             TEXT NOT NULL DEFAULT '',
        received_at         TEXT NOT NULL,
        state               TEXT NOT NULL DEFAULT 'received' CHECK (
                            state IN ('received', 'approved', 'declined', 'appointment_needed')),
        decided_by          TEXT REFERENCES practitioners (id),
        decided_at          TEXT,
        decision_text       TEXT NOT NULL DEFAULT '',
        override_reason     TEXT,
        flags               TEXT NOT NULL DEFAULT '[]',
        decision_message_id TEXT,
        CHECK ((state = 'received') = (decided_at IS NULL)),
        CHECK ((state = 'received') = (decided_by IS NULL))
    )""",
    # The queue: the requests awaiting a decision, oldest first.
    """CREATE INDEX renewal_requests_waiting ON renewal_requests (received_at)
        WHERE state = 'received'""",
    "CREATE INDEX renewal_requests_by_patient ON renewal_requests (patient_id, received_at)",
    "CREATE INDEX renewal_requests_by_conversation ON renewal_requests (conversation_id)",
    # A decision is taken once, whatever code tries to change it.
    """CREATE TRIGGER renewal_requests_decided_once BEFORE UPDATE OF state ON renewal_requests
        WHEN OLD.state != 'received'
    BEGIN
        SELECT RAISE(ABORT, 'this renewal request was already decided');
    END""",
    # The prescriptions the practice issued, PDF included (inside the
    # encrypted file like everything else). treatments: JSON list of the
    # lines (name, dosage, duration_days, quantity, renewals). A prescription
    # is a signed document: never changed once written.
    """CREATE TABLE prescriptions (
        id                 TEXT PRIMARY KEY,
        patient_id         TEXT NOT NULL REFERENCES patients (id),
        renewal_request_id TEXT UNIQUE REFERENCES renewal_requests (id),
        prescriber_id      TEXT NOT NULL REFERENCES practitioners (id),
        issued_at          TEXT NOT NULL,
        treatments         TEXT NOT NULL,
        pdf                BLOB NOT NULL,
        size               INTEGER NOT NULL,
        sha256             TEXT NOT NULL,
        message_id         TEXT
    )""",
    "CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id, issued_at)",
    # A declined request (or one still waiting) never produces a document.
    """CREATE TRIGGER prescriptions_only_when_approved BEFORE INSERT ON prescriptions
        WHEN NEW.renewal_request_id IS NOT NULL AND (
            SELECT state FROM renewal_requests WHERE id = NEW.renewal_request_id
        ) IS NOT 'approved'
    BEGIN
        SELECT RAISE(ABORT, 'a prescription for a renewal request that is not approved');
    END""",
    """CREATE TRIGGER prescriptions_never_change BEFORE UPDATE ON prescriptions
    BEGIN
        SELECT RAISE(ABORT, 'a prescription is never changed once issued');
    END""",
)


def _template_rows() -> tuple[str, ...]:
    rows = []
    for n, t in enumerate(DEFAULT_TEMPLATES, start=1):
        audience = json.dumps(t.audience.to_dict(), ensure_ascii=False, separators=(",", ":"))
        rows.append(
            "INSERT INTO notice_templates "
            "(key, kind, title, body, audience, replies_allowed, position) VALUES ("
            f"{_quote(t.key or '')}, {_quote(str(t.kind))}, {_quote(t.title)}, {_quote(t.text)}, "
            f"{_quote(audience)}, {int(t.replies_allowed)}, {n})"
        )
    return tuple(rows)


_NOTICE_KINDS = "('prevention', 'practice_organisation')"

V4: tuple[str, ...] = (
    # Notices broadcast to chosen patients. audience: the criteria as JSON
    # (desktop.core.notices.Audience): kept here, inside the encrypted file,
    # and nowhere else; the relay only ever sees one envelope per mailbox.
    # send_after: not before this time (a scheduled notice).
    f"""CREATE TABLE notices (
        id              TEXT PRIMARY KEY,
        kind            TEXT NOT NULL CHECK (kind IN {_NOTICE_KINDS}),
        title           TEXT NOT NULL,
        body            TEXT NOT NULL,
        replies_allowed INTEGER NOT NULL DEFAULT 0 CHECK (replies_allowed IN (0, 1)),
        audience        TEXT NOT NULL,
        author_id       TEXT REFERENCES practitioners (id),
        created_at      TEXT NOT NULL,
        prepared_at     TEXT NOT NULL,
        send_after      TEXT,
        state           TEXT NOT NULL DEFAULT 'prepared'
                        CHECK (state IN ('prepared', 'sending', 'sent', 'cancelled')),
        sent_at         TEXT
    )""",
    "CREATE INDEX notices_by_date ON notices (prepared_at)",
    # One row per patient a notice goes to; the state only moves forward
    # (queued, handed_over, delivered, read). A patient is handed over in the
    # transaction that queues his sealed copy in the outbox (outbox_id, the
    # row's id and the relay's Idempotency-Key): after a crash he is either
    # still queued, or his copy waits in the outbox, never both, never neither.
    """CREATE TABLE notice_recipients (
        notice_id             TEXT NOT NULL REFERENCES notices (id),
        patient_id            TEXT NOT NULL REFERENCES patients (id),
        state                 TEXT NOT NULL DEFAULT 'queued'
                              CHECK (state IN ('queued', 'handed_over', 'delivered', 'read')),
        outbox_id             TEXT,
        handed_over_at        TEXT,
        delivered_at          TEXT,
        read_at               TEXT,
        replied_at            TEXT,
        reply_conversation_id TEXT,
        CHECK ((state = 'queued') = (outbox_id IS NULL)),
        PRIMARY KEY (notice_id, patient_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX notice_recipients_by_patient ON notice_recipients (patient_id)",
    # The next batch to seal: the recipients still queued, in a fixed order.
    """CREATE INDEX notice_recipients_queued ON notice_recipients (notice_id, patient_id)
        WHERE state = 'queued'""",
    # The practice's starting points. key names the ones Passerelle provides
    # (NULL for the practice's own); they are the practice's to edit.
    f"""CREATE TABLE notice_templates (
        id              INTEGER PRIMARY KEY,
        key             TEXT UNIQUE,
        kind            TEXT NOT NULL CHECK (kind IN {_NOTICE_KINDS}),
        title           TEXT NOT NULL,
        body            TEXT NOT NULL,
        audience        TEXT NOT NULL,
        replies_allowed INTEGER NOT NULL DEFAULT 0 CHECK (replies_allowed IN (0, 1)),
        position        INTEGER NOT NULL
    )""",
    # Seeded here, like the canned replies: a store upgraded from V3 gets them
    # too. The texts are desktop.core.notices.DEFAULT_TEMPLATES as V4 shipped
    # them; a later change to those reaches existing stores only through a
    # migration of its own.
    *_template_rows(),
)

# V5: documents. A document's ciphertext chunks are kept as they came from the
# relay (sealed with the document's own key, inside the SQCipher file): nothing
# is ever decrypted to disk. The key (key + stream header) lives in the row,
# itself inside the encrypted store.
V5: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS documents (
        blob_id         TEXT PRIMARY KEY,
        conversation_id TEXT,
        message_id      TEXT,
        sender          TEXT NOT NULL CHECK (sender IN ('practice', 'patient')),
        name            TEXT NOT NULL,
        type            TEXT NOT NULL,
        size            INTEGER NOT NULL CHECK (size > 0),
        sha256          TEXT NOT NULL,
        blob_key        BLOB NOT NULL,
        chunk_count     INTEGER NOT NULL CHECK (chunk_count > 0),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'complete')),
        created_at      TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS documents_by_conversation ON documents (conversation_id)",
    """CREATE TABLE IF NOT EXISTS document_chunks (
        blob_id TEXT NOT NULL REFERENCES documents (blob_id) ON DELETE CASCADE,
        idx     INTEGER NOT NULL CHECK (idx >= 0),
        data    BLOB NOT NULL,
        PRIMARY KEY (blob_id, idx)
    ) WITHOUT ROWID""",
)

# V6: documents the practice sends, and downloads that failed. A document the
# practice attaches is encrypted into document_chunks at once (state
# 'complete') and uploaded by sync later: ``uploaded`` says whether the relay
# has it all. ``last_error`` keeps why a download was refused (a document that
# does not match its digest is not fetched again on its own).
V6: tuple[str, ...] = (
    "ALTER TABLE documents ADD COLUMN uploaded INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE documents ADD COLUMN last_error TEXT",
    "CREATE INDEX IF NOT EXISTS documents_to_fetch ON documents (created_at) WHERE state = 'pending'",
)

# V7: a patient's message sent despite the web app's urgent-wording warning (the flag
# travels inside its envelope). The conversation stays ``urgent`` — first in the inbox —
# until the practice writes in it.
V7: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS urgent_messages (
        message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
    ) WITHOUT ROWID""",
    "ALTER TABLE conversations ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
    """CREATE TRIGGER IF NOT EXISTS urgent_message_marks_conversation
    AFTER INSERT ON urgent_messages BEGIN
        UPDATE conversations SET urgent = 1
        WHERE id = (SELECT conversation_id FROM messages WHERE id = NEW.message_id);
    END""",
    """CREATE TRIGGER IF NOT EXISTS practice_message_answers_urgent
    AFTER INSERT ON messages WHEN NEW.sender = 'practice' BEGIN
        UPDATE conversations SET urgent = 0 WHERE id = NEW.conversation_id AND urgent = 1;
    END""",
)

# V8: people and their rights (desktop.core.rights), and a chained, append-only audit
# trail (desktop.store.audit_chain). Every person of the practice is a row of
# practitioners (its name kept: assistants join the practitioners there, role
# 'assistant', profession ''). secret: an Argon2id verifier (PyNaCl's string form),
# never the secret; NULL until the person sets one. Existing practitioners become
# people without a secret and nobody is administrator: the first unlock after the
# upgrade asks for the administrator to be set up (desktop.store.people).
# audit.workstation: which workstation did it; digest, hash: the chain.
V8: tuple[Any, ...] = (
    """ALTER TABLE practitioners ADD COLUMN role TEXT NOT NULL DEFAULT 'practitioner'
        CHECK (role IN ('practitioner', 'assistant'))""",
    """ALTER TABLE practitioners ADD COLUMN administrator INTEGER NOT NULL DEFAULT 0
        CHECK (administrator IN (0, 1))""",
    """ALTER TABLE practitioners ADD COLUMN active INTEGER NOT NULL DEFAULT 1
        CHECK (active IN (0, 1))""",
    "ALTER TABLE practitioners ADD COLUMN secret TEXT",
    "ALTER TABLE audit ADD COLUMN workstation TEXT NOT NULL DEFAULT ''",
    """ALTER TABLE audit ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0
        CHECK (redacted IN (0, 1))""",
    "ALTER TABLE audit ADD COLUMN digest BLOB",
    "ALTER TABLE audit ADD COLUMN hash BLOB",
    "CREATE INDEX audit_by_actor ON audit (actor_id)",
    "CREATE INDEX audit_by_action ON audit (action)",
    "CREATE INDEX audit_by_time ON audit (at)",
    """CREATE TABLE audit_head (
        one       INTEGER PRIMARY KEY CHECK (one = 1),
        last_id   INTEGER NOT NULL,
        last_hash BLOB NOT NULL
    )""",
    audit_chain.seal_all,
    *audit_chain.TRIGGERS.values(),
)

# V9: a run of messages stored together (a page of a sync: up to a thousand)
# keeps the full-text index and its conversations' summary itself, once for
# the run, instead of row by row through the triggers: FTS5 writes its
# pending terms to disk at every statement inside a transaction, a segment per
# message, which made the index cost ten times what indexing the run in one
# statement does (conversations.add_messages_once). While a run goes in, its
# transaction holds the one row of message_runs, and the two triggers stand
# aside; the row goes before the transaction ends, and a crash takes it away
# with the rest. Every other way a message comes in still goes through them.
V9: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS message_runs (running INTEGER PRIMARY KEY CHECK (running = 1))",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN NOT EXISTS (SELECT 1 FROM message_runs)
    BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (NEW.rowid, NEW.body);
    END""",
    "DROP TRIGGER IF EXISTS messages_to_conversation",
    f"""CREATE TRIGGER messages_to_conversation AFTER INSERT ON messages
        WHEN NOT EXISTS (SELECT 1 FROM message_runs)
    BEGIN
        UPDATE conversations SET
            unread_count = unread_count + (NEW.sender = 'patient' AND NEW.read_at IS NULL),
            last_preview = CASE WHEN {_IS_LATEST} THEN {_PREVIEW} ELSE last_preview END,
            last_sender = CASE WHEN {_IS_LATEST} THEN NEW.sender ELSE last_sender END,
            last_message_at = CASE WHEN {_IS_LATEST} THEN NEW.sent_at ELSE last_message_at END,
            activity_at = max(activity_at, NEW.sent_at),
            updated_at = max(updated_at, NEW.received_at)
        WHERE id = NEW.conversation_id;
    END""",
)

def _journal_keys(connection: Any) -> None:
    """An enrolled store gets its workstation's own keys and, as the practice's first
    workstation, the decision secret (desktop.store.journal_keys)."""
    journal_keys.ensure_workstation(connection)


# V10: the practice journal (desktop.core.journal, desktop.store.journal). journal_events:
# every event this workstation holds, its own ('pending' until the relay accepted it, then
# 'accepted') and the others' ('remote'); seq is the relay's. journal_fields: each
# replicated field's winning value and the stamp that set it (the stamp names the
# workstation): where a row came from and its clock. journal_decisions: the decision that
# stands per (kind, entity, round). journal_workstations: the trusted set, whose keys an
# entry must be signed by to be believed. journal_refusals: our decisions the relay refused
# (another workstation decided first), kept until the person has been told. journal_unread:
# entries that could not be opened yet (a workstation not trusted yet, a key not held),
# kept sealed to be tried again when the trusted set or the keys change.
# outbox.after_journal: a request held back until that journal event is accepted, dropped
# if it is refused (the prescription of a renewal decision another workstation beat).
V10: tuple[Any, ...] = (
    """CREATE TABLE journal_events (
        client_id   TEXT PRIMARY KEY,
        seq         INTEGER,
        kind        TEXT NOT NULL,
        entity      TEXT NOT NULL,
        fields      TEXT NOT NULL,
        hlc         TEXT NOT NULL,
        workstation TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'remote'))
    ) WITHOUT ROWID""",
    "CREATE INDEX journal_events_pending ON journal_events (hlc) WHERE state = 'pending'",
    "CREATE INDEX journal_events_by_entity ON journal_events (kind, entity)",
    """CREATE TABLE journal_fields (
        kind   TEXT NOT NULL,
        entity TEXT NOT NULL,
        name   TEXT NOT NULL,
        value  TEXT NOT NULL,
        hlc    TEXT NOT NULL,
        PRIMARY KEY (kind, entity, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE journal_decisions (
        kind      TEXT NOT NULL,
        entity    TEXT NOT NULL,
        round     TEXT NOT NULL,
        client_id TEXT NOT NULL,
        hlc       TEXT NOT NULL,
        PRIMARY KEY (kind, entity, round)
    ) WITHOUT ROWID""",
    """CREATE TABLE journal_workstations (
        account_id TEXT PRIMARY KEY,
        sign_pk    BLOB NOT NULL,
        enc_pk     BLOB,
        name       TEXT NOT NULL DEFAULT '',
        added_at   TEXT,
        added_by   TEXT,
        revoked_at TEXT
    ) WITHOUT ROWID""",
    """CREATE TABLE journal_refusals (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        entity      TEXT NOT NULL,
        fields      TEXT NOT NULL,
        decided_by  TEXT NOT NULL,
        decided_at  TEXT NOT NULL,
        winner_id   TEXT,
        refused_at  TEXT NOT NULL,
        seen        INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1))
    )""",
    """CREATE TABLE journal_unread (
        seq       INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL,
        envelope  BLOB NOT NULL,
        reason    TEXT NOT NULL
    )""",
    "ALTER TABLE outbox ADD COLUMN after_journal TEXT",
    "CREATE INDEX outbox_after_journal ON outbox (after_journal) WHERE after_journal IS NOT NULL",
    _journal_keys,
)

# V11: what the practice's workstations share (desktop.store.replicate). A canned reply
# gets a uid, the same on every workstation (its integer id is each store's own): the
# four every store starts with are seed-1 … seed-4 everywhere, so that a new workstation's
# copies are the practice's. audit.origin: the journal event that carries a line to the
# other workstations, or brought it from one, so that it goes in once.
def _history_to_publish(connection: Any) -> None:
    """A store with a past publishes it once (desktop.store.replicate_history)."""
    from desktop.store.replicate_history import mark_if_needed  # imports the store's modules

    mark_if_needed(connection)


V11: tuple[Any, ...] = (
    "ALTER TABLE canned_replies ADD COLUMN uid TEXT",
    f"UPDATE canned_replies SET uid = 'seed-' || id WHERE id <= {len(_CANNED_REPLIES)}",
    "UPDATE canned_replies SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL",
    "CREATE UNIQUE INDEX canned_replies_by_uid ON canned_replies (uid)",
    "ALTER TABLE audit ADD COLUMN origin TEXT",
    "CREATE UNIQUE INDEX audit_by_origin ON audit (origin) WHERE origin IS NOT NULL",
    _history_to_publish,
)

# MIGRATIONS[n - 1] brings a file from version n - 1 to version n. A step is an SQL
# statement, or a function of the connection (V8 chains the audit rows in Python).
MIGRATIONS: tuple[Sequence[Any], ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11)


def version(connection: Any) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: Any, migrations: Sequence[Sequence[str]] | None = None) -> int:
    """Bring the file up to the newest version; returns the version it had before.

    ``connection`` must not be inside a transaction. A file newer than this code
    is refused untouched: an older Passerelle must not write to a schema it
    does not know.
    """
    if migrations is None:
        migrations = MIGRATIONS  # looked up now, so that a test can add a version
    found = version(connection)
    connection.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    if found > len(migrations):
        raise StoreError(
            f"This store was made by a newer version of Passerelle (schema {found}, this "
            f"version knows up to {len(migrations)}). Update Passerelle to open it."
        )
    for number in range(found + 1, len(migrations) + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated
            # the file between our first look and this transaction.
            if version(connection) >= number:
                connection.execute("ROLLBACK")
                continue
            for statement in migrations[number - 1]:
                if callable(statement):
                    statement(connection)
                else:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {int(number)}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return found


def apply_all(connection: Any) -> None:
    """Create the whole current schema on an empty database of either driver."""
    migrate(connection)
