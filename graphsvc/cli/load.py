"""``graphsvc load``, ``graphsvc stats`` and ``graphsvc reclassify``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from graphsvc.cli.options import add_store_option, store_from_args
from graphsvc.config import Settings
from graphsvc.errors import RecordError
from graphsvc.ingest import Ingestor, IngestReport, RejectsFile, brands_from_handles, source_key
from graphsvc.labeling import ClassifierLabeler, configured_classifier
from graphsvc.model import Stats
from graphsvc.progress import LoadProgress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    import loaders

    load = subparsers.add_parser("load", help="load mention and follower files into the store")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--format", choices=sorted(loaders.FORMATS), help="input format (default: sniffed)")
    add_store_option(load)
    load.add_argument(
        "--brand", action="append", default=[], metavar="HANDLE", help="a brand handle (repeatable)"
    )
    load.add_argument("--platform", help="platform prefix for bare ids in follower lists (default: x)")
    load.add_argument(
        "--rejects", type=Path, metavar="PATH", help="rejects file (default: <input>.rejects.jsonl)"
    )
    load.add_argument("--restart", action="store_true", help="ignore the checkpoint of an earlier run")
    load.add_argument(
        "--no-classify", action="store_true", help="store interactions without classifying them"
    )
    load.set_defaults(handler=run_load)

    stats = subparsers.add_parser("stats", help="count customers, brands, posts, follows, state changes")
    add_store_option(stats)
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=run_stats)

    again = subparsers.add_parser(
        "reclassify", help="classify stored interactions again after a model change"
    )
    add_store_option(again)
    again.add_argument("--brand", help="only this brand's interactions")
    again.add_argument(
        "--all", action="store_true", help="also posts labelled by the current classifier version"
    )
    again.set_defaults(handler=run_reclassify)


def run_load(args: argparse.Namespace) -> int:
    import loaders

    store = store_from_args(args)
    labeler = None if args.no_classify else ClassifierLabeler(configured_classifier(Settings.from_env()))
    ingestor = Ingestor(store, labeler=labeler, brands=brands_from_handles(args.brand))
    options = loaders.LoadOptions(platform=args.platform)
    total = IngestReport()
    with LoadProgress(enabled=sys.stderr.isatty()) as progress:
        for path in args.paths:
            fmt = args.format or loaders.detect(path)
            source = f"{fmt}|{source_key(path)}"
            if args.restart:
                store.set_checkpoint(source, 0)
            resuming = store.get_checkpoint(source) > 0
            rejects = RejectsFile(
                args.rejects or path.with_name(path.name + ".rejects.jsonl"), append=resuming
            )

            def on_error(error: RecordError, rejects: RejectsFile = rejects) -> None:
                rejects.write(error)
                progress.message(f"rejected {error.file}:{error.line}: {error.reason}")

            task = progress.start(path, fmt)
            try:
                report = ingestor.ingest(
                    loaders.read(path, fmt, options), source=source, on_error=on_error, on_progress=task
                )
            finally:
                rejects.close()
            progress.message(summary(path, report, rejects.path if rejects.count else None))
            total.merge(report)
        if total.new_follows:
            # Reach and influence depend on the whole graph: refresh them once, after every file.
            from graphsvc.analytics.refresh import analyze

            analysis = analyze(store)
            progress.message(f"analyzed reach and influence of {analysis.accounts:,} accounts")
    store.close()
    return 0


def summary(path: Path, report: IngestReport, rejects: Path | None) -> str:
    parts = [
        f"{path}: read {report.read:,} records",
        f"loaded {report.mentions:,} mentions and {report.follows:,} follow edges ({report.new_follows:,} new)",
        f"rejected {report.rejected:,}" + (f" (see {rejects})" if rejects else ""),
    ]
    if report.skipped:
        parts.append(f"skipped {report.skipped:,} committed by an earlier run")
    parts.append(f"{report.seconds:.2f} s, {report.rate():,.0f} records/s")
    return "; ".join(parts)


def stats_json(stats: Stats) -> str:
    return json.dumps(asdict(stats), sort_keys=False)


def run_stats(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    stats = store.stats()
    store.close()
    if args.json:
        print(stats_json(stats))
        return 0
    print(f"customers      {stats.customers:>10,}")
    print(f"brands         {stats.brands:>10,}")
    print(f"posts          {stats.posts:>10,}")
    print(f"follows        {stats.follows:>10,}")
    print(f"state changes  {stats.state_changes:>10,}")
    print("by type:")
    for name, count in stats.by_type.items():
        print(f"  {name:<14}{count:>10,}")
    print("by brand:")
    for key, counts in sorted(stats.by_brand.items()):
        print(f"  {key:<24}" + "  ".join(f"{k}={v:,}" for k, v in counts.items()))
    return 0


def run_reclassify(args: argparse.Namespace) -> int:
    from graphsvc.labeling import reclassify

    store = store_from_args(args)
    labeler = ClassifierLabeler(configured_classifier(Settings.from_env()))
    report = reclassify(store, labeler, brand=args.brand, force=args.all)
    store.close()
    print(
        f"classifier {labeler.classifier.version}: {report.seen:,} interactions, "
        f"{report.relabelled:,} relabelled, {report.changed_type:,} changed type, "
        f"{len(report.state_changes):,} new state changes"
    )
    return 0
