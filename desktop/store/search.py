"""Full-text search of message bodies (FTS5), safe for whatever a person types.

The person's text never reaches FTS5's query syntax: each word becomes a
quoted string (a phrase, with ``"`` doubled), so ``AND``, ``NEAR(``, ``*`` or a
stray quote are words like any other and never a syntax error. Words of
three characters or more match as prefixes ("ordo" finds "ordonnance");
shorter ones match whole, since "a*" would match half the dictionary.
Case and accents are folded by the index's tokenizer (unicode61,
remove_diacritics 2).

Ranking (bm25) costs a few microseconds per matching message: nothing for a
precise search, seconds for a word found in a third of a million messages.
So at most ``RANKED_CANDIDATES`` matches are ranked: when a search matches
more, the ones ranked are those with the highest rowids, that is in the most
recently created conversations (rowids follow conversations; see
conversations.MESSAGE_ROWID). A precise search is ranked in full.
"""

from __future__ import annotations

from typing import Any

from desktop.store.conversations import (
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    MESSAGE_WIDTH,
    conversation_from_row,
    message_from_row,
)
from desktop.store.records import SearchHit

MIN_PREFIX_CHARS = 3
MAX_TERMS = 16  # beyond this a query is a pasted paragraph, not a search
RANKED_CANDIDATES = 5000


def fts_query(text: str) -> str | None:
    """The FTS5 query for a person's text, or ``None`` when there is nothing to look for."""
    terms = [t for t in str(text).split() if any(ch.isalnum() for ch in t)][:MAX_TERMS]
    if not terms:
        return None
    parts = []
    for term in terms:
        quoted = '"' + term.replace('"', '""') + '"'
        letters = sum(ch.isalnum() for ch in term)
        parts.append(quoted + "*" if letters >= MIN_PREFIX_CHARS else quoted)
    return " ".join(parts)  # implicit AND: every word must be there


def search(c: Any, text: str, limit: int, conversation_id: str | None = None) -> list[SearchHit]:
    """Messages matching every word of ``text``, best match first (bm25)."""
    query = fts_query(text)
    if query is None or limit <= 0:
        return []
    within = ""
    params: list[Any] = [query]
    if conversation_id is not None:
        within = " AND m.conversation_id = ?"
        params.append(conversation_id)
    else:
        # Walking the matches in rowid order needs no ranking: cheap, and it
        # tells whether there are too many to rank.
        floor = c.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (query, max(RANKED_CANDIDATES, limit) - 1),
        ).fetchone()
        if floor is not None:
            within = " AND f.rowid >= ?"
            params.append(floor[0])
    rows = c.execute(
        f"SELECT {MESSAGE_COLUMNS}, {CONVERSATION_COLUMNS} "
        "FROM messages_fts f "
        "JOIN messages m ON m.rowid = f.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "LEFT JOIN patients p ON p.id = c.patient_id "
        f"WHERE messages_fts MATCH ?{within} "
        "ORDER BY f.rank, m.sent_at DESC LIMIT ?",
        (*params, int(limit)),
    )
    return [SearchHit(message_from_row(r), conversation_from_row(r, MESSAGE_WIDTH)) for r in rows]
