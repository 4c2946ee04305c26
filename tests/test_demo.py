"""The demo data set: a real graph, realistic multilingual mentions, live triage, stored reach."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from graphsvc.demo import BRANDS, demo_records, follower_edges, prepare_demo
from graphsvc.model import CustomerType, FollowBatch, Mention
from graphsvc.stores import open_store
from graphsvc.stores.base import CustomerFilter, CustomerOrder, InteractionFilter

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_demo_graph_is_the_vendored_real_graph() -> None:
    edges = follower_edges()
    assert len(edges) == 23_939
    assert len({end for edge in edges for end in edge}) == 3_726


def test_demo_records_are_deterministic_and_in_the_past() -> None:
    def comparable(records: list[Mention | FollowBatch]) -> list[object]:
        return [r.edges if isinstance(r, FollowBatch) else r for r in records]

    first = list(demo_records(NOW))
    assert comparable(first) == comparable(list(demo_records(NOW)))
    mentions = [r for r in first if isinstance(r, Mention)]
    assert all(m.created_at < NOW for m in mentions)
    langs = {m.text for m in mentions if not m.author_is_brand}
    assert len(langs) > 500  # varied texts, not a handful repeated
    brand_handles = {f"@{b.handles[0].split(':')[1]}" for b in BRANDS}
    customer_posts = [m for m in mentions if not m.author_is_brand]
    assert sum(any(h in m.text for h in brand_handles) for m in customer_posts) > 0.7 * len(customer_posts)
    assert isinstance(first[0], FollowBatch)


def test_prepare_demo_loads_classifies_and_analyses(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    info = prepare_demo(url, now=NOW)
    stats = info.stats
    assert stats.brands == 2 and stats.customers == 3_726 and info.report.rejected == 0
    assert stats.state_changes > 100
    for kind in CustomerType:
        assert stats.by_type[kind.value] > 0, kind
    store = open_store(url)
    try:
        top = store.list_customers(
            CustomerFilter(brand="novatelecom", state=CustomerType.ADVOCATE, order=CustomerOrder.REACH2),
            first=5,
        )
        assert len(top.items) == 5
        reach = store.get_metrics([c.id for c in top.items])
        values = [reach[c.id].reach2 for c in top.items]
        assert values == sorted(values, reverse=True) and values[0] > 0
        waiting = store.list_interactions(
            InteractionFilter(brand="acmeair", answered=False, needs_response=True), first=5
        )
        assert waiting.items  # the triage queue is not empty
    finally:
        store.close()
