"""Sanity checks on real, non-commercial tweets that are never committed; skipped without ../shared."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from graphsvc.classify import default_classifier
from graphsvc.classify.lang import detect
from graphsvc.model import CustomerType

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
pytestmark = pytest.mark.shared_data


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/data is only on project machines)")
    return path


def test_shared_airline_negative_tweets_are_mostly_complaints() -> None:
    with _need(SHARED / "airline" / "Tweets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    neg = [r["text"] for r in rows if r["airline_sentiment"] == "negative"][:2000]
    pos = [r["text"] for r in rows if r["airline_sentiment"] == "positive"][:1000]
    c = default_classifier()
    neg_types = Counter(r.type for r in c.classify_batch([(t, None, "en") for t in neg]))
    pos_types = Counter(r.type for r in c.classify_batch([(t, None, "en") for t in pos]))
    complaint = (
        neg_types[CustomerType.PASSIVE] + neg_types[CustomerType.VENTING] + neg_types[CustomerType.USED_TO_BE]
    )
    assert complaint / len(neg) >= 0.6, neg_types
    happy = (
        pos_types[CustomerType.ADVOCATE]
        + pos_types[CustomerType.COLLABORATIVE]
        + pos_types[CustomerType.OTHER]
    )
    assert happy / len(pos) >= 0.5, pos_types


@pytest.mark.parametrize(("lang", "folder"), [("es", "spanish"), ("pt", "portuguese"), ("en", "english")])
def test_shared_umsab_language_detection(lang: str, folder: str) -> None:
    texts = (
        _need(SHARED / "multilingual" / "umsab" / folder / "test_text.txt")
        .read_text(encoding="utf-8")
        .splitlines()[:500]
    )
    assert sum(detect(t) == lang for t in texts) / len(texts) >= 0.85


def test_shared_nusax_indonesian_detection() -> None:
    with _need(SHARED / "multilingual" / "nusax_senti" / "indonesian" / "test.csv").open(
        encoding="utf-8"
    ) as fh:
        texts = [r["text"] for r in csv.DictReader(fh)]
    assert sum(detect(t) == "id" for t in texts) / len(texts) >= 0.9
