"""A patient's client: redeem an invitation, write to the practice, read its replies.

Like the workstation it is local-first: what the patient writes is kept with
its own outbox first and sent with an idempotency key, so a retry after a
lost connection never doubles a message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.core.documents import DEFAULT_MAX_BYTES, check_files
from desktop.core.errors import EnvelopeRejected, InvalidField, PasserelleError, RelayError
from desktop.core.model import Category, ConversationState
from desktop.core.patient_fields import fold
from desktop.core.renewal import RenewalState, check_treatment_names
from desktop.crypto import Identity, open_envelope, seal_envelope
from desktop.crypto import invitation as inv
from desktop.crypto.envelope import envelope_signer, message_context, state_context
from desktop.crypto.practice_keys import check_statement, follow
from desktop.crypto.profile import KEY_SIZE, open_profile
from desktop.patient.state import load_state, save_state
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.content import (
    MAX_TEXT,
    DecisionContent,
    check_text,
    decode,
    encode,
    read_renewal_decision,
    read_renewal_request,
    renewal_request_content,
)
from desktop.sync.documents import Attachment, download, prepare, upload
from desktop.sync.documents import open_document as open_plain
from desktop.sync.key_change import PRACTICE_KEYS, read_key_change
from desktop.sync.notice_content import (
    notice_context,
    preferences_content,
    preferences_context,
    read_notice,
)
from desktop.sync.profile import PROFILE_PATH, ProfileInvalid, check_profile
from desktop.sync.receipts import receipt_key


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _profile_key(value: Any) -> str | None:
    """The welcome's profile key if it is one (base64 of 32 bytes), else None."""
    if not isinstance(value, str):
        return None
    try:
        return value if len(unb64(value)) == KEY_SIZE else None
    except RelayError:
        return None


class PatientClient:
    """One patient's account with his practice, as the patient app would hold it."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.identity = Identity.from_bytes(unb64(state["identity"]))
        # The practice's keys: from the welcome, until the practice rotates them (a
        # workstation revoked) and says so in statements its old key signed.
        keys = state.get("practice_keys") or state["welcome"]
        self.practice_enc_pk = unb64(keys["practice_enc_pk"])
        self.practice_sign_pk = unb64(keys["practice_sign_pk"])
        #: The practice's replaced signing keys: what it signed before still verifies.
        self.practice_older_sign_pks = [unb64(k) for k in keys.get("older_sign_pks", [])]
        self._client = RelayClient(state["relay_url"], state["token"])
        # Where the state was loaded from or last saved to: a sync saves it there after
        # each page (see sync), so that what a page brought and its receipts are on disk
        # before anything more is sent.
        self._file: tuple[Path, str] | None = None

    # -- enrolment ------------------------------------------------------

    @classmethod
    def redeem(cls, relay_url: str, code: str) -> PatientClient:
        """Redeem the practice's invitation code: creates the patient's keys and account."""
        code = inv.normalise_code(code)
        identity = Identity.generate()
        anonymous = RelayClient(relay_url)
        try:
            result = anonymous.post(
                f"{API}/invitations/redeem",
                {
                    "redeem_token": b64(inv.redeem_token(code)),
                    "enc_pk": b64(identity.enc_pk),
                    "sign_pk": b64(identity.sign_pk),
                    "binding": b64(inv.binding(code, identity.enc_pk, identity.sign_pk)),
                },
                str(uuid.uuid4()),
            )
        finally:
            anonymous.close()
        welcome = inv.open_welcome(code, unb64(result.get("welcome")))
        if welcome.get("invitation_id") != result.get("invitation_id"):
            raise PasserelleError("The relay answered with another invitation than this code's.")
        # Kept apart from the welcome: a key, not something to show. Without
        # one (an older practice application) the patient simply sees no
        # profile; the enrolment itself is already done on the relay.
        profile_key = _profile_key(welcome.pop("profile_key", None))
        state = {
            "relay_url": relay_url.rstrip("/"),
            "token": result["token"],
            "patient_id": result["patient_id"],
            "practice_id": result["practice_id"],
            "identity": b64(identity.to_bytes()),
            "welcome": welcome,
            "profile_key": profile_key,
            "profile_version": 0,
            "cursor": None,
            "conversations": {},
            "notices": {},
            "prevention_opt_out": False,
            "outbox": [],
            "rejected": [],
        }
        return cls(state)

    @classmethod
    def load(cls, path: Path, passphrase: str) -> PatientClient:
        client = cls(load_state(path, passphrase))
        client._file = (path, passphrase)
        return client

    def save(self, path: Path, passphrase: str) -> None:
        save_state(path, self.state, passphrase)
        self._file = (path, passphrase)

    def close(self) -> None:
        self._client.close()

    # -- what the patient sees --------------------------------------------

    @property
    def practice_name(self) -> str:
        return str(self.state["welcome"].get("practice_name", ""))

    @property
    def patient_id(self) -> str:
        return str(self.state["patient_id"])

    def practitioners(self) -> list[dict[str, Any]]:
        """The practice's practitioners, with names from the welcome and who accepts messaging now."""
        names = {p["id"]: p for p in self.state["welcome"].get("practitioners", [])}
        live = self._client.get(f"{API}/practitioners").get("items", [])
        return [
            {
                "id": p["id"],
                "name": names.get(p["id"], {}).get("name", "?"),
                "profession": names.get(p["id"], {}).get("profession", ""),
                "accepts_messaging": bool(p.get("accepts_messaging")),
            }
            for p in live
            if isinstance(p, dict) and "id" in p
        ]

    @property
    def has_profile_key(self) -> bool:
        """Whether this enrolment can read the practice profile (its welcome carried the key)."""
        return bool(self.state.get("profile_key"))

    def practice_profile(self) -> dict[str, Any] | None:
        """The practice's profile: response times, absences, address and phone.

        Fetched from the relay, checked against the practice's signing key and
        opened with the profile key from the welcome. ``None`` when the practice
        has published none (or this enrolment has no profile key). A blob that
        fails its check, or a version older than one already seen (a relay
        replaying an old profile), raises EnvelopeRejected.
        """
        key = self.state.get("profile_key")
        if not key:
            return None
        practice_id = str(self.state["practice_id"])
        try:
            data = self._client.get(PROFILE_PATH, practice_id=practice_id)
        except RelayError as exc:
            if exc.code == "profile_not_found":
                return None
            raise
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RelayError(0, "bad_response", "The relay sent a malformed practice profile.")
        if version < int(self.state.get("profile_version") or 0):
            raise EnvelopeRejected(
                "practice profile is older than one already seen: it was not shown"
            )
        profile = open_profile(
            unb64(data.get("blob")), unb64(key), self.practice_sign_pk, practice_id, version
        )
        try:
            check_profile(profile, strict=False)
        except ProfileInvalid as exc:
            raise EnvelopeRejected(f"practice profile is malformed: {exc}") from None
        self.follow_practice_keys(profile.get("keys") or [])
        self.state["profile_version"] = version
        limit = (profile.get("documents") or {}).get("max_bytes")
        if isinstance(limit, int):
            self.state["document_max_bytes"] = limit
        return profile

    def document_limit(self) -> int:
        """The practice's limit per document, in bytes, as its profile last said."""
        try:
            self.practice_profile()
        except (RelayError, EnvelopeRejected):
            pass  # the last one seen, or the default: the relay has its own hard limit
        return int(self.state.get("document_max_bytes") or DEFAULT_MAX_BYTES)

    def conversations(self) -> list[dict[str, Any]]:
        return list(self.state["conversations"].values())

    def thread(self, conversation_id: str) -> list[dict[str, Any]]:
        return list(self._conversation(conversation_id)["messages"])

    # -- renewals -----------------------------------------------------------

    def renewals(self) -> list[dict[str, Any]]:
        """The patient's renewal requests, newest first, each with where it stands.

        ``state``: ``received`` (awaiting the practice), ``approved`` (with
        ``prescribed`` and ``document``: the PDF's name, type, size and
        digest; :meth:`renewal_document` has the bytes), ``declined`` (with
        ``reason``), ``appointment_needed`` (with the practice's ``answer``),
        or ``refused`` when the relay would not take the request
        (``refusal``: its code). ``answer`` is the practice's text, whatever
        the decision; ``delivery`` where the request itself stands.
        """
        found = [
            _renewal_view(conv)
            for conv in self.state["conversations"].values()
            if isinstance(conv.get("renewal"), dict)
        ]
        found.sort(key=lambda r: r["sent_at"], reverse=True)
        return found

    def last_prescriptions(self) -> list[str]:
        """The treatments the practice renewed for this patient, newest first, each once
        (case and accents ignored): what the app offers to pick from for a new request."""
        approved = [r for r in self.renewals() if r["state"] == RenewalState.APPROVED]
        approved.sort(key=lambda r: r["decided_at"] or "", reverse=True)
        names: list[str] = []
        seen: set[str] = set()
        for renewal in approved:
            for line in renewal["prescribed"]:
                if fold(line["name"]) not in seen:
                    seen.add(fold(line["name"]))
                    names.append(line["name"])
        return names

    def renewal_document(self, conversation_id: str) -> bytes | None:
        """The renewed prescription (PDF) received in this conversation, or ``None``.

        Its envelope was opened and its signature checked when it arrived;
        the bytes are checked again against their digest before they are
        handed out.
        """
        renewal = self._conversation(conversation_id).get("renewal") or {}
        document = (renewal.get("decision") or {}).get("document")
        if not document:
            return None
        data = base64.b64decode(document["data"])
        if hashlib.sha256(data).hexdigest() != document["sha256"]:
            raise EnvelopeRejected("the stored prescription does not match its digest")
        return data

    def _conversation(self, conversation_id: str) -> dict[str, Any]:
        try:
            return self.state["conversations"][conversation_id]
        except KeyError:
            raise PasserelleError("No such conversation.") from None

    # -- writing ----------------------------------------------------------

    def request(self, practitioner_id: str, category: Category | str, text: str) -> str:
        """Open a request to a practitioner; the first message says what it is about."""
        return self._open_request(practitioner_id, Category(category), check_text(text))

    def request_renewal(self, practitioner_id: str, treatments: list[str], text: str = "") -> str:
        """Ask a practitioner to renew treatments; returns the new conversation's id.

        ``treatments``: 1 to 12 names, each at most 200 characters (picked
        from :meth:`last_prescriptions` or typed); ``text``: an optional
        message. The names travel encrypted, as a structured renewal the
        practice's queue reads, and as the first message's text. Refused with
        ``InvalidField`` (nothing queued) when they break a rule.
        """
        names = check_treatment_names(treatments)
        if not isinstance(text, str):
            raise InvalidField("The message with a renewal request must be text.")
        message = text.strip()
        summary = _RENEWAL_HEADER + ", ".join(names) + (f"\n\n{message}" if message else "")
        if len(summary) > MAX_TEXT:
            raise InvalidField(
                f"The message is too long: a renewal request is limited to {MAX_TEXT} "
                "characters in all."
            )
        return self._open_request(
            practitioner_id,
            Category.RENEWAL,
            check_text(summary),
            renewal=renewal_request_content(names, message),
        )

    def _open_request(
        self,
        practitioner_id: str,
        category: Category,
        text: str,
        renewal: dict[str, Any] | None = None,
        notice_id: str | None = None,
    ) -> str:
        conv_id, msg_id = str(uuid.uuid4()), str(uuid.uuid4())
        sent_at = _now()
        doc: dict[str, Any] = {
            "type": "request", "category": str(category), "text": text, "sent_at": sent_at,
        }
        if renewal is not None:
            doc["renewal"] = renewal
        if notice_id is not None:
            doc["notice_id"] = notice_id
        envelope = self._seal(doc, message_context(conv_id, msg_id))
        conv: dict[str, Any] = {
            "id": conv_id,
            "practitioner_id": practitioner_id,
            "category": str(category),
            "state": "pending",
            "messages": [self._mine(msg_id, text, sent_at)],
        }
        if renewal is not None:
            conv["renewal"] = _renewal_record(msg_id, renewal["treatments"], renewal["message"])
        if notice_id is not None:
            conv["notice_id"] = notice_id
        self.state["conversations"][conv_id] = conv
        self._queue(f"{API}/conversations", {
            "id": conv_id, "practitioner_id": practitioner_id,
            "message_id": msg_id, "envelope": envelope,
        }, msg_id)
        return conv_id

    def write(self, conversation_id: str, text: str) -> str:
        conv = self._conversation(conversation_id)
        if conv["state"] in ("closed", "declined"):
            raise PasserelleError(f"This conversation is {conv['state']}: open a new request.")
        text = check_text(text)
        msg_id, sent_at = str(uuid.uuid4()), _now()
        doc = {"type": "message", "text": text, "sent_at": sent_at}
        envelope = self._seal(doc, message_context(conversation_id, msg_id))
        conv["messages"].append(self._mine(msg_id, text, sent_at))
        self._queue(f"{API}/conversations/{conversation_id}/messages",
                    {"id": msg_id, "envelope": envelope}, msg_id)
        return msg_id

    # -- documents ----------------------------------------------------------

    def send_document(
        self,
        conversation_id: str,
        path: Path | str,
        text: str = "",
        on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """Send one file in a conversation; see :meth:`send_documents`."""
        return self.send_documents(conversation_id, [path], text, on_progress, cancel,
                                   max_bytes)

    def send_documents(
        self,
        conversation_id: str,
        paths: Sequence[Path | str],
        text: str = "",
        on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """Send files in a conversation, with one message; returns the message's id.

        Every file is checked first (type by its content, size): ``InvalidField`` with
        a message naming each refused file, and nothing is uploaded. ``max_bytes``: the
        limit per file; by default the one the practice set in its profile (25 MB until
        it sets one). The files are then uploaded in encrypted chunks, one after the
        other (``on_progress(done, total)`` counts chunks of all of them); ``Cancelled``
        (from ``cancel``) or a lost connection keeps what was sent, and sending the same
        files again in the same conversation resumes them. The message referencing
        them (their keys travel only inside the sealed envelope) is queued once every
        upload is complete.
        """
        conv = self._conversation(conversation_id)
        if conv["state"] in ("closed", "declined", "refused"):
            raise PasserelleError(f"This conversation is {conv['state']}: open a new request.")
        if not isinstance(text, str):
            raise InvalidField("The message with a document must be text.")
        text = text.strip()
        if text:
            text = check_text(text)
        if max_bytes is None:
            max_bytes = self.document_limit()
        # All refused here, before anything is uploaded.
        docs = [prepare(f.path, max_bytes) for f in check_files(paths, max_bytes)]
        uploads: dict[str, Any] = self.state.setdefault("uploads", {})
        keys = []
        for i, (path, doc) in enumerate(zip(paths, docs, strict=True)):
            resume_key = f"{conversation_id}:{Path(path).resolve()}:{doc.sha256}"
            if resume_key in uploads:
                docs[i] = Attachment.from_json(uploads[resume_key])
            else:
                uploads[resume_key] = doc.to_json()
            keys.append(resume_key)
        total = sum(d.chunk_count for d in docs)
        before = 0
        for path, doc in zip(paths, docs, strict=True):
            def progress(done: int, _total: int, before: int = before) -> None:
                if on_progress is not None:
                    on_progress(before + done, total)

            upload(self._client, doc, path, conversation_id, progress, cancel)
            before += doc.chunk_count
        msg_id, sent_at = str(uuid.uuid4()), _now()
        content = {"type": "message", "text": text, "sent_at": sent_at,
                   "attachments": [d.to_json() for d in docs]}
        envelope = self._seal(content, message_context(conversation_id, msg_id))
        for key in keys:
            uploads.pop(key, None)
        self._keep_documents(docs, conversation_id, msg_id, "patient")
        conv["messages"].append(
            self._mine(msg_id, text, sent_at) | {"attachments": [_describe(d) for d in docs]}
        )
        self._queue(f"{API}/conversations/{conversation_id}/messages",
                    {"id": msg_id, "envelope": envelope}, msg_id)
        return msg_id

    def documents(self, conversation_id: str) -> list[dict[str, Any]]:
        """The documents sent or received in a conversation: ``id``, ``name``, ``type``,
        ``size``, ``sha256``, ``sender``, ``message_id``."""
        self._conversation(conversation_id)
        return [
            {"id": d["attachment"]["blob_id"], **_describe(Attachment.from_json(d["attachment"])),
             "sender": d["sender"], "message_id": d["message_id"]}
            for d in self.state.get("documents", {}).values()
            if d["conversation_id"] == conversation_id
        ]

    def open_document(
        self,
        attachment_id: str,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bytes:
        """Download a document and return its bytes, decrypted in memory and checked
        against its SHA-256 (``EnvelopeRejected`` if they do not match)."""
        record = self.state.get("documents", {}).get(attachment_id)
        if record is None:
            raise PasserelleError("No such document.")
        doc = Attachment.from_json(record["attachment"])
        sink = _MemoryChunks()
        download(self._client, doc, sink, on_progress, cancel)
        return open_plain(doc, sink.ordered(doc.blob_id))

    def _keep_documents(
        self, docs: list[Attachment], conversation_id: str, message_id: str, sender: str
    ) -> None:
        kept: dict[str, Any] = self.state.setdefault("documents", {})
        for d in docs:
            kept.setdefault(d.blob_id, {"attachment": d.to_json(), "sender": sender,
                                        "conversation_id": conversation_id,
                                        "message_id": message_id})

    def mark_read(self, conversation_id: str) -> int:
        conv = self._conversation(conversation_id)
        unread = [m for m in conv["messages"] if m["sender"] == "practice" and not m.get("read")]
        for m in unread:
            m["read"] = True
        if unread:
            ids = [m["id"] for m in unread]
            self._queue(f"{API}/conversations/{conversation_id}/receipts",
                        {"message_ids": ids, "receipt": "read"},
                        _receipt_key(conversation_id, "read", ids), send_now=True)
        return len(unread)

    def _seal(self, doc: dict[str, Any], context: bytes) -> str:
        return b64(seal_envelope(encode(doc), context, self.identity.sign_key,
                                 [self.practice_enc_pk, self.identity.enc_pk]))

    def _mine(self, msg_id: str, text: str, sent_at: str) -> dict[str, Any]:
        return {"id": msg_id, "sender": "patient", "text": text, "sent_at": sent_at,
                "delivery": "pending", "read": True}

    def _queue(self, path: str, body: dict[str, Any], key: str, send_now: bool = True) -> None:
        self.state["outbox"].append({"key": key, "path": path, "body": body})
        if send_now:
            try:
                self.push()
            except RelayError as exc:
                if not exc.retryable:
                    raise
                # Offline: it stays in the outbox and goes with the next sync.

    # -- notices ------------------------------------------------------------

    def _notices(self) -> dict[str, dict[str, Any]]:
        notices: dict[str, dict[str, Any]] = self.state.setdefault("notices", {})
        return notices

    def notices(self) -> list[dict[str, Any]]:
        """The practice's notices to this patient, newest first, apart from conversations.

        Each: ``id``, ``kind`` (``prevention`` or ``practice_organisation``),
        ``title``, ``text``, ``sent_at``, ``read``, ``replies_allowed`` and,
        once answered, ``reply_conversation_id``. Nothing in it says who else
        received the notice: the patient's copy was sealed for him alone.
        """
        found = [
            {k: v for k, v in n.items() if k not in ("receipt", "reply_to")}
            for n in self._notices().values()
        ]
        found.sort(key=lambda n: n["sent_at"], reverse=True)
        return found

    def _notice(self, notice_id: str) -> dict[str, Any]:
        try:
            return self._notices()[notice_id]
        except KeyError:
            raise PasserelleError("No such notice.") from None

    def mark_notice_read(self, notice_id: str) -> bool:
        """The patient opened the notice: the practice's statistics will say so. ``False``
        when it was already read."""
        notice = self._notice(notice_id)
        if notice["read"]:
            return False
        notice["read"] = True
        notice["receipt"] = "read"
        self._queue(f"{API}/notices/{notice_id}/receipts", {"receipt": "read"},
                    _receipt_key(notice_id, "read", []))
        return True

    def reply_to_notice(self, notice_id: str, text: str) -> str:
        """Answer a notice that takes replies: opens a request to the practitioner who wrote
        it (an ordinary conversation, its sealed content naming the notice). Returns the
        conversation's id."""
        notice = self._notice(notice_id)
        if not notice["replies_allowed"] or not notice.get("reply_to"):
            raise PasserelleError("This notice does not take replies.")
        conv_id = self._open_request(
            notice["reply_to"], Category.OTHER, check_text(text), notice_id=notice_id
        )
        notice["reply_conversation_id"] = conv_id
        return conv_id

    @property
    def prevention_opt_out(self) -> bool:
        """Whether this patient asked not to receive preventive notices."""
        return bool(self.state.get("prevention_opt_out", False))

    def opt_out_of_prevention_notices(self, opt_out: bool = True) -> None:
        """Ask the practice for no more preventive notices (``False``: receive them again).
        News about the practice (closures, hours) still comes. The choice travels sealed
        to the practice, which records it on the patient's file."""
        if not isinstance(opt_out, bool):
            raise InvalidField("Opting out is yes or no.")
        preference_id = str(uuid.uuid4())
        content = preferences_content(opt_out, datetime.now(UTC))
        envelope = seal_envelope(
            content,
            preferences_context(self.patient_id, preference_id),
            self.identity.sign_key,
            [self.practice_enc_pk, self.identity.enc_pk],
        )
        before = self.prevention_opt_out
        self.state["prevention_opt_out"] = opt_out
        try:
            self._queue(f"{API}/notices/preferences",
                        {"id": preference_id, "envelope": b64(envelope)}, preference_id)
        except RelayError:  # refused for good (offline, it waits in the outbox): not changed
            self.state["prevention_opt_out"] = before
            raise

    def _receive_notice(self, event: dict[str, Any]) -> None:
        notice_id = event["notice_id"]
        if not isinstance(notice_id, str):
            raise EnvelopeRejected("a notice without an id")
        if notice_id in self._notices():
            return  # the same notice again: the first copy stays
        context = notice_context(notice_id, self.patient_id)
        try:
            raw = self._open(event["envelope"], context, self.practice_sign_pk)
        except EnvelopeRejected as exc:
            if "unknown sender" not in str(exc):
                raise
            self._receive_vouched_key_change(event["envelope"], context, notice_id)
            return
        if b'"practice_keys"' in raw:  # cheap look before decoding: a notice rarely says it
            doc = json.loads(raw)
            if isinstance(doc, dict) and doc.get("type") == PRACTICE_KEYS:
                change = read_key_change(doc, notice_id)
                self.follow_practice_keys(change.statements, change.profile_key)
                return
        received = read_notice(raw, notice_id)
        notice = received.notice
        self._notices()[notice_id] = {
            "id": notice_id,
            "kind": str(notice.kind),
            "title": notice.title,
            "text": notice.text,
            "sent_at": received.sent_at.isoformat(),
            "replies_allowed": notice.replies_allowed,
            "reply_to": received.reply_to,
            "reply_conversation_id": None,
            "read": False,
            "receipt": None,
        }

    # -- sync -------------------------------------------------------------

    def push(self) -> int:
        """Send the outbox in order; a refusal is raised and its row dropped (it will not pass)."""
        sent = 0
        while self.state["outbox"]:
            item = self.state["outbox"][0]
            try:
                self._client.post(item["path"], item["body"], item["key"])
            except RelayError as exc:
                if exc.retryable:
                    raise
                self.state["outbox"].pop(0)
                self._refused(item, exc)
                raise
            self.state["outbox"].pop(0)
            sent += 1
        return sent

    def _refused(self, item: dict[str, Any], exc: RelayError) -> None:
        body = item["body"]
        conv_id = body.get("id") if item["path"] == f"{API}/conversations" else None
        if conv_id and conv_id in self.state["conversations"]:
            self.state["conversations"][conv_id]["state"] = "refused"
            self.state["conversations"][conv_id]["refusal"] = exc.code

    def sync(self, wait: float = 0) -> list[dict[str, Any]]:
        """Push, then pull everything after the cursor. Returns the new messages from the practice.

        Each page's "delivered" receipts join the outbox as the cursor moves past the
        page, and the state (loaded from or saved to a file) is saved there at once:
        a sync cut between two pages, or a process killed before its last save, keeps
        the page and its receipts, or neither. A receipt sent before a kill is sent
        again under the same idempotency key, so the relay takes it once.
        """
        self.push()
        new: list[dict[str, Any]] = []
        first = True
        while True:
            page = self._client.events(self.state["cursor"], limit=500, wait=wait if first else 0)
            first = False
            arrived: list[dict[str, Any]] = []
            for event in page.items:
                try:
                    got = self._apply(event)
                except (EnvelopeRejected, KeyError, TypeError, ValueError, RelayError) as exc:
                    self.state["rejected"].append({"seq": event.get("seq"), "reason": str(exc)})
                    continue
                if got is not None:
                    arrived.append(got)
            self._acknowledge(arrived)
            self.state["cursor"] = page.cursor
            if self._file is not None:
                save_state(self._file[0], self.state, self._file[1])
            new += arrived
            if page.done:
                break
        self.push()
        return new

    def _acknowledge(self, arrived: list[dict[str, Any]]) -> None:
        """Queue the "delivered" receipts for what a page brought (sent with the next push)."""
        delivered: dict[str, list[str]] = {}
        for m in arrived:
            delivered.setdefault(m["conversation_id"], []).append(m["id"])
        for conv_id, ids in delivered.items():
            self._queue(f"{API}/conversations/{conv_id}/receipts",
                        {"message_ids": ids, "receipt": "delivered"},
                        _receipt_key(conv_id, "delivered", ids), send_now=False)
        for notice in self._notices().values():
            if notice["receipt"] is None:
                notice["receipt"] = "delivered"
                self._queue(f"{API}/notices/{notice['id']}/receipts", {"receipt": "delivered"},
                            _receipt_key(notice["id"], "delivered", []), send_now=False)

    def _apply(self, event: dict[str, Any]) -> dict[str, Any] | None:
        kind = event["kind"]
        if kind == "notice":
            self._receive_notice(event)
            return None
        conv_id = event.get("conversation_id")
        if kind not in ("conversation_requested", "message", "state_changed", "receipt"):
            return None  # kinds from a newer relay
        if not isinstance(conv_id, str):
            raise EnvelopeRejected("an event without a conversation")
        if kind in ("conversation_requested", "message"):
            msg_id = event["message_id"]
            conv = self.state["conversations"].get(conv_id)
            mine = next((m for m in conv["messages"] if m["id"] == msg_id), None) if conv else None
            if kind == "conversation_requested":
                if conv is None:  # written from another device of the patient
                    raw = self._open(event["envelope"], message_context(conv_id, msg_id),
                                     self.identity.sign_pk)
                    doc = decode(raw, "request")
                    renewal = read_renewal_request(doc)
                    conv = self.state["conversations"][conv_id] = {
                        "id": conv_id, "practitioner_id": event["practitioner_id"],
                        "category": str(doc["category"]), "state": "requested",
                        "messages": [self._mine(msg_id, doc["text"], doc["sent_at"].isoformat())],
                    }
                    if renewal is not None:
                        conv["renewal"] = _renewal_record(msg_id, *renewal)
                    mine = conv["messages"][0]
                if mine is None:
                    raise ValueError("a request under the id of another conversation")
                if conv["state"] == "pending":
                    conv["state"] = "requested"
                mine["delivery"] = "sent"
                return None
            if conv is None:
                raise ValueError("a message in an unknown conversation")
            if mine is not None:
                mine["delivery"] = max(mine["delivery"], "sent", key=_rank)
                return None
            signer = self.practice_sign_pk if event["sender"] == "practice" else self.identity.sign_pk
            doc = decode(self._open(event["envelope"], message_context(conv_id, msg_id), signer),
                         "message")
            decision = self._decision(conv, doc, from_practice=event["sender"] == "practice")
            documents = doc.get("attachments") if decision is None else None
            msg = {"id": msg_id, "sender": event["sender"], "text": doc["text"],
                   "sent_at": doc["sent_at"].isoformat(), "author_name": doc.get("author_name", ""),
                   "delivery": "sent", "read": event["sender"] != "practice",
                   "conversation_id": conv_id}
            if decision is not None:
                msg["renewal_decision"] = str(decision.decision)
                if decision.document is not None:
                    msg["attachments"] = [decision.document.describe()]
                conv["renewal"]["decision"] = _decision_record(decision, msg_id, msg["sent_at"])
            if documents:
                msg["attachments"] = [_describe(d) for d in documents]
                self._keep_documents(documents, conv_id, msg_id, event["sender"])
            conv["messages"].append(msg)
            return msg if event["sender"] == "practice" else None
        if kind == "state_changed":
            conv = self.state["conversations"][conv_id]
            state = ConversationState(event["state"])
            conv["state"] = str(state)
            if event.get("envelope"):
                raw = self._open(event["envelope"],
                                 state_context(conv_id, event["event_id"], str(state)),
                                 self.practice_sign_pk)
                doc = decode(raw, "state")
                msg = {"id": event["event_id"], "sender": "practice", "text": doc["text"],
                       "sent_at": doc["sent_at"].isoformat(),
                       "author_name": doc.get("author_name", ""), "delivery": "sent",
                       "read": False, "conversation_id": conv_id, "state": str(state)}
                conv["messages"].append(msg)
                return msg
            return None
        if kind == "receipt":
            conv = self.state["conversations"][conv_id]
            ids = set(event["message_ids"])
            for m in conv["messages"]:
                if m["id"] in ids and m["sender"] == "patient":
                    m["delivery"] = max(m["delivery"], event["receipt"], key=_rank)
        return None

    def _decision(
        self, conv: dict[str, Any], doc: dict[str, Any], *, from_practice: bool
    ) -> DecisionContent | None:
        """The renewal decision a message carries, checked before anything is kept: only the
        practice decides, once, about the request made in this conversation."""
        if not from_practice:
            if "renewal_decision" in doc:
                raise EnvelopeRejected("a renewal decision from the patient's side")
            return None
        renewal = conv.get("renewal")
        request_id = renewal.get("request_id") if isinstance(renewal, dict) else None
        decision = read_renewal_decision(doc, request_id)
        if decision is not None and renewal and renewal.get("decision"):
            raise EnvelopeRejected("a second decision on a renewal request already decided")
        return decision

    def _open(self, envelope: str, context: bytes, signer: bytes) -> bytes:
        signers = [signer]
        if signer == self.practice_sign_pk:  # the practice: its replaced keys signed its past
            signers += self.practice_older_sign_pks
        return open_envelope(unb64(envelope), context, self.identity.enc_key, signers)

    def _receive_vouched_key_change(self, envelope: str, context: bytes, notice_id: str) -> None:
        """A key change signed by a key this enrolment does not trust yet (it joined with a
        welcome printed before the rotation): taken only if the statements inside lead
        from the trusted key to the one that signed it."""
        sealed = unb64(envelope)
        signer = envelope_signer(sealed)
        raw = open_envelope(sealed, context, self.identity.enc_key, [signer])
        change = read_key_change(json.loads(raw), notice_id)
        chain = follow(str(self.state["practice_id"]), self.practice_sign_pk, change.statements)
        if signer not in [sign_pk for _, sign_pk in chain]:
            raise EnvelopeRejected("envelope signed by an unknown sender")
        self.follow_practice_keys(change.statements, change.profile_key)

    def follow_practice_keys(
        self, statements: Sequence[Any], profile_key: bytes | None = None
    ) -> bool:
        """The practice rotated its keys: follow its statements from the signing key this
        enrolment trusts (each signed by the key it replaces and by the new one,
        desktop/crypto/practice_keys.py); from then on seal to the new key. ``profile_key``:
        the new profile key, from the copy sealed to this patient. Returns whether the keys
        moved; a statement that does not verify is EnvelopeRejected and changes nothing."""
        practice_id = str(self.state["practice_id"])
        chain = follow(practice_id, self.practice_sign_pk, statements)
        # The profile key of the latest rotation only: a copy of an older one, replayed,
        # must not bring back a key the revoked workstation knew.
        latest = check_statement(practice_id, statements[-1])[2] if statements else None
        if profile_key is not None and (chain[-1][1] if chain else self.practice_sign_pk) == latest:
            self.state["profile_key"] = b64(profile_key)
        if not chain:
            return False
        older = [self.practice_sign_pk, *self.practice_older_sign_pks]
        for _, sign_pk in chain[:-1]:
            older.insert(0, sign_pk)
        self.practice_enc_pk, self.practice_sign_pk = chain[-1]
        self.practice_older_sign_pks = older
        self.state["practice_keys"] = {
            "practice_enc_pk": b64(self.practice_enc_pk),
            "practice_sign_pk": b64(self.practice_sign_pk),
            "older_sign_pks": [b64(k) for k in older],
        }
        return True


def _receipt_key(about: str, receipt: str, message_ids: list[str]) -> str:
    """Drawn from what the receipt says: a patient app killed after sending it, before
    saving, says it again on the next run with the same key, and the relay takes it once."""
    return receipt_key(about, receipt, message_ids)


class _MemoryChunks:
    """Where a patient's download goes: memory only, never a file."""

    def __init__(self) -> None:
        self._chunks: dict[tuple[str, int], bytes] = {}

    def chunk_indexes(self, blob_id: str) -> set[int]:
        return {i for b, i in self._chunks if b == blob_id}

    def put_chunk(self, blob_id: str, index: int, data: bytes) -> None:
        self._chunks[(blob_id, index)] = data

    def ordered(self, blob_id: str) -> list[bytes]:
        return [self._chunks[(blob_id, i)] for i in sorted(self.chunk_indexes(blob_id))]


def _describe(doc: Attachment) -> dict[str, Any]:
    """What a thread shows of a document (no key)."""
    return {"id": doc.blob_id, "name": doc.name, "type": doc.type, "size": doc.size,
            "sha256": doc.sha256}


_RENEWAL_HEADER = "Demande de renouvellement : "


def _renewal_record(request_id: str, treatments: Any, message: str) -> dict[str, Any]:
    """What the patient keeps of a renewal request (the decision is added when it comes)."""
    return {
        "request_id": request_id,
        "treatments": list(treatments),
        "message": message,
        "decision": None,
    }


def _decision_record(decision: DecisionContent, message_id: str, sent_at: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "state": str(decision.decision),
        "text": decision.text,
        "prescribed": [line.to_dict() for line in decision.lines],
        "message_id": message_id,
        "decided_at": sent_at,
        "document": None,
    }
    if decision.document is not None:
        record["document"] = decision.document.describe() | {
            "data": base64.b64encode(decision.document.data).decode()
        }
    return record


def _renewal_view(conv: dict[str, Any]) -> dict[str, Any]:
    """One line of :meth:`PatientClient.renewals`."""
    renewal = conv["renewal"]
    request = next(
        (m for m in conv["messages"] if m["id"] == renewal["request_id"]), conv["messages"][0]
    )
    decision = renewal.get("decision") or {}
    view: dict[str, Any] = {
        "conversation_id": conv["id"],
        "request_id": renewal["request_id"],
        "practitioner_id": conv["practitioner_id"],
        "treatments": list(renewal["treatments"]),
        "message": renewal["message"],
        "sent_at": request["sent_at"],
        "delivery": request.get("delivery", "pending"),
        "state": str(RenewalState.RECEIVED),
        "answer": "",
        "decided_at": None,
        "prescribed": [],
        "document": None,
    }
    if decision:
        document = decision.get("document")
        view |= {
            "state": decision["state"],
            "answer": decision["text"],
            "decided_at": decision["decided_at"],
            "prescribed": list(decision["prescribed"]),
            "document": {k: v for k, v in document.items() if k != "data"} if document else None,
        }
    elif conv["state"] == "declined":
        # Declined as a conversation (from the inbox): the renewal with it.
        said = [m for m in conv["messages"] if m.get("state") == "declined"]
        view |= {
            "state": str(RenewalState.DECLINED),
            "answer": said[-1]["text"] if said else "",
            "decided_at": said[-1]["sent_at"] if said else None,
        }
    elif conv["state"] == "refused":
        view |= {"state": "refused", "refusal": conv.get("refusal", "")}
    if view["state"] == RenewalState.DECLINED:
        view["reason"] = view["answer"]
    return view


_ORDER = ["pending", "sent", "delivered", "read"]


def _rank(state: str) -> int:
    return _ORDER.index(state) if state in _ORDER else 0

