"""The labeled interactions the classifier learns from and is judged on.

The examples are authored, not scraped: the real tweet corpora on this machine are non-commercial
and may not live in the repository. ``data/phrases/<lang>.txt`` holds hand-written sentence heads
and tails per split and label; :func:`generate` combines them with brands, handles, emoji, hashtags,
URLs, caps and typos. Train and eval draw from *disjoint* phrase pools and disjoint brand lists, so
an eval sentence is never a train sentence with another brand pasted in.

``python -m graphsvc.classify.corpus`` rewrites ``data/train.jsonl`` and ``data/eval.jsonl``
deterministically.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphsvc.errors import ClassifierError
from graphsvc.model import CustomerType

DATA_DIR = Path(__file__).parent / "data"
PHRASES_DIR = DATA_DIR / "phrases"
LANGS = ("en", "es", "pt", "id")
SPLITS = ("train", "eval")
PER_LABEL = {"train": 70, "eval": 26}  # examples per (language, label)

# Brands per split and language; disjoint so that a model cannot score by remembering brand names.
BRANDS: dict[str, dict[str, tuple[str, ...]]] = {
    "train": {
        "en": (
            "Delta",
            "Comcast",
            "Chipotle",
            "Spotify",
            "Verizon",
            "Amazon",
            "Target",
            "Chase",
            "Uber",
            "Netflix",
        ),
        "es": ("Movistar", "Iberia", "Telcel", "Mercadona", "Rappi", "BBVA", "Zara", "Renfe", "Vueling"),
        "pt": ("Vivo", "Nubank", "Magalu", "iFood", "Gol", "Claro", "Itau", "Americanas"),
        "id": ("Telkomsel", "Tokopedia", "Gojek", "Indihome", "Garuda", "BCA", "Shopee", "Traveloka"),
    },
    "eval": {
        "en": ("JetBlue", "Walmart", "Hulu", "Lyft", "Starbucks", "WellsFargo", "Costco", "Airbnb"),
        "es": ("Aeromexico", "Liverpool", "Santander", "Orange", "Cabify", "Iberdrola", "Coppel"),
        "pt": ("TIM", "Azul", "Bradesco", "Netshoes", "CasasBahia", "Oi", "BancoInter"),
        "id": ("XL", "Grab", "LionAir", "Mandiri", "Bukalapak", "Blibli", "KAI", "Indosat"),
    },
}
HANDLE_SUFFIXES = ("", "", "Help", "Cares", "Support", "_oficial")
EMOJI = {
    "VENTING": ("🙄", "😒", "😤", "🤦", "💀"),
    "PASSIVE": ("🙏", "😕", ""),
    "USED_TO_BE": ("😡", "🤬", "👎", "💔"),
    "COLLABORATIVE": ("💡", "🙂", "😊", "✨"),
    "ADVOCATE": ("❤️", "😍", "🙌", "👏", "🔥", "💯"),
    "FUTURE": ("🤔", "👀", ""),
    "OTHER": ("📰", "😂", "📈", ""),
}
HASHTAGS = {
    "VENTING": ("#fail", "#mondays", "#smh"),
    "PASSIVE": ("#fail", "#help", "#customerservice"),
    "USED_TO_BE": ("#fail", "#boycott", "#worstservice"),
    "COLLABORATIVE": ("#idea", "#feedback", "#suggestion"),
    "ADVOCATE": ("#love", "#happycustomer", "#recommended"),
    "FUTURE": ("#shopping", "#upgrade", "#blackfriday"),
    "OTHER": ("#news", "#business", "#giveaway"),
}


@dataclass(frozen=True, slots=True)
class Pools:
    heads: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One labeled interaction; ``base_label`` is what the text alone says when context changes it."""

    id: str
    text: str
    lang: str
    label: CustomerType
    context: Mapping[str, Any] = field(default_factory=dict)
    base_label: CustomerType | None = None
    group: str = ""  # examples sharing a head phrase; cross-validation keeps a group in one fold

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"id": self.id, "text": self.text, "lang": self.lang, "label": self.label.value}
        if self.context:
            row["context"] = dict(self.context)
        if self.base_label is not None:
            row["base_label"] = self.base_label.value
        if self.group:
            row["group"] = self.group
        return row


def parse_phrases(text: str) -> dict[tuple[str, str, str], list[str]]:
    """``{(split, LABEL, head|tail): [lines]}`` from one phrase file."""
    pools: dict[tuple[str, str, str], list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("@") and line[1:].split(" ", 1)[0] in SPLITS:
            split, label, part = line[1:].split()
            current = pools.setdefault((split, CustomerType(label).value, part), [])
        elif current is None:
            raise ClassifierError(f"phrase line {line!r} comes before any '@split LABEL part' header")
        else:
            current.append(line)
    return pools


def _handle(brand: str, rng: random.Random) -> str:
    return "@" + brand + rng.choice(HANDLE_SUFFIXES)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 4 and w.isalpha():
        j = rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1 :]  # a dropped letter, the commonest phone typo
    return " ".join(words)


def _render(head: str, tail: str | None, label: str, brands: tuple[str, ...], rng: random.Random) -> str:
    brand, other = rng.sample(brands, 2)
    handle = _handle(brand, rng)
    brand_ref = handle if rng.random() < 0.5 else brand
    if head.startswith("{b}") and label in ("VENTING", "OTHER", "ADVOCATE"):
        brand_ref = brand  # a leading @handle would address the brand, which these texts do not
    text = head
    if tail:
        text = f"{text}{rng.choice(('. ', ' ', ', ', ' - '))}{tail}"
    text = text.format(
        b=brand_ref, o=_handle(other, rng), n=rng.randrange(10_000, 999_999), d=rng.randrange(2, 9)
    )
    if "{b}" not in head and "{b}" not in (tail or ""):
        text = f"{handle} {text}"  # a head that names no brand is said *to* the brand
    if label in ("USED_TO_BE", "VENTING") and rng.random() < (0.3 if label == "USED_TO_BE" else 0.1):
        text = text.upper()
    if rng.random() < 0.35:
        text = f"{text} {rng.choice(EMOJI[label])}".rstrip()
    if rng.random() < 0.2:
        text = f"{text} {rng.choice(HASHTAGS[label])}"
    if label in ("USED_TO_BE", "VENTING") and rng.random() < 0.3:
        text += rng.choice(("!!!", "!!", "?!", "..."))
    if rng.random() < 0.08:
        text = _typo(text, rng)
    if label == "OTHER" and "http" not in text and rng.random() < 0.3:
        text += f" https://t.co/{rng.randrange(10**6, 10**7):x}"
    return text


def _context_for(label: str, rng: random.Random) -> tuple[dict[str, Any], str | None]:
    """Some interactions carry context; a repeated unanswered complaint escalates PASSIVE."""
    if label == "PASSIVE":
        roll = rng.random()
        if roll < 0.15:
            return {"recent_unanswered_complaints": rng.randrange(1, 4)}, "USED_TO_BE"
        if roll < 0.3:
            return {"addresses_brand": True, "previous_state": "PASSIVE"}, None
    if label == "ADVOCATE" and rng.random() < 0.15:
        return {"reply_to_brand": True, "thread_answered": True}, None
    if label == "VENTING" and rng.random() < 0.2:
        return {"addresses_brand": False}, None
    return {}, None


def generate(split: str, seed: int = 20240611) -> list[Example]:
    """All examples of one split, in a fixed order for a fixed seed."""
    examples: list[Example] = []
    for lang in LANGS:
        pools = parse_phrases((PHRASES_DIR / f"{lang}.txt").read_text(encoding="utf-8"))
        for label in CustomerType:
            rng = random.Random(f"{seed}:{split}:{lang}:{label.value}")
            heads = pools.get((split, label.value, "head"), [])
            tails: list[str | None] = [None, *pools.get((split, label.value, "tail"), [])]
            if not heads:
                raise ClassifierError(f"{lang}.txt has no {split} heads for {label.value}")
            combos = [(h, i, t) for i, h in enumerate(heads) for t in tails]
            rng.shuffle(combos)
            for i in range(PER_LABEL[split]):
                head, head_no, tail = combos[i % len(combos)]
                text = _render(head, tail, label.value, BRANDS[split][lang], rng)
                context, escalated = _context_for(label.value, rng)
                final = CustomerType(escalated) if escalated else label
                examples.append(
                    Example(
                        id=f"{split}-{lang}-{label.value.lower()}-{i:03d}",
                        text=text,
                        lang=lang,
                        label=final,
                        context=context,
                        base_label=label if escalated else None,
                        group=f"{lang}:{label.value}:{head_no}",
                    )
                )
    return examples


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; a bad line raises with its number."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ClassifierError(
                    f"{path}:{number}: not JSON ({exc.msg}); expected one object per line"
                ) from exc
            if not isinstance(row, dict):
                raise ClassifierError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
            yield number, row


def load(path: Path) -> list[Example]:
    """Labeled examples from a JSONL file with ``text`` and ``label`` (``lang``, ``context`` optional)."""
    out: list[Example] = []
    for number, row in iter_jsonl(path):
        try:
            label = CustomerType(str(row["label"]).upper())
            base = row.get("base_label")
            out.append(
                Example(
                    id=str(row.get("id", number)),
                    text=str(row["text"]),
                    lang=str(row.get("lang") or ""),
                    label=label,
                    context=dict(row.get("context") or {}),
                    base_label=CustomerType(base) if base else None,
                    group=str(row.get("group", "")),
                )
            )
        except (KeyError, ValueError) as exc:
            raise ClassifierError(
                f"{path}:{number}: needs 'text' and a 'label' among {[t.value for t in CustomerType]} ({exc})"
            ) from exc
    return out


def write(path: Path, examples: list[Example]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")


def main() -> int:
    for split in SPLITS:
        examples = generate(split)
        write(DATA_DIR / f"{split}.jsonl", examples)
        print(f"{split}: {len(examples)} examples -> {DATA_DIR / f'{split}.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
