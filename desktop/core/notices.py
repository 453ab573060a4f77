"""Preventive notices and practice news, broadcast to the patients the practice chooses.

Plain rules, no I/O. A :class:`Notice` is what the patients read (a title, a
text, whether they may reply); an :class:`Audience` is whom it goes to, built
from what the practice knows of its patients (age, sex, tags on the record);
:func:`select` applies it. Only enrolled patients can receive anything, and a
patient who opted out of preventive notices receives none, while news about
the practice itself (a closure, new hours) still reaches him.

The criteria never leave the practice: the workstation turns them into a list
of patients, and the relay only ever sees one sealed envelope per mailbox.

The templates are the practice's starting points, in French as the patients
read them, each with the audience the public-health campaign targets. Words
between square brackets in capitals (``[DATE DE DÉBUT]``) are to be filled in:
:func:`unfilled` finds them, and a notice still holding one is not sent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from desktop.core.errors import InvalidField
from desktop.core.model import Patient
from desktop.core.patient_fields import check_sex, check_tags

MAX_TITLE = 200
# Shorter than a message (20,000): a notice is read on a phone, and each
# recipient's envelope carries the whole of it.
MAX_NOTICE_TEXT = 5_000
MAX_AGE = 130

_PLACEHOLDER = re.compile(r"\[[A-ZÀ-ÖØ-Þ0-9' .-]{2,40}\]")


class NoticeKind(StrEnum):
    """What a notice is about: prevention (which patients may refuse) or the practice itself."""

    PREVENTION = "prevention"
    PRACTICE_ORGANISATION = "practice_organisation"

    @property
    def respects_opt_out(self) -> bool:
        """Whether a patient's opting out of preventive notices keeps him from receiving it."""
        return self is NoticeKind.PREVENTION


class NoticeState(StrEnum):
    """Where a notice stands on the workstation.

    ``prepared``: its recipients are chosen, nothing is sealed yet (it may wait
    for its ``send_after``). ``sending``: some recipients are handed over, not
    all. ``sent``: every recipient is handed over. ``cancelled``: stopped; the
    recipients not yet handed over will receive nothing.
    """

    PREPARED = "prepared"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class RecipientState(StrEnum):
    """Where one patient's copy of a notice stands, each state implying the ones before.

    ``queued``: chosen, not sealed. ``handed_over``: sealed on this
    workstation and queued for the relay, in one transaction. ``delivered``:
    the patient's application fetched it. ``read``: he opened it.
    """

    QUEUED = "queued"
    HANDED_OVER = "handed_over"
    DELIVERED = "delivered"
    READ = "read"

    def rank(self) -> int:
        return _RECIPIENT_ORDER.index(self)


_RECIPIENT_ORDER = [
    RecipientState.QUEUED,
    RecipientState.HANDED_OVER,
    RecipientState.DELIVERED,
    RecipientState.READ,
]


class TagMatch(StrEnum):
    """Whether a patient needs any of the audience's tags, or all of them."""

    ANY = "any"
    ALL = "all"


def check_title(value: object) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise InvalidField("A notice needs a title.")
    if len(text) > MAX_TITLE:
        raise InvalidField(f"A notice's title is at most {MAX_TITLE} characters.")
    return text


def check_notice_text(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidField("A notice cannot be empty.")
    if len(text) > MAX_NOTICE_TEXT:
        raise InvalidField(f"A notice is limited to {MAX_NOTICE_TEXT} characters.")
    return text


def unfilled(text: str) -> list[str]:
    """The template's blanks still in ``text`` ("[DATE DE DÉBUT]"), in order, each once."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text or "")))


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice as the patients read it. ``replies_allowed``: whether a patient may answer
    (his answer opens an ordinary request to the notice's author)."""

    id: str
    kind: NoticeKind
    title: str
    text: str
    replies_allowed: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def new(
        cls,
        kind: NoticeKind | str,
        title: str,
        text: str,
        replies_allowed: bool = False,
        id: str | None = None,
    ) -> Notice:
        """A new notice, checked (``InvalidField`` says what is wrong)."""
        try:
            kind = NoticeKind(kind)
        except ValueError:
            raise InvalidField(f"{kind!r} is not a kind of notice.") from None
        if not isinstance(replies_allowed, bool):
            raise InvalidField("Whether patients may reply is yes or no.")
        return cls(
            id or str(uuid.uuid4()),
            kind,
            check_title(title),
            check_notice_text(text),
            replies_allowed,
        )


@dataclass(frozen=True, slots=True)
class Audience:
    """Whom a notice goes to: the patients matching every criterion given.

    Ages are whole years on the day of sending, both ends included (50–74 is
    from the 50th birthday to the day before the 75th). ``sex``: "F", "M" or
    ``None`` for both (a patient whose sex is not recorded matches only
    ``None``). ``tags``: labels on the patient's record; he needs any of them,
    or all with ``match=TagMatch.ALL``; none given means no condition.
    """

    min_age: int | None = None
    max_age: int | None = None
    sex: str | None = None
    tags: tuple[str, ...] = ()
    match: TagMatch = TagMatch.ANY

    def checked(self) -> Audience:
        """The same audience with its values normalised; ``InvalidField`` if one is absurd."""
        for bound, what in ((self.min_age, "minimum"), (self.max_age, "maximum")):
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, int) or not 0 <= bound <= MAX_AGE
            ):
                raise InvalidField(f"The {what} age is a whole number from 0 to {MAX_AGE}.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise InvalidField("The minimum age is above the maximum age.")
        try:
            match = TagMatch(self.match)
        except ValueError:
            raise InvalidField(f"{self.match!r}: tags match 'any' or 'all'.") from None
        return Audience(
            self.min_age, self.max_age, check_sex(self.sex), check_tags(self.tags), match
        )

    def matches(self, patient: Patient, today: date) -> bool:
        """Whether the patient fits the criteria (enrolment and opt-out aside)."""
        if self.sex is not None and patient.sex != self.sex:
            return False
        if self.min_age is not None or self.max_age is not None:
            years = age(patient.born, today)
            if years is None:
                return False
            if self.min_age is not None and years < self.min_age:
                return False
            if self.max_age is not None and years > self.max_age:
                return False
        if self.tags:
            have = set(patient.tag_list)
            wanted = set(self.tags)
            if self.match is TagMatch.ALL and not wanted <= have:
                return False
            if self.match is TagMatch.ANY and not wanted & have:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_age": self.min_age,
            "max_age": self.max_age,
            "sex": self.sex,
            "tags": list(self.tags),
            "match": str(self.match),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Audience:
        """The audience :meth:`to_dict` wrote, checked again."""
        return cls(
            data.get("min_age"),
            data.get("max_age"),
            data.get("sex"),
            tuple(data.get("tags") or ()),
            data.get("match") or TagMatch.ANY,
        ).checked()


EVERYONE = Audience()


def age(born: str, today: date) -> int | None:
    """Whole years from ``born`` (YYYY-MM-DD) to ``today``; ``None`` if it is not a date."""
    try:
        birth = date.fromisoformat(born)
    except (TypeError, ValueError):
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def select(
    patients: Iterable[Patient],
    audience: Audience,
    today: date,
    kind: NoticeKind | str = NoticeKind.PREVENTION,
) -> list[Patient]:
    """The patients a notice of ``kind`` for ``audience`` goes to, on ``today``.

    Enrolled patients only (the others have nowhere to receive it); for a
    preventive notice, minus those who opted out. The order is the input's.
    """
    audience = audience.checked()
    skip_opted_out = NoticeKind(kind).respects_opt_out
    return [
        p
        for p in patients
        if p.enrolled
        and p.relay_patient_id
        and not (skip_opted_out and p.notices_opt_out)
        and audience.matches(p, today)
    ]


# -- templates ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeTemplate:
    """A starting point for a notice, with the audience it usually goes to.

    ``key`` names the templates Passerelle provides ("flu_vaccination"…);
    a template the practice writes has none. ``id`` is the store's.
    """

    kind: NoticeKind
    title: str
    text: str
    audience: Audience = EVERYONE
    replies_allowed: bool = False
    key: str | None = None
    id: int | None = None

    def notice(self, id: str | None = None) -> Notice:
        """A new notice from this template (its blanks still to fill in)."""
        return Notice.new(self.kind, self.title, self.text, self.replies_allowed, id)


_SIGNATURE = "\n\nL'équipe du cabinet"

# The audiences are those of the French public-health campaigns (Assurance
# maladie, Santé publique France); the practice adjusts them to its patients.
DEFAULT_TEMPLATES: tuple[NoticeTemplate, ...] = (
    NoticeTemplate(
        NoticeKind.PREVENTION,
        "Vaccination contre la grippe saisonnière",
        "Bonjour,\n\nLa campagne de vaccination contre la grippe saisonnière a commencé. "
        "Le vaccin est recommandé et pris en charge à 100 % pour les personnes de 65 ans et "
        "plus, ainsi que pour les personnes atteintes de certaines maladies chroniques, les "
        "femmes enceintes et l'entourage des nourrissons.\n\nVous pouvez vous faire vacciner "
        "au cabinet, chez votre pharmacien ou par une infirmière. Prenez rendez-vous auprès "
        "du secrétariat ; pensez à apporter votre bon de prise en charge si vous l'avez reçu."
        + _SIGNATURE,
        Audience(min_age=65),
        key="flu_vaccination",
    ),
    NoticeTemplate(
        NoticeKind.PREVENTION,
        "Rappel de vaccination contre le Covid-19",
        "Bonjour,\n\nUne nouvelle dose de vaccin contre le Covid-19 est recommandée pour les "
        "personnes de 65 ans et plus et pour les personnes à risque de forme grave, si leur "
        "dernière injection ou infection date de plus de six mois.\n\nLa vaccination peut se "
        "faire en même temps que celle contre la grippe. Prenez rendez-vous auprès du "
        "secrétariat ou de votre pharmacien." + _SIGNATURE,
        Audience(min_age=65),
        key="covid_booster",
    ),
    NoticeTemplate(
        NoticeKind.PREVENTION,
        "Dépistage du cancer colorectal",
        "Bonjour,\n\nEntre 50 et 74 ans, un test de dépistage du cancer colorectal est "
        "recommandé tous les deux ans. Simple et rapide, il se fait chez soi ; il est pris en "
        "charge à 100 % sans avance de frais.\n\nVous pouvez retirer le kit au cabinet lors de "
        "votre prochaine consultation, chez votre pharmacien, ou le commander en ligne sur "
        "monkit.depistage-colorectal.ameli.fr. Détecté tôt, ce cancer se guérit dans 9 cas "
        "sur 10." + _SIGNATURE,
        Audience(min_age=50, max_age=74),
        key="colorectal_screening",
    ),
    NoticeTemplate(
        NoticeKind.PREVENTION,
        "Dépistage du cancer du sein",
        "Madame,\n\nEntre 50 et 74 ans, une mammographie de dépistage est recommandée tous les "
        "deux ans. Elle est prise en charge à 100 % sans avance de frais, sur présentation du "
        "courrier d'invitation de l'Assurance maladie.\n\nSi vous n'avez pas reçu ce courrier "
        "ou si votre dernière mammographie date de plus de deux ans, parlez-en lors de votre "
        "prochaine consultation : nous vous indiquerons les radiologues agréés près de chez "
        "vous." + _SIGNATURE,
        Audience(min_age=50, max_age=74, sex="F"),
        key="breast_screening",
    ),
    NoticeTemplate(
        NoticeKind.PREVENTION,
        "Dépistage du cancer du col de l'utérus",
        "Madame,\n\nEntre 25 et 65 ans, un dépistage du cancer du col de l'utérus est "
        "recommandé : un examen cytologique tous les trois ans de 25 à 29 ans, puis un test HPV "
        "tous les cinq ans de 30 à 65 ans.\n\nLe prélèvement peut être fait au cabinet par "
        "votre médecin ou votre sage-femme. Prenez rendez-vous auprès du secrétariat si votre "
        "dernier dépistage est ancien." + _SIGNATURE,
        Audience(min_age=25, max_age=65, sex="F"),
        key="cervical_screening",
    ),
    NoticeTemplate(
        NoticeKind.PRACTICE_ORGANISATION,
        "Fermeture du cabinet",
        "Bonjour,\n\nLe cabinet sera fermé du [DATE DE DÉBUT] au [DATE DE FIN] inclus. Les "
        "messages reçus pendant cette période seront traités à notre retour.\n\nPendant la "
        "fermeture, vous pouvez consulter [MÉDECIN REMPLAÇANT]. En cas d'urgence, appelez le "
        "15 ou le 112." + _SIGNATURE,
        key="practice_closure",
    ),
    NoticeTemplate(
        NoticeKind.PRACTICE_ORGANISATION,
        "Nouveaux horaires du cabinet",
        "Bonjour,\n\nÀ partir du [DATE], le cabinet vous accueillera aux horaires suivants :\n"
        "[HORAIRES]\n\nLe secrétariat reste joignable par téléphone aux heures d'ouverture. En "
        "cas d'urgence, appelez le 15 ou le 112." + _SIGNATURE,
        key="new_opening_hours",
    ),
)


# -- what the store keeps of a notice ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeCampaign:
    """A notice as the practice keeps it: what was sent, to whom (the criteria, kept only
    here), by whom, when, and how far the sending got."""

    notice: Notice
    audience: Audience
    state: NoticeState
    author_id: str | None
    prepared_at: datetime
    send_after: datetime | None = None
    sent_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.notice.id

    def due(self, now: datetime) -> bool:
        """Whether sending should go on (or start) at ``now``."""
        if self.state not in (NoticeState.PREPARED, NoticeState.SENDING):
            return False
        return self.send_after is None or self.send_after <= now


@dataclass(frozen=True, slots=True)
class NoticeStatistics:
    """How a notice is doing. Each count includes the later states: ``delivered`` counts
    the patients who read it too.

    ``handed_over``: sealed and queued for the relay; ``sent``: of those, the
    ones the relay has accepted; ``delivered``: fetched by the patient's
    application; ``read``: opened; ``replies``: patients who answered.
    """

    recipients: int = 0
    queued: int = 0
    handed_over: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    replies: int = 0
