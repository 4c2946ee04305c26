"""Keeping the garbage collector's pauses out of request latencies.

A server's heap is mostly long-lived: the schema and its graphql-core types, the store, the
app's modules. CPython's collector still walks all of it in every full collection (about 30 ms
for this app's 90,000 objects), and the request that happens to trigger one waits for it: the
p99 of a busy server was mostly such pauses. :func:`settle`, run once the app is built, moves
everything alive then into the permanent generation (``gc.freeze``), so later collections only
walk what requests create, and makes young collections rarer: a request creates thousands of
short-lived containers, and most of them are gone again before a larger threshold is reached.

Only for a process the app owns (``graphsvc serve``): frozen objects are never collected, so a
test process that builds many apps must not freeze them.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # allocations between young collections (CPython's default: 700)


def settle() -> None:
    """Collect once, freeze what is left, and raise the young generation's threshold."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
