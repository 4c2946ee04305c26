"""The classifier: cue rules and a learned linear model, then context rules, then the playbook.

>>> c = default_classifier()
>>> c.classify("@Delta lost my bag, can you help? flight 1234").type
<CustomerType.PASSIVE: 'PASSIVE'>
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from graphsvc.classify.context import Context
from graphsvc.classify.cues import Cue
from graphsvc.classify.fastpath import Fast, FastReader
from graphsvc.classify.features import named_features, read
from graphsvc.classify.lexicon import Lexicon
from graphsvc.classify.linear import CLASSES, LinearModel
from graphsvc.classify.playbook import Playbook
from graphsvc.errors import ClassifierError
from graphsvc.model import Classification, CustomerType

RULES_VERSION = "r1"  # bump when a rule below changes what the classifier returns
Item = tuple[str, Context | None, str | None]

_T = CustomerType
_P, _U, _V = CLASSES.index(_T.PASSIVE), CLASSES.index(_T.USED_TO_BE), CLASSES.index(_T.VENTING)
_MAX_CUES = 6


def _cue_label(name: str) -> str | None:
    """How a feature reads as a cue, or None for features that explain nothing to a person."""
    kind, _, value = name.partition(":")
    if kind == "w" and len(value) == 1 and not value.isalnum():
        return f'emoji:"{value}"' if value not in "!?" else f'punctuation:"{value}"'
    if kind == "w" and value not in ("<at>", "<url>", "<num>"):
        return f'word:"{value}"'
    if kind == "b" and "<" not in value:
        return f'phrase:"{value}"'
    if kind == "s":
        return f"signal:{value}"
    if kind == "pol":
        return f"sentiment:{value}"
    return None


def _explain(
    column: list[float], heavy: frozenset[int], labels: list[str | None], cues: list[Cue], cols: list[int]
) -> list[str]:
    """Rule cues first, then the surface words and signals that pushed hardest toward the answer.

    ``heavy`` holds the columns whose weight in ``column`` is above 0.3.
    """
    out = [c.label for c in cues]
    # The four heaviest columns above 0.3, heaviest first; ties go to the higher column.
    top = sorted([(column[i], i) for i in heavy.intersection(cols)], reverse=True)[:4]
    for _, col in top:
        label = labels[col]
        if label is not None:
            out.append(label)
    seen: dict[str, None] = dict.fromkeys(out)
    return list(seen)[:_MAX_CUES]


@dataclass(frozen=True, eq=False)
class Classifier:
    """Tags interactions with a customer type; thread-safe and cheap to share."""

    model: LinearModel
    playbook: Playbook = field(default_factory=Playbook.default)
    brand_playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon.load)

    @cached_property
    def version(self) -> str:
        return f"clf-{self.model.version}-{RULES_VERSION}"

    @cached_property
    def _reader(self) -> FastReader:
        return FastReader(self.model, self.lexicon)

    @cached_property
    def _heavy(self) -> list[frozenset[int]]:
        """Per class, the columns heavy enough to explain an answer (weight above 0.3)."""
        return [frozenset(i for i, w in enumerate(column) if w > 0.3) for column in self.model.class_weights]

    @cached_property
    def _labels(self) -> list[str | None]:
        return [_cue_label(name) for name in self.model.vocabulary]

    def classify(self, text: str, context: Context | None = None, lang: str | None = None) -> Classification:
        return self.classify_batch([(text, context, lang)])[0]

    def classify_batch(self, items: Sequence[Item]) -> list[Classification]:
        """One result per ``(text, context, lang)``, in order; much faster per item than ``classify``."""
        read = self._reader.read
        # The items' short-lived objects hold no cycles; collecting during the loop only costs time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            fast: list[Fast] = []
            for text, context, lang in items:
                if not isinstance(text, str):
                    raise ClassifierError(f"text must be a string, got {type(text).__name__}")
                fast.append(read(text, context, lang))
            return self._decide_all(fast)
        finally:
            if collecting:
                gc.enable()

    def classify_batch_reference(self, items: Sequence[Item]) -> list[Classification]:
        """Like :meth:`classify_batch` through named feature strings, as in training; slower, same answers."""
        named = self.model.columns
        fast: list[Fast] = []
        for text, context, lang in items:
            if not isinstance(text, str):
                raise ClassifierError(f"text must be a string, got {type(text).__name__}")
            r = read(text, context, lang, self.lexicon)
            cols = named(named_features(r)) if r.tokens else None
            fast.append((r.lang, r.cues, r.competitor, r.context, cols))
        return self._decide_all(fast)

    def _decide_all(self, items: list[Fast]) -> list[Classification]:
        """Scores the items with tokens (those with columns) and decides each."""
        cols = [f[4] for f in items if f[4] is not None]
        probs: list[list[float]] = (
            self.model.proba(self.model.logits_of_columns(cols)).tolist() if cols else []
        )
        out: list[Classification] = []
        row = 0
        for f in items:
            if f[4] is None:
                out.append(self._nothing_to_read(f[0]))
                continue
            out.append(self._decide(f, probs[row]))
            row += 1
        return out

    def _nothing_to_read(self, lang: str) -> Classification:
        return Classification(
            type=_T.OTHER,
            confidence=1.0,
            lang=lang,
            cues=("empty: no words, emoji or signals to read",),
            needs_response=False,
            sla=None,
            version=self.version,
        )

    def _decide(self, f: Fast, p: list[float]) -> Classification:
        lang, cues, competitor, ctx, cols = f
        assert cols is not None
        cls = p.index(max(p))  # the first of equal maxima, as numpy's argmax
        confidence = p[cls]
        rule_cues: list[str] = []
        if cls == _P and ctx.recent_unanswered_complaints >= 1:
            # A second unanswered complaint within 24 h: the patient customer is turning.
            cls, confidence = _U, p[_P] + p[_U]
            rule_cues.append(f"context:{ctx.recent_unanswered_complaints} unanswered complaint(s) in 24h")
        elif (
            cls == _P
            and ctx.addresses_brand is False
            and not ctx.reply_to_brand
            and not any(c.kind == "help" for c in cues)
        ):
            cls, confidence = _V, p[_P] + p[_V]
            rule_cues.append("context:not addressed to the brand")
        if competitor:
            rule_cues.append(f'competitor:"{competitor}"')
            if cls in (_P, _V) and any(c.kind == "leave" and not c.negated for c in cues):
                cls, confidence = _U, p[cls] + p[_U]
        type_ = CLASSES[cls]
        playbook = self.brand_playbooks.get(ctx.brand, self.playbook) if ctx.brand else self.playbook
        entry = playbook.entry(type_)
        needs = entry.needs_response
        if type_ is _T.ADVOCATE and ctx.thread_answered:
            needs = False  # thanks after the brand already answered closes the thread
            rule_cues.append("context:thread already answered")
        return Classification(
            type=type_,
            confidence=round(min(1.0, max(0.0, confidence)), 4),
            lang=lang,
            cues=tuple(
                rule_cues
                + _explain(self.model.class_weights[cls], self._heavy[cls], self._labels, cues, cols)
            ),
            needs_response=needs,
            sla=entry.sla if needs else None,
            version=self.version,
        )


@cache
def default_classifier() -> Classifier:
    """The shipped model with the default playbook, loaded once per process."""
    return Classifier(LinearModel.load())
