from __future__ import annotations

from graphsvc.classify import default_classifier
from graphsvc.classify.corpus import DATA_DIR, load
from graphsvc.classify.evaluate import evaluate, score


def test_quality_eval_macro_f1_beats_floor_and_baseline() -> None:
    ours, base = evaluate(default_classifier(), load(DATA_DIR / "eval.jsonl"))
    assert ours.macro_f1 >= 0.85
    assert ours.macro_f1 - base.macro_f1 >= 0.3
    assert all(v >= 0.8 for v in ours.by_lang.values()), ours.by_lang


def test_score_macro_f1_and_confusion() -> None:
    r = score(["A", "A", "B", "B"], ["A", "B", "B", "B"], labels=("A", "B"))
    assert r.confusion == [[1, 1], [0, 2]]
    assert round(r.per_class["A"].recall, 3) == 0.5
    assert round(r.macro_f1, 3) == round((2 / 3 + 0.8) / 2, 3)
