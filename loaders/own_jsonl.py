"""``jsonl``: graphsvc's own mention format, one JSON object per line (``schema/mention.schema.json``).

>>> [m.id for m in parse_jsonl('{"id": "1", "platform": "x", "author": {"id": "7"}, '
...                            '"text": "hi @acme", "created_at": "2024-05-01T10:00:00Z"}')]
['x:1']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from graphsvc.errors import RecordError
from graphsvc.model import Mention

from .fields import FieldError
from .jsondocs import json_lines, json_values, line_value
from .options import DEFAULT_OPTIONS, LoadOptions, Record
from .own_record import mention_from_dict, mention_to_dict, ordinary_mention

__all__ = ["dump_jsonl", "parse_jsonl", "read_jsonl"]


def _records(data: bytes, file: str, options: LoadOptions) -> Iterator[Record]:
    lines = json_lines(data)
    if lines is None:  # one JSON document
        yield from _mentions(json_values(data, file), file, options)
        return
    platform = options.platform
    for number, line in enumerate(lines, start=1):
        # orjson reads an ordinary line ~4x faster than json; anything else (a bad line, huge
        # integers, which orjson turns into floats) is read again the standard library's way.
        try:
            mention = ordinary_mention(orjson.loads(line), platform)
        except orjson.JSONDecodeError:
            mention = None
        if mention is not None:
            yield mention
            continue
        item = line_value(number, line, file)
        if item is not None:
            yield from _mentions((item,), file, options)


def _mentions(
    items: Iterable[tuple[int, object] | RecordError], file: str, options: LoadOptions
) -> Iterator[Record]:
    for item in items:
        if isinstance(item, RecordError):
            yield item
            continue
        line, value = item
        try:
            yield mention_from_dict(value, options.platform)
        except FieldError as exc:
            yield RecordError(str(exc), file=file, line=line)


def read_jsonl(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(Path(path).read_bytes(), str(path), options)


def parse_jsonl(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(text.encode("utf-8"), "<text>", options)


def dump_jsonl(mentions: Iterable[Mention]) -> str:
    """Own-format JSON Lines for ``mentions`` (what ``graphsvc export`` and the tests write)."""
    return "".join(json.dumps(mention_to_dict(m), ensure_ascii=False) + "\n" for m in mentions)
