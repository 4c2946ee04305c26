"""The demo data set: a real follower graph with mentions generated to match it.

The follower graph is real (an anonymised Twitter network among one brand's followers, MIT licence,
vendored in ``demo_data/``). Its accounts become customers of two fictional brands; mentions are
drawn, deterministically, from the classifier's own labelled training sentences, so they read like
real posts in English, Spanish, Portuguese and Indonesian. Customers move between types over two
weeks (advocates who turn USED_TO_BE among them) and the brands answer most, not all, requests,
so triage, state changes and reach rankings all have something to show. Times are relative to
now, so the queue is live.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources

from graphsvc.analytics.refresh import analyze
from graphsvc.classify.corpus import BRANDS as CORPUS_BRANDS
from graphsvc.ingest import Ingestor, IngestReport, Labeler
from graphsvc.model import Account, Brand, CustomerType, FollowBatch, Mention, Stats
from graphsvc.stores import open_store

SEED = 20261124
PLATFORM = "demo"
BRANDS = (
    Brand(key="novatelecom", name="Nova Telecom", handles=("demo:NovaTelecom",), aliases=("Nova",)),
    Brand(key="acmeair", name="Acme Air", handles=("demo:AcmeAir",), aliases=("Acme Airlines",)),
)
# How a customer's next interaction tends to follow their last: P(next type | last type).
TRANSITIONS: dict[CustomerType | None, dict[CustomerType, float]] = {
    None: {
        CustomerType.ADVOCATE: 0.22,
        CustomerType.PASSIVE: 0.22,
        CustomerType.FUTURE: 0.14,
        CustomerType.VENTING: 0.14,
        CustomerType.COLLABORATIVE: 0.1,
        CustomerType.USED_TO_BE: 0.06,
        CustomerType.OTHER: 0.12,
    },
    CustomerType.ADVOCATE: {
        CustomerType.ADVOCATE: 0.6,
        CustomerType.COLLABORATIVE: 0.2,
        CustomerType.USED_TO_BE: 0.1,
        CustomerType.PASSIVE: 0.1,
    },
    CustomerType.PASSIVE: {
        CustomerType.PASSIVE: 0.3,
        CustomerType.USED_TO_BE: 0.3,
        CustomerType.ADVOCATE: 0.25,
        CustomerType.VENTING: 0.15,
    },
    CustomerType.USED_TO_BE: {
        CustomerType.USED_TO_BE: 0.5,
        CustomerType.PASSIVE: 0.2,
        CustomerType.ADVOCATE: 0.15,
        CustomerType.VENTING: 0.15,
    },
    CustomerType.FUTURE: {
        CustomerType.ADVOCATE: 0.45,
        CustomerType.FUTURE: 0.25,
        CustomerType.PASSIVE: 0.2,
        CustomerType.USED_TO_BE: 0.1,
    },
    CustomerType.VENTING: {
        CustomerType.VENTING: 0.35,
        CustomerType.PASSIVE: 0.35,
        CustomerType.USED_TO_BE: 0.2,
        CustomerType.ADVOCATE: 0.1,
    },
    CustomerType.COLLABORATIVE: {
        CustomerType.ADVOCATE: 0.5,
        CustomerType.COLLABORATIVE: 0.35,
        CustomerType.PASSIVE: 0.15,
    },
    CustomerType.OTHER: {CustomerType.OTHER: 0.4, CustomerType.ADVOCATE: 0.3, CustomerType.PASSIVE: 0.3},
}
LANGUAGES = {"en": 0.55, "es": 0.15, "pt": 0.15, "id": 0.15}
REPLIES = {
    "en": "Hi! Sorry about this, we're on it. Please DM us your account details so we can help.",
    "es": "¡Hola! Lamentamos lo ocurrido. Escríbenos por DM con tus datos y lo revisamos.",
    "pt": "Olá! Sentimos muito. Manda uma DM com seus dados que a gente resolve.",
    "id": "Halo kak, mohon maaf atas kendalanya. Silakan DM data akunnya ya, kami bantu cek.",
}
ANSWERED_TYPES = {
    CustomerType.PASSIVE,
    CustomerType.USED_TO_BE,
    CustomerType.FUTURE,
    CustomerType.COLLABORATIVE,
}
_TRAIN_BRANDS = re.compile(
    r"\b("
    + "|".join(sorted({b for names in CORPUS_BRANDS["train"].values() for b in names}, key=len, reverse=True))
    + r")\w*\b"
)
_MENTIONED = re.compile(r"@\w+|" + _TRAIN_BRANDS.pattern)
# Rivals the demo's customers compare the brands with, or say they are leaving for.
COMPETITORS = {"novatelecom": "OrbitMobile", "acmeair": "SkyJet"}
FIRST_NAMES = (
    "ana", "bruno", "carla", "dewi", "eko", "fernanda", "gabriel", "hana", "ivan", "joana", "kevin",
    "lucia", "mateo", "nadia", "omar", "paula", "rizky", "sofia", "tiago", "umar", "valeria", "wulan",
    "xavier", "yusuf", "zoe", "agus", "beatriz", "citra", "diego", "elena",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoInfo:
    store_url: str
    report: IngestReport
    stats: Stats


def follower_edges() -> list[tuple[str, str]]:
    """The vendored real follower graph, as qualified (follower, followee) ids."""
    raw = resources.files("graphsvc.demo_data").joinpath("follower_graph.tsv.gz").read_bytes()
    edges = []
    for line in gzip.decompress(raw).decode().splitlines():
        if line and not line.startswith("#"):
            src, dst = line.split("\t")
            edges.append((f"{PLATFORM}:{src}", f"{PLATFORM}:{dst}"))
    return edges


def sentences() -> dict[tuple[str, CustomerType], list[str]]:
    """The classifier's training sentences, by (language, type)."""
    pool: dict[tuple[str, CustomerType], list[str]] = {}
    text = resources.files("graphsvc.classify.data").joinpath("train.jsonl").read_text(encoding="utf-8")
    for line in text.splitlines():
        row = json.loads(line)
        pool.setdefault((row["lang"], CustomerType(row["label"])), []).append(row["text"])
    return pool


def _pick(rng: random.Random, weights: dict[CustomerType, float]) -> CustomerType:
    kinds = list(weights)
    return rng.choices(kinds, weights=[weights[k] for k in kinds])[0]


def _aimed_at(text: str, handle: str, competitor: str, kind: CustomerType) -> str:
    """Point a training sentence at the demo brand: the first brand it names (by @handle or by
    name) becomes the demo brand, any other becomes the demo competitor."""
    seen: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        at, name = ("@", match.group(0)[1:]) if match.group(0).startswith("@") else ("", match.group(0))
        stem = _TRAIN_BRANDS.match(name)
        key = stem.group(1).lower() if stem else name.lower()
        seen.setdefault(key, handle if not seen else competitor)
        return at + seen[key]

    text = _MENTIONED.sub(swap, text)
    if f"@{handle}" not in text and kind is not CustomerType.VENTING:
        text = f"@{handle} {text}"
    return text


def demo_records(now: datetime, *, mentions: int = 4500) -> Iterator[Mention | FollowBatch]:
    """Every record of the demo, deterministic for a given ``now``."""
    rng = random.Random(SEED)
    edges = follower_edges()
    followers = Counter(dst for _, dst in edges)
    accounts = sorted({end for edge in edges for end in edge}, key=lambda a: int(a.split(":")[1]))
    brand_follows = [(a, b.handles[0]) for a in accounts for b in BRANDS if rng.random() < 0.3]
    yield FollowBatch.of(edges + brand_follows, file="demo")
    pool = sentences()
    names = {a: f"{rng.choice(FIRST_NAMES)}{int(a.split(':')[1]) % 997}" for a in accounts}
    # Better-followed accounts talk about brands more often, as in real mention streams.
    weights = [1.0 + followers[a] ** 0.5 for a in accounts]
    authors = rng.choices(accounts, weights=weights, k=mentions // 3)
    start = now - timedelta(days=14)
    serial = 0
    for author in dict.fromkeys(authors):
        brand = rng.choice(BRANDS)
        handle = brand.handles[0].split(":")[1]
        lang = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
        last: CustomerType | None = None
        at = start + timedelta(minutes=rng.uniform(0, 14 * 24 * 60 - 60))
        account = Account(
            id=author,
            handle=names[author],
            name=names[author].rstrip("0123456789").title(),
            followers=followers[author],
        )
        for _ in range(rng.choice((1, 1, 2, 3, 4))):
            if at >= now:
                break
            kind = _pick(rng, TRANSITIONS[last])
            options = pool.get((lang, kind)) or pool[("en", kind)]
            serial += 1
            post_id = f"{PLATFORM}:{serial}"
            yield Mention(
                id=post_id,
                author=account,
                text=_aimed_at(rng.choice(options), handle, COMPETITORS[brand.key], kind),
                created_at=at,
                brand=brand.key,
                mentions=(handle,),
            )
            if kind in ANSWERED_TYPES and rng.random() < 0.65:
                answered = at + timedelta(minutes=rng.lognormvariate(4.0, 1.0))
                if answered < now:
                    serial += 1
                    yield Mention(
                        id=f"{PLATFORM}:{serial}",
                        author=Account(id=brand.handles[0], handle=handle, name=brand.name, brand=brand.key),
                        text=f"@{names[author]} {REPLIES[lang]}",
                        created_at=answered,
                        in_reply_to=post_id,
                        author_is_brand=True,
                    )
            last = kind if kind is not CustomerType.OTHER else last
            at += timedelta(hours=rng.uniform(2, 72))


def prepare_demo(store_url: str, *, now: datetime | None = None, labeler: Labeler | None = None) -> DemoInfo:
    """Load the demo data set into ``store_url`` and compute its analytics."""
    from graphsvc.labeling import ClassifierLabeler

    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    store = open_store(store_url)
    try:
        ingestor = Ingestor(store, labeler=labeler or ClassifierLabeler(), brands=BRANDS)
        report = ingestor.ingest(demo_records(now))
        analyze(store)
        return DemoInfo(store_url=store_url, report=report, stats=store.stats())
    finally:
        store.close()
