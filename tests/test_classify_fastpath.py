from __future__ import annotations

import gc
from typing import Any

import pytest

from graphsvc.classify import default_classifier, fastpath
from graphsvc.classify.fastpath import ColumnFeatures
from graphsvc.classify.features import named_features, read
from graphsvc.classify.golden import labeled_items, row, rows, weights_sha256
from graphsvc.classify.golden import read as read_golden
from graphsvc.errors import ClassifierError


def _diff(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for g, w in zip(got, want, strict=True):
        assert g["key"] == w["key"]
        same = (
            g["type"] == w["type"]
            and g["confidence"] == pytest.approx(w["confidence"], abs=1e-9)
            and (g["lang"], g["cues"], g["needs_response"], g["sla_s"])
            == (w["lang"], w["cues"], w["needs_response"], w["sla_s"])
        )
        if not same:
            out.append(f"{w['key']}: got {g}, recorded {w}")
    return out


def test_fastpath_weights_are_the_recorded_ones() -> None:
    header, _ = read_golden()
    assert weights_sha256() == header["weights_sha256"], "weights.npz changed: regenerate golden on purpose"
    assert default_classifier().version == header["version"]


def test_fastpath_batch_matches_recorded_outputs() -> None:
    _, want = read_golden()
    bad = _diff(rows(default_classifier().classify_batch), want)
    assert not bad, f"{len(bad)} outputs differ, first: {bad[:3]}"


def test_fastpath_single_calls_match_recorded_outputs() -> None:
    _, want = read_golden()
    c = default_classifier()
    got = [row(key, c.classify(*item)) for key, item in labeled_items()[::7]]
    bad = _diff(got, want[::7])
    assert not bad, f"{len(bad)} outputs differ, first: {bad[:3]}"


def test_fastpath_columns_equal_the_named_features_columns() -> None:
    c = default_classifier()
    fast = ColumnFeatures(c.model)
    for key, (text, context, lang) in labeled_items():
        r = read(text, context, lang, c.lexicon)
        # Same list, same order: the model then sums the same weights in the same order.
        assert fast.columns(r) == c.model.columns(named_features(r)), key


def test_fastpath_batch_equals_the_reference_path() -> None:
    c = default_classifier()
    items = [item for _, item in labeled_items()]
    assert c.classify_batch(items) == c.classify_batch_reference(items)


def test_fastpath_token_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "_MEMO_MAX", 50)
    c = default_classifier()
    fast = ColumnFeatures(c.model)
    text = " ".join(f"tok{i}" for i in range(500))
    r = read(text)
    assert fast.columns(r) == c.model.columns(named_features(r))
    assert len(fast._memo) == 50


def test_fastpath_reader_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "_MEMO_MAX", 50)
    c = default_classifier()
    reader = fastpath.FastReader(c.model, c.lexicon)
    text = " ".join(f"tok{i}" for i in range(500))
    _, _, _, _, cols = reader.read(text, None, None)
    assert cols == c.model.columns(named_features(read(text)))
    assert len(reader._memo) == 50


def test_fastpath_batch_restores_garbage_collection() -> None:
    c = default_classifier()
    assert gc.isenabled()
    c.classify_batch([("@Delta my bag didn't arrive", None, None)])
    assert gc.isenabled()
    with pytest.raises(ClassifierError):
        c.classify_batch([(b"not text", None, None)])  # type: ignore[list-item]
    assert gc.isenabled()
    gc.disable()
    try:
        c.classify_batch([("@Delta my bag didn't arrive", None, None)])
        assert not gc.isenabled()
    finally:
        gc.enable()
