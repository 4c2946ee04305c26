"""The JSON follower-graph layout ``{"edges": [[follower, followee], ...], ...}`` as ``FollowBatch``\\ es.

This is the layout of the anonymised brand follower networks (Anwar, Saveski, Roy 2021); other keys
(``labels``) are ignored. Endpoints may be numbers or strings and are qualified like text edge lists.
A bad edge is reported at the line its ``[`` opens on, found only when there is one to report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from graphsvc.errors import RecordError
from graphsvc.model import AccountIds, FollowBatch

from .ids import is_qualified
from .jsondocs import unreadable_json_reason
from .lines import undecodable_reason
from .options import LoadOptions, Record
from .surrogates import escapes_surrogates, has_lone_surrogate, surrogate_reason

__all__ = ["json_edge_records"]

_OPEN = re.compile(rb"\[")


class _EdgeLines:
    """Line numbers of edges by index, scanning the raw bytes forward only as far as asked."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        start = data.find(b'"edges"')
        self._opens = _OPEN.finditer(data, max(start, 0))
        next(self._opens, None)  # the outer list's own bracket
        self._seen: list[int] = []

    def line(self, index: int) -> int:
        while len(self._seen) <= index:
            match = next(self._opens, None)
            if match is None:
                break
            self._seen.append(match.start())
        offset = self._seen[index] if index < len(self._seen) else len(self._data)
        return self._data.count(b"\n", 0, offset) + 1


def _endpoint(value: object, prefix: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    token = str(value).strip()
    return token if is_qualified(token) else prefix + token if token else ""


def _bad_unicode(follower: str, followee: str) -> bool:
    return has_lone_surrogate(follower) or has_lone_surrogate(followee)


def json_edge_records(data: bytes, file: str, options: LoadOptions) -> Iterator[Record]:
    """Batches of the ``edges`` list of a JSON follower graph; one RecordError per bad edge."""
    try:
        graph = json.loads(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield RecordError(undecodable_reason(line) + " (and so was the document)", file=file, line=line)
        return
    except json.JSONDecodeError as exc:
        yield RecordError(f"invalid JSON: {exc.msg} at column {exc.colno}", file=file, line=exc.lineno)
        return
    except (ValueError, RecursionError) as exc:
        yield RecordError(unreadable_json_reason(exc) + " (the document)", file=file, line=1)
        return
    edges = graph.get("edges") if isinstance(graph, dict) else None
    if not isinstance(edges, list):
        yield RecordError(
            'expected a JSON object with an "edges" list of [follower, followee] pairs', file=file, line=1
        )
        return
    prefix = f"{options.platform or 'x'}:"
    batch = max(1, options.batch_edges)
    lines = _EdgeLines(data)
    ids = AccountIds()
    suspect = escapes_surrogates(data)  # else no id can hold a lone surrogate: skip the checks
    for begin in range(0, len(edges), batch):
        out: list[tuple[str, str]] = []
        for index in range(begin, min(begin + batch, len(edges))):
            edge = edges[index]
            if not isinstance(edge, list) or len(edge) != 2:
                reason = f"edges[{index}] must be a [follower, followee] pair, got {json.dumps(edge)[:60]}"
            else:
                follower, followee = _endpoint(edge[0], prefix), _endpoint(edge[1], prefix)
                if (
                    follower
                    and followee
                    and follower != followee
                    and not (suspect and _bad_unicode(follower, followee))
                ):
                    out.append((follower, followee))
                    continue
                if follower is None or followee is None:
                    reason = f"edges[{index}]: endpoints must be ids (numbers or strings)"
                elif suspect and _bad_unicode(follower, followee):
                    bad, side = (
                        (follower, "follower") if has_lone_surrogate(follower) else (followee, "followee")
                    )
                    reason = f"edges[{index}]: {surrogate_reason(bad, side)}"
                elif not follower or not followee:
                    reason = f"edges[{index}]: blank {'follower' if not follower else 'followee'}"
                else:
                    reason = f"edges[{index}]: self-follow: {edge[0]} follows itself"
            yield RecordError(reason, file=file, line=lines.line(index))
        if out:
            yield FollowBatch.of(out, file, lines.line(begin), ids)
