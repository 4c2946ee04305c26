"""Pure conversions between graphsvc's domain objects and the rows the Neo4j store sends and gets.

Going out, domain objects become plain maps and lists for ``UNWIND $rows``; coming back, the
plain maps the Cypher in :mod:`graphsvc.stores.cypher` returns become domain objects. Nothing here
touches a driver, so all of it is unit-tested without a database. Times travel as UTC epoch
seconds, exactly as the embedded store keeps them.

>>> account_from({"id": "x:1", "handle": "ana", "name": None, "followers": 3, "brand": None})
Account(id='x:1', handle='ana', name=None, followers=3, brand=None)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from graphsvc.model import (
    Account,
    ApiKey,
    Brand,
    Classification,
    CustomerState,
    CustomerType,
    Follow,
    Metrics,
    Post,
    Response,
    StateChange,
    handle_in_id,
)
from graphsvc.stores.base import InteractionFilter
from graphsvc.stores.paging import decode_cursor
from graphsvc.stores.states import derive_changes
from graphsvc.stores.times import dt, ts

T = TypeVar("T")
Row = dict[str, Any]


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- outgoing rows -------------------------------------------------------------------------------------


def account_row(account: Account) -> Row:
    return {
        "id": account.id,
        "handle": account.handle,
        "name": account.name,
        "followers": account.followers,
        "brand": account.brand,
    }


def merged_aliases(stored: Sequence[str] | None, new: Sequence[str]) -> list[str]:
    """Aliases after an upsert: the new ones for a new brand, else the sorted union (as SQLite does).

    >>> merged_aliases(None, ["b", "a"]), merged_aliases(["b"], ["a", "b"])
    (['b', 'a'], ['a', 'b'])
    """
    if stored is None:
        return list(new)
    return sorted({*stored, *new})


def brand_rows(brands: Sequence[Brand], stored_aliases: Mapping[str, Sequence[str] | None]) -> list[Row]:
    """One row per brand: its name, merged aliases and every name it is looked up by.

    Rows are applied in order, as SQLite applies them: a brand given twice keeps both alias lists."""
    rows = []
    aliases = dict(stored_aliases)
    for brand in brands:
        aliases[brand.key] = merged_aliases(aliases.get(brand.key), brand.aliases)
        rows.append(
            {
                "key": brand.key,
                "name": brand.name,
                "aliases": aliases[brand.key],
                "names": sorted(brand.names),
            }
        )
    return rows


def brand_account_rows(brands: Sequence[Brand], handled: Collection[str] = frozenset()) -> list[Row]:
    """The accounts a brand posts from, marked as the brand's. An account's handle is its own; the
    one its id spells (``twcs:AppleSupport``) only fills a gap, for ids not in ``handled``."""
    return [
        account_row(Account(id=h, handle=None if h in handled else handle_in_id(h), brand=brand.key))
        for brand in brands
        for h in brand.handles
    ]


def post_row(post: Post) -> Row:
    return {
        "id": post.id,
        "text": post.text,
        "lang": post.lang,
        "created_at": ts(post.created_at),
        "author": post.author_id,
        "in_reply_to": post.in_reply_to,
        "by_brand": post.by_brand,
        "brands": sorted(set(post.brands)),
    }


def follow_rows(follows: Iterable[Follow | tuple[str, str]]) -> list[list[str]]:
    """Distinct ``[follower, followee]`` pairs, sorted so that concurrent loaders lock accounts in
    the same order. Self-follows stay: their account is created, their edge is not."""
    edges = {(f.follower, f.followee) if isinstance(f, Follow) else (f[0], f[1]) for f in follows}
    return [[a, b] for a, b in sorted(edges)]


def classification_row(post_id: str, label: Classification) -> Row:
    return {
        "id": post_id,
        "type": label.type.value,
        "confidence": label.confidence,
        "cues": list(label.cues),
        "lang": label.lang,
        "needs_response": label.needs_response,
        "sla": label.sla.total_seconds() if label.sla is not None else None,
        "version": label.version,
    }


def interaction_params(flt: InteractionFilter, first: int, after: str | None) -> Row:
    """Parameters of the interaction-listing statements (one more row than the page asks for)."""
    after_key, after_id = decode_cursor(after, 2) if after is not None else (None, None)
    return {
        "brand": flt.brand,
        "customer": flt.customer_id,
        "type": flt.type.value if flt.type else None,
        "since": ts(flt.since) if flt.since else None,
        "until": ts(flt.until) if flt.until else None,
        "answered": flt.answered,
        "needs_response": flt.needs_response,
        "after_key": after_key,
        "after_id": after_id,
        "limit": first + 1,
    }


def metrics_row(metrics: Metrics) -> Row:
    return {
        "account": metrics.account_id,
        "reach1": metrics.reach1,
        "reach2": metrics.reach2,
        "influence": metrics.influence,
    }


def api_key_params(key: ApiKey) -> Row:
    return {
        "id": key.id,
        "role": key.role,
        "key_hash": key.key_hash,
        "created_at": ts(key.created_at),
        "revoked_at": ts(key.revoked_at) if key.revoked_at is not None else None,
    }


# -- reply threads -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadLinks:
    """What resolving reply links writes: brand links to copy, and brand answers to record."""

    inherit: list[Row] = field(default_factory=list)  # {"target": post, "source": post}
    answers: list[Row] = field(default_factory=list)  # {"parent": post, "at": secs, "post": reply}


def thread_links(pairs: Iterable[Mapping[str, Any]]) -> ThreadLinks:
    """Resolve (child, parent) reply pairs as the embedded store does.

    A customer replying to a brand's post concerns that brand; a brand replying to a customer's
    post answers it (the earliest answer wins) and makes the post concern the answering brand.

    >>> links = thread_links([{"child": "r", "child_at": 9.0, "child_by_brand": True,
    ...                        "parent": "q", "parent_by_brand": False}])
    >>> links.inherit, links.answers
    ([{'target': 'q', 'source': 'r'}], [{'parent': 'q', 'at': 9.0, 'post': 'r'}])
    """
    inherit: dict[tuple[str, str], Row] = {}
    earliest: dict[str, tuple[float, str]] = {}
    for pair in pairs:
        child, parent = pair["child"], pair["parent"]
        if pair["parent_by_brand"] and not pair["child_by_brand"]:
            inherit[(child, parent)] = {"target": child, "source": parent}
        elif pair["child_by_brand"] and not pair["parent_by_brand"]:
            inherit[(parent, child)] = {"target": parent, "source": child}
            answer = (float(pair["child_at"]), child)
            if parent not in earliest or answer < earliest[parent]:
                earliest[parent] = answer
    answers = [{"parent": parent, "at": at, "post": post} for parent, (at, post) in sorted(earliest.items())]
    return ThreadLinks(inherit=[inherit[k] for k in sorted(inherit)], answers=answers)


# -- state derivation ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatePlan:
    """The writes that bring stored states and state changes in line with the histories."""

    created: tuple[StateChange, ...] = ()
    delete_changes: list[Row] = field(default_factory=list)
    put_changes: list[Row] = field(default_factory=list)
    put_states: list[Row] = field(default_factory=list)
    delete_states: list[Row] = field(default_factory=list)


def plan_states(
    pairs: Sequence[tuple[str, str]],
    history_rows: Iterable[Mapping[str, Any]],
    existing_rows: Iterable[Mapping[str, Any]],
) -> StatePlan:
    """Re-derive the state of each (customer, brand) pair from its classified history.

    ``history_rows`` are ``{customer, brand, post, at, type}`` in time order; ``existing_rows``
    the stored changes ``{customer, brand, post, from_type, to_type, at}``. Only changes that are
    new or different count as created, so re-recording the same labels creates nothing."""
    histories: dict[tuple[str, str], list[tuple[str, datetime, CustomerType]]] = {}
    for row in history_rows:
        histories.setdefault((row["customer"], row["brand"]), []).append(
            (row["post"], dt(row["at"]), CustomerType(row["type"]))
        )
    existing: dict[tuple[str, str], dict[str, tuple[str | None, str, float]]] = {}
    for row in existing_rows:
        existing.setdefault((row["customer"], row["brand"]), {})[row["post"]] = (
            row["from_type"],
            row["to_type"],
            float(row["at"]),
        )
    created: list[StateChange] = []
    delete_changes: list[Row] = []
    put_changes: list[Row] = []
    put_states: list[Row] = []
    delete_states: list[Row] = []
    for customer, brand in sorted(set(pairs)):
        wanted = derive_changes(customer, brand, histories.get((customer, brand), []))
        stored = existing.get((customer, brand), {})
        keep = {change.post_id for change in wanted}
        key = {"customer": customer, "brand": brand}
        delete_changes.extend({**key, "post": post} for post in sorted(stored) if post not in keep)
        for change in wanted:
            values = (
                change.from_type.value if change.from_type else None,
                change.to_type.value,
                ts(change.at),
            )
            if stored.get(change.post_id) == values:
                continue
            put_changes.append(
                {**key, "post": change.post_id, "from_type": values[0], "to_type": values[1], "at": values[2]}
            )
            created.append(change)
        if wanted:
            last = wanted[-1]
            put_states.append({**key, "type": last.to_type.value, "since": ts(last.at), "post": last.post_id})
        else:
            delete_states.append(key)
    return StatePlan(
        created=tuple(created),
        delete_changes=delete_changes,
        put_changes=put_changes,
        put_states=put_states,
        delete_states=delete_states,
    )


# -- incoming rows -------------------------------------------------------------------------------------


def account_from(row: Mapping[str, Any]) -> Account:
    return Account(
        id=row["id"], handle=row["handle"], name=row["name"], followers=row["followers"], brand=row["brand"]
    )


def brand_from(row: Mapping[str, Any]) -> Brand:
    return Brand(
        key=row["key"],
        name=row["name"],
        handles=tuple(sorted(row["handles"])),
        aliases=tuple(row["aliases"] or ()),
    )


def post_from(row: Mapping[str, Any]) -> Post:
    """A post from its node's properties plus ``brands``; absent properties read as unset."""
    created = float(row["created_at"])
    classification = None
    if row.get("type") is not None:
        sla = row.get("sla")
        classification = Classification(
            type=CustomerType(row["type"]),
            confidence=row["confidence"],
            lang=row.get("label_lang") or "",
            cues=tuple(row.get("cues") or ()),
            needs_response=bool(row.get("needs_response")),
            sla=timedelta(seconds=sla) if sla is not None else None,
            version=row.get("version") or "",
        )
    response = None
    responded = row.get("responded_at")
    if responded is not None:
        response = Response(
            at=dt(responded), delay=timedelta(seconds=responded - created), post_id=row.get("response_post")
        )
    return Post(
        id=row["id"],
        text=row["text"],
        lang=row.get("lang"),
        created_at=dt(created),
        author_id=row["author"],
        in_reply_to=row.get("in_reply_to"),
        by_brand=bool(row.get("by_brand")),
        brands=tuple(sorted(row.get("brands") or ())),
        classification=classification,
        response=response,
    )


def state_change_from(row: Mapping[str, Any]) -> StateChange:
    return StateChange(
        customer_id=row["customer"],
        brand=row["brand"],
        from_type=CustomerType(row["from_type"]) if row["from_type"] else None,
        to_type=CustomerType(row["to_type"]),
        at=dt(row["at"]),
        post_id=row["post"],
    )


def customer_state_from(row: Mapping[str, Any]) -> CustomerState:
    return CustomerState(
        customer_id=row["customer"],
        brand=row["brand"],
        type=CustomerType(row["type"]),
        since=dt(row["since"]),
        post_id=row["post"],
    )


def metrics_from(row: Mapping[str, Any]) -> Metrics:
    return Metrics(
        account_id=row["account"],
        reach1=int(row["reach1"]),
        reach2=int(row["reach2"]),
        influence=float(row["influence"]),
    )


def api_key_from(row: Mapping[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        role=row["role"],
        key_hash=row["key_hash"],
        created_at=dt(row["created_at"]),
        revoked_at=dt(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )
