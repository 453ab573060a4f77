"""The relay's tables and its connection to SQLite or PostgreSQL.

Only routing facts, hashes, ciphertext, sizes and times live here (see
docs/PROTOCOL.md, "What the relay knows"). The practice label given to
``create-practice`` is the one name in the whole database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Dialect,
    Double,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url

# Tables added later (practice_profiles, notices, blobs, workstations, pairings, journals,
# journal_entries) are created by ``create_all`` when a
# relay starts on an older database: a new table needs no version bump. A
# change to an existing table does, with a step in ``_MIGRATIONS`` to go with it.
SCHEMA_VERSION = 3

# Session-level lock key for schema creation, so that several relay processes
# starting together on one PostgreSQL database do not race on CREATE TABLE.
_SCHEMA_LOCK_KEY = 0x50A55E11


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both backends.

    SQLite has no time zone type: the value is stored as naive UTC text, which
    also keeps lexical and chronological order the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the relay database")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

# One ordered event log per practice and per patient; last_seq is the counter
# appends increment under the row lock.
mailboxes = Table(
    "mailboxes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("last_seq", BigInteger, nullable=False, default=0),
)

practices = Table(
    "practices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("label", Text, nullable=False),  # the operator's own label, the only name stored
    Column("mailbox_id", ForeignKey("mailboxes.id"), nullable=False, unique=True),
    Column("enrolment_token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("enrolled_at", UTCDateTime, nullable=True),
    Column("enc_pk", LargeBinary(32), nullable=True),
    Column("sign_pk", LargeBinary(32), nullable=True),
    Column("password_hash", Text, nullable=True),  # argon2id, from nacl.pwhash
    Column("created_at", UTCDateTime, nullable=False),
)

patients = Table(
    "patients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False, index=True),
    Column("mailbox_id", ForeignKey("mailboxes.id"), nullable=False, unique=True),
    Column("invitation_id", ForeignKey("invitations.id"), nullable=False, unique=True),
    Column("enrolled_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False),
    Column("patient_id", ForeignKey("patients.id"), nullable=True, index=True),
    Column("role", String(16), nullable=False),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "(role = 'practice' AND patient_id IS NULL)"
        " OR (role = 'patient' AND patient_id IS NOT NULL)",
        name="account_role",
    ),
)

practitioners = Table(
    "practitioners",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False, index=True),
    Column("accepts_messaging", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False),
    Column("lookup", LargeBinary(32), nullable=False, unique=True),  # SHA-256(redeem token)
    Column("welcome", LargeBinary, nullable=False),  # ciphertext
    Column("expires_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),  # pending | used | revoked
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False),
    Column("patient_id", ForeignKey("patients.id"), nullable=False),
    Column("practitioner_id", ForeignKey("practitioners.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Counting a patient's open requests (the too_many_open_requests rule).
    Index("ix_conversations_patient_state", "patient_id", "state"),
)

# What was written into a conversation, keyed by the client's id: messages
# (the request's first one included) and state changes. The id is how retries
# are recognised and what receipts refer to; the envelope is stored once here
# even though its event goes to two mailboxes.
items = Table(
    "items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", ForeignKey("conversations.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # message | state
    Column("sender", String(16), nullable=False),  # practice | patient
    Column("state", String(16), nullable=True),  # for kind = state
    Column("envelope", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# The mailbox logs. payload is the event rendered as a JSON object at append
# time (so a page is a string join, not a per-field rebuild); an event that
# carries an envelope points at its item instead of copying it.
events = Table(
    "events",
    metadata,
    Column("mailbox_id", ForeignKey("mailboxes.id"), nullable=False),
    Column("seq", BigInteger, nullable=False, autoincrement=False),
    Column("item_id", ForeignKey("items.id"), nullable=True),
    Column("payload", Text, nullable=False),
    # When it was appended (as in the payload), for the retention purge (schema 3).
    Column("created_at", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("mailbox_id", "seq"),
    Index("ix_events_created_at", "created_at"),
    # SQLite: store the log clustered on (mailbox, seq); a page is one range scan.
    sqlite_with_rowid=False,
)

# The practice profile (response times, absences, address): one opaque blob
# per practice, encrypted and signed by the practice, readable by its
# patients only. version only ever grows: a stale write is refused.
practice_profiles = Table(
    "practice_profiles",
    metadata,
    Column("practice_id", ForeignKey("practices.id"), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("blob", LargeBinary, nullable=False),  # ciphertext
    Column("updated_at", UTCDateTime, nullable=False),
)

# Notices broadcast by a practice: the relay knows a notice's id, its
# practice, and which patients it was delivered to (each once, forever), never
# its text nor why those patients were chosen. The envelopes travel in the
# patients' mailbox events (one per patient, carried in the event itself).
notices = Table(
    "notices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

notice_deliveries = Table(
    "notice_deliveries",
    metadata,
    Column("notice_id", ForeignKey("notices.id"), nullable=False),
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("notice_id", "patient_id"),
)

# Documents: encrypted blobs, uploaded in chunks. A blob belongs to one conversation
# (who may read it follows from it); the relay knows its size and chunk count, never
# its key, name, type or content. chunk_id is BLAKE2b-256 of the chunk's ciphertext.
blobs = Table(
    "blobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", ForeignKey("conversations.id"), nullable=False, index=True),
    Column("uploader", String(16), nullable=False),  # practice | patient
    Column("size", BigInteger, nullable=False),  # ciphertext bytes, declared up front
    Column("chunk_count", Integer, nullable=True),  # set when complete
    # What the chunks add up to so far, kept as they arrive: a PUT checks the declared size
    # against it instead of summing the blob's chunks (schema 2).
    Column("received_bytes", BigInteger, nullable=False, server_default=text("0")),
    Column("created_at", UTCDateTime, nullable=False),
    # The upload's last sign of life (declared, declared again, a chunk stored): an
    # incomplete blob idle for days is purged (schema 2; NULL counts as created_at).
    Column("updated_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
)

blob_chunks = Table(
    "blob_chunks",
    metadata,
    Column("blob_id", ForeignKey("blobs.id"), nullable=False),
    Column("index", Integer, nullable=False),
    Column("chunk_id", LargeBinary(32), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # ciphertext
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("blob_id", "index"),
)


# Patients the practice had erased (docs/PROTOCOL.md, "Erasure"): only a keyed digest of
# (practice, patient), so that a repeated erase is answered "erased" while the
# patient's id itself is nowhere in the database any more.
erasures = Table(
    "erasures",
    metadata,
    Column("digest", LargeBinary(32), primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False),
    Column("erased_at", UTCDateTime, nullable=False),
)


idempotency = Table(
    "idempotency",
    metadata,
    Column("scope", String(100), nullable=False),
    Column("key", Uuid, nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=True),  # NULL while the effect's transaction is open
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "key"),
)

# A patient's key bundle (docs/PROTOCOL.md, "Patient accounts"): ciphertext the relay cannot
# open, the Argon2id salt and limits the patient's app chose, and SHA-256 of the derived
# sign-in key. ``account`` is derived from the invitation code, which the relay never saw.
patient_key_bundles = Table(
    "patient_key_bundles",
    metadata,
    Column("patient_id", ForeignKey("patients.id"), primary_key=True),
    Column("account", LargeBinary(32), nullable=False, unique=True),
    Column("salt", LargeBinary(16), nullable=False),
    Column("opslimit", Integer, nullable=False),
    Column("memlimit", BigInteger, nullable=False),
    Column("auth_hash", LargeBinary(32), nullable=False),
    Column("bundle", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Secrets the relay keeps for itself (one row each, made on first use): today the key of
# the decoy salts a prelogin answers for an account that does not exist.
relay_secrets = Table(
    "relay_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", LargeBinary(32), nullable=False),
)


# Rate limits (relay.ratelimit): one row per limited key, the key only as a hash (an
# address is personal data the relay has no use for in clear). tat is the GCRA's
# "theoretical arrival time" in Unix seconds; a row whose tat has passed says nothing.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", LargeBinary(16), primary_key=True),
    Column("tat", Double, nullable=False),
)


# Several workstations of one practice (docs/PROTOCOL.md, "Workstations"). A row per
# workstation account, kept after its revocation (the account row itself is deleted, which
# is what refuses its token at once): no foreign key to accounts for that reason. The
# workstation's name is not here (it may be a person's): it travels in the journal.
workstations = Table(
    "workstations",
    metadata,
    Column("account_id", Uuid, primary_key=True),
    Column("practice_id", ForeignKey("practices.id"), nullable=False, index=True),
    Column("enc_pk", LargeBinary(32), nullable=True),  # public keys; NULL before pairing existed
    Column("sign_pk", LargeBinary(32), nullable=True),
    Column("added_by", Uuid, nullable=True),  # the approving workstation's account
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_by", Uuid, nullable=True),
)

# Pairings waiting for, or just given, their approval. The relay knows SHA-256 of a token
# derived from the code (``lookup``) and of the new workstation's fetch secret, the new
# workstation's public keys, and ciphertext it cannot open (its name, the practice's keys).
pairings = Table(
    "pairings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("lookup", LargeBinary(32), nullable=False, unique=True),
    Column("fetch_hash", LargeBinary(32), nullable=False),
    Column("enc_pk", LargeBinary(32), nullable=False),
    Column("sign_pk", LargeBinary(32), nullable=False),
    Column("sealed_name", LargeBinary, nullable=False),  # ciphertext
    Column("binding", LargeBinary(32), nullable=False),  # MAC under a key from the code
    Column("state", String(16), nullable=False),  # pending | approved | fetched
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("practice_id", ForeignKey("practices.id"), nullable=True),
    Column("approved_by", Uuid, nullable=True),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("bundle", LargeBinary, nullable=True),  # ciphertext: the practice's keys
    Column("bundle_mac", LargeBinary(32), nullable=True),
    Column("account_id", Uuid, nullable=True),  # the new workstation's, once fetched
)

# The practice journal: one ordered log per practice, read and written by its workstations
# only. Its counter is a row of ``mailboxes``, so that appends and long-polls work as for a
# mailbox; the entries have their own table (an entry is not an event for patients).
journals = Table(
    "journals",
    metadata,
    Column("practice_id", ForeignKey("practices.id"), primary_key=True),
    Column("mailbox_id", ForeignKey("mailboxes.id"), nullable=False, unique=True),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("mailbox_id", ForeignKey("mailboxes.id"), nullable=False),
    Column("seq", BigInteger, nullable=False, autoincrement=False),
    Column("id", Uuid, nullable=False),  # the client's id: retries are recognised by it
    Column("account_id", Uuid, nullable=False),  # the writing workstation
    # "First decision wins": an opaque key (a keyed hash the relay cannot invert); one entry
    # per key and journal. NULL for every other kind of entry.
    Column("decision_key", String(64), nullable=True),
    Column("envelope", LargeBinary, nullable=False),  # ciphertext
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("mailbox_id", "seq"),
    Index("ux_journal_entries_id", "mailbox_id", "id", unique=True),
    Index("ux_journal_entries_decision", "mailbox_id", "decision_key", unique=True),
    sqlite_with_rowid=False,
)


class SchemaMismatch(RuntimeError):
    """The database was made by another version of the relay."""


def normalise_url(url: str) -> str:
    """Accept what people type: a bare path is a SQLite file; postgresql:// means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Database:
    """The engine, and the two kinds of transaction the relay uses.

    SQLite: every writing transaction starts with ``BEGIN IMMEDIATE``, so that
    writers queue on the busy timeout instead of failing when a read lock
    cannot be upgraded; reads use a plain deferred ``BEGIN`` and run alongside
    (WAL). PostgreSQL: READ COMMITTED plus explicit row locks where an order
    matters (the mailbox counter, a conversation's state).
    """

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database in (None, "", ":memory:"):
                raise ValueError("the relay needs a SQLite file, not an in-memory database")
            self.engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=10,
                max_overflow=30,
                # A database error's message must not carry the statement's values
                # (token hashes, envelopes) into a log line.
                hide_parameters=True,
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, pool_size=10, max_overflow=30, pool_pre_ping=True, hide_parameters=True
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction that only reads."""
        with self.engine.connect() as conn:
            conn.execution_options(relay_write=False)
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that writes: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(relay_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def scratch(self) -> Iterator[Connection]:
        """A writing transaction whose commit need not survive a power cut (rate-limit
        counters): it does not wait for the disk, so it stays cheap on the hot path."""
        with self.engine.connect() as conn:
            conn.execution_options(relay_write=True, relay_durable=False)
            with conn.begin():
                if not self.is_sqlite:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield conn

    def create_schema(self) -> None:
        """Create missing tables, bring an older database up to this version (every step in
        the same transaction) and record it; refuse a newer or foreign version."""
        with self.engine.connect() as conn:
            conn.execution_options(relay_write=True)
            with conn.begin():
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK_KEY})
                metadata.create_all(conn)
                found = conn.execute(select(schema_version.c.version)).scalars().all()
                if not found:
                    conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
                    return
                if len(found) != 1 or not 1 <= found[0] <= SCHEMA_VERSION:
                    raise SchemaMismatch(
                        f"the relay database has schema version {found}, "
                        f"this relay expects {SCHEMA_VERSION}"
                    )
                for version in range(found[0], SCHEMA_VERSION):
                    _MIGRATIONS[version](conn)
                if found[0] != SCHEMA_VERSION:
                    conn.execute(update(schema_version).values(version=SCHEMA_VERSION))

    def dispose(self) -> None:
        self.engine.dispose()


def _blobs_keep_counts(conn: Connection) -> None:
    """1 → 2: ``blobs.received_bytes`` and ``blobs.updated_at``, filled from the chunks held."""
    present = {column["name"] for column in inspect(conn).get_columns(blobs.name)}
    # A database older than the blobs table got it from create_all just now, columns and all.
    for column in (blobs.c.received_bytes, blobs.c.updated_at):
        if column.name not in present:
            kind = column.type.compile(dialect=conn.dialect)
            default = " NOT NULL DEFAULT 0" if column.name == "received_bytes" else ""
            conn.execute(text(f"ALTER TABLE blobs ADD COLUMN {column.name} {kind}{default}"))
    held = select(func.coalesce(func.sum(blob_chunks.c.size), 0)).where(
        blob_chunks.c.blob_id == blobs.c.id
    )
    last_chunk = select(func.max(blob_chunks.c.created_at)).where(
        blob_chunks.c.blob_id == blobs.c.id
    )
    conn.execute(
        update(blobs).values(
            received_bytes=held.scalar_subquery(),
            updated_at=func.coalesce(last_chunk.scalar_subquery(), blobs.c.created_at),
        )
    )


def _events_keep_times(conn: Connection) -> None:
    """2 → 3: ``events.created_at``, read back from each event's payload (its
    ``created_at``), and its index: the retention purge finds old events by it."""
    present = {column["name"] for column in inspect(conn).get_columns(events.name)}
    if "created_at" not in present:
        kind = events.c.created_at.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE events ADD COLUMN created_at {kind}"))
    indexes = {index["name"] for index in inspect(conn).get_indexes(events.name)}
    if "ix_events_created_at" not in indexes:
        conn.execute(text("CREATE INDEX ix_events_created_at ON events (created_at)"))
    key = (events.c.mailbox_id, events.c.seq)
    # One executemany per thousand events: a statement per row took 105 s for
    # a relay holding 100k messages, longer than a supervisor waits for a start.
    fill = (
        update(events)
        .where(events.c.mailbox_id == bindparam("m"), events.c.seq == bindparam("s"))
        .values(created_at=bindparam("t"))
    )
    while True:
        rows = conn.execute(
            select(*key, events.c.payload).where(events.c.created_at.is_(None)).limit(1000)
        ).all()
        if not rows:
            return
        conn.execute(
            fill,
            [{"m": mailbox_id, "s": seq, "t": _appended_at(payload)}
             for mailbox_id, seq, payload in rows],
        )


def _appended_at(payload: str) -> datetime:
    """An event's time from its stored JSON; now (a full retention ahead) if unreadable."""
    try:
        found = datetime.fromisoformat(str(json.loads(payload)["created_at"]))
    except (ValueError, KeyError, TypeError):
        return utcnow()
    return found if found.tzinfo else found.replace(tzinfo=UTC)


#: Schema steps by the version they start from; each runs in create_schema's transaction.
_MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _blobs_keep_counts,
    2: _events_keep_times,
}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # synchronous stays FULL (the default): an acknowledged message must
        # survive a power cut, not only a crash of the relay.
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        write = options.get("relay_write", True)
        if write:
            # NORMAL in WAL mode: the commit is not synced, the next durable one syncs it too.
            durable = options.get("relay_durable", True)
            conn.exec_driver_sql(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
