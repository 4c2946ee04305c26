"""The classifier: cue rules and a learned linear model, then context rules, then the playbook.

>>> c = default_classifier()
>>> c.classify("@Delta lost my bag, can you help? flight 1234").type
<CustomerType.PASSIVE: 'PASSIVE'>
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from graphsvc.classify.context import Context
from graphsvc.classify.features import Analysis, analyse
from graphsvc.classify.lexicon import Lexicon
from graphsvc.classify.linear import CLASSES, FloatArray, LinearModel
from graphsvc.classify.playbook import Playbook
from graphsvc.errors import ClassifierError
from graphsvc.model import Classification, CustomerType

RULES_VERSION = "r1"  # bump when a rule below changes what the classifier returns
Item = tuple[str, Context | None, str | None]

_T = CustomerType
_P, _U, _V = CLASSES.index(_T.PASSIVE), CLASSES.index(_T.USED_TO_BE), CLASSES.index(_T.VENTING)
_MAX_CUES = 6


def _explain(model: LinearModel, a: Analysis, cols: list[int], cls: int) -> list[str]:
    """Rule cues first, then the surface words and signals that pushed hardest toward the answer."""
    out = [c.label for c in a.cues]
    column = model.class_weights[cls]
    top = heapq.nlargest(4, ((column[i], i) for i in cols))
    if top:
        for weight, col in top:
            if weight <= 0.3:
                break
            name = model.vocabulary[col]
            kind, _, value = name.partition(":")
            if kind == "w" and len(value) == 1 and not value.isalnum():
                out.append(f'emoji:"{value}"' if value not in "!?" else f'punctuation:"{value}"')
            elif kind == "w" and value not in ("<at>", "<url>", "<num>"):
                out.append(f'word:"{value}"')
            elif kind == "b" and "<" not in value:
                out.append(f'phrase:"{value}"')
            elif kind == "s":
                out.append(f"signal:{value}")
            elif kind == "pol":
                out.append(f"sentiment:{value}")
    seen: dict[str, None] = dict.fromkeys(out)
    return list(seen)[:_MAX_CUES]


@dataclass(frozen=True, eq=False)
class Classifier:
    """Tags interactions with a customer type; thread-safe and cheap to share."""

    model: LinearModel
    playbook: Playbook = field(default_factory=Playbook.default)
    brand_playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon.load)

    @property
    def version(self) -> str:
        return f"clf-{self.model.version}-{RULES_VERSION}"

    def classify(self, text: str, context: Context | None = None, lang: str | None = None) -> Classification:
        return self.classify_batch([(text, context, lang)])[0]

    def classify_batch(self, items: Sequence[Item]) -> list[Classification]:
        """One result per ``(text, context, lang)``, in order; much faster per item than ``classify``."""
        analyses: list[Analysis] = []
        for text, context, lang in items:
            if not isinstance(text, str):
                raise ClassifierError(f"text must be a string, got {type(text).__name__}")
            analyses.append(analyse(text, context, lang, self.lexicon))
        live = [a for a in analyses if a.tokens]
        cols = [self.model.columns(a.features) for a in live]
        probs = self.model.proba(self.model.logits_of_columns(cols)) if live else None
        out: list[Classification] = []
        row = 0
        for (_, context, _), a in zip(items, analyses, strict=True):
            if not a.tokens or probs is None:
                out.append(self._nothing_to_read(a))
                continue
            out.append(self._decide(a, cols[row], context, probs[row]))
            row += 1
        return out

    def _nothing_to_read(self, a: Analysis) -> Classification:
        return Classification(
            type=_T.OTHER,
            confidence=1.0,
            lang=a.lang,
            cues=("empty: no words, emoji or signals to read",),
            needs_response=False,
            sla=None,
            version=self.version,
        )

    def _decide(self, a: Analysis, cols: list[int], context: Context | None, p: FloatArray) -> Classification:
        cls = int(p.argmax())
        confidence = float(p[cls])
        rule_cues: list[str] = []
        ctx = context or Context()
        if cls == _P and ctx.recent_unanswered_complaints >= 1:
            # A second unanswered complaint within 24 h: the patient customer is turning.
            cls, confidence = _U, float(p[_P] + p[_U])
            rule_cues.append(f"context:{ctx.recent_unanswered_complaints} unanswered complaint(s) in 24h")
        elif (
            cls == _P
            and ctx.addresses_brand is False
            and not ctx.reply_to_brand
            and not any(c.kind == "help" for c in a.cues)
        ):
            cls, confidence = _V, float(p[_P] + p[_V])
            rule_cues.append("context:not addressed to the brand")
        if a.competitor:
            rule_cues.append(f'competitor:"{a.competitor}"')
            if cls in (_P, _V) and any(c.kind == "leave" and not c.negated for c in a.cues):
                cls, confidence = _U, float(p[cls] + p[_U])
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
            lang=a.lang,
            cues=tuple(rule_cues + _explain(self.model, a, cols, cls)),
            needs_response=needs,
            sla=entry.sla if needs else None,
            version=self.version,
        )


@cache
def default_classifier() -> Classifier:
    """The shipped model with the default playbook, loaded once per process."""
    return Classifier(LinearModel.load())
