"""Full-text search as a secretary types it: accents, capitals, word starts, typos in syntax."""

from __future__ import annotations

import pytest

from desktop.store.search import fts_query
from tests.store.conftest import Practice


@pytest.fixture()
def messages(practice: Practice) -> Practice:
    practice.conversation("c-jean")
    practice.conversation("c-lucie", patient=practice.lucie)
    practice.from_patient("c-jean", "m-1", "Voici mes résultats d'analyse sanguine", 1)
    practice.from_patient("c-jean", "m-2", "Pouvez-vous renouveler mon Ordonnance ?", 2)
    practice.from_practice("c-jean", "m-3", "L'ordonnance est prête à l'accueil.", 3)
    practice.from_patient("c-lucie", "m-4", "RESULTATS du scanner en pièce jointe", 4)
    practice.from_patient("c-lucie", "m-5", 'Elle a dit "NEAR(ici) AND * OR" puis est partie', 5)
    return practice


def _ids(practice: Practice, text: str) -> set[str]:
    return {hit.message.id for hit in practice.store.search(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ordonnance", {"m-2", "m-3"}),
        ("Ordonnance", {"m-2", "m-3"}),
        ("ORDONNANCE", {"m-2", "m-3"}),
        ("résultats", {"m-1", "m-4"}),
        ("resultats", {"m-1", "m-4"}),
        ("RÉSULTATS", {"m-1", "m-4"}),
        ("ordo", {"m-2", "m-3"}),  # the start of a word
        ("résul sanguine", {"m-1"}),  # every word must be there
        ("prete accueil", {"m-3"}),
        ("l'ordonnance", {"m-3"}),
        ("piece jointe", {"m-4"}),
        ("radiographie", set()),
    ],
)
def test_search_ignores_case_and_accents_and_matches_word_starts(messages, text, expected):
    assert _ids(messages, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR(ici",
        "AND(",
        "(",
        ")",
        "-",
        "^",
        ":",
        "ordonnance AND",
        "OR ordonnance",
        '"ordonnance',
        "ordonnance*",
        "col:ordonnance",
        "'; DROP TABLE messages; --",
        "\x00",
        "   ",
        "",
        "é" * 500,
        "ordonnance " * 100,
    ],
)
def test_any_text_is_a_safe_search(messages, text):
    hits = messages.store.search(text)  # never a syntax error
    assert isinstance(hits, list)
    assert len(messages.store.thread("c-jean")) == 3  # and nothing was harmed


def test_operators_typed_as_words_are_searched_as_words(messages):
    assert _ids(messages, "NEAR(ici)") == {"m-5"}
    assert _ids(messages, "AND") == {"m-5"}
    assert _ids(messages, '"NEAR(ici) AND') == {"m-5"}


def test_empty_searches_find_nothing(messages):
    assert messages.store.search("") == []
    assert messages.store.search("  \t ") == []
    assert messages.store.search("* ( )") == []


def test_a_hit_carries_its_conversation_and_patient(messages):
    [hit] = messages.store.search("scanner")
    message, conversation = hit
    assert message.text == "RESULTATS du scanner en pièce jointe"
    assert conversation.id == "c-lucie" and conversation.patient_name == "Lucie Bernard"


def test_better_matches_come_first_and_limit_holds(messages):
    messages.from_patient("c-jean", "m-6", "ordonnance ordonnance ordonnance", 6)
    hits = messages.store.search("ordonnance", limit=2)
    assert len(hits) == 2 and hits[0].message.id == "m-6"


def test_search_within_one_conversation(messages):
    hits = messages.store.search("résultats", conversation_id="c-lucie")
    assert [h.message.id for h in hits] == ["m-4"]


def test_short_words_match_whole_long_ones_as_prefixes():
    assert fts_query("ab") == '"ab"'
    assert fts_query("ordo") == '"ordo"*'
    assert fts_query('ab"c') == '"ab""c"*'
    assert fts_query("* ()") is None


def test_a_very_common_word_ranks_the_most_recent_conversations(messages, monkeypatch):
    from desktop.store import search

    monkeypatch.setattr(search, "RANKED_CANDIDATES", 3)
    for i in range(6):
        conv = messages.conversation(f"c-new-{i}", created=100 + i)
        messages.from_patient(conv, f"n-{i}", "ordonnance", 100 + i)
    hits = messages.store.search("ordonnance", limit=2)
    assert len(hits) == 2
    # Only the three newest conversations were ranked; older matches wait for a
    # more precise search.
    assert {h.conversation.id for h in hits} <= {"c-new-3", "c-new-4", "c-new-5"}
    assert {h.message.id for h in messages.store.search("ordonnance", limit=10)} == {
        "m-2",
        "m-3",
        *(f"n-{i}" for i in range(6)),
    }  # a larger page ranks more
    assert [h.message.id for h in messages.store.search("renouveler")] == ["m-2"]
