"""A synthetic practice, the same every time for the same seed.

The benchmark builds the SQLCipher store and its plain SQLite copy in two
processes at once; each regenerates the data from the seed, so both files get
exactly the same rows in exactly the same order without shipping a million
rows between processes.

What it looks like, and why:

- message counts per conversation are skewed (log-normal: many short
  exchanges, a few long follow-ups), so that "a thread of 100 messages" is a
  real thread among others, not the only shape;
- messages are inserted in arrival order across all conversations (a merge
  on time), as a store fills over the years, not conversation by conversation:
  that is what scatters a thread over the file unless the store clusters it;
- bodies are French administrative text drawn with Zipf weights, plus a few
  very common words (a "common" search matches a quarter of all messages) and
  rare drug-like names (a "selective" search matches a few dozen).
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# Words a message is made of, most frequent first (Zipf weights below).
_VOCABULARY_TEXT = (
    "bonjour docteur merci pour votre réponse je vous écris au sujet de mon "
    "traitement rendez-vous semaine prochaine possible avoir une nouvelle "
    "analyse sanguine prise de sang laboratoire tension artérielle douleur dos "
    "genou épaule depuis quelques jours mardi jeudi matin après-midi secrétariat "
    "cabinet courrier spécialiste cardiologue dermatologue kinésithérapeute séance "
    "radio échographie scanner compte rendu arrêt de travail certificat médical "
    "sport école mutuelle carte vitale facture remboursement vaccin grippe rappel "
    "tétanos enfant fille fils mère père fièvre toux rhume allergie pharmacie "
    "boîte comprimés posologie matin soir dose oubli effets secondaires fatigue "
    "sommeil poids régime glycémie cholestérol thyroïde contrôle suivi bilan "
    "annuel dépistage mammographie coloscopie frottis résultat normal habituel "
    "urgent pas urgent bien reçu cordialement bonne journée à bientôt"
)
_VOCABULARY = _VOCABULARY_TEXT.split()
# Each in roughly a quarter of the messages: what a "common" search looks for.
COMMON_WORDS = ("ordonnance", "renouvellement", "résultats", "consultation")
_COMMON_RATE = 0.25
# Each message has this chance of naming one rare product: with 200 of them,
# a million messages hold each about 50 times ("selective" search).
RARE_WORD_COUNT = 200
_RARE_RATE = 0.01

_FIRST_NAMES_TEXT = (
    "Jean Marie Pierre Anne Michel Catherine Philippe Isabelle Alain Sylvie Nicolas "
    "Nathalie Julien Sophie Thomas Camille Lucas Léa Hugo Chloé Louis Emma Gabriel Inès"
)
_LAST_NAMES_TEXT = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
    "Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard "
    "André Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure"
)
_FIRST_NAMES = _FIRST_NAMES_TEXT.split()
_LAST_NAMES = _LAST_NAMES_TEXT.split()
_PROFESSIONS = (
    "Médecin généraliste",
    "Infirmière",
    "Kinésithérapeute",
    "Sage-femme",
    "Chirurgien-dentiste",
)
_CATEGORIES = ("renewal", "document", "administrative", "other")
# The store's history starts here; conversations are created over three years.
_EPOCH = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
_SPAN_DAYS = 3 * 365
_MEAN_GAP_HOURS = 6.0


@dataclass(frozen=True)
class Conversation:
    """One conversation to create, and how many messages it will hold."""

    id: str
    patient_id: str
    practitioner_id: str
    category: str
    state: str
    created_at: datetime
    messages: int
    assigned_to: str | None
    unread_tail: int  # how many of its last patient messages stay unread


@dataclass(frozen=True)
class Corpus:
    """A practice of ``conversations`` conversations holding ``messages`` messages."""

    conversations: int
    messages: int
    seed: int = 20_26

    @property
    def patients(self) -> int:
        return max(1, self.conversations * 2 // 5)

    @property
    def practitioners(self) -> int:
        return 6

    def _id(self, kind: int, n: int) -> str:
        # Stable UUIDs (the store insists on them for people), distinct per kind.
        return str(uuid.UUID(int=(self.seed << 64) | (kind << 48) | n))

    def practitioner_rows(self) -> list[tuple[str, str, str]]:
        """``(id, name, profession)``; the first is the one most requests go to."""
        rng = random.Random(self.seed)
        return [
            (
                self._id(1, n),
                f"Dr {rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
                _PROFESSIONS[n % len(_PROFESSIONS)],
            )
            for n in range(self.practitioners)
        ]

    def patient_rows(self) -> list[tuple[str, str, str]]:
        """``(id, name, born)``."""
        rng = random.Random(self.seed + 1)
        rows = []
        for n in range(self.patients):
            born = datetime(1930, 1, 1) + timedelta(days=rng.randrange(90 * 365))
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            rows.append((self._id(2, n), name, born.date().isoformat()))
        return rows

    def conversation_rows(self) -> list[Conversation]:
        """The conversations, oldest first, with message counts summing to ``messages``."""
        rng = random.Random(self.seed + 2)
        starts = sorted(rng.uniform(0, _SPAN_DAYS) for _ in range(self.conversations))
        states = [_state(rng, 1 - start / _SPAN_DAYS) for start in starts]
        counts = _skewed_counts(rng, self.conversations, self.messages)
        # A request not yet accepted holds the patient's first message or two;
        # what it would have held goes to a random conversation that is not one.
        others = [n for n, s in enumerate(states) if s != "requested"] or [0]
        for n, state in enumerate(states):
            if state == "requested" and counts[n] > 2 and len(others) > 1:
                keep = 1 + rng.randrange(2)
                counts[rng.choice(others)] += counts[n] - keep
                counts[n] = keep
        practitioners = [p[0] for p in self.practitioner_rows()]
        rows = []
        for n, (count, start, state) in enumerate(zip(counts, starts, states, strict=True)):
            rows.append(
                Conversation(
                    id=self._id(3, n),
                    patient_id=self._id(2, rng.randrange(self.patients)),
                    practitioner_id=practitioners[min(int(rng.expovariate(0.8)), 5)],
                    category=rng.choice(_CATEGORIES),
                    state=state,
                    created_at=_EPOCH + timedelta(days=start),
                    messages=count,
                    assigned_to=rng.choice(practitioners) if rng.random() < 0.1 else None,
                    unread_tail=rng.randrange(4) if state in ("open", "requested") else 0,
                )
            )
        return rows

    def message_rows(self, conversations: list[Conversation]) -> Iterator[tuple[Any, ...]]:
        """Rows for ``add_messages_bulk``, in arrival order across all conversations."""
        rng = random.Random(self.seed + 3)
        bodies = BodyWriter(self.seed + 4)
        # (next message's time, conversation index, messages written so far)
        heap = [(c.created_at, i, 0) for i, c in enumerate(conversations) if c.messages]
        heapq.heapify(heap)
        serial = 0
        while heap:
            sent_at, i, k = heapq.heappop(heap)
            c = conversations[i]
            sender = "patient" if k == 0 or rng.random() < 0.55 else "practice"
            unread = sender == "patient" and k >= c.messages - c.unread_tail
            if sender == "patient":
                author, delivery = c.patient_id, "delivered" if unread else "read"
            else:
                author, delivery = c.practitioner_id, "read"
            read_at = None if unread else sent_at + timedelta(hours=1)
            yield (
                self._id(4, serial),
                c.id,
                sender,
                author,
                bodies.body(),
                sent_at,
                delivery,
                read_at,
            )
            serial += 1
            if k + 1 < c.messages:
                gap = timedelta(hours=rng.expovariate(1 / _MEAN_GAP_HOURS))
                heapq.heappush(heap, (sent_at + gap, i, k + 1))


def _state(rng: random.Random, age: float) -> str:
    """Old conversations are closed; the recent ones are still being worked on (0 = newest)."""
    if age < 0.05 and rng.random() < 0.4:
        return "requested"
    if age < 0.15:
        return "open" if rng.random() < 0.8 else "closed"
    return "declined" if rng.random() < 0.05 else "closed"


def _skewed_counts(rng: random.Random, n: int, total: int) -> list[int]:
    """``n`` counts ≥ 1 summing to ``total``, log-normally spread (median ≈ half the mean)."""
    if total < n:
        raise ValueError("at least one message per conversation")
    weights = [rng.lognormvariate(0, 1.2) for _ in range(n)]
    scale = (total - n) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    # Rounding down left a few messages over: give them to random conversations.
    for _ in range(total - sum(counts)):
        counts[rng.randrange(n)] += 1
    return counts


def rare_words(count: int = RARE_WORD_COUNT) -> list[str]:
    """Invented product names: none is a prefix of another or of a vocabulary word."""
    rng = random.Random(7)
    onsets = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "tr", "pr")
    vowels = ("a", "e", "i", "o", "u", "y")
    endings = ("xine", "zole", "tadil", "prane", "mycine", "fexor", "lidone", "vastine")
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        stem = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(2))
        word = "q" + stem + rng.choice(endings)  # no French word starts "qb", "qd"…
        if word[:6] not in seen:
            seen.add(word[:6])
            words.append(word)
    return words


class BodyWriter:
    """Message bodies: 8–60 words of the vocabulary, Zipf-weighted, with the search words."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        weights = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]
        self._cum = list(_accumulate(weights))
        self._rare = rare_words()

    def body(self) -> str:
        rng = self._rng
        words = rng.choices(_VOCABULARY, cum_weights=self._cum, k=int(rng.uniform(8, 60)))
        for word in COMMON_WORDS:
            if rng.random() < _COMMON_RATE:
                words.insert(rng.randrange(len(words) + 1), word)
        if rng.random() < _RARE_RATE:
            words.insert(rng.randrange(len(words) + 1), rng.choice(self._rare))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total
