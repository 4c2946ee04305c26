from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.classify import Context, default_classifier
from graphsvc.classify.golden import HOSTILE
from graphsvc.errors import ClassifierError
from graphsvc.model import Classification, CustomerType


def _valid(r: Classification) -> None:
    assert isinstance(r.type, CustomerType)
    assert 0.0 <= r.confidence <= 1.0
    assert r.lang
    assert r.version.startswith("clf-")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=400))
def test_robustness_any_text_gives_a_result(text: str) -> None:
    _valid(default_classifier().classify(text))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=20))
def test_robustness_batch_matches_single(texts: list[str]) -> None:
    c = default_classifier()
    assert [r.type for r in c.classify_batch([(t, None, None) for t in texts])] == [
        c.classify(t).type for t in texts
    ]


@pytest.mark.parametrize(
    "text",
    [*HOSTILE, "x" * 100_000, "ok " * 40_000],
)
def test_robustness_hard_inputs(text: str) -> None:
    _valid(default_classifier().classify(text))


def test_robustness_empty_text_is_other_without_response() -> None:
    r = default_classifier().classify("  ", lang="pt")
    assert (r.type, r.needs_response, r.lang) == (CustomerType.OTHER, False, "pt")


def test_robustness_non_string_is_a_clear_error() -> None:
    with pytest.raises(ClassifierError, match="must be a string"):
        default_classifier().classify_batch([(b"bytes", None, None)])  # type: ignore[list-item]


def test_robustness_unknown_context_field_is_a_clear_error() -> None:
    with pytest.raises(ClassifierError, match="unknown context fields"):
        Context.from_mapping({"adresses_brand": True})
