"""Recorded classifier outputs that a faster implementation must reproduce exactly.

``python -m graphsvc.classify.golden`` classifies every text in ``data/train.jsonl`` and
``data/eval.jsonl`` twice (with its context, and bare) plus a few hostile inputs, with the
straightforward reference path, and writes ``data/golden.jsonl.gz`` (gzip without a timestamp, so
the bytes depend on the outputs only): a header naming the sha256 of ``weights.npz`` and the
classifier version, then one row per call. ``tests/test_classify_fastpath.py`` checks the fast path
against it, so a speed-up that changes an answer, or a silent retrain, fails a test.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graphsvc.classify.classifier import Item, default_classifier
from graphsvc.classify.context import Context
from graphsvc.classify.corpus import DATA_DIR, load
from graphsvc.classify.linear import WEIGHTS
from graphsvc.model import Classification

PATH = DATA_DIR / "golden.jsonl.gz"
# Inputs the labeled sets lack: other scripts, markup, bad escapes, shouting, links, numbers.
HOSTILE = (
    "",
    "   \n\t ",
    "@Grab пакет не пришёл 包裹没到 paket belum sampai مرحبا",
    "😡😡😡🤬",
    "❤️🙌",
    "bad \ud800 surrogate \udfff here",
    "<p>My <b>order</b> never &amp; arrived</p><script>alert(1)</script>",
    "\x00\x01\x02",
    "@Delta WORST AIRLINE EVER!!! 3rd time my bag is lost, I'm not flying with you again?! http://x.co/1 #fail",
    "www.example.com ٣ times \uff12 times café NÃO FUNCIONA ¿por qué? I'm not cancelling, don't switch to @att",
)


def labeled_items() -> list[tuple[str, Item]]:
    """``(key, item)`` for every labeled text with its context and bare, then the hostile inputs."""
    out: list[tuple[str, Item]] = []
    for name in ("train.jsonl", "eval.jsonl"):
        for ex in load(DATA_DIR / name):
            out.append((f"{ex.id}/context", (ex.text, Context.from_mapping(ex.context), None)))
            out.append((f"{ex.id}/bare", (ex.text, None, None)))
    for i, text in enumerate(HOSTILE):
        out.append((f"hostile-{i}", (text, None, None)))
        out.append((f"hostile-{i}/pt-BR", (text, Context(addresses_brand=False), "pt-BR")))
    return out


def row(key: str, r: Classification) -> dict[str, Any]:
    return {
        "key": key,
        "type": r.type.value,
        "confidence": r.confidence,
        "lang": r.lang,
        "cues": list(r.cues),
        "needs_response": r.needs_response,
        "sla_s": None if r.sla is None else r.sla.total_seconds(),
    }


def weights_sha256(path: Path = WEIGHTS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(batch: Callable[[Sequence[Item]], list[Classification]]) -> list[dict[str, Any]]:
    keyed = labeled_items()
    results = batch([item for _, item in keyed])
    return [row(key, r) for (key, _), r in zip(keyed, results, strict=True)]


def read(path: Path = PATH) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the rows of a golden file."""
    header, *body = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    return json.loads(header), [json.loads(line) for line in body]


def main(argv: Sequence[str]) -> int:
    path = Path(argv[0]) if argv else PATH
    classifier = default_classifier()
    header = {"weights_sha256": weights_sha256(), "version": classifier.version}
    lines = [json.dumps(header)]
    lines += [json.dumps(r, ensure_ascii=False) for r in rows(classifier.classify_batch_reference)]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(f"wrote {len(lines) - 1} outputs to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
