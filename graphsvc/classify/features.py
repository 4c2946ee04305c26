"""One interaction → the named features the linear model scores, plus what explains them.

Features are strings (``w:refund``, ``b:cancel my``, ``cue:leave``, ``s:caps``, ``ctx:reply``) so a
weight can be shown to a person; the model maps them to columns through its vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.classify.context import Context
from graphsvc.classify.cues import Cue, find_cues
from graphsvc.classify.lang import detect, normalize
from graphsvc.classify.lexicon import Lexicon
from graphsvc.classify.text import Surface, clean, fold, surface, tokens

EMPTY_CONTEXT = Context()


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything read off one interaction before its features are named."""

    text: str
    lang: str
    tokens: list[str]
    cues: list[Cue]
    surface: Surface
    polarity: float
    addresses_brand: bool
    competitor: str | None
    context: Context


@dataclass(frozen=True, slots=True)
class Analysis:
    """A reading and its named features, as training sees them."""

    reading: Reading
    features: list[str]


def polarity_bin(score: float) -> str:
    if score <= -2.0:
        return "pol:--"
    if score < 0:
        return "pol:-"
    if score >= 2.0:
        return "pol:++"
    return "pol:+" if score > 0 else "pol:0"


def token_features(toks: list[str], out: list[str]) -> None:
    """Appends the word, stem and bigram features of ``toks`` to ``out``, in reading order."""
    prev = "<s>"
    for t in toks:
        c = t[0]
        if c == "@":
            norm = "<at>"
        elif c == "#":
            norm = t
            out.append("w:" + t[1:])
        elif t.startswith(("http", "www.")):
            norm = "<url>"
        elif t.isdigit():
            norm = "<num>"
        else:
            norm = t
            if len(t) >= 5 and t.isalpha():
                out.append("p:" + t[:4])  # shared stems: cancel/cancelo/cancelar
        out.append("w:" + norm)
        out.append("b:" + prev + " " + norm)
        prev = norm


def read(
    raw: str, context: Context | None = None, lang: str | None = None, lexicon: Lexicon | None = None
) -> Reading:
    ctx = context or EMPTY_CONTEXT
    text = clean(raw)
    folded = fold(text)
    toks = tokens(text, folded)
    language = normalize(lang) if lang else detect(text, toks)
    cues = find_cues(text, folded)
    surf = surface(text, toks)
    polarity = (lexicon or Lexicon.load()).score(toks)

    addresses, competitor = addressing(ctx, toks, surf.starts_with_handle)
    return Reading(text, language, toks, cues, surf, polarity, addresses, competitor, ctx)


def addressing(ctx: Context, toks: list[str], starts_with_handle: bool) -> tuple[bool, str | None]:
    """Whether the text addresses the brand, and the first competitor @handle in it, if any."""
    if ctx.addresses_brand is not None:
        addresses = ctx.addresses_brand or ctx.reply_to_brand
    elif ctx.brand_handles and starts_with_handle:
        addresses = ctx.reply_to_brand or toks[0][1:] in ctx.brand_handles
    else:
        addresses = ctx.reply_to_brand or starts_with_handle
    competitor = (
        next((t for t in toks if t[0] == "@" and t[1:] in ctx.competitor_handles), None)
        if ctx.competitor_handles
        else None
    )
    return addresses, competitor


def other_features(r: Reading) -> list[str]:
    """The features that are not words: polarity, surface signals, cues, addressing and context."""
    feats: list[str] = []
    surf = r.surface
    ctx = r.context
    pol = polarity_bin(r.polarity)
    feats.append(pol)
    addr = "addr" if r.addresses_brand else "noaddr"
    feats.append("s:" + addr)
    feats.append(f"x:{addr}|{pol}")
    if surf.handles > (1 if surf.starts_with_handle else 0):
        feats.append("s:handle_mid")
    if surf.urls:
        feats.append("s:url")
    if surf.hashtags:
        feats.append("s:hashtag")
    if surf.caps:
        feats.append("s:caps")
    if surf.exclaims:
        feats.append("s:exclaims")
    if surf.questions:
        feats.append("s:question")
    for cue in r.cues:
        feats.append(cue.feature)
        feats.append(f"x:{addr}|{cue.feature}")
    if ctx.reply_to_brand:
        feats.append("ctx:reply")
    if ctx.thread_answered:
        feats.append("ctx:answered")
    if ctx.addresses_brand is False:
        feats.append("ctx:noaddr")
    if r.competitor:
        feats.append("ctx:competitor")
    return feats


def named_features(r: Reading) -> list[str]:
    """All features of a reading, words first: what training sees and the fast path must match."""
    feats: list[str] = []
    token_features(r.tokens, feats)
    feats.extend(other_features(r))
    return feats


def analyse(
    raw: str, context: Context | None = None, lang: str | None = None, lexicon: Lexicon | None = None
) -> Analysis:
    r = read(raw, context, lang, lexicon)
    return Analysis(r, named_features(r))
