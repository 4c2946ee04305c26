"""The features of ``features.py`` as model columns, without building a string per word.

Most of a reading's features are per token (``w:``, ``p:``, and the ``b:`` bigram with the token
before). :class:`ColumnFeatures` works out each distinct token's columns once, with the very
function training uses (:func:`graphsvc.classify.features.token_features`), and caches them in a
bounded dict. Bigrams are looked up in a table built once from the vocabulary, ``previous →
{next: column}``, so no string is built per token (tokens never contain spaces, so a bigram's
name splits at its one space). The columns come out in the order of the named features, so the
model sums the same numbers in the same order and answers bit for bit alike;
``tests/test_classify_fastpath.py`` checks that on every labeled text.

>>> from graphsvc.classify.features import analyse, read
>>> from graphsvc.classify.linear import LinearModel
>>> model = LinearModel.load()
>>> fast = ColumnFeatures(model)
>>> text = "@Delta my bag didn't arrive, can you help?"
>>> fast.columns(read(text)) == model.columns(analyse(text).features)
True
"""

from __future__ import annotations

from graphsvc.classify.features import Reading, other_features, token_features
from graphsvc.classify.linear import LinearModel

_MEMO_MAX = 100_000  # distinct tokens remembered; bounded so hostile input cannot grow memory
_NONE: dict[str, int] = {}
_Token = tuple[str, tuple[int, ...], dict[str, int]]


class ColumnFeatures:
    """Model columns of a :class:`Reading`; one per classifier, safe to share between threads."""

    def __init__(self, model: LinearModel) -> None:
        self._index = model.index
        self._after: dict[str, dict[str, int]] = {}
        for name, col in self._index.items():
            if name.startswith("b:"):
                prev, _, norm = name[2:].partition(" ")
                self._after.setdefault(prev, {})[norm] = col
        self._start = self._after.get("<s>", _NONE)
        # token -> (its normal form, its known w:/p: columns in feature order, bigrams after it)
        self._memo: dict[str, _Token] = {}

    def _learn(self, token: str) -> _Token:
        feats: list[str] = []
        token_features([token], feats)
        # The last feature is the bigram with the start marker: "b:<s> " + the token's normal form.
        norm = feats[-1][len("b:<s> ") :]
        get = self._index.get
        learned = (
            norm,
            tuple(i for i in map(get, feats[:-1]) if i is not None),
            self._after.get(norm, _NONE),
        )
        if len(self._memo) < _MEMO_MAX:
            self._memo[token] = learned
        return learned

    def columns(self, r: Reading) -> list[int]:
        """Known columns, each once, in the order ``model.columns(analyse(...).features)`` gives."""
        get = self._index.get
        memo = self._memo
        ids: list[int] = []
        follows = self._start  # bigram columns after the previous token, by the next token's form
        for t in r.tokens:
            hit = memo.get(t)
            norm, own, after = self._learn(t) if hit is None else hit
            ids.extend(own)
            bigram = follows.get(norm)
            if bigram is not None:
                ids.append(bigram)
            follows = after
        ids.extend(i for i in map(get, other_features(r)) if i is not None)
        # A set built in the same order iterates in the same order as LinearModel.columns's.
        return list(set(ids))
