"""Deterministic ingest benchmark data: own-format mention JSONL and a follower edge list (TSV).

Accounts are numbered ``0..n-1`` on platform ``x`` in both files (so the two overlap); the first
``len(BRANDS)`` are the brands' support accounts. How often a customer posts, how many accounts
follow one and how many one follows are all Pareto-distributed (power laws).

Mentions come as threads: a customer post naming a brand (``@AcmeHelp ...``), often answered by the
brand, sometimes followed up by the customer, now and then answered again; a share of customer
posts reply to another customer's earlier post. Lines are written in time order and post ids grow
with time, like snowflake ids.

Follow edges are distinct, without self-follows, and written grouped by followee, the way a crawler
that pages through "followers of X" writes them (``order="random"`` shuffles them instead).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     m = write_mentions(pathlib.Path(tmp) / "m.jsonl", 1000, seed=1)
...     e = write_follows(pathlib.Path(tmp) / "f.tsv", 5000, seed=1)
>>> m, e
(1000, 5000)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["BRANDS", "accounts_for", "write_follows", "write_mentions"]

# (key, support handle, display name): the brand accounts are x:0 .. x:7
BRANDS: tuple[tuple[str, str, str], ...] = (
    ("acme", "AcmeHelp", "Acme Support"),
    ("globex", "GlobexCares", "Globex"),
    ("initech", "InitechSupport", "Initech"),
    ("umbrella", "UmbrellaAir", "Umbrella Airlines"),
    ("hooli", "HooliHelp", "Hooli"),
    ("stark", "StarkMobile", "Stark Mobile"),
    ("wayne", "WayneBank", "Wayne Bank"),
    ("tyrell", "TyrellEnergy", "Tyrell Energy"),
)
_B = len(BRANDS)

_COMPLAINTS = (
    ("en", "my order still has not arrived, third week now"),
    ("en", "the app keeps crashing when I open my account"),
    ("en", "why was I charged twice this month?"),
    ("en", "love the new update, great job"),
    ("en", "been a customer for ten years and this is how you treat me"),
    ("en", "is the outage in my area going to be fixed today"),
    ("en", "thinking about switching, any reason to stay?"),
    ("en", "used to love you guys, not anymore"),
    ("en", "how do I change the plan on my account"),
    ("en", "flight delayed again and nobody at the gate knows anything"),
    ("es", "mi pedido no ha llegado todavía"),
    ("es", "me cobraron dos veces este mes"),
    ("pt", "o aplicativo não abre desde ontem"),
    ("pt", "adoro o atendimento de vocês"),
    ("id", "pesanan saya belum sampai sampai sekarang"),
    ("en", 'they said "next week" a month ago'),
)
_ANSWERS = (
    "sorry to hear that! Please DM us your order number and we will look into it.",
    "thanks for reaching out. Could you tell us which version of the app you use?",
    "we are on it, engineers are working on the outage in your area.",
    "that is great to hear, thank you!",
    "we have refunded the duplicate charge; it should show in 3-5 days.",
    "please follow us and send a DM so we can check your account.",
)
_FOLLOWUPS = (
    "still nothing",
    "thanks, DMed you",
    "that fixed it, thank you!",
    "this is the third time I ask",
    "ok",
    "any update?",
    "great, works now",
)
_TAGS = ("", "", "", " #fail", " #help", " #customerservice", " #love")

IntArray = npt.NDArray[np.int64]


def accounts_for(mentions: int) -> int:
    """How many accounts a data set of ``mentions`` posts has (brands included)."""
    return max(_B + 100, mentions // 4)


def _weights(rng: np.random.Generator, n: int, gamma: float) -> npt.NDArray[np.float64]:
    # P(w > x) ~ x^-(gamma - 1): a power law with a few very heavy accounts
    return (1.0 - rng.random(n)) ** (-1.0 / (gamma - 1.0))


def _pick(rng: np.random.Generator, weights: npt.NDArray[np.float64], size: int) -> IntArray:
    cdf = np.cumsum(weights)
    picked: IntArray = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right").astype(np.int64)
    return picked


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_mentions(path: Path, count: int, *, seed: int = 0) -> int:
    """Write ``count`` own-format mentions to ``path`` (JSON Lines); returns ``count``."""
    rng = np.random.default_rng(seed)
    customers = accounts_for(count) - _B
    activity = _weights(rng, customers, 2.0)
    # Thread shape per root post: brand answer 45 %, customer follow-up 40 % of those, second
    # answer 40 % of follow-ups; 12 % of roots reply to another customer. ~1.69 posts per root.
    roots = int(count / 1.5) + 20  # a few too many threads; the latest posts are cut off below
    brand = rng.integers(0, _B, roots)
    author = _B + _pick(rng, activity, roots)
    start = np.sort(rng.random(roots)) * 365 * 86400.0
    answered = rng.random(roots) < 0.45
    followed = answered & (rng.random(roots) < 0.40)
    again = followed & (rng.random(roots) < 0.40)
    # kind: 0 root, 1 brand answer, 2 customer follow-up, 3 second answer
    parts = [
        (np.arange(roots), np.zeros(roots, np.int64), start),
        (np.flatnonzero(answered), np.ones(int(answered.sum()), np.int64), None),
        (np.flatnonzero(followed), np.full(int(followed.sum()), 2, np.int64), None),
        (np.flatnonzero(again), np.full(int(again.sum()), 3, np.int64), None),
    ]
    root = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([p[1] for p in parts])
    # each step of a thread comes a minute to hours after the one before (so after its parent)
    step = 60.0 + rng.exponential(3600.0, (roots, 4))
    step[:, 0] = 0.0
    at = start[root] + np.cumsum(step, axis=1)[root, kind]
    order = np.argsort(at, kind="stable")[:count]  # parents come first, so no reply loses its parent
    if order.shape[0] < count:
        raise ValueError(f"generated {order.shape[0]} posts, fewer than {count}; raise the thread count")
    root, kind, at = root[order], kind[order], at[order]
    n = int(root.shape[0])
    # post number of (root, kind) so replies can name their parent; ids grow with time
    number = {(r, k): i for i, (r, k) in enumerate(zip(root.tolist(), kind.tolist(), strict=True))}
    # roots that reply to an earlier customer post instead of starting a thread
    peer: list[bool] = (rng.random(n) < 0.12).tolist()
    peer_parent: list[int] = ((rng.random(n) * np.arange(n)).astype(np.int64)).tolist()
    phrase: list[int] = (rng.integers(0, len(_COMPLAINTS), n)).tolist()
    answer: list[int] = (rng.integers(0, len(_ANSWERS), n)).tolist()
    followup: list[int] = (rng.integers(0, len(_FOLLOWUPS), n)).tolist()
    tag: list[int] = (rng.integers(0, len(_TAGS), n)).tolist()
    cc: list[bool] = (rng.random(n) < 0.15).tolist()
    cc_who: list[int] = (_B + _pick(rng, activity, n)).tolist()
    followers: list[int] = (np.minimum(activity * 5, 1e6).astype(np.int64)).tolist()
    base_id = 1_500_000_000_000_000_000
    complaints = [(lang, _json(text)[1:-1]) for lang, text in _COMPLAINTS]
    answers = [_json(t)[1:-1] for t in _ANSWERS]
    followups = [_json(t)[1:-1] for t in _FOLLOWUPS]
    stamps = np.datetime_as_string(
        (np.datetime64("2025-01-01T00:00:00", "s") + at.astype("timedelta64[s]")), unit="s"
    )
    lines: list[str] = []
    roots_l, kinds_l, brands_l, authors_l = root.tolist(), kind.tolist(), brand.tolist(), author.tolist()
    for i in range(n):
        r, k = roots_l[i], kinds_l[i]
        b = brands_l[r]
        key, handle, name = BRANDS[b]
        customer = authors_l[r]
        stamp = stamps[i]
        reply = ""
        if k == 0:
            lang, text = complaints[phrase[i]]
            mentions = [handle]
            body = f"@{handle} {text}{_TAGS[tag[i]]}"
            if cc[i]:
                body += f" cc @u{cc_who[i]}"
                mentions.append(f"u{cc_who[i]}")
            if peer[i] and i > 0:
                reply = f', "in_reply_to": "{base_id + peer_parent[i]}"'
            who = customer
        elif k == 2:
            lang, body, mentions, who = "en", f"@{handle} {followups[followup[i]]}", [handle], customer
            reply = f', "in_reply_to": "{base_id + number[(r, 1)]}"'
        else:
            lang, body, mentions, who = "en", f"@u{customer} {answers[answer[i]]}", [f"u{customer}"], b
            reply = f', "in_reply_to": "{base_id + number[(r, k - 1)]}"'
        if who < _B:
            author_json = f'{{"id": "{who}", "handle": "{handle}", "name": "{name}", "brand": "{key}"}}'
            by_brand = "true"
        else:
            author_json = f'{{"id": "{who}", "handle": "u{who}", "followers": {followers[who - _B]}}}'
            by_brand = "false"
        lines.append(
            f'{{"id": "{base_id + i}", "platform": "x", "author": {author_json}, "text": "{body}",'
            f' "created_at": "{stamp}Z", "lang": "{lang}"{reply}, "mentions": {json.dumps(mentions)},'
            f' "author_is_brand": {by_brand}}}\n'
        )
    with path.open("w", encoding="utf-8") as out:
        out.writelines(lines)
    return n


def write_follows(
    path: Path,
    edges: int,
    *,
    accounts: int | None = None,
    order: Literal["crawl", "random"] = "crawl",
    seed: int = 0,
) -> int:
    """Write exactly ``edges`` distinct follow edges (``follower<TAB>followee``); returns ``edges``.

    ``accounts`` defaults to ten edges per account on average."""
    n = accounts or max(_B + 100, edges // 10)
    rng = np.random.default_rng(seed)
    popularity = _weights(rng, n, 2.1)
    popularity = np.minimum(popularity, 0.002 * popularity.sum())  # no account is followed by all
    popularity[:_B] = 0.01 * popularity.sum()  # each brand: about 1 % of all edges
    eagerness = np.cumsum(_weights(rng, n, 2.5))
    keys = np.empty(0, np.int64)
    while keys.shape[0] < edges:
        want = int((edges - keys.shape[0]) * 1.2) + 1000
        # followee by popularity: its degree drawn up front, so edges come out grouped and no
        # search is needed; follower by eagerness, searched with sorted keys (cache friendly).
        dst = np.repeat(np.arange(n, dtype=np.int64), rng.poisson(popularity / popularity.sum() * want))
        src = np.searchsorted(eagerness, np.sort(rng.random(dst.shape[0])) * eagerness[-1], side="right")
        rng.shuffle(src)
        keys = np.concatenate([keys, (dst * n + src)[src != dst]])
        keys.sort()  # np.unique is much slower than sort + mask on numpy 2.4
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    keys = keys[rng.permutation(keys.shape[0])[:edges]]
    if order == "crawl":
        keys.sort()  # grouped by followee
    names = [str(i) for i in range(n)]
    with path.open("w", encoding="ascii") as out:
        out.write("follower\tfollowee\n")
        for lo in range(0, edges, 1_000_000):
            chunk = keys[lo : lo + 1_000_000]
            followers = map(names.__getitem__, (chunk % n).tolist())
            followees = map(names.__getitem__, (chunk // n).tolist())
            out.write("\n".join(map("\t".join, zip(followers, followees, strict=True))))
            out.write("\n")
    return edges
