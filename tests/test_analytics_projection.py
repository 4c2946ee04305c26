from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

from graphsvc.analytics.projection import (
    ProjectionBuilder,
    build_projection,
    build_projection_from_codes,
    from_arrays,
)
from graphsvc.model import Account, AccountIds, FollowBatch
from graphsvc.stores.sqlite import SqliteStore
from tests.analytics_graphs import EDGE_LISTS, Edge, digraph, projection_of


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS)
def test_projection_followers_match_networkx(edges: list[Edge]) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    for node in g:
        assert sorted(p.followers(node)) == sorted(g.predecessors(node))
    assert p.n_edges == g.number_of_edges()


def test_projection_drops_repeats_and_self_follows() -> None:
    p = build_projection([[("x:a", "x:b"), ("x:a", "x:b"), ("x:b", "x:b")]])
    assert (p.n_nodes, p.n_edges) == (2, 1)


def test_projection_numbers_nodes_in_sorted_id_order() -> None:
    p = build_projection([[("x:z", "x:a")], [("x:m", "x:z")]])
    assert p.id_list() == ["x:a", "x:m", "x:z"]


def test_projection_index_of_unknown_or_too_long_is_none() -> None:
    p = build_projection([[("x:1", "x:2")]])
    assert p.index_of("x:3") is None
    assert p.index_of("x:" + "9" * 100) is None


def test_projection_keeps_long_and_unicode_ids() -> None:
    long_a = "mastodon:@ana.maria.da.silva@mastodon.social"
    long_b = "mastodon:@ana.maria.da.silva@mastodon.socia1"  # same first 16 bytes, same length
    p = build_projection([[(long_a, "x:ñandú"), (long_b, "x:ñandú")]])
    assert sorted(p.followers("x:ñandú")) == sorted([long_a, long_b])


def test_projection_rejects_ids_with_line_breaks() -> None:
    with pytest.raises(ValueError, match="line break"):
        build_projection([[("x:1\nx:2", "x:3")]])


def test_projection_arrays_are_read_only() -> None:
    p = build_projection([[("x:1", "x:2")]])
    with pytest.raises(ValueError):
        p.indices[0] = 1


def test_projection_with_edges_leaves_original_untouched() -> None:
    p = build_projection([[("x:1", "x:2")]])
    q = p.with_edges([("x:3", "x:2"), ("x:2", "x:4")])
    assert p.followers("x:2") == ["x:1"]
    assert sorted(q.followers("x:2")) == ["x:1", "x:3"]
    assert q.followers("x:4") == ["x:2"]


def test_projection_builder_grows_tables_past_initial_size() -> None:
    builder = ProjectionBuilder()
    edges = [(f"x:{i}", f"x:{i // 3}") for i in range(1, 200_000)]
    builder.add(edges[:100_000])
    builder.add(edges[100_000:])
    p = builder.build()
    assert p.n_nodes == 200_000
    assert sorted(p.followers("x:5")) == ["x:15", "x:16", "x:17"]


def test_projection_from_arrays_names_nodes_by_number() -> None:
    p = from_arrays(np.array([1, 2]), np.array([0, 0]))
    assert sorted(p.followers("0")) == ["1", "2"]


def test_projection_nbytes_is_compact() -> None:
    # average degree 10, like the benchmark graphs: 4 bytes per edge plus ~1.4 per node
    edges = [(f"x:{i}", f"x:{(i + j) % 1000}") for i in range(1000) for j in range(1, 11)]
    p = build_projection([edges])
    assert p.nbytes / p.n_edges < 16


def test_projection_from_codes_equals_projection_from_strings(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    try:
        store.upsert_accounts([Account(id="x:idle")])  # no edge: in neither projection
        edges = [(f"x:{i}", f"x:{(i * 7 + 3) % 50}") for i in range(300)] + [("x:ñandú", "x:1")]
        store.upsert_follows(edges[:120])
        store.upsert_follows(edges[100:])
        by_strings = build_projection(store.iter_follows(batch_size=64))
        by_codes = build_projection_from_codes(store.iter_follow_codes(batch_size=64))
    finally:
        store.close()
    assert by_codes.index_of("x:idle") is None
    for name in ("ids", "indptr", "indices"):
        assert np.array_equal(getattr(by_codes, name), getattr(by_strings, name)), name


@settings(max_examples=100, deadline=None)
@given(EDGE_LISTS)
def test_projection_from_codes_numbered_as_first_seen_matches(edges: list[Edge]) -> None:
    numbers: dict[str, int] = {}
    codes = np.array(
        [numbers.setdefault(end, len(numbers)) for edge in edges for end in edge], dtype=np.int64
    )
    batch = FollowBatch(AccountIds.named(list(numbers)), codes[0::2], codes[1::2])
    p, q = build_projection_from_codes([batch]), projection_of(edges)
    for name in ("ids", "indptr", "indices"):
        assert np.array_equal(getattr(p, name), getattr(q, name)), name


def test_projection_from_codes_merges_an_id_named_twice() -> None:
    batch = FollowBatch(AccountIds.named(["x:a", "x:b", "x:a"]), np.array([0, 2]), np.array([1, 1]))
    p = build_projection_from_codes([batch])
    assert (p.n_nodes, p.n_edges, p.followers("x:b")) == (2, 1, ["x:a"])
