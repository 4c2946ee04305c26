"""The format registry: loaders by name, and ``detect`` to tell a file's format from its content.

Sniffing reads the first 64 KiB. JSON is told apart by the keys it uses, CSV by its header's
columns, edge lists by lines of exactly two ids; the extension is never trusted, since exported
files are renamed freely (``.txt`` edge lists, ``.json`` files that are JSON Lines).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graphsvc.errors import UnknownFormat

from . import airline, follows, mastodon, own_csv, own_jsonl, twcs, x_v2
from .options import DEFAULT_OPTIONS, LoadOptions, Record

__all__ = ["FORMATS", "Loader", "detect", "read", "sniff"]

_HEAD_BYTES = 64 << 10
_KEY = re.compile(r'"([A-Za-z_]+)"\s*:')


@dataclass(frozen=True, slots=True)
class Loader:
    """One input format: how to read a file, parse a string, and recognise the format's first bytes."""

    name: str
    summary: str
    read: Callable[[str | Path, LoadOptions], Iterator[Record]]
    parse: Callable[[str, LoadOptions], Iterator[Record]]
    sniff: Callable[[str], bool]


def _json_keys(head: str) -> frozenset[str] | None:
    start = head.lstrip()[:1]
    return frozenset(_KEY.findall(head)) if start in ("{", "[") else None


def _header(head: str) -> frozenset[str]:
    for line in head.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            columns = next(csv.reader([line]), [])
            return frozenset(c.strip().lower() for c in columns)
    return frozenset()


def _is_jsonl(head: str) -> bool:
    keys = _json_keys(head)
    return keys is not None and {"author", "text", "created_at"} <= keys


def _is_x_v2(head: str) -> bool:
    keys = _json_keys(head)
    return keys is not None and "data" in keys and bool(keys & {"author_id", "includes", "meta"})


def _is_mastodon(head: str) -> bool:
    keys = _json_keys(head)
    return keys is not None and {"account", "content"} <= keys


def _is_follows(head: str) -> bool:
    keys = _json_keys(head)
    if keys is not None:
        # A large graph's "labels" map can fill the whole head before "edges" is reached.
        return "edges" in keys or keys == {"labels"}
    lines = [ln.strip() for ln in head.splitlines()[:50] if ln.strip() and not ln.lstrip().startswith("#")]
    if len(head) >= _HEAD_BYTES and len(lines) > 1:
        lines.pop()  # the head may end mid-line
    if not lines:
        return False
    separator = "\t" if "\t" in lines[-1] else "," if "," in lines[-1] else None
    rows = [[t.strip() for t in ln.split(separator)] for ln in lines]
    # A malformed line or two must not hide an edge list: the loader will reject just those lines.
    if len(rows[0]) != 2 or 4 * sum(len(row) == 2 for row in rows) < 3 * len(rows):
        return False
    rows = [row for row in rows if len(row) == 2]
    # Numeric ids under a first line that is not numeric: that line is a header, and only the
    # column names of edge lists make it one (a two-column "id,dep" label file is not an edge list).
    numeric = [all(t.isdigit() for t in row) for row in rows]
    if len(rows) > 1 and not numeric[0] and all(numeric[1:]):
        return all(t.lower() in follows.HEADER_NAMES for t in rows[0])
    return True


def _has_columns(*required: str) -> Callable[[str], bool]:
    def sniff(head: str) -> bool:
        return _json_keys(head) is None and set(required) <= _header(head)

    return sniff


# Order matters only for ties; the rules are written so that there are none on real files.
FORMATS: dict[str, Loader] = {
    loader.name: loader
    for loader in (
        Loader(
            "jsonl",
            "graphsvc's own mentions, JSON Lines",
            own_jsonl.read_jsonl,
            own_jsonl.parse_jsonl,
            _is_jsonl,
        ),
        Loader(
            "csv",
            "graphsvc's own mentions, CSV",
            own_csv.read_csv,
            own_csv.parse_csv,
            _has_columns(*own_csv.REQUIRED),
        ),
        Loader("x-v2", "X API v2 response pages", x_v2.read_x_v2, x_v2.parse_x_v2, _is_x_v2),
        Loader(
            "mastodon",
            "Mastodon REST API status lists",
            mastodon.read_mastodon,
            mastodon.parse_mastodon,
            _is_mastodon,
        ),
        Loader(
            "twcs",
            "Customer Support on Twitter CSV",
            twcs.read_twcs,
            twcs.parse_twcs,
            _has_columns(*twcs.COLUMNS[:5]),
        ),
        Loader(
            "airline",
            "Twitter US Airline Sentiment CSV",
            airline.read_airline,
            airline.parse_airline,
            _has_columns(*airline.COLUMNS),
        ),
        Loader(
            "follows",
            "follower edge lists (CSV, TSV, SNAP, JSON edges)",
            follows.read_follows,
            follows.parse_follows,
            _is_follows,
        ),
    )
}


def sniff(head: str) -> str | None:
    """The name of the one format whose rule ``head`` (a file's first characters) matches, else None."""
    matches = [name for name, loader in FORMATS.items() if loader.sniff(head)]
    return matches[0] if len(matches) == 1 else None


def detect(path: str | Path) -> str:
    """The format of the file at ``path``, judged by content; UnknownFormat when none matches.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("# SNAP\\n0 1\\n1 2\\n")
    >>> detect(f.name); os.unlink(f.name)
    'follows'
    """
    with open(path, "rb") as stream:
        head = stream.read(_HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
    name = sniff(head)
    if name is None:
        raise UnknownFormat(
            f"cannot tell the format of {path}; known formats: {', '.join(FORMATS)} "
            "(pass format=... to choose one)"
        )
    return name


def read(
    path: str | Path, format: str | None = None, options: LoadOptions = DEFAULT_OPTIONS
) -> Iterator[Record]:
    """Records from ``path``: Mentions or FollowBatches, and a RecordError for each malformed row."""
    name = format or detect(path)
    loader = FORMATS.get(name)
    if loader is None:
        raise UnknownFormat(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return loader.read(path, options)
