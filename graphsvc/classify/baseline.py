"""The yardstick: lexicon polarity plus a handful of keywords, nothing learned.

It exists so the classifier's numbers mean something: ``graphsvc classify --evaluate`` scores both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graphsvc.classify.lexicon import Lexicon
from graphsvc.classify.text import clean, fold, tokens
from graphsvc.model import CustomerType

_LEAVE = re.compile(r"cancel|switch|never again|nunca mas|me cambio|pindah|berhenti|cansei|vou pra")
_BUY = re.compile(r"price|how much|buy|cuanto|comprar|quanto|harga|beli")
_SUGGEST = re.compile(r"should|would be|idea|seria|sugest|saran|ide\b")


def baseline_type(text: str, lexicon: Lexicon | None = None) -> CustomerType:
    clean_text = clean(text)
    f = fold(clean_text)
    polarity = (lexicon or Lexicon.load()).score(tokens(clean_text))
    if _LEAVE.search(f):
        return CustomerType.USED_TO_BE
    if _BUY.search(f):
        return CustomerType.FUTURE
    if polarity > 0.5:
        return CustomerType.COLLABORATIVE if _SUGGEST.search(f) else CustomerType.ADVOCATE
    if polarity < -0.5:
        return CustomerType.PASSIVE if clean_text.lstrip().startswith("@") else CustomerType.VENTING
    return CustomerType.OTHER


def baseline_batch(texts: Sequence[str]) -> list[CustomerType]:
    lexicon = Lexicon.load()
    return [baseline_type(t, lexicon) for t in texts]
