"""``graphsvc classify``: classify one text, a JSONL file, or evaluate on a labeled JSONL file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graphsvc.classify import Context, default_classifier
from graphsvc.classify.corpus import iter_jsonl, load
from graphsvc.classify.evaluate import evaluate, format_report
from graphsvc.errors import ClassifierError
from graphsvc.model import Classification

BATCH = 2048


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("classify", help="tag interactions with a social-customer type")
    p.add_argument("text", nargs="?", help="one interaction to classify")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--input",
        type=Path,
        metavar="FILE.jsonl",
        help='lines {"id", "text", "lang"?, "context"?}; one JSON result per line to stdout',
    )
    group.add_argument(
        "--evaluate",
        type=Path,
        metavar="FILE.jsonl",
        help="lines with a 'label': per-class P/R/F1, macro-F1, confusion, vs the baseline",
    )
    p.add_argument("--lang", help="language of TEXT if known (ISO 639-1)")
    p.add_argument("--json", action="store_true", help="print the single result as JSON")
    p.set_defaults(handler=run)


def as_json(result: Classification, id_: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {} if id_ is None else {"id": id_}
    out.update(
        type=result.type.value,
        confidence=result.confidence,
        lang=result.lang,
        cues=list(result.cues),
        needs_response=result.needs_response,
        sla_hours=None if result.sla is None else result.sla.total_seconds() / 3600,
        version=result.version,
    )
    return out


def _classify_file(path: Path) -> int:
    classifier = default_classifier()
    ids: list[Any] = []
    items: list[tuple[str, Context | None, str | None]] = []

    def flush() -> None:
        for id_, result in zip(ids, classifier.classify_batch(items), strict=True):
            sys.stdout.write(json.dumps(as_json(result, id_), ensure_ascii=False) + "\n")
        ids.clear()
        items.clear()

    for number, row in iter_jsonl(path):
        if not isinstance(row.get("text"), str):
            raise ClassifierError(f"{path}:{number}: needs a string 'text' field")
        ctx = row.get("context")
        ids.append(row.get("id", number))
        items.append(
            (
                row["text"],
                Context.from_mapping(ctx) if isinstance(ctx, dict) else None,
                row.get("lang") or None,
            )
        )
        if len(items) >= BATCH:
            flush()
    flush()
    return 0


def run(args: argparse.Namespace) -> int:
    if args.evaluate:
        ours, base = evaluate(default_classifier(), load(args.evaluate))
        print(format_report(f"classifier {default_classifier().version}", ours))
        print()
        print(format_report("baseline (polarity + keywords)", base))
        print(f"\nmacro-F1 gain over baseline: {ours.macro_f1 - base.macro_f1:+.3f}")
        return 0
    if args.input:
        return _classify_file(args.input)
    if args.text is None:
        raise ClassifierError("give a TEXT to classify, or --input FILE.jsonl, or --evaluate FILE.jsonl")
    result = default_classifier().classify(args.text, lang=args.lang)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False))
        return 0
    print(f"{result.type.value}  confidence {result.confidence:.2f}  lang {result.lang}")
    print(
        f"needs response: {'yes' if result.needs_response else 'no'}"
        + (f" within {result.sla}" if result.sla else "")
    )
    for cue in result.cues:
        print(f"  cue: {cue}")
    return 0
