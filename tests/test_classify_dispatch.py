from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.classify.corpus import DATA_DIR, load
from graphsvc.classify.cues import _KINDS, DISPATCHED, GROUP_KIND, PLAIN
from graphsvc.classify.dispatch import dispatch_pattern, first_chars, split_alternatives
from graphsvc.classify.text import clean, fold


def _plain(folded: str) -> list[tuple[str, int, int]]:
    return [(m.lastgroup or "", m.start(), m.end()) for m in PLAIN.finditer(folded)]


def _dispatched(folded: str) -> list[tuple[str, int, int]]:
    return [(GROUP_KIND[m.lastgroup or ""], m.start(), m.end()) for m in DISPATCHED.finditer(folded)]


# Words and fragments of the cue rules themselves, so generated text hits many alternatives.
_PIECES = sorted({w for alts in _KINDS.values() for a in alts for w in re.findall(r"[a-z0-9'@/-]+", a)})
_GLUE = [" ", "  ", ", ", ". ", "!", "?", "@", "#", "'", "-", "\n", "3 ", "10 ", "٣ ", "é", "😡", "x"]


def test_dispatch_first_chars_of_the_syntax_the_rules_use() -> None:
    assert first_chars(r"(?:switch(?:ing)?|mov(?:e|ing))(?: \w+)? to @\w+") == frozenset("sm")
    assert first_chars(r"(?:periodo de )?prueba") == frozenset("pp")
    assert first_chars(r"\bhelp\b") == frozenset("h")
    assert first_chars(r"[:;]-?[()]") == frozenset(":;")
    assert first_chars(r"(?:three|\d+) times") == frozenset({"t", r"\d"})
    assert first_chars(r"(?=x)") is None  # can match the empty string: tried everywhere
    assert first_chars(r"(?i)abc") is None  # flags are not modelled: tried everywhere
    assert split_alternatives(r"a(?:b|c)|[|]|d") == ["a(?:b|c)", "[|]", "d"]


def test_dispatch_keeps_the_first_matching_alternative() -> None:
    named = [("x", [r"ab", r"\bab\w+"]), ("y", [r"(?:a|b)c?", r"\d+ times|abc"])]
    text, groups = dispatch_pattern(named, r"(?<!\w)")
    fast = re.compile(text)
    plain = re.compile(r"(?<!\w)(?:(?P<x>ab|\bab\w+)|(?P<y>(?:a|b)c?|\d+ times|abc))")
    for s in ("abc", "ab abx", "bc ac a", "12 times", "٣ times ab", "xab ab"):
        want = [(m.lastgroup, m.span()) for m in plain.finditer(s)]
        assert [(groups[m.lastgroup or ""], m.span()) for m in fast.finditer(s)] == want, s


def test_dispatch_cues_match_the_plain_rules_on_every_labeled_text() -> None:
    for name in ("train.jsonl", "eval.jsonl"):
        for ex in load(DATA_DIR / name):
            folded = fold(clean(ex.text))
            assert _dispatched(folded) == _plain(folded), ex.id


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.sampled_from(_GLUE), max_size=30))
def test_dispatch_cues_match_the_plain_rules_on_generated_text(parts: list[str]) -> None:
    folded = " ".join(parts)
    assert _dispatched(folded) == _plain(folded)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_dispatch_cues_match_the_plain_rules_on_any_text(text: str) -> None:
    folded = fold(clean(text))
    assert _dispatched(folded) == _plain(folded)
