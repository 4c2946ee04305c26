from __future__ import annotations

from typing import Any

import pytest

from graphsvc.classify import default_classifier
from graphsvc.classify.golden import labeled_items, read, row, rows, weights_sha256


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
    header, _ = read()
    assert weights_sha256() == header["weights_sha256"], "weights.npz changed: regenerate golden on purpose"
    assert default_classifier().version == header["version"]


def test_fastpath_batch_matches_recorded_outputs() -> None:
    _, want = read()
    bad = _diff(rows(default_classifier().classify_batch), want)
    assert not bad, f"{len(bad)} outputs differ, first: {bad[:3]}"


def test_fastpath_single_calls_match_recorded_outputs() -> None:
    _, want = read()
    c = default_classifier()
    got = [row(key, c.classify(*item)) for key, item in labeled_items()[::7]]
    bad = _diff(got, want[::7])
    assert not bad, f"{len(bad)} outputs differ, first: {bad[:3]}"
