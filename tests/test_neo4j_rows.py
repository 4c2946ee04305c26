"""Unit tests of the Neo4j store's pure row building and result conversion (no driver, no mock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graphsvc.model import Account, ApiKey, Brand, Classification, CustomerType, Follow, Metrics, Post
from graphsvc.stores.neo4j_rows import (
    account_from,
    account_row,
    api_key_from,
    api_key_params,
    brand_account_rows,
    brand_from,
    brand_rows,
    chunked,
    classification_row,
    customer_state_from,
    follow_rows,
    metrics_from,
    metrics_row,
    plan_states,
    post_from,
    post_row,
    state_change_from,
    thread_links,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
S0 = T0.timestamp()


def test_rows_chunked_covers_everything_in_order() -> None:
    assert [list(c) for c in chunked(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []


def test_rows_account_round_trips() -> None:
    account = Account(id="x:1", handle="ana", name="Ana", followers=10, brand=None)
    assert account_from(account_row(account)) == account


def test_rows_brand_rows_merge_aliases_and_list_every_lookup_name() -> None:
    acme = Brand(key="acme", name="Acme", handles=("x:AcmeHelp",), aliases=("Acme Corp",))
    [new] = brand_rows([acme], {})
    assert new == {
        "key": "acme",
        "name": "Acme",
        "aliases": ["Acme Corp"],
        "names": ["acme", "acme corp", "acmehelp"],
    }
    [again] = brand_rows([acme], {"acme": ["Zed", "Acme Corp"]})
    assert again["aliases"] == ["Acme Corp", "Zed"]
    [row] = brand_account_rows([acme])
    assert (row["id"], row["handle"], row["brand"]) == ("x:AcmeHelp", "AcmeHelp", "acme")


def test_rows_brand_from_sorts_handles_and_tolerates_no_aliases() -> None:
    row = {"key": "acme", "name": "Acme", "aliases": None, "handles": ["x:b", "x:a"]}
    assert brand_from(row) == Brand(key="acme", name="Acme", handles=("x:a", "x:b"), aliases=())


def test_rows_post_row_uses_epoch_seconds_and_distinct_brands() -> None:
    post = Post(id="x:p", text="hi", created_at=T0, author_id="x:1", brands=("b", "a", "b"), by_brand=True)
    row = post_row(post)
    assert row["created_at"] == S0 and row["brands"] == ["a", "b"] and row["by_brand"] is True


def test_rows_post_from_builds_classification_and_response() -> None:
    row = {
        "id": "x:p1",
        "text": "help",
        "created_at": S0,
        "author": "x:1",
        "by_brand": False,
        "type": "PASSIVE",
        "confidence": 0.8,
        "label_lang": "en",
        "cues": ["#fail"],
        "needs_response": True,
        "sla": 86400.0,
        "version": "v1",
        "responded_at": S0 + 1800,
        "response_post": "x:p2",
        "brands": ["acme"],
    }
    post = post_from(row)
    assert post.created_at == T0 and post.brands == ("acme",) and post.lang is None
    assert post.classification == Classification(
        type=CustomerType.PASSIVE,
        confidence=0.8,
        lang="en",
        cues=("#fail",),
        needs_response=True,
        sla=timedelta(days=1),
        version="v1",
    )
    assert post.response is not None
    assert (post.response.delay, post.response.post_id) == (timedelta(minutes=30), "x:p2")


def test_rows_post_from_a_bare_node_has_no_classification_or_response() -> None:
    post = post_from({"id": "x:q", "text": "t", "created_at": S0, "author": "x:9", "brands": []})
    assert post.classification is None and post.response is None and not post.by_brand
    assert post == Post(id="x:q", text="t", created_at=T0, author_id="x:9")


def test_rows_follow_rows_dedupe_and_sort() -> None:
    rows = follow_rows([Follow("x:2", "x:1"), ("x:1", "x:2"), ("x:2", "x:1"), Follow("x:3", "x:3")])
    assert rows == [["x:1", "x:2"], ["x:2", "x:1"], ["x:3", "x:3"]]


def test_rows_classification_row_carries_sla_in_seconds() -> None:
    label = Classification(type=CustomerType.FUTURE, confidence=0.5, lang="es", sla=timedelta(hours=4))
    row = classification_row("x:p", label)
    assert row["sla"] == 14400.0 and row["type"] == "FUTURE" and row["cues"] == []
    assert (
        classification_row("x:p", Classification(type=CustomerType.OTHER, confidence=1, lang=""))["sla"]
        is None
    )


def test_rows_metrics_and_api_keys_round_trip() -> None:
    metrics = Metrics(account_id="x:1", reach1=5, reach2=9, influence=0.25)
    assert metrics_from(metrics_row(metrics)) == metrics
    key = ApiKey(id="k1", role="reader", key_hash="h" * 64, created_at=T0)
    assert api_key_from(api_key_params(key)) == key
    revoked = ApiKey(id="k2", role="admin", key_hash="g" * 64, created_at=T0, revoked_at=T0)
    assert api_key_from(api_key_params(revoked)) == revoked


def _pair(
    child: str, child_at: float, child_brand: bool, parent: str, parent_brand: bool
) -> dict[str, object]:
    return {
        "child": child,
        "child_at": child_at,
        "child_by_brand": child_brand,
        "parent": parent,
        "parent_by_brand": parent_brand,
    }


def test_rows_thread_links_customer_reply_to_brand_post_inherits_its_brands() -> None:
    links = thread_links([_pair("x:c", 5.0, False, "x:b", True)])
    assert links.inherit == [{"target": "x:c", "source": "x:b"}] and links.answers == []


def test_rows_thread_links_keep_the_earliest_brand_answer() -> None:
    links = thread_links(
        [_pair("x:late", 90.0, True, "x:q", False), _pair("x:early", 30.0, True, "x:q", False)]
    )
    assert links.answers == [{"parent": "x:q", "at": 30.0, "post": "x:early"}]
    assert {row["source"] for row in links.inherit} == {"x:late", "x:early"}


def test_rows_thread_links_ignore_same_side_replies() -> None:
    links = thread_links([_pair("x:c", 1.0, False, "x:p", False), _pair("x:b2", 1.0, True, "x:b1", True)])
    assert links.inherit == [] and links.answers == []


def _history(post: str, minutes: int, kind: CustomerType) -> dict[str, object]:
    return {"customer": "x:1", "brand": "acme", "post": post, "at": S0 + 60 * minutes, "type": kind.value}


def test_rows_plan_states_creates_changes_and_sets_the_latest_state() -> None:
    history = [
        _history("p1", 0, CustomerType.ADVOCATE),
        _history("p2", 1, CustomerType.OTHER),
        _history("p3", 2, CustomerType.USED_TO_BE),
    ]
    plan = plan_states([("x:1", "acme")], history, [])
    assert [(c.from_type, c.to_type, c.post_id) for c in plan.created] == [
        (None, CustomerType.ADVOCATE, "p1"),
        (CustomerType.ADVOCATE, CustomerType.USED_TO_BE, "p3"),
    ]
    assert [row["post"] for row in plan.put_changes] == ["p1", "p3"]
    assert plan.put_states == [
        {"customer": "x:1", "brand": "acme", "type": "USED_TO_BE", "since": S0 + 120, "post": "p3"}
    ]
    assert plan.delete_changes == [] and plan.delete_states == []


def test_rows_plan_states_emits_nothing_for_unchanged_and_deletes_stale() -> None:
    history = [_history("p1", 0, CustomerType.ADVOCATE)]
    stored: list[dict[str, Any]] = [
        {
            "customer": "x:1",
            "brand": "acme",
            "post": "p1",
            "from_type": None,
            "to_type": "ADVOCATE",
            "at": S0,
        },
        {
            "customer": "x:1",
            "brand": "acme",
            "post": "p9",
            "from_type": "ADVOCATE",
            "to_type": "FUTURE",
            "at": S0,
        },
    ]
    plan = plan_states([("x:1", "acme")], history, stored)
    assert plan.created == () and plan.put_changes == []
    assert plan.delete_changes == [{"customer": "x:1", "brand": "acme", "post": "p9"}]


def test_rows_plan_states_without_history_deletes_the_state() -> None:
    plan = plan_states([("x:1", "acme")], [], [])
    assert plan.delete_states == [{"customer": "x:1", "brand": "acme"}] and plan.put_states == []


def test_rows_state_rows_convert_to_domain_objects() -> None:
    change = state_change_from(
        {"customer": "x:1", "brand": "acme", "from_type": None, "to_type": "ADVOCATE", "at": S0, "post": "p1"}
    )
    assert change.from_type is None and change.to_type is CustomerType.ADVOCATE and change.at == T0
    state = customer_state_from(
        {"customer": "x:1", "brand": "acme", "type": "FUTURE", "since": S0, "post": "p2"}
    )
    assert state.type is CustomerType.FUTURE and state.since == T0


def test_interaction_params_encode_filter_and_cursor() -> None:
    from datetime import UTC, datetime

    from graphsvc.model import CustomerType
    from graphsvc.stores.base import InteractionFilter
    from graphsvc.stores.neo4j_rows import interaction_params
    from graphsvc.stores.paging import encode_cursor

    since = datetime(2026, 1, 1, tzinfo=UTC)
    flt = InteractionFilter(brand="acme", type=CustomerType.PASSIVE, since=since, answered=False)
    params = interaction_params(flt, 10, encode_cursor([12.5, "x:p9"]))
    assert params == {
        "brand": "acme",
        "customer": None,
        "type": "PASSIVE",
        "since": since.timestamp(),
        "until": None,
        "answered": False,
        "needs_response": None,
        "after_key": 12.5,
        "after_id": "x:p9",
        "limit": 11,
    }
