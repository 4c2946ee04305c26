from __future__ import annotations

import math
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.analytics.advocates import best_advocate_set
from graphsvc.analytics.reach import set_reach
from tests.analytics_graphs import EDGE_LISTS, NAMES, Edge, digraph, nx_audience, projection_of


def _plain_greedy(audiences: list[set[str]], k: int) -> list[tuple[int, int]]:
    covered: set[str] = set()
    picks: list[tuple[int, int]] = []
    chosen: set[int] = set()
    for _ in range(k):
        gains = [(len(a - covered), -i) for i, a in enumerate(audiences) if i not in chosen]
        if not gains or max(gains)[0] == 0:
            break
        gain, neg_i = max(gains)
        chosen.add(-neg_i)
        covered |= audiences[-neg_i]
        picks.append((-neg_i, gain))
    return picks


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS, st.lists(NAMES, unique=True, max_size=6), st.integers(0, 4), st.sampled_from([1, 2]))
def test_advocates_lazy_greedy_equals_plain_greedy_and_bound(
    edges: list[Edge], candidates: list[str], k: int, hops: int
) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    audiences = [nx_audience(g, c, hops) for c in candidates]
    result = best_advocate_set(p, candidates, k, hops)
    expected = _plain_greedy(audiences, k)
    assert [(pick.account_id, pick.gain) for pick in result.picks] == [
        (candidates[i], gain) for i, gain in expected
    ]
    assert result.reach == set_reach(p, [pick.account_id for pick in result.picks], hops)
    best = max(
        (
            len(set().union(*combo))
            for r in range(min(k, len(audiences)) + 1)
            for combo in combinations(audiences, r)
        ),
        default=0,
    )
    assert result.reach >= (1 - 1 / math.e) * best
    totals = [pick.total for pick in result.picks]
    assert totals == sorted(totals) and all(pick.gain > 0 for pick in result.picks)


def test_advocates_two_with_the_same_followers_count_once() -> None:
    edges = [(f"x:f{i}", "x:a") for i in range(5)] + [(f"x:f{i}", "x:b") for i in range(5)]
    edges += [("x:z", "x:c")]
    result = best_advocate_set(projection_of(edges), ["x:a", "x:b", "x:c"], 2)
    assert [(pick.account_id, pick.gain, pick.total) for pick in result.picks] == [
        ("x:a", 5, 5),
        ("x:c", 1, 6),
    ]


def test_advocates_rejects_negative_k() -> None:
    with pytest.raises(ValueError, match="k must"):
        best_advocate_set(projection_of([("x:1", "x:2")]), ["x:2"], -1)
