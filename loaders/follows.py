"""``follows``: follower edge lists, one ``follower<sep>followee`` per line, as ``FollowBatch``\\ es.

Separators: comma (CSV), tab (TSV) or spaces (SNAP's ``u v``), chosen from the first data line.
``#`` lines are comments; a first line of column names (``follower,followee``, ``u,v``,
``source target``, ...) is a header. The JSON ``{"edges": [[src, dst], ...]}`` layout is read by
:mod:`loaders.follows_json`; :func:`read_follows` sends such files there.

Ids: an endpoint already qualified (``x:12``) is kept; a bare one gets ``options.platform`` (``x``
when unset). A self-follow, a blank endpoint, a line without exactly two columns, a header repeated
mid-file and an undecodable line are rejected, each costing only its own line.

Speed is the point of this module: follower files hold millions of edges and ingest must beat a
million edges a second end to end. Lines are taken in blocks; a block that numpy shows to be clean
(exactly one separator per line, no empty endpoint, no comment, no CR, no stray blank) is split
with a handful of C-level string operations and never looked at line by line. Only a block with
something odd in it goes through the careful per-line path, which finds and reports the odd line.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from graphsvc.errors import RecordError
from graphsvc.model import AccountIds, FollowBatch

from .follows_numeric import DecimalIds, Int64Array
from .ids import is_qualified
from .lines import undecodable_reason
from .options import DEFAULT_OPTIONS, LoadOptions, Record

__all__ = ["HEADER_NAMES", "parse_follows", "read_follows"]

DEFAULT_PLATFORM = "x"
HEADER_NAMES = frozenset(
    {
        "follower",
        "followee",
        "source",
        "target",
        "src",
        "dst",
        "u",
        "v",
        "from",
        "to",
        "fromnodeid",
        "tonodeid",
        "follower_id",
        "followee_id",
        "node1",
        "node2",
    }
)
_READ_BYTES = 8 << 20
_PROLOGUE_LINES = 64  # lines read carefully before the separator and header are known
_CAREFUL_LINES = 256  # below this many lines an unclean piece is not split further
_NL, _CR, _HASH, _SPACE, _TAB = 10, 13, 35, 32, 9


@dataclass(slots=True)
class _State:
    """What the per-line path learns and the fast path relies on, and the batch being filled."""

    file: str
    prefix: str
    ids: AccountIds = field(default_factory=AccountIds)
    separator: str | None = None  # None until the first data line; " " means any whitespace
    header: tuple[str, ...] | None = None
    header_line: bytes | None = None
    parts: list[Int64Array] = field(default_factory=list)  # codes, follower and followee interleaved
    size: int = 0  # edges in ``parts``
    first_line: int = 0  # line of the batch's first edge
    decimal: DecimalIds = field(init=False)

    def __post_init__(self) -> None:
        self.decimal = DecimalIds(self.ids, self.prefix)

    def add(self, codes: Int64Array, line: int) -> None:
        if not self.size:
            self.first_line = line
        self.parts.append(codes)
        self.size += len(codes) // 2

    def take(self) -> FollowBatch:
        codes = np.concatenate(self.parts)
        batch = FollowBatch(self.ids, codes[0::2], codes[1::2], self.file, self.first_line)
        self.parts, self.size, self.first_line = [], 0, 0
        return batch


def _endpoint(token: str, prefix: str) -> str:
    return token if is_qualified(token) else prefix + token


def _careful(block: bytes, line: int, state: _State) -> Iterator[RecordError]:
    """Parse ``block`` (whole lines, the first numbered ``line``) one line at a time."""
    edges: list[str] = []  # follower and followee interleaved
    first = 0
    for number, raw in enumerate(block.split(b"\n"), start=line):
        try:
            text = raw.decode("utf-8").strip().lstrip("\ufeff")
        except UnicodeDecodeError:
            yield RecordError(undecodable_reason(number), file=state.file, line=number)
            continue
        if not text or text.startswith("#"):
            continue
        if state.separator is None:
            state.separator = "\t" if "\t" in text else "," if "," in text else " "
        tokens = [
            t.strip() for t in (text.split() if state.separator == " " else text.split(state.separator))
        ]
        named = len(tokens) == 2 and tokens[0].lower() in HEADER_NAMES and tokens[1].lower() in HEADER_NAMES
        if named and state.header is None and not state.ids and not edges:
            state.header = (tokens[0], tokens[1])
            state.header_line = text.encode("utf-8")
            continue
        if named:
            yield RecordError(
                "header repeated mid-file (concatenated files?); line skipped", file=state.file, line=number
            )
            continue
        if len(tokens) != 2:
            yield RecordError(
                f"expected 2 columns (follower, followee), found {len(tokens)}", file=state.file, line=number
            )
            continue
        follower, followee = tokens
        if not follower or not followee:
            yield RecordError(
                f"blank {'follower' if not follower else 'followee'}", file=state.file, line=number
            )
            continue
        if follower == followee:
            yield RecordError(f"self-follow: {follower} follows itself", file=state.file, line=number)
            continue
        first = first or number
        edges += (_endpoint(follower, state.prefix), _endpoint(followee, state.prefix))
    if edges:
        state.add(state.ids.codes(edges), first)


def _fast(block: bytes, line: int, state: _State) -> bool:
    """Append every edge of a clean ``block`` and return True; False (appending nothing) otherwise."""
    sep = state.separator
    if sep is None or (state.header_line is not None and state.header_line in block):
        return False
    data = np.frombuffer(block, dtype=np.uint8)
    sep_byte = ord(sep)
    newlines = np.flatnonzero(data == _NL)
    seps = np.flatnonzero(data == sep_byte)
    # The last line has no newline of its own here; give it a virtual one at the end.
    ends = np.append(newlines, len(block))
    if len(seps) != len(ends):
        return False
    starts = np.empty_like(ends)
    starts[0] = -1
    starts[1:] = ends[:-1]
    if not (((seps - starts) > 1).all() and ((ends - seps) > 1).all()):
        return False  # a line with no separator, two of them, or an empty endpoint
    odd = (data == _HASH) | (data == _CR) | (data == (_TAB if sep_byte == _SPACE else _SPACE))
    if sep_byte != _TAB:
        odd |= data == _TAB
    if odd.any():
        return False
    codes = state.decimal.codes(block, sep, 2 * len(ends))
    if codes is not None:
        state.add(codes, line)
        return True
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    prefix = state.prefix
    flat = text.replace("\n", sep)
    if ":" in text:
        tokens = [_endpoint(t, prefix) for t in flat.split(sep)]
    else:
        # Prefixing by string replacement runs in C: one pass instead of one concatenation per id.
        tokens = (prefix + flat.replace(sep, sep + prefix)).split(sep)
    if any(map(operator.eq, tokens[0::2], tokens[1::2])):
        return False
    state.add(state.ids.codes(tokens), line)
    return True


def _parse(piece: bytes, line: int, state: _State) -> Iterator[RecordError]:
    """Fast path for ``piece`` if it is clean; else halve it, so one odd line slows down few others."""
    if _fast(piece, line, state):
        return
    if piece.count(b"\n") < _CAREFUL_LINES:
        yield from _careful(piece, line, state)
        return
    middle = piece.find(b"\n", len(piece) // 2)
    if middle < 0:
        yield from _careful(piece, line, state)
        return
    yield from _parse(piece[:middle], line, state)
    yield from _parse(piece[middle + 1 :], line + piece.count(b"\n", 0, middle) + 1, state)


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    """Reads of about ``_READ_BYTES`` that end at a line end (the file's last line excepted)."""
    rest = b""
    while chunk := stream.read(_READ_BYTES):
        chunk = rest + chunk
        cut = chunk.rfind(b"\n")
        if cut < 0:
            rest = chunk
            continue
        rest = chunk[cut + 1 :]
        yield chunk[:cut]
    if rest:
        yield rest


def text_records(stream: BinaryIO, file: str, options: LoadOptions) -> Iterator[Record]:
    """Follow batches and rejects from a text edge list; used by ``read_follows``."""
    state = _State(file=file, prefix=f"{options.platform or DEFAULT_PLATFORM}:")
    batch = max(1, options.batch_edges)
    line = 1
    for block in _blocks(stream):
        newlines = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == _NL)
        start, index = 0, 0  # byte offset and newline index of the next unread line
        total_lines = len(newlines) + 1
        while index < total_lines:
            take = max(1, batch - state.size)
            if state.separator is None:
                take = min(take, _PROLOGUE_LINES)
            last = min(index + take, total_lines)  # lines [index, last)
            stop = int(newlines[last - 1]) if last - 1 < len(newlines) else len(block)
            piece = block[start:stop]
            yield from _parse(piece, line, state)
            line += last - index
            index, start = last, stop + 1
            # Each line adds at most one edge and at most ``take`` lines were read: never more than batch.
            if state.size >= batch:
                yield state.take()
    if state.size:
        yield state.take()


def read_follows(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    """Follower edges from ``path``: a text edge list, or the JSON ``{"edges": [...]}`` layout."""
    from .follows_json import json_edge_records

    with open(path, "rb") as stream:
        if stream.read(4096).lstrip().startswith(b"{"):
            stream.seek(0)
            yield from json_edge_records(stream.read(), str(path), options)
            return
        stream.seek(0)
        yield from text_records(stream, str(path), options)


def parse_follows(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    from .follows_json import json_edge_records

    data = text.encode("utf-8")
    if data.lstrip().startswith(b"{"):
        return json_edge_records(data, "<text>", options)
    return text_records(io.BytesIO(data), "<text>", options)
