"""Precision, recall, F1, macro-F1 and the confusion matrix, overall and per language.

>>> r = score(["A", "B"], ["A", "A"], labels=("A", "B"))
>>> round(r.macro_f1, 3)
0.333
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graphsvc.classify.baseline import baseline_batch
from graphsvc.classify.classifier import Classifier
from graphsvc.classify.context import Context
from graphsvc.classify.corpus import Example
from graphsvc.model import CustomerType

LABELS = tuple(t.value for t in CustomerType)


@dataclass(frozen=True, slots=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    labels: tuple[str, ...]
    per_class: dict[str, ClassScore]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]  # rows: gold label, columns: predicted, in ``labels`` order
    by_lang: dict[str, float] = field(default_factory=dict)  # macro-F1 per language

    def to_json(self) -> dict[str, Any]:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "per_class": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in self.per_class.items()
            },
            "by_lang": {k: round(v, 4) for k, v in self.by_lang.items()},
            "labels": list(self.labels),
            "confusion": self.confusion,
        }


def score(
    gold: Sequence[str],
    pred: Sequence[str],
    labels: Sequence[str] = LABELS,
    langs: Sequence[str] | None = None,
) -> Report:
    """Macro-F1 averages over the labels present in ``gold`` (a label nobody wrote cannot be recalled)."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        confusion[index[g]][index[p]] += 1
    per_class: dict[str, ClassScore] = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        support = sum(confusion[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScore(precision, recall, f1, support)
    present = [s.f1 for s in per_class.values() if s.support]
    macro = sum(present) / len(present) if present else 0.0
    accuracy = sum(confusion[i][i] for i in range(len(labels))) / max(1, len(gold))
    by_lang: dict[str, float] = {}
    if langs is not None:
        for lang in sorted(set(langs)):
            pick = [i for i, x in enumerate(langs) if x == lang]
            by_lang[lang] = score([gold[i] for i in pick], [pred[i] for i in pick], labels).macro_f1
    return Report(tuple(labels), per_class, macro, accuracy, confusion, by_lang)


def evaluate(classifier: Classifier, examples: Sequence[Example]) -> tuple[Report, Report]:
    """(classifier report, baseline report) on the same examples, per language by the gold ``lang``."""
    items = [
        (ex.text, Context.from_mapping(ex.context) if ex.context else None, ex.lang or None)
        for ex in examples
    ]
    results = classifier.classify_batch(items)
    gold = [ex.label.value for ex in examples]
    langs = [ex.lang or r.lang for ex, r in zip(examples, results, strict=True)]
    ours = score(gold, [r.type.value for r in results], langs=langs)
    base = score(gold, [t.value for t in baseline_batch([ex.text for ex in examples])], langs=langs)
    return ours, base


def format_report(name: str, report: Report) -> str:
    short = [label[:6] for label in report.labels]
    lines = [
        f"== {name}: macro-F1 {report.macro_f1:.3f}, accuracy {report.accuracy:.3f}",
        f"{'':14} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}",
    ]
    for label, s in report.per_class.items():
        lines.append(f"{label:14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    if report.by_lang:
        lines.append("macro-F1 by language: " + ", ".join(f"{k} {v:.3f}" for k, v in report.by_lang.items()))
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(f"{'':14} " + " ".join(f"{s:>6}" for s in short))
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{label:14} " + " ".join(f"{n:6d}" for n in row))
    return "\n".join(lines)
