"""Relay connections: generic edge and connection types, page-size checks and API cursors.

A store page only carries the cursor after its last item, but every Relay edge needs one. An API
cursor therefore wraps the store cursor the page started from and how many items of that page to
skip: resuming after edge *k* re-reads the page from the same place and drops the first *k + 1*.
The last edge of a page simply points at the store's own ``end_cursor``. Edges and page infos
keep where their cursors resume and encode a cursor only when a query asks for it (most ask
for nodes alone: a page of ten customers encoded eleven cursors nobody read).

>>> decode_api_cursor(encode_api_cursor("abc", 3))
('abc', 3)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from graphsvc.api.fields import field
from graphsvc.api.soon import Soon, then
from graphsvc.config import Settings
from graphsvc.errors import BadUserInput, PageSizeExceeded
from graphsvc.stores.base import Page
from graphsvc.stores.paging import decode_cursor, encode_cursor

T = TypeVar("T")
N = TypeVar("N")

FIRST_HELP = "How many items to return (default 20, at most 100 unless the server is configured otherwise)."
AFTER_HELP = "Return the items after this cursor: a previous page's pageInfo.endCursor or an edge's cursor."


# Where a cursor resumes: the store cursor a page is read from and how many of its items to skip.
Resume = tuple[str | None, int]


@strawberry.type(description="Where a page of a list starts and ends, and whether more items follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows this one.")
    has_previous_page: bool = strawberry.field(description="True when this page was asked for with `after`.")
    start: strawberry.Private[Resume | None]  # the first edge's cursor; None: no edges
    end: strawberry.Private[Resume | None]

    @field(description="The cursor of the first edge; null when empty.")
    def start_cursor(self) -> str | None:
        return encode_api_cursor(*self.start) if self.start is not None else None

    @field(description="Pass as `after` to get the next page.")
    def end_cursor(self) -> str | None:
        return encode_api_cursor(*self.end) if self.end is not None else None


@strawberry.type(description="One item of a page and the cursor that points just after it.")
class Edge(Generic[N]):
    resume: strawberry.Private[Resume]

    @field(description="Pass as `after` to continue after this item.")
    def cursor(self) -> str:
        return encode_api_cursor(*self.resume)

    node: N = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (a Relay connection): its edges and where it ends.")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page ends and whether more follow.")


def encode_api_cursor(store_after: str | None, skip: int) -> str:
    return encode_cursor([store_after, skip])  # wrapped as the stores wrap their own keys


# How many items a cursor may skip: a page is read from the store's cursor (or from the start of a
# ranked list) through the items the cursor skips; a cursor skipping 10**30 items made SQLite
# refuse the LIMIT (an internal error), and 10**9 would read a whole table for one page. Store
# lists paged by endCursor skip nothing; a ranked list's cursors are offsets into it.
MAX_SKIP = 10_000


def decode_api_cursor(cursor: str | None) -> tuple[str | None, int]:
    if cursor is None:
        return None, 0
    value = decode_cursor(cursor, 2)
    if not (value[0] is None or isinstance(value[0], str)) or not isinstance(value[1], int) or value[1] < 0:
        raise BadUserInput(f"cursor {cursor!r} is not valid; pass the endCursor of a previous page")
    if value[1] > MAX_SKIP:
        raise BadUserInput(
            f"cursor {cursor!r} skips {value[1]:,} items, more than the {MAX_SKIP:,} a cursor may skip: "
            f"page with each page's pageInfo.endCursor (lists ranked in memory, such as topAdvocates "
            f"and triage, end {MAX_SKIP:,} items deep)"
        )
    return value[0], value[1]


def page_size(first: int | None, settings: Settings) -> int:
    """The page size a client asked for, checked against the configured maximum (never clamped)."""
    if first is None:
        return settings.page_size_default
    if first < 0:
        raise BadUserInput(f"first must be 0 or more, got {first}")
    if first > settings.page_size_max:
        raise PageSizeExceeded(
            f"first: {first} is more than the maximum page size {settings.page_size_max}; ask for at most "
            f"{settings.page_size_max} and follow pageInfo.endCursor for more"
        )
    return first


Fetch = Callable[[int, str | None], Awaitable[Page[T]]]


def page_connection(
    load: Callable[[int, str | None], Soon[Page[T]]],
    first: int,
    after: str | None,
    node: Callable[[T], N],
) -> Soon[Connection[N]]:
    """The connection of ``first`` items after the API cursor ``after``, each made a node by
    ``node``: ``load(n, store_cursor)`` gives (or will give: a pending load) the store's page of
    ``n`` items after ``store_cursor``. At once when the page is loaded already; no coroutine."""
    store_after, skip = decode_api_cursor(after)
    return then(
        load(first + skip, store_after), lambda page: _connection(page, store_after, skip, after, node)
    )


async def fetch_connection(
    fetch: Fetch[T], first: int, after: str | None, node: Callable[[T], N]
) -> Connection[N]:
    """:func:`page_connection` for a resolver that must wait for its page anyway."""
    store_after, skip = decode_api_cursor(after)
    return _connection(await fetch(first + skip, store_after), store_after, skip, after, node)


def _connection(
    page: Page[T], store_after: str | None, skip: int, after: str | None, node: Callable[[T], N]
) -> Connection[N]:
    """The API's connection of a store page read from ``store_after``, without its first ``skip``
    items: each edge's cursor resumes the same store page and skips up to that edge."""
    items = page.items[skip:]
    resumes = [(store_after, skip + i + 1) for i in range(len(items))]
    if items and page.end_cursor is not None:
        resumes[-1] = (page.end_cursor, 0)
    return connection([node(i) for i in items], resumes, page.has_next, after)


def connection(
    nodes: Sequence[N], resumes: Sequence[Resume], has_next: bool, after: str | None
) -> Connection[N]:
    edges = [Edge(resume=r, node=n) for r, n in zip(resumes, nodes, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start=resumes[0] if resumes else None,
            end=resumes[-1] if resumes else None,
        ),
    )


def slice_connection(items: Sequence[N], first: int, after: str | None) -> Connection[N]:
    """A connection over a list already in memory (brands, replies): cursors are offsets."""
    _, start = decode_api_cursor(after)
    chosen = items[start : start + first]
    resumes = [(None, start + i + 1) for i in range(len(chosen))]
    return connection(chosen, resumes, start + first < len(items), after)
