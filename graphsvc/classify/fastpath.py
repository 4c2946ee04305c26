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

from graphsvc.classify.context import Context
from graphsvc.classify.cues import Cue, find_cues, kinds
from graphsvc.classify.features import (
    EMPTY_CONTEXT,
    Reading,
    addressing,
    other_features,
    polarity_bin,
    token_features,
)
from graphsvc.classify.lang import decide, normalize, token_votes
from graphsvc.classify.lexicon import NEGATIONS, Lexicon
from graphsvc.classify.linear import LinearModel
from graphsvc.classify.text import clean, fold, shouting, tokens

_MEMO_MAX = 100_000  # distinct tokens remembered; bounded so hostile input cannot grow memory
_NONE: dict[str, int] = {}
_Token = tuple[str, tuple[int, ...], dict[str, int]]
_Pair = tuple[int | None, int | None]


class ColumnFeatures:
    """Model columns of a :class:`Reading`; one per classifier, safe to share between threads."""

    def __init__(self, model: LinearModel) -> None:
        self._index = model.index
        self._after: dict[str, dict[str, int]] = {}
        for name, col in self._index.items():
            if name.startswith("b:"):
                prev, _, norm = name[2:].partition(" ")
                self._after.setdefault(prev, {})[norm] = col
        self.start = self._after.get("<s>", _NONE)
        # token -> (its normal form, its known w:/p: columns in feature order, bigrams after it)
        self._memo: dict[str, _Token] = {}

    def learn(self, token: str) -> _Token:
        """A token's normal form, known w:/p: columns and the bigram columns after it; not remembered."""
        feats: list[str] = []
        token_features([token], feats)
        # The last feature is the bigram with the start marker: "b:<s> " + the token's normal form.
        norm = feats[-1][len("b:<s> ") :]
        get = self._index.get
        return (
            norm,
            tuple(i for i in map(get, feats[:-1]) if i is not None),
            self._after.get(norm, _NONE),
        )

    def _learn(self, token: str) -> _Token:
        learned = self.learn(token)
        if len(self._memo) < _MEMO_MAX:
            self._memo[token] = learned
        return learned

    def columns(self, r: Reading) -> list[int]:
        """Known columns, each once, in the order ``model.columns(analyse(...).features)`` gives."""
        get = self._index.get
        memo = self._memo
        ids: list[int] = []
        follows = self.start  # bigram columns after the previous token, by the next token's form
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


# token -> (normal form, w:/p: columns, bigram columns after it, language votes, valence, is a
# negation, 1 for an @handle, 2 for a #tag, 3 for a URL, else 0)
_Word = tuple[str, tuple[int, ...], dict[str, int], tuple[tuple[str, float], ...], float, bool, int]
# What deciding needs of one interaction: language, cues, competitor handle, context, and the model
# columns (None when the text has no tokens: nothing to read).
Fast = tuple[str, list[Cue], str | None, Context, list[int] | None]


class FastReader:
    """:func:`graphsvc.classify.features.read` and :meth:`ColumnFeatures.columns` in one pass.

    Each distinct token is looked up once for all it contributes (columns, language votes, valence,
    surface kind), then one loop over the tokens adds those up; the non-word features go straight
    to their columns, built once, in the order :func:`other_features` names them. Same columns in
    the same order, same language, polarity and cues as the reference path.
    """

    def __init__(self, model: LinearModel, lexicon: Lexicon) -> None:
        self._columns = ColumnFeatures(model)
        self._valence = lexicon.valence
        self._memo: dict[str, _Word] = {}
        get = model.index.get
        pols = ("pol:--", "pol:-", "pol:0", "pol:+", "pol:++")
        cue_feats = {(k, neg): Cue(k, "", neg).feature for k in kinds() for neg in (False, True)}
        # addressed -> (s:addr, {pol: x:addr|pol}, {(kind, negated): (cue:..., x:addr|cue:...)})
        self._addr: dict[bool, tuple[int | None, dict[str, int | None], dict[tuple[str, bool], _Pair]]] = {}
        for addressed, addr in ((True, "addr"), (False, "noaddr")):
            self._addr[addressed] = (
                get("s:" + addr),
                {p: get(f"x:{addr}|{p}") for p in pols},
                {key: (get(f), get(f"x:{addr}|{f}")) for key, f in cue_feats.items()},
            )
        self._pol = {p: get(p) for p in pols}
        self._sig = tuple(
            get("s:" + s) for s in ("handle_mid", "url", "hashtag", "caps", "exclaims", "question")
        )
        self._ctx = tuple(get("ctx:" + s) for s in ("reply", "answered", "noaddr", "competitor"))

    def _learn(self, token: str) -> _Word:
        norm, own, after = self._columns.learn(token)
        c = token[0]
        kind = (
            1 if c == "@" else 2 if c == "#" else 3 if c in "hw" and token.startswith(("http", "www.")) else 0
        )
        word = (norm, own, after, token_votes(token), self._valence(token), token in NEGATIONS, kind)
        if len(self._memo) < _MEMO_MAX:
            self._memo[token] = word
        return word

    def read(self, raw: str, context: Context | None, lang: str | None) -> Fast:
        ctx = context or EMPTY_CONTEXT
        text = clean(raw)
        folded = fold(text)
        toks = tokens(text, folded)
        cues = find_cues(text, folded)
        memo = self._memo
        ids: list[int] = []
        follows = self._columns.start
        scores: dict[str, float] = {}
        total = 0.0
        flip = 0
        handles = hashtags = urls = 0
        for t in toks:
            word = memo.get(t)
            norm, own, after, votes, valence, negation, kind = self._learn(t) if word is None else word
            ids.extend(own)
            bigram = follows.get(norm)
            if bigram is not None:
                ids.append(bigram)
            follows = after
            for lang_, weight in votes:
                scores[lang_] = scores.get(lang_, 0.0) + weight
            # As Lexicon.score: a negation flips (and halves) the next two valences.
            if negation:
                flip = 2
            else:
                if flip:
                    valence = -0.5 * valence
                    flip -= 1
                total += valence
            if kind:
                if kind == 1:
                    handles += 1
                elif kind == 2:
                    hashtags += 1
                else:
                    urls += 1
        language = normalize(lang) if lang else decide(text, scores)
        if not toks:
            return language, cues, None, ctx, None
        starts_with_handle = text.lstrip().startswith("@")
        addresses, competitor = addressing(ctx, toks, starts_with_handle)
        # The rest in the order of other_features.
        pol = polarity_bin(total)
        s_addr, x_pol, x_cue = self._addr[addresses]
        handle_mid, url, hashtag, caps, exclaims, question = self._sig
        for col in (
            self._pol[pol],
            s_addr,
            x_pol[pol],
            handle_mid if handles > (1 if starts_with_handle else 0) else None,
            url if urls else None,
            hashtag if hashtags else None,
            caps if shouting(text) else None,
            exclaims if "!!" in text or "?!" in text else None,
            question if "?" in text else None,
        ):
            if col is not None:
                ids.append(col)
        for cue in cues:
            feature, crossed = x_cue[cue.kind, cue.negated]
            if feature is not None:
                ids.append(feature)
            if crossed is not None:
                ids.append(crossed)
        reply, answered, noaddr, rival = self._ctx
        for col in (
            reply if ctx.reply_to_brand else None,
            answered if ctx.thread_answered else None,
            noaddr if ctx.addresses_brand is False else None,
            rival if competitor else None,
        ):
            if col is not None:
                ids.append(col)
        # A set built in the same order iterates in the same order as LinearModel.columns's.
        return language, cues, competitor, ctx, list(set(ids))
