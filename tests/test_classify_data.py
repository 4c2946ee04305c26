from __future__ import annotations

import json
import re
from collections import Counter

from graphsvc.classify.corpus import BRANDS, DATA_DIR, generate, load
from graphsvc.model import CustomerType


def _norm(text: str) -> str:
    return re.sub(r"@\w+|https?://\S+|[^\w\s]|\d+", "", text.lower()).split().__str__()


def test_corpus_eval_meets_size_label_and_language_floors() -> None:
    examples = load(DATA_DIR / "eval.jsonl")
    assert len(examples) >= 700
    per_label = Counter(ex.label for ex in examples)
    assert set(per_label) == set(CustomerType)
    assert min(per_label.values()) >= 50
    assert {ex.lang for ex in examples} >= {"en", "es", "pt", "id"}


def test_corpus_eval_shares_no_text_with_train() -> None:
    train = {_norm(ex.text) for ex in load(DATA_DIR / "train.jsonl")}
    overlap = [ex.text for ex in load(DATA_DIR / "eval.jsonl") if _norm(ex.text) in train]
    assert overlap == []


def test_corpus_eval_shares_no_phrase_with_train() -> None:
    # Eval sentences are not train sentences with another brand pasted in: no 6-word run is shared
    # beyond a handful of stock phrases.
    def grams(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[^\W\d_]+", re.sub(r"@\w+|https?://\S+", "", text.lower()))
        return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}

    train: set[tuple[str, ...]] = set()
    for ex in load(DATA_DIR / "train.jsonl"):
        train |= grams(ex.text)
    shared = [ex.text for ex in load(DATA_DIR / "eval.jsonl") if grams(ex.text) & train]
    assert len(shared) < 10, shared[:10]


def test_corpus_brands_disjoint_between_splits() -> None:
    train = {b for bs in BRANDS["train"].values() for b in bs}
    evals = {b for bs in BRANDS["eval"].values() for b in bs}
    assert not train & evals


def test_corpus_files_are_what_the_generator_writes() -> None:
    for split in ("train", "eval"):
        rows = [
            json.loads(line)
            for line in (DATA_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert rows == [ex.to_json() for ex in generate(split)]
