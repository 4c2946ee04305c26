"""The Neo4j store: the official ``neo4j`` driver (6.x, with ``neo4j-rust-ext``) on Neo4j 5.

Selected by ``neo4j://``, ``neo4j+s://`` or ``bolt://`` URLs such as
``neo4j://neo4j:secret@localhost:7687?database=neo4j``; user, password and database missing from
the URL come from ``GRAPHSVC_NEO4J_USER``, ``GRAPHSVC_NEO4J_PASSWORD`` and
``GRAPHSVC_NEO4J_DATABASE``.

Every write is a managed write transaction (``execute_write``) that sends batched
``UNWIND $rows ... MERGE`` statements, so a driver retry or a re-run never duplicates anything;
every read is a managed read transaction, which a cluster routes to its followers. The statements
live in :mod:`graphsvc.stores.cypher` and the row conversions in :mod:`graphsvc.stores.neo4j_rows`;
no ``neo4j.Record`` leaves this module. :meth:`Neo4jStore.batch` groups nothing: each write call
is its own transaction (each chunk of :data:`WRITE_BATCH` rows, for big calls).

The driver is set up to give up on an unreachable or hung server quickly (see
:mod:`graphsvc.stores.neo4j_session`): a call then fails with
:class:`~graphsvc.errors.StoreUnavailable` within 5 s, which ``/readyz`` reports through
:meth:`Neo4jStore.ping`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain

from neo4j import ManagedTransaction

from graphsvc.errors import StoreError
from graphsvc.model import (
    Account,
    AccountIds,
    ApiKey,
    Brand,
    Classification,
    CustomerState,
    CustomerType,
    Follow,
    FollowBatch,
    Metrics,
    Post,
    StateChange,
    Stats,
    brand_key,
)
from graphsvc.stores import cypher
from graphsvc.stores.base import (
    CustomerFilter,
    CustomerOrder,
    FeedMarks,
    InteractionFilter,
    InteractionOrder,
    Page,
    StateChangeFilter,
)
from graphsvc.stores.neo4j_rows import (
    Row,
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
    interaction_params,
    metrics_from,
    metrics_row,
    plan_states,
    post_from,
    post_row,
    state_change_from,
    thread_links,
)
from graphsvc.stores.neo4j_session import Neo4jConnections, Work, execute, fetch, query_rows
from graphsvc.stores.paging import check_first, decode_cursor, make_page, pages_by_owner
from graphsvc.stores.times import ts

# Rows per UNWIND transaction. Packing a 10k-post batch costs 20-40 ms with neo4j-rust-ext here
# (0.4-0.8 s without; bench/neo4j_ingest.py); server-side rows/s per batch size come from the same
# bench run against a real server. A few thousand rows per transaction keeps commit overhead small
# without big transaction state in the server's heap.
WRITE_BATCH = 5_000
FOLLOW_BATCH = 10_000
# Follower accounts per page when streaming FOLLOWS for the analytics projection.
FOLLOWS_PAGE_ACCOUNTS = 2_000
METRIC_PROPERTY = {
    CustomerOrder.REACH1: "reach1",
    CustomerOrder.REACH2: "reach2",
    CustomerOrder.INFLUENCE: "influence",
}


class Neo4jStore(Neo4jConnections):
    """The :class:`~graphsvc.stores.base.Store` on a Neo4j 5 database (the driver, transactions
    and error translation in :class:`~graphsvc.stores.neo4j_session.Neo4jConnections`)."""

    # -- writes ----------------------------------------------------------------------------------------
    def upsert_brands(self, brands: Iterable[Brand]) -> int:
        rows = list(brands)
        if not rows:
            return 0

        def work(tx: ManagedTransaction) -> None:
            found = query_rows(tx, cypher.GET_BRAND_ALIASES, keys=[b.key for b in rows])
            stored = {row["key"]: row["aliases"] for row in found}
            execute(tx, cypher.UPSERT_BRANDS, rows=brand_rows(rows, stored))
            ids = list(dict.fromkeys(h for b in rows for h in b.handles))
            accounts = query_rows(tx, cypher.GET_ACCOUNTS, ids=ids)
            handled = {row["account"]["id"] for row in accounts if row["account"]["handle"] is not None}
            execute(tx, cypher.UPSERT_ACCOUNTS, rows=brand_account_rows(rows, handled))

        self._write(work, "upsert brands")
        return len(rows)

    def upsert_accounts(self, accounts: Iterable[Account]) -> int:
        rows = [account_row(a) for a in accounts]
        for chunk in chunked(rows, WRITE_BATCH):
            self._write(fetch(cypher.UPSERT_ACCOUNTS, rows=chunk), "upsert accounts")
        return len(rows)

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        rows = [post_row(p) for p in posts]
        for chunk in chunked(rows, WRITE_BATCH):
            self._write(_upsert_posts_work(chunk), "upsert posts")
        return len(rows)

    def upsert_follows(self, follows: Iterable[Follow | tuple[str, str]]) -> int:
        created = 0
        for chunk in chunked(follow_rows(follows), FOLLOW_BATCH):
            created += self._write(_upsert_follows_work(chunk), "add follow edges")
        return created

    def upsert_follow_batches(self, batches: Sequence[FollowBatch]) -> int:
        return self.upsert_follows(chain.from_iterable(b.edges for b in batches))

    def record_classifications(self, labels: Iterable[tuple[str, Classification]]) -> tuple[StateChange, ...]:
        rows = [classification_row(post_id, label) for post_id, label in labels]
        if not rows:
            return ()

        def work(tx: ManagedTransaction) -> tuple[StateChange, ...]:
            pairs: set[tuple[str, str]] = set()
            for chunk in chunked(rows, WRITE_BATCH):
                execute(tx, cypher.SET_CLASSIFICATIONS, rows=chunk)
                ids = [row["id"] for row in chunk]
                pairs.update((r["customer"], r["brand"]) for r in query_rows(tx, cypher.STATE_PAIRS, ids=ids))
            params = [{"customer": c, "brand": b} for c, b in sorted(pairs)]
            plan = plan_states(
                sorted(pairs),
                query_rows(tx, cypher.STATE_HISTORIES, pairs=params),
                query_rows(tx, cypher.EXISTING_STATE_CHANGES, pairs=params),
            )
            execute(tx, cypher.DELETE_STATE_CHANGES, rows=plan.delete_changes)
            if plan.put_changes:
                execute(tx, cypher.MERGE_STATE_CHANGES, rows=plan.put_changes)
            execute(tx, cypher.SET_STATES, rows=plan.put_states)
            execute(tx, cypher.DELETE_STATES, rows=plan.delete_states)
            return plan.created

        return self._write(work, "record classifications")

    def mark_responded(self, post_id: str, at: datetime) -> Post | None:
        self._write(fetch(cypher.MARK_RESPONDED, id=post_id, at=ts(at)), "mark a post responded")
        return self.get_posts([post_id]).get(post_id)

    def put_metrics(self, metrics: Iterable[Metrics]) -> int:
        rows = [metrics_row(m) for m in metrics]
        for chunk in chunked(rows, WRITE_BATCH):
            self._write(fetch(cypher.PUT_METRICS, rows=chunk), "store metrics")
        return len(rows)

    # -- reads -----------------------------------------------------------------------------------------
    def get_accounts(self, ids: Sequence[str]) -> dict[str, Account]:
        rows = self._read(fetch(cypher.GET_ACCOUNTS, ids=list(dict.fromkeys(ids))), "read accounts")
        return {row["account"]["id"]: account_from(row["account"]) for row in rows}

    def get_brands(self, keys: Sequence[str]) -> dict[str, Brand]:
        names = [{"key": key, "alias": brand_key(key)} for key in dict.fromkeys(keys)]
        rows = self._read(fetch(cypher.GET_BRANDS, names=names), "read brands")
        return {row["asked"]: brand_from(row) for row in rows}

    def list_brands(self) -> tuple[Brand, ...]:
        return tuple(brand_from(row) for row in self._read(fetch(cypher.LIST_BRANDS), "list brands"))

    def get_posts(self, ids: Sequence[str]) -> dict[str, Post]:
        rows = self._read(fetch(cypher.GET_POSTS, ids=list(dict.fromkeys(ids))), "read posts")
        return {row["post"]["id"]: post_from(row["post"]) for row in rows}

    def replies_to(self, post_ids: Sequence[str]) -> dict[str, tuple[Post, ...]]:
        found: dict[str, list[Post]] = {pid: [] for pid in post_ids}
        rows = self._read(fetch(cypher.REPLIES_TO, ids=list(dict.fromkeys(post_ids))), "read replies")
        for row in rows:
            reply = post_from(row["post"])
            found[reply.in_reply_to or ""].append(reply)
        return {pid: tuple(posts) for pid, posts in found.items()}

    def list_customers(self, flt: CustomerFilter, first: int, after: str | None = None) -> Page[Account]:
        check_first(first)
        if flt.state is not None and flt.brand is None:
            raise ValueError("CustomerFilter.state needs a brand")
        metric = METRIC_PROPERTY.get(flt.order)
        source = "STATE_" if flt.state is not None else "BRAND_" if flt.brand is not None else ""
        query = getattr(cypher, f"LIST_{source}CUSTOMERS_BY_{'METRIC' if metric else 'ID'}")
        after_key, after_id = None, None
        if after is not None:
            cursor = decode_cursor(after, 2 if metric else 1)
            after_key, after_id = (cursor[0], cursor[1]) if metric else (None, cursor[0])
        prefix = flt.handle_prefix.lower().lstrip("@") if flt.handle_prefix else None
        rows = self._read(
            fetch(
                query,
                brand=flt.brand,
                state=flt.state.value if flt.state else None,
                prefix=prefix,
                metric=metric,
                after_key=after_key,
                after_id=after_id,
                limit=first + 1,
            ),
            "list customers",
        )
        page = make_page(
            rows, first, lambda r: [r["sort_key"], r["account"]["id"]] if metric else [r["account"]["id"]]
        )
        return Page(
            items=tuple(account_from(r["account"]) for r in page.items),
            end_cursor=page.end_cursor,
            has_next=page.has_next,
        )

    def list_interactions(self, flt: InteractionFilter, first: int, after: str | None = None) -> Page[Post]:
        check_first(first)
        source = "BRAND_" if flt.brand is not None else "CUSTOMER_" if flt.customer_id is not None else ""
        order = "DUE" if flt.order is InteractionOrder.DUE else "NEWEST"
        rows = self._read(
            fetch(
                getattr(cypher, f"LIST_{source}INTERACTIONS_{order}"), **interaction_params(flt, first, after)
            ),
            "list interactions",
        )
        page = make_page(rows, first, lambda r: [r["sort_key"], r["post"]["id"]])
        return Page(
            items=tuple(post_from(r["post"]) for r in page.items),
            end_cursor=page.end_cursor,
            has_next=page.has_next,
        )

    def list_interactions_many(
        self, customer_ids: Sequence[str], flt: InteractionFilter, first: int, after: str | None = None
    ) -> dict[str, Page[Post]]:
        check_first(first)
        owners = list(dict.fromkeys(customer_ids))
        order = "DUE" if flt.order is InteractionOrder.DUE else "NEWEST"
        params = {**interaction_params(flt, first, after), "customer": None, "customers": owners}
        rows = self._read(
            fetch(getattr(cypher, f"LIST_CUSTOMERS_INTERACTIONS_{order}"), **params), "list interactions"
        )
        return pages_by_owner(
            rows,
            owners,
            first,
            owner_of=lambda r: r["owner"],
            key_of=lambda r: [r["sort_key"], r["post"]["id"]],
            convert=lambda r: post_from(r["post"]),
        )

    def list_followers(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        return self.list_followers_many([account_id], first, after)[account_id]

    def list_following(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        return self.list_following_many([account_id], first, after)[account_id]

    def list_followers_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(cypher.LIST_FOLLOWERS, account_ids, first, after)

    def list_following_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(cypher.LIST_FOLLOWING, account_ids, first, after)

    def _neighbours(
        self, query: str, account_ids: Sequence[str], first: int, after: str | None
    ) -> dict[str, Page[Account]]:
        check_first(first)
        owners = list(dict.fromkeys(account_ids))
        after_id = decode_cursor(after, 1)[0] if after is not None else None
        rows = self._read(fetch(query, ids=owners, after_id=after_id, limit=first + 1), "list follow edges")
        return pages_by_owner(
            rows,
            owners,
            first,
            owner_of=lambda r: r["owner"],
            key_of=lambda r: [r["account"]["id"]],
            convert=lambda r: account_from(r["account"]),
        )

    def list_state_changes(
        self, flt: StateChangeFilter, first: int, after: str | None = None
    ) -> Page[StateChange]:
        check_first(first)
        cursor = decode_cursor(after, 4) if after is not None else [None, None, None, None]
        rows = self._read(
            fetch(
                cypher.LIST_STATE_CHANGES,
                brand=flt.brand,
                customer=flt.customer_id,
                since=ts(flt.since) if flt.since else None,
                until=ts(flt.until) if flt.until else None,
                from_type=flt.from_type.value if flt.from_type else None,
                to_type=flt.to_type.value if flt.to_type else None,
                after_at=cursor[0],
                after_customer=cursor[1],
                after_brand=cursor[2],
                after_post=cursor[3],
                limit=first + 1,
            ),
            "list state changes",
        )
        page = make_page(
            rows,
            first,
            lambda r: [r["change"]["at"], r["change"]["customer"], r["change"]["brand"], r["change"]["post"]],
        )
        return Page(
            items=tuple(state_change_from(r["change"]) for r in page.items),
            end_cursor=page.end_cursor,
            has_next=page.has_next,
        )

    def states_for(self, customer_ids: Sequence[str]) -> dict[str, tuple[CustomerState, ...]]:
        found: dict[str, list[CustomerState]] = {cid: [] for cid in customer_ids}
        ids = list(dict.fromkeys(customer_ids))
        for row in self._read(fetch(cypher.STATES_FOR, ids=ids), "read customer states"):
            state = customer_state_from(row["state"])
            found[state.customer_id].append(state)
        return {cid: tuple(states) for cid, states in found.items()}

    def customer_ids_for_brand(self, brand: str, state: CustomerType | None = None) -> tuple[str, ...]:
        if state is not None:
            work = fetch(cypher.CUSTOMER_IDS_IN_STATE, brand=brand, state=state.value)
        else:
            work = fetch(cypher.CUSTOMER_IDS_OF_BRAND, brand=brand)
        return tuple(row["id"] for row in self._read(work, "list a brand's customers"))

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        """Stream FOLLOWS page by page (each page its own read transaction), in batches."""
        after = ""
        buffer: list[tuple[str, str]] = []
        while True:
            rows = self._read(
                fetch(cypher.FOLLOWS_PAGE, after=after, limit=FOLLOWS_PAGE_ACCOUNTS), "stream follow edges"
            )
            for row in rows:
                buffer.extend((row["follower"], followee) for followee in row["followees"])
            while len(buffer) >= batch_size:
                yield buffer[:batch_size]
                buffer = buffer[batch_size:]
            if len(rows) < FOLLOWS_PAGE_ACCOUNTS:
                break
            after = rows[-1]["follower"]
        if buffer:
            yield buffer

    def iter_follow_codes(self, batch_size: int = 1_000_000) -> Iterator[FollowBatch]:
        """The pages of :meth:`iter_follows`, accounts numbered in the order they are first seen."""
        ids = AccountIds()
        return (FollowBatch.of(pairs, ids=ids) for pairs in self.iter_follows(batch_size))

    def get_metrics(self, ids: Sequence[str]) -> dict[str, Metrics]:
        rows = self._read(fetch(cypher.GET_METRICS, ids=list(dict.fromkeys(ids))), "read metrics")
        return {row["metrics"]["account"]: metrics_from(row["metrics"]) for row in rows}

    def iter_metrics(self, batch_size: int = 10_000) -> Iterator[list[Metrics]]:
        """Page by page by account id, each page its own read transaction."""
        after = ""
        while True:
            rows = self._read(fetch(cypher.METRICS_PAGE, after=after, limit=batch_size), "read all metrics")
            if not rows:
                return
            yield [metrics_from(row["metrics"]) for row in rows]
            if len(rows) < batch_size:
                return
            after = rows[-1]["metrics"]["account"]

    def stats(self) -> Stats:
        return self._read(_stats_work, "count the graph")

    def feed_marks(self) -> FeedMarks:
        (row,) = self._read(fetch(cypher.FEED_MARKS), "read the change feed marks")
        return FeedMarks(
            follows=int(row["follows"]), state_changes=int(row["state_changes"]), metrics=int(row["metrics"])
        )

    def state_changes_after(self, seq: int, first: int) -> list[tuple[int, StateChange]]:
        check_first(first)
        rows = self._read(
            fetch(cypher.STATE_CHANGES_AFTER, seq=seq, first=first), "read the state change feed"
        )
        return [(int(r["seq"]), state_change_from(r["change"])) for r in rows]

    # -- load progress ---------------------------------------------------------------------------------
    def get_checkpoint(self, source: str) -> int:
        rows = self._read(fetch(cypher.GET_CHECKPOINT, source=source), "read a load checkpoint")
        return int(rows[0]["done"]) if rows else 0

    def set_checkpoint(self, source: str, done: int) -> None:
        self._write(fetch(cypher.SET_CHECKPOINT, source=source, done=done), "save a load checkpoint")

    # -- API keys --------------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None:
        def work(tx: ManagedTransaction) -> int:
            return tx.run(cypher.PUT_API_KEY, api_key_params(key)).consume().counters.nodes_created

        if not self._write(work, "store an API key"):
            raise StoreError(f"an API key with id {key.id!r} already exists; revoke it or use another id")

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        rows = self._read(fetch(cypher.FIND_API_KEY, key_hash=key_hash), "look up an API key")
        return api_key_from(rows[0]["api_key"]) if rows else None

    def list_api_keys(self) -> tuple[ApiKey, ...]:
        rows = self._read(fetch(cypher.LIST_API_KEYS), "list API keys")
        return tuple(api_key_from(row["api_key"]) for row in rows)

    def revoke_api_key(self, key_id: str, at: datetime) -> bool:
        rows = self._write(fetch(cypher.REVOKE_API_KEY, id=key_id, at=ts(at)), "revoke an API key")
        return bool(rows[0]["revoked"])


def _upsert_posts_work(rows: Sequence[Row]) -> Work[None]:
    def work(tx: ManagedTransaction) -> None:
        execute(tx, cypher.UPSERT_POSTS, rows=rows)
        links = thread_links(query_rows(tx, cypher.THREAD_PAIRS, ids=[row["id"] for row in rows]))
        execute(tx, cypher.INHERIT_BRANDS, rows=links.inherit)
        execute(tx, cypher.RECORD_ANSWERS, rows=links.answers)

    return work


def _upsert_follows_work(rows: Sequence[list[str]]) -> Work[int]:
    def work(tx: ManagedTransaction) -> int:
        summary = tx.run(cypher.UPSERT_FOLLOWS, {"rows": rows}).consume()
        return summary.counters.relationships_created

    return work


def _stats_work(tx: ManagedTransaction) -> Stats:
    def one(query: str) -> int:
        return int(query_rows(tx, query)[0]["n"])

    by_brand: dict[str, dict[str, int]] = {}
    for row in query_rows(tx, cypher.COUNT_BY_BRAND):
        by_brand[row["brand"]] = {
            "posts": row["posts"],
            "interactions": row["interactions"],
            "customers": row["customers"],
        }
    for row in query_rows(tx, cypher.COUNT_AWAITING_BY_BRAND):
        by_brand.setdefault(row["brand"], {})["awaiting_response"] = row["n"]
    for row in query_rows(tx, cypher.COUNT_STATE_CHANGES_BY_BRAND):
        by_brand.setdefault(row["brand"], {})["state_changes"] = row["n"]
    for counts in by_brand.values():
        counts.setdefault("awaiting_response", 0)
        counts.setdefault("state_changes", 0)
    by_type = {t.value: 0 for t in CustomerType}
    by_type.update((row["type"], row["n"]) for row in query_rows(tx, cypher.COUNT_POSTS_BY_TYPE))
    return Stats(
        customers=one(cypher.COUNT_CUSTOMERS),
        brands=one(cypher.COUNT_BRANDS),
        posts=one(cypher.COUNT_POSTS),
        follows=one(cypher.COUNT_FOLLOWS),
        state_changes=one(cypher.COUNT_STATE_CHANGES),
        by_type=by_type,
        by_brand=by_brand,
    )
