"""The store contract: every backend passes these same assertions (see the ``store`` fixture)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from graphsvc.errors import BadUserInput
from graphsvc.model import (
    Account,
    AccountIds,
    ApiKey,
    Brand,
    Classification,
    CustomerType,
    Follow,
    FollowBatch,
    Metrics,
    Post,
)
from graphsvc.stores.base import (
    CustomerFilter,
    CustomerOrder,
    FeedMarks,
    InteractionFilter,
    InteractionOrder,
    StateChangeFilter,
    Store,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ACME = Brand(key="acme", name="Acme", handles=("x:AcmeHelp",), aliases=("Acme Corp",))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def post(pid: str, author: str, minutes: float, **kw: object) -> Post:
    return Post(id=pid, text=f"text of {pid}", created_at=at(minutes), author_id=author, **kw)  # type: ignore[arg-type]


def label(kind: CustomerType, needs: bool = False, sla_hours: float | None = None) -> Classification:
    return Classification(
        type=kind,
        confidence=0.9,
        lang="en",
        cues=("cue",),
        needs_response=needs,
        sla=timedelta(hours=sla_hours) if sla_hours is not None else None,
        version="test-1",
    )


def seeded(store: Store) -> Store:
    """Acme, two customers, a short thread: ana complains, the brand answers, ana replies."""
    store.upsert_brands([ACME])
    store.upsert_accounts(
        [
            Account(id="x:1", handle="ana", name="Ana", followers=10),
            Account(id="x:2", handle="bo", name="Bo", followers=3),
        ]
    )
    store.upsert_posts(
        [
            post("x:p1", "x:1", 0, brands=("acme",)),
            post("x:p2", "x:AcmeHelp", 30, in_reply_to="x:p1", by_brand=True, brands=("acme",)),
            post("x:p3", "x:1", 40, in_reply_to="x:p2"),
            post("x:p4", "x:2", 50, brands=("acme",)),
        ]
    )
    return store


def test_store_upserts_are_idempotent(store: Store) -> None:
    seeded(store)
    first = store.stats()
    seeded(store)
    assert store.stats() == first
    assert (first.customers, first.brands, first.posts) == (2, 1, 4)


def test_store_account_fields_are_not_erased_by_none(store: Store) -> None:
    seeded(store)
    store.upsert_accounts([Account(id="x:1")])
    assert store.get_accounts(["x:1"])["x:1"].handle == "ana"


def test_store_get_brand_by_key_handle_and_alias(store: Store) -> None:
    seeded(store)
    for name in ("acme", "@AcmeHelp", "x:AcmeHelp", "acme corp", "ACME"):
        assert store.get_brands([name])[name].key == "acme", name
    assert store.get_brands(["nobody"]) == {}
    [brand] = store.list_brands()
    assert brand.handles == ("x:AcmeHelp",)
    assert store.get_accounts(["x:AcmeHelp"])["x:AcmeHelp"].brand == "acme"


def test_store_brand_accounts_keep_their_own_handles_and_numeric_ids_name_no_brand(store: Store) -> None:
    ids = ("x:12345", "twcs:AppleSupport", "mastodon:@acme@acme.example", "x:777")
    store.upsert_accounts([Account(id="x:777", handle="AcmeCare")])  # known before it was the brand's
    store.upsert_brands([Brand(key="acme", name="Acme", handles=ids)])
    assert {i: a.handle for i, a in store.get_accounts(ids).items()} == {
        "x:12345": None,  # an X id is a number, not a handle
        "twcs:AppleSupport": "AppleSupport",
        "mastodon:@acme@acme.example": "acme@acme.example",
        "x:777": "AcmeCare",
    }
    assert store.get_brands(["12345", "x:12345"]) == {}
    for name in ("@AppleSupport", "acme@acme.example", "twcs:AppleSupport"):
        assert store.get_brands([name])[name].key == "acme", name
    # as a load does each batch: the account's record names it, then its brand is upserted again
    store.upsert_accounts([Account(id="x:12345", handle="AcmeHelp")])
    store.upsert_brands([Brand(key="acme", name="Acme", handles=("x:12345",))])
    assert store.get_accounts(["x:12345"])["x:12345"].handle == "AcmeHelp"


def test_store_brand_given_twice_in_one_call_keeps_every_account_and_alias(store: Store) -> None:
    store.upsert_brands(
        [
            Brand(key="acme", name="Acme", handles=("x:AcmeHelp",), aliases=("Acme Corp",)),
            Brand(key="acme", name="Acme", handles=("twcs:AcmeCare",), aliases=("Acme Inc",)),
        ]
    )
    [brand] = store.list_brands()
    assert (brand.handles, brand.aliases) == (("twcs:AcmeCare", "x:AcmeHelp"), ("Acme Corp", "Acme Inc"))
    for name in ("@AcmeHelp", "AcmeCare", "acme inc", "acme corp"):
        assert store.get_brands([name])[name].key == "acme", name


def test_store_brand_reply_records_response_and_delay(store: Store) -> None:
    seeded(store)
    p1 = store.get_posts(["x:p1"])["x:p1"]
    assert p1.response is not None
    assert p1.response.delay == timedelta(minutes=30)
    assert p1.response.post_id == "x:p2"
    assert store.get_posts(["x:p4"])["x:p4"].response is None


def test_store_reply_to_brand_post_concerns_the_brand(store: Store) -> None:
    seeded(store)
    assert store.get_posts(["x:p3"])["x:p3"].brands == ("acme",)


def test_store_pending_reply_resolves_when_parent_arrives_later(store: Store) -> None:
    store.upsert_brands([ACME])
    store.upsert_posts([post("x:r", "x:AcmeHelp", 10, in_reply_to="x:q", by_brand=True, brands=("acme",))])
    assert store.get_posts(["x:r"])["x:r"].in_reply_to == "x:q"
    store.upsert_posts([post("x:q", "x:9", 0)])
    parent = store.get_posts(["x:q"])["x:q"]
    assert parent.response is not None and parent.response.delay == timedelta(minutes=10)
    assert parent.brands == ("acme",)
    store.upsert_posts([post("x:q", "x:9", 0)])  # again: nothing changes
    assert store.get_posts(["x:q"])["x:q"] == parent


def test_store_replies_to_lists_direct_replies(store: Store) -> None:
    seeded(store)
    replies = store.replies_to(["x:p1", "x:p4"])
    assert [p.id for p in replies["x:p1"]] == ["x:p2"]
    assert replies["x:p4"] == ()


def test_store_state_changes_follow_latest_non_other_interaction(store: Store) -> None:
    seeded(store)
    store.upsert_posts([post("x:p5", "x:1", 60, brands=("acme",)), post("x:p6", "x:1", 70, brands=("acme",))])
    created = store.record_classifications(
        [
            ("x:p1", label(CustomerType.ADVOCATE)),
            ("x:p3", label(CustomerType.OTHER)),
            ("x:p5", label(CustomerType.ADVOCATE)),
            ("x:p6", label(CustomerType.USED_TO_BE, needs=True, sla_hours=1)),
        ]
    )
    assert [(c.from_type, c.to_type, c.post_id) for c in created] == [
        (None, CustomerType.ADVOCATE, "x:p1"),
        (CustomerType.ADVOCATE, CustomerType.USED_TO_BE, "x:p6"),
    ]
    [state] = store.states_for(["x:1"])["x:1"]
    assert (state.brand, state.type, state.post_id, state.since) == (
        "acme",
        CustomerType.USED_TO_BE,
        "x:p6",
        at(70),
    )
    # Re-recording the same labels emits nothing new.
    assert (
        store.record_classifications([("x:p6", label(CustomerType.USED_TO_BE, needs=True, sla_hours=1))])
        == ()
    )
    # Relabelling p6 removes the change it caused and emits only what is really new.
    assert store.record_classifications([("x:p6", label(CustomerType.ADVOCATE))]) == ()
    assert store.states_for(["x:1"])["x:1"][0].type is CustomerType.ADVOCATE
    assert store.stats().state_changes == 1


def test_store_change_feed_lists_new_state_changes_in_commit_order(store: Store) -> None:
    seeded(store)
    assert store.feed_marks() == FeedMarks(follows=0, state_changes=0)
    assert store.state_changes_after(0, 10) == []
    store.upsert_posts([post("x:p6", "x:1", 70, brands=("acme",))])
    first = store.record_classifications(
        [("x:p1", label(CustomerType.ADVOCATE)), ("x:p4", label(CustomerType.VENTING))]
    )
    second = store.record_classifications([("x:p6", label(CustomerType.USED_TO_BE))])
    feed = store.state_changes_after(0, 10)
    assert [change for _, change in feed] == [*first, *second] and len(feed) == 3
    positions = [seq for seq, _ in feed]
    assert positions == sorted(set(positions)) and store.feed_marks().state_changes == positions[-1]
    assert store.state_changes_after(positions[-1], 10) == []
    assert store.state_changes_after(0, 1) == feed[:1]
    assert store.state_changes_after(positions[0], 10) == feed[1:]
    # Relabelling p6 deletes the newest change; the next change still gets a new position.
    assert store.record_classifications([("x:p6", label(CustomerType.ADVOCATE))]) == ()
    assert store.state_changes_after(positions[-1], 10) == []
    [again] = store.record_classifications([("x:p6", label(CustomerType.VENTING))])
    [(seq, change)] = store.state_changes_after(positions[-1], 10)
    assert change == again and seq > positions[-1] and store.feed_marks().state_changes == seq


def test_store_feed_marks_count_follow_edges(store: Store) -> None:
    assert store.upsert_follows([("x:a", "x:b"), ("x:c", "x:b"), ("x:a", "x:b"), ("x:d", "x:d")]) == 2
    assert store.feed_marks().follows == store.stats().follows == 2
    assert store.upsert_follows([("x:a", "x:b"), ("x:b", "x:a")]) == 1
    assert store.feed_marks() == FeedMarks(follows=3, state_changes=0)


def test_store_lists_all_metrics_and_marks_each_write(store: Store) -> None:
    assert store.feed_marks().metrics == 0 and list(store.iter_metrics()) == []
    first = [Metrics(account_id=f"x:{n}", reach1=n, reach2=2 * n, influence=1 / (n + 3)) for n in range(5)]
    assert store.put_metrics(first) == 5
    marked = store.feed_marks().metrics
    assert marked > 0
    assert [[m.account_id for m in batch] for batch in store.iter_metrics(2)] == [
        ["x:0", "x:1"],
        ["x:2", "x:3"],
        ["x:4"],
    ]
    assert [m for batch in store.iter_metrics() for m in batch] == first
    changed = Metrics(account_id="x:3", reach1=30, reach2=60, influence=0.5)
    store.put_metrics([changed])
    assert store.feed_marks().metrics > marked
    assert [m for batch in store.iter_metrics(4) for m in batch] == [*first[:3], changed, first[4]]
    # a write of nothing moves nothing
    again = store.feed_marks()
    assert store.put_metrics([]) == 0 and store.feed_marks() == again


def test_store_list_state_changes_filters_and_pages_newest_first(store: Store) -> None:
    seeded(store)
    store.upsert_posts([post(f"x:s{i}", "x:2", 100 + i, brands=("acme",)) for i in range(6)])
    kinds = [CustomerType.ADVOCATE, CustomerType.USED_TO_BE] * 3
    store.record_classifications([(f"x:s{i}", label(k)) for i, k in enumerate(kinds)])
    everything = store.list_state_changes(StateChangeFilter(), first=10)
    assert [c.post_id for c in everything.items] == [f"x:s{i}" for i in reversed(range(6))]
    turned = store.list_state_changes(
        StateChangeFilter(brand="acme", from_type=CustomerType.ADVOCATE, to_type=CustomerType.USED_TO_BE),
        first=2,
    )
    assert [c.post_id for c in turned.items] == ["x:s5", "x:s3"]
    assert turned.has_next
    rest = store.list_state_changes(
        StateChangeFilter(brand="acme", from_type=CustomerType.ADVOCATE, to_type=CustomerType.USED_TO_BE),
        first=2,
        after=turned.end_cursor,
    )
    assert [c.post_id for c in rest.items] == ["x:s1"]
    assert not rest.has_next
    window = store.list_state_changes(StateChangeFilter(since=at(102), until=at(104)), first=10)
    assert [c.post_id for c in window.items] == ["x:s3", "x:s2"]


def test_store_list_interactions_filters_answered_and_type(store: Store) -> None:
    seeded(store)
    store.record_classifications(
        [("x:p1", label(CustomerType.PASSIVE, True, 24)), ("x:p4", label(CustomerType.FUTURE, True, 4))]
    )
    unanswered = store.list_interactions(InteractionFilter(brand="acme", answered=False), first=10)
    assert [p.id for p in unanswered.items] == ["x:p4", "x:p3"]  # p3 replies to the brand: it concerns acme
    answered = store.list_interactions(InteractionFilter(brand="acme", answered=True), first=10)
    assert [p.id for p in answered.items] == ["x:p1"]
    passive = store.list_interactions(InteractionFilter(type=CustomerType.PASSIVE), first=10)
    assert [p.id for p in passive.items] == ["x:p1"]
    mine = store.list_interactions(InteractionFilter(customer_id="x:1"), first=10)
    assert [p.id for p in mine.items] == ["x:p3", "x:p1"]
    due = store.list_interactions(
        InteractionFilter(brand="acme", needs_response=True, order=InteractionOrder.DUE), first=10
    )
    assert [p.id for p in due.items] == ["x:p4", "x:p1"]  # due at 50m + 4h before 0m + 24h


def test_store_list_interactions_pages_without_gaps(store: Store) -> None:
    seeded(store)
    store.upsert_posts([post(f"x:m{i:02}", "x:2", 200 + i // 2, brands=("acme",)) for i in range(25)])
    seen: list[str] = []
    after = None
    while True:
        page = store.list_interactions(InteractionFilter(brand="acme"), first=7, after=after)
        seen += [p.id for p in page.items]
        if not page.has_next:
            break
        after = page.end_cursor
    assert len(seen) == len(set(seen)) == 28


def test_store_bad_cursor_is_bad_user_input(store: Store) -> None:
    with pytest.raises(BadUserInput, match="cursor"):
        store.list_interactions(InteractionFilter(), first=5, after="not-a-cursor!")


@pytest.mark.parametrize("key", [[], ["a", "b", "c"], [{"a": 1}, "x:1"], [[1], "x:1"], {"a": 1}])
def test_store_cursor_of_another_shape_is_bad_user_input(store: Store, key: object) -> None:
    """Well-formed cursors holding keys no page of that list makes (too short, too long, nested)."""
    seeded(store)
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
    lists: list[Callable[[], object]] = [
        lambda: store.list_interactions(InteractionFilter(), first=2, after=cursor),
        lambda: store.list_interactions(InteractionFilter(order=InteractionOrder.DUE), first=2, after=cursor),
        lambda: store.list_customers(CustomerFilter(brand="acme"), first=2, after=cursor),
        lambda: store.list_customers(CustomerFilter(order=CustomerOrder.REACH1), first=2, after=cursor),
        lambda: store.list_followers("x:1", first=2, after=cursor),
        lambda: store.list_following("x:1", first=2, after=cursor),
        lambda: store.list_state_changes(StateChangeFilter(), first=2, after=cursor),
    ]
    for listing in lists:
        with pytest.raises(BadUserInput, match="cursor"):
            listing()


def test_store_mark_responded_keeps_earliest_answer(store: Store) -> None:
    seeded(store)
    marked = store.mark_responded("x:p4", at(80))
    assert marked is not None and marked.response is not None
    assert marked.response.delay == timedelta(minutes=30)
    later = store.mark_responded("x:p4", at(90))
    assert later is not None and later.response is not None and later.response.at == at(80)
    assert store.mark_responded("x:missing", at(1)) is None


def test_store_follows_are_deduplicated_and_paged(store: Store) -> None:
    seeded(store)
    edges = [Follow(f"x:f{i}", "x:1") for i in range(5)] + [Follow("x:1", "x:AcmeHelp")]
    assert store.upsert_follows(edges) == 6
    assert store.upsert_follows(edges) == 0
    assert store.upsert_follows([("x:f0", "x:1"), ("x:f0", "x:f0")]) == 0  # duplicate and self-loop
    first = store.list_followers("x:1", first=3)
    assert len(first.items) == 3 and first.has_next
    second = store.list_followers("x:1", first=3, after=first.end_cursor)
    assert len(second.items) == 2 and not second.has_next
    # in the backend's own stable order: the pages hold every follower once, the same each time
    assert sorted(a.id for a in first.items + second.items) == [f"x:f{i}" for i in range(5)]
    assert store.list_followers("x:1", first=3) == first
    assert [a.id for a in store.list_following("x:1", first=5).items] == ["x:AcmeHelp"]
    streamed = sorted(e for batch in store.iter_follows(batch_size=4) for e in batch)
    assert streamed == sorted((e.follower, e.followee) for e in edges)
    stats = store.stats()
    assert (stats.follows, stats.customers) == (6, 7)  # follow endpoints are customers, brands are not


def test_store_customers_filter_by_brand_state_and_order_by_reach(store: Store) -> None:
    seeded(store)
    store.record_classifications(
        [("x:p1", label(CustomerType.ADVOCATE)), ("x:p4", label(CustomerType.ADVOCATE))]
    )
    store.put_metrics(
        [Metrics(account_id="x:1", reach1=5, reach2=9), Metrics(account_id="x:2", reach1=7, reach2=8)]
    )
    by2 = store.list_customers(
        CustomerFilter(brand="acme", state=CustomerType.ADVOCATE, order=CustomerOrder.REACH2), 10
    )
    assert [a.id for a in by2.items] == ["x:1", "x:2"]
    by1 = store.list_customers(CustomerFilter(brand="acme", order=CustomerOrder.REACH1), first=1)
    assert [a.id for a in by1.items] == ["x:2"]
    rest = store.list_customers(
        CustomerFilter(brand="acme", order=CustomerOrder.REACH1), first=1, after=by1.end_cursor
    )
    assert [a.id for a in rest.items] == ["x:1"]
    assert [a.id for a in store.list_customers(CustomerFilter(handle_prefix="@B"), 10).items] == ["x:2"]
    assert store.customer_ids_for_brand("acme") == ("x:1", "x:2")
    assert store.customer_ids_for_brand("acme", CustomerType.USED_TO_BE) == ()
    assert store.get_metrics(["x:1", "x:none"]) == {"x:1": Metrics(account_id="x:1", reach1=5, reach2=9)}


def test_store_stats_counts_per_type_and_brand(store: Store) -> None:
    seeded(store)
    store.record_classifications(
        [("x:p1", label(CustomerType.PASSIVE, True, 24)), ("x:p4", label(CustomerType.FUTURE, True, 4))]
    )
    stats = store.stats()
    assert stats.by_type["PASSIVE"] == 1 and stats.by_type["FUTURE"] == 1 and stats.by_type["VENTING"] == 0
    assert stats.by_brand["acme"] == {
        "posts": 4,
        "interactions": 3,
        "customers": 2,
        "awaiting_response": 1,
        "state_changes": 2,
    }


def test_store_checkpoints_and_api_keys(store: Store) -> None:
    assert store.get_checkpoint("file-a") == 0
    store.set_checkpoint("file-a", 1200)
    assert store.get_checkpoint("file-a") == 1200
    key = ApiKey(id="k1", role="reader", key_hash="h" * 64, created_at=T0)
    store.put_api_key(key)
    assert store.find_api_key("h" * 64) == key
    assert store.list_api_keys() == (key,)
    assert store.revoke_api_key("k1", at(5))
    assert not store.revoke_api_key("k1", at(6))
    found = store.find_api_key("h" * 64)
    assert found is not None and found.revoked_at == at(5)


def test_store_batch_rolls_back_everything_on_error(store: Store) -> None:
    if not store.url.startswith("sqlite"):
        pytest.skip("only the embedded store groups writes into one transaction")
    with pytest.raises(RuntimeError), store.batch():
        store.upsert_accounts([Account(id="x:gone")])
        raise RuntimeError("boom")
    assert store.get_accounts(["x:gone"]) == {}
    store.ping()


def test_store_migrate_is_idempotent(store: Store) -> None:
    seeded(store)
    before = store.stats()
    current = store.migrate()
    assert store.migrate() == current
    assert store.stats() == before


def test_store_many_pages_equal_single_pages(store: Store) -> None:
    seeded(store)
    store.upsert_follows(
        [Follow(f"x:f{i}", "x:1") for i in range(4)] + [Follow("x:f0", "x:2"), Follow("x:1", "x:2")]
    )
    store.upsert_posts([post(f"x:q{i}", "x:2", 300 + i, brands=("acme",)) for i in range(3)])
    ids = ["x:1", "x:2", "x:f0", "x:nobody"]
    for first in (0, 1, 3, 10):
        followers = store.list_followers_many(ids, first)
        following = store.list_following_many(ids, first)
        assert followers == {i: store.list_followers(i, first) for i in ids}
        assert following == {i: store.list_following(i, first) for i in ids}
        flt = InteractionFilter(brand="acme")
        many = store.list_interactions_many(ids, flt, first)
        assert many == {
            i: store.list_interactions(InteractionFilter(brand="acme", customer_id=i), first) for i in ids
        }
    after = store.list_followers("x:1", 2).end_cursor
    assert store.list_followers_many(["x:1", "x:2"], 2, after)["x:1"] == store.list_followers("x:1", 2, after)
    assert sorted(a.id for a in store.list_followers_many(["x:1", "x:2"], 5)["x:2"].items) == ["x:1", "x:f0"]


def test_store_follow_codes_name_every_edge_once(store: Store) -> None:
    store.upsert_accounts([Account(id="x:idle", handle="idle")])
    edges = [(f"x:{i}", f"x:{(i * 3 + 1) % 7}") for i in range(7)] + [("x:ñ", "x:0"), ("x:0", "x:ñ")]
    store.upsert_follows(Follow(a, b) for a, b in edges)
    decoded: list[tuple[str, str]] = []
    batches = list(store.iter_follow_codes(batch_size=3))
    for batch in batches:
        assert batch.ids is batches[0].ids  # one numbering for the whole read
        assert batch.src.shape == batch.dst.shape and len(batch.src) <= 3
        decoded += batch.edges
    names = batches[0].ids.names
    assert len(names) == len(set(names))
    expected = sorted((a, b) for a, b in edges if a != b)
    assert sorted(decoded) == expected == sorted(e for batch in store.iter_follows() for e in batch)
    assert sum(len(b.src) for b in store.iter_follow_codes()) == len(expected)  # one batch, from the start


def test_store_follows_after_a_rolled_back_batch_name_the_right_accounts(store: Store) -> None:
    with pytest.raises(RuntimeError), store.batch():
        store.upsert_follows([("x:new1", "x:new2"), ("x:new3", "x:new2")])
        raise RuntimeError("the load dies before commit")
    store.upsert_accounts([Account(id="x:other", handle="other")])  # may take a rolled-back number
    store.upsert_follows([("x:new1", "x:new2"), ("x:new3", "x:new2"), ("x:new1", "x:other")])
    assert sorted(a.id for a in store.list_followers("x:new2", first=5).items) == ["x:new1", "x:new3"]
    assert sorted(a.id for a in store.list_following("x:new1", first=5).items) == ["x:new2", "x:other"]
    assert store.get_accounts(["x:other"])["x:other"].handle == "other"


def test_store_follow_batches_sharing_ids_survive_a_rolled_back_batch(store: Store) -> None:
    ids = AccountIds()
    store.upsert_follow_batches([FollowBatch.of([("x:a", "x:b")], ids=ids)])
    with pytest.raises(RuntimeError), store.batch():
        store.upsert_follow_batches([FollowBatch.of([("x:c", "x:b"), ("x:d", "x:a")], ids=ids)])
        raise RuntimeError("the load dies before commit")
    store.upsert_accounts([Account(id="x:other", handle="other")])  # may take a rolled-back number
    added = store.upsert_follow_batches(
        [
            FollowBatch.of([("x:c", "x:b"), ("x:d", "x:a")], ids=ids),
            FollowBatch.of([("x:d", "x:other")], ids=ids),
        ]
    )
    assert added == 3
    assert [a.id for a in store.list_followers("x:b", first=5).items] == ["x:a", "x:c"]
    assert [a.id for a in store.list_following("x:d", first=5).items] == ["x:a", "x:other"]
    assert [a.id for a in store.list_followers("x:other", first=5).items] == ["x:d"]
    assert store.upsert_follow_batches([FollowBatch.of([("x:a", "x:b"), ("x:b", "x:b")], ids=ids)]) == 0
