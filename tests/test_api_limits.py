"""graphsvc.api.limits: the measure cache measures a document once per value of the variables the
measurement reads (page sizes), whatever the other variables are."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse

from graphsvc.api import limits
from graphsvc.api.limits import Complexity, MeasureCache

SCHEMA = build_schema("type Q { a(first: Int = 5, name: String): [Q!]! b: Int } schema { query: Q }")
QUERY = "query($n: Int, $x: String, $y: Int) { a(first: $n, name: $x) { b } }"


def test_api_limits_measure_cache_reads_only_page_size_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    document = parse(QUERY)
    cache = MeasureCache()
    calls: list[dict[str, Any]] = []
    original = limits._measure

    def counting(*args: Any) -> tuple[Complexity, frozenset[str]]:
        calls.append(args[3])
        return original(*args)

    monkeypatch.setattr(limits, "_measure", counting)
    for y in range(5):  # variables no page size reads: one measurement for all their values
        assert cache.measure(SCHEMA, document, None, {"n": 3, "x": f"v{y}", "y": y}, 20).cost == 6
    assert len(calls) == 1
    assert cache.measure(SCHEMA, document, None, {"n": 30, "y": 1}, 20).cost == 60 and len(calls) == 2
    assert cache.measure(SCHEMA, document, None, {"n": [1]}, 20).cost == 40  # not an int: the default
    assert cache.measure(SCHEMA, document, None, {"n": 3, "y": 9}, 20).cost == 6 and len(calls) == 3
