"""Sentiment polarity from permissively licensed lexicons vendored in ``lexicons/``.

English words come from VADER (MIT), Spanish and Portuguese stems and Indonesian words from the
nlp.js AFINN-style lists (MIT); a small emoji table is our own. ``python -m graphsvc.classify.lexicon
SHARED_LEXICON_DIR`` rebuilds ``lexicons/sentiment.json`` from the upstream files.

>>> Lexicon.load().score(["great", "service", "❤"]) > 0
True
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graphsvc.classify.text import fold

PATH = Path(__file__).parent / "lexicons" / "sentiment.json"

EMOJI_VALENCE = {
    "😡": -3.0,
    "🤬": -3.0,
    "😤": -2.0,
    "👎": -2.0,
    "💔": -2.0,
    "😢": -2.0,
    "😭": -1.5,
    "🙄": -1.5,
    "😒": -1.5,
    "🤦": -1.5,
    "😠": -2.5,
    "😞": -2.0,
    "😩": -2.0,
    "😕": -1.0,
    "💀": -0.5,
    "❤": 3.0,
    "😍": 3.0,
    "🥰": 3.0,
    "🙌": 2.0,
    "👏": 2.0,
    "👍": 2.0,
    "🔥": 1.5,
    "💯": 2.0,
    "😊": 2.0,
    "🙂": 1.0,
    "😀": 2.0,
    "😁": 2.0,
    "🎉": 2.0,
    "✨": 1.0,
    "💙": 2.5,
    "💜": 2.5,
    "♥": 3.0,
    "🙏": 0.5,
}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word → valence (about -4..4); Spanish and Portuguese entries are stems matched by prefix."""

    words: dict[str, float]
    stems: dict[str, float]
    _memo: dict[str, float] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls, path: Path = PATH) -> Lexicon:
        return _load(path)

    def valence(self, token: str) -> float:
        memo = self._memo
        hit = memo.get(token)
        if hit is not None:
            return hit
        value = self.words.get(token)
        if value is None:
            value = 0.0
            # nlp.js stems are word prefixes; the longest matching prefix decides.
            for end in range(min(len(token), 10), 2, -1):
                stem = self.stems.get(token[:end])
                if stem is not None:
                    value = stem
                    break
        if len(memo) < 200_000:  # bounded: adversarial input must not grow memory without end
            memo[token] = value
        return value

    def score(self, toks: Iterable[str]) -> float:
        """Sum of valences; a negation word flips the next two tokens."""
        total = 0.0
        flip = 0
        memo = self._memo
        for t in toks:
            v = memo.get(t)
            if v is None:
                v = self.valence(t)
            if t in NEGATIONS:
                flip = 2
                continue
            if flip:
                v = -0.5 * v
                flip -= 1
            total += v
        return total


# Folded negation words in the languages the classifier covers.
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "can't",
        "isn't",
        "wasn't",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "nunca",
        "jamas",
        "ni",
        "nada",
        "nao",
        "nem",
        "jamais",
        "tampouco",
        "nenhum",
        "tidak",
        "nggak",
        "gak",
        "ga",
        "enggak",
        "bukan",
        "belum",
        "jangan",
    ]
)


@cache
def _load(path: Path) -> Lexicon:
    raw = json.loads(path.read_text(encoding="utf-8"))
    words = {k: float(v) for k, v in raw["words"].items()}
    words.update(EMOJI_VALENCE)
    return Lexicon(words=words, stems={k: float(v) for k, v in raw["stems"].items()})


def build(shared: Path) -> dict[str, dict[str, float]]:
    """The vendored table from the upstream files under ``shared`` (``../shared/data/lexicons``)."""
    words: dict[str, float] = {}
    for line in (shared / "vader" / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].replace("'", "").isalpha():
            words[fold(parts[0])] = round(float(parts[1]), 2)
    for word, value in json.loads((shared / "nlpjs" / "afinn_id.json").read_text(encoding="utf-8")).items():
        words.setdefault(fold(word), float(value))
    stems: dict[str, float] = {}
    for lang in ("es", "pt"):
        for stem, value in json.loads(
            (shared / "nlpjs" / f"afinn_{lang}.json").read_text(encoding="utf-8")
        ).items():
            if len(stem) >= 3 and stem.isalpha():
                stems.setdefault(fold(stem), float(value))
    for neg in NEGATIONS:
        words.pop(neg, None)
        stems.pop(neg, None)
    return {"words": dict(sorted(words.items())), "stems": dict(sorted(stems.items()))}


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else Path(__file__).parents[3] / ".." / "shared" / "data" / "lexicons"
    table = build(shared)
    PATH.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(table['words'])} words, {len(table['stems'])} stems -> {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
