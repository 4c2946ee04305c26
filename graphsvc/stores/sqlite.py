"""The embedded default store: one SQLite file in WAL mode, durable and zero set-up.

Writes are batched (JSON arrays unpacked by SQLite, or ``executemany``) inside one transaction
per call, or per :meth:`SqliteStore.batch`. Connections live in :mod:`~graphsvc.stores.sqlite_base`,
the follow graph in :mod:`~graphsvc.stores.sqlite_graph`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import orjson

from graphsvc.model import (
    Account,
    ApiKey,
    Brand,
    Classification,
    CustomerState,
    CustomerType,
    Metrics,
    Post,
    StateChange,
    Stats,
    brand_key,
    handle_in_id,
)
from graphsvc.stores.base import (
    CustomerFilter,
    FeedMarks,
    InteractionFilter,
    InteractionOrder,
    Page,
    StateChangeFilter,
)
from graphsvc.stores.paging import check_first, decode_cursor, make_page, pages_by_owner
from graphsvc.stores.sqlite_graph import SqliteFollowGraph
from graphsvc.stores.sqlite_rows import (
    ACCOUNT_COLUMNS,
    METRIC_COLUMN,
    METRICS_COLUMNS,
    POST_COLUMNS,
    account_from,
    api_key_from,
    json_rows,
    marks,
    metrics_from,
    post_from,
    state_change_from,
    top_per_group,
    without_rank,
)
from graphsvc.stores.sqlite_states import record_labels
from graphsvc.stores.times import dt, ts


class SqliteStore(SqliteFollowGraph):
    """The :class:`~graphsvc.stores.base.Store` on one SQLite file: connections and transactions
    in :class:`~graphsvc.stores.sqlite_base.SqliteConnections`, the follow graph in
    :class:`~graphsvc.stores.sqlite_graph.SqliteFollowGraph`, the rest here."""

    # -- writes ------------------------------------------------------------------------------------
    def upsert_brands(self, brands: Iterable[Brand]) -> int:
        rows = list(brands)
        with self.batch():
            conn = self._conn()
            # One statement per table for all the brands, rows applied in order (a load upserts the
            # brands its batch reveals, so this runs once a batch).
            conn.execute(
                "INSERT INTO brands (key, name, aliases) SELECT value ->> 0, value ->> 1, value ->> 2"
                " FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE"
                " SET name = excluded.name, aliases = (SELECT json_group_array(DISTINCT value) FROM"
                " (SELECT value FROM json_each(brands.aliases) UNION SELECT value FROM"
                " json_each(excluded.aliases)))",
                (json_rows([(b.key, b.name, json.dumps(list(b.aliases))) for b in rows]),),
            )
            conn.execute(
                "INSERT OR IGNORE INTO brand_aliases (alias, brand) SELECT value ->> 0, value ->> 1"
                " FROM json_each(?)",
                (json_rows([(name, b.key) for b in rows for name in sorted(b.names)]),),
            )
            # An account's handle is its own, from the record it posted; the one its id spells
            # (twcs:AppleSupport) only fills a gap, and a numeric id (x:12345) spells none.
            handled = {
                account_id
                for (account_id,) in conn.execute(
                    "SELECT id FROM accounts WHERE id IN (SELECT value FROM json_each(?))"
                    " AND handle IS NOT NULL",
                    (json_rows([h for b in rows for h in b.handles]),),
                )
            }
            self._upsert_accounts(
                conn,
                [
                    Account(id=h, handle=None if h in handled else handle_in_id(h), brand=b.key)
                    for b in rows
                    for h in b.handles
                ],
            )
        return len(rows)

    def upsert_accounts(self, accounts: Iterable[Account]) -> int:
        rows = list(accounts)
        with self.batch():
            self._upsert_accounts(self._conn(), rows)
        return len(rows)

    @staticmethod
    def _upsert_accounts(conn: sqlite3.Connection, accounts: Sequence[Account]) -> None:
        if not accounts:
            return
        # "WHERE true" lets SQLite's parser tell the upsert clause from a join constraint.
        conn.execute(
            "INSERT INTO accounts (id, handle, name, followers, brand) SELECT value ->> 0, value ->> 1,"
            " value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true"
            " ON CONFLICT (id) DO UPDATE SET handle = coalesce(excluded.handle, handle),"
            " name = coalesce(excluded.name, name), followers = coalesce(excluded.followers, followers),"
            " brand = coalesce(excluded.brand, brand)"
            # An account seen again unchanged is left alone: an update would rewrite its index entries.
            " WHERE (handle, name, followers, brand) IS NOT (coalesce(excluded.handle, handle),"
            " coalesce(excluded.name, name), coalesce(excluded.followers, followers), coalesce(excluded.brand, brand))",
            (json_rows([(a.id, a.handle, a.name, a.followers, a.brand) for a in accounts]),),
        )

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        rows = list(posts)
        if not rows:
            return 0
        with self.batch():
            conn = self._conn()
            # One statement per table over a JSON array (see upsert_follows), rows applied in order.
            values = [
                (p.id, p.text, p.lang, ts(p.created_at), p.author_id, p.in_reply_to, int(p.by_brand))
                for p in rows
            ]
            conn.execute(
                "INSERT INTO posts (id, text, lang, created_at, author, in_reply_to, by_brand)"
                " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,"
                " value ->> 6 FROM json_each(?) WHERE true ON CONFLICT (id) DO UPDATE SET text = excluded.text,"
                " lang = coalesce(excluded.lang, lang), created_at = excluded.created_at,"
                " author = excluded.author, in_reply_to = coalesce(excluded.in_reply_to, in_reply_to),"
                " by_brand = excluded.by_brand",
                (json_rows(values),),
            )
            links = [(b, v[0], v[4], v[3], v[6]) for p, v in zip(rows, values, strict=True) for b in p.brands]
            if links:
                conn.execute(
                    "INSERT OR IGNORE INTO post_brands (brand, post, author, created_at, by_brand)"
                    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)",
                    (json_rows(links),),
                )
            self._resolve_threads(conn, json_rows([p.id for p in rows]))
        return len(rows)

    def _resolve_threads(self, conn: sqlite3.Connection, ids: str) -> None:
        """Resolve reply links touching the posts of the JSON array ``ids``, whichever side arrived first."""
        # Only links between a brand's post and a customer's do anything, so only those are read;
        # as one JSON row, oldest child first: a row at a time would cost a round trip each.
        (found,) = conn.execute(
            "WITH batch(id) AS MATERIALIZED (SELECT value FROM json_each(?1))"
            " SELECT json_group_array(json_array(c, c_brand, p)) FROM ("
            " SELECT c.id AS c, c.created_at AS at, c.by_brand AS c_brand, p.id AS p FROM batch"
            " JOIN posts c ON c.id = batch.id JOIN posts p ON p.id = c.in_reply_to WHERE c.by_brand != p.by_brand"
            " UNION SELECT c.id, c.created_at, c.by_brand, p.id FROM batch"
            " JOIN posts c ON c.in_reply_to = batch.id JOIN posts p ON p.id = batch.id WHERE c.by_brand != p.by_brand"
            " ORDER BY at, c)",
            (ids,),
        ).fetchone()
        inherit: list[tuple[str, str]] = []  # (target, source): a customer post gets a brand post's brands
        answers: dict[str, str] = {}  # customer post -> the brand's earliest answer to it
        for child, child_is_brand, parent in orjson.loads(found):
            if child_is_brand:
                answers.setdefault(parent, child)
                inherit.append((parent, child))  # the answered post concerns the answering brand
            else:
                inherit.append((child, parent))  # a customer replying to a brand post
        if inherit:
            # Sources are always brand posts and targets customer posts, so no pair feeds another
            # and one statement over all pairs does what one per pair would.
            conn.execute(
                "INSERT OR IGNORE INTO post_brands (brand, post, author, created_at, by_brand)"
                " SELECT pb.brand, c.id, c.author, c.created_at, c.by_brand FROM json_each(?) j"
                " JOIN posts c ON c.id = j.value ->> 0 JOIN post_brands pb ON pb.post = j.value ->> 1",
                (json_rows(inherit),),
            )
        if answers:
            # One answer per post, so each post is updated at most once: the earliest answer wins.
            conn.execute(
                "UPDATE posts SET responded_at = a.created_at, response_post = a.id FROM json_each(?) j"
                " JOIN posts a ON a.id = j.value ->> 1 WHERE posts.id = j.value ->> 0"
                " AND (posts.responded_at IS NULL OR posts.responded_at > a.created_at)",
                (json_rows(list(answers.items())),),
            )

    def record_classifications(self, labels: Iterable[tuple[str, Classification]]) -> tuple[StateChange, ...]:
        rows = list(labels)
        if not rows:
            return ()
        with self.batch():
            return record_labels(self._conn(), rows)

    def mark_responded(self, post_id: str, at: datetime) -> Post | None:
        with self.batch():
            self._conn().execute(
                "UPDATE posts SET responded_at = ?1 WHERE id = ?2 AND (responded_at IS NULL OR responded_at > ?1)",
                (ts(at), post_id),
            )
        return self.get_posts([post_id]).get(post_id)

    def put_metrics(self, metrics: Iterable[Metrics]) -> int:
        rows = [(m.account_id, m.reach1, m.reach2, m.influence) for m in metrics]
        if not rows:
            return 0
        with self.batch():
            conn = self._conn()
            conn.executemany(f"INSERT OR REPLACE INTO metrics ({METRICS_COLUMNS}) VALUES (?, ?, ?, ?)", rows)
            # what feed_marks shows a server holding the metrics in memory (graphsvc.api.stored_metrics)
            conn.execute(
                "INSERT INTO counters (name, value) VALUES ('metrics', 1)"
                " ON CONFLICT (name) DO UPDATE SET value = value + 1"
            )
        return len(rows)

    # -- reads -------------------------------------------------------------------------------------
    def get_accounts(self, ids: Sequence[str]) -> dict[str, Account]:
        return {
            row[0]: account_from(row)
            for row in self._rows_in(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id", ids)
        }

    def get_brands(self, keys: Sequence[str]) -> dict[str, Brand]:
        found: dict[str, Brand] = {}
        for key in dict.fromkeys(keys):
            row = (
                self._conn()
                .execute(
                    "SELECT b.key, b.name, b.aliases FROM brand_aliases x JOIN brands b ON b.key = x.brand"
                    " WHERE x.alias = ?",
                    (brand_key(key),),
                )
                .fetchone()
            )
            if row is not None:
                found[key] = self._brand(row)
        return found

    def list_brands(self) -> tuple[Brand, ...]:
        return tuple(
            self._brand(row) for row in self._all("SELECT key, name, aliases FROM brands ORDER BY key")
        )

    def _brand(self, row: Sequence[Any]) -> Brand:
        handles = tuple(
            r[0] for r in self._all("SELECT id FROM accounts WHERE brand = ? ORDER BY id", (row[0],))
        )
        return Brand(key=row[0], name=row[1], handles=handles, aliases=tuple(json.loads(row[2])))

    def get_posts(self, ids: Sequence[str]) -> dict[str, Post]:
        return {
            row[0]: post_from(row)
            for row in self._rows_in(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id", ids)
        }

    def replies_to(self, post_ids: Sequence[str]) -> dict[str, tuple[Post, ...]]:
        found: dict[str, list[Post]] = {pid: [] for pid in post_ids}
        for row in self._rows_in(
            f"SELECT {POST_COLUMNS} FROM posts p WHERE p.in_reply_to",
            post_ids,
            " ORDER BY p.created_at, p.id",
        ):
            found[row[5]].append(post_from(row))
        return {pid: tuple(posts) for pid, posts in found.items()}

    def list_customers(self, flt: CustomerFilter, first: int, after: str | None = None) -> Page[Account]:
        check_first(first)
        where = ["a.brand IS NULL"]
        params: list[Any] = []
        # Start from the brand's side when there is one: its customers are few, accounts many.
        source = "accounts a"
        if flt.state is not None:
            if flt.brand is None:
                raise ValueError("CustomerFilter.state needs a brand")
            source = "states s JOIN accounts a ON a.id = s.customer"
            where += ["s.brand = ?", "s.type = ?"]
            params += [flt.brand, flt.state.value]
        elif flt.brand is not None:
            source = (
                "(SELECT DISTINCT author FROM post_brands WHERE brand = ? AND by_brand = 0) pb"
                " JOIN accounts a ON a.id = pb.author"
            )
            params.append(flt.brand)
        if flt.handle_prefix:
            where.append("lower(a.handle) >= ? AND lower(a.handle) < ?")
            prefix = flt.handle_prefix.lower().lstrip("@")
            params += [prefix, prefix + "\U0010ffff"]
        metric = METRIC_COLUMN.get(flt.order)
        if metric is None:
            if after is not None:
                where.append("a.id > ?")
                params.append(decode_cursor(after, 1)[0])
            sql = f"SELECT {ACCOUNT_COLUMNS}, a.id FROM {source} WHERE {' AND '.join(where)} ORDER BY a.id LIMIT ?"
        else:
            value = f"coalesce(m.{metric}, 0)"
            if after is not None:
                last_value, last_id = decode_cursor(after, 2)
                where.append(f"({value} < ? OR ({value} = ? AND a.id > ?))")
                params += [last_value, last_value, last_id]
            sql = (
                f"SELECT {ACCOUNT_COLUMNS}, {value} FROM {source} LEFT JOIN metrics m ON m.account = a.id"
                f" WHERE {' AND '.join(where)} ORDER BY {value} DESC, a.id LIMIT ?"
            )
        rows = self._all(sql, [*params, first + 1])
        page = make_page(rows, first, lambda r: [r[5], r[0]] if metric else [r[0]])
        return Page(
            items=tuple(account_from(r) for r in page.items),
            end_cursor=page.end_cursor,
            has_next=page.has_next,
        )

    def list_interactions(self, flt: InteractionFilter, first: int, after: str | None = None) -> Page[Post]:
        return self._interactions(flt, [flt.customer_id] if flt.customer_id else None, first, after)[
            flt.customer_id or ""
        ]

    def list_interactions_many(
        self, customer_ids: Sequence[str], flt: InteractionFilter, first: int, after: str | None = None
    ) -> dict[str, Page[Post]]:
        return self._interactions(flt, list(dict.fromkeys(customer_ids)), first, after)

    def _interactions(
        self, flt: InteractionFilter, authors: list[str] | None, first: int, after: str | None
    ) -> dict[str, Page[Post]]:
        """Pages of interactions, one per author in ``authors`` (or one page keyed "" for all)."""
        check_first(first)
        where = ["p.by_brand = 0"]
        params: list[Any] = []
        source = "posts p"
        if flt.brand is not None:
            source = "post_brands pb JOIN posts p ON p.id = pb.post"
            where = ["pb.brand = ?", "pb.by_brand = 0"]
            params.append(flt.brand)
        if authors is not None:
            where.append(f"p.author IN ({marks(len(authors))})")
            params += authors
        for clause, value in (
            ("p.type = ?", flt.type.value if flt.type else None),
            ("p.created_at >= ?", ts(flt.since) if flt.since else None),
            ("p.created_at < ?", ts(flt.until) if flt.until else None),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if flt.answered is not None:
            where.append("p.responded_at IS NOT NULL" if flt.answered else "p.responded_at IS NULL")
        if flt.needs_response is not None:
            where.append("coalesce(p.needs_response, 0) = ?")
            params.append(int(flt.needs_response))
        if flt.order is InteractionOrder.DUE:
            key = "coalesce(p.due_at, 1e18)"
            if after is not None:
                last_due, last_id = decode_cursor(after, 2)
                where.append(f"({key} > ? OR ({key} = ? AND p.id > ?))")
                params += [last_due, last_due, last_id]
            order = f"{key}, p.id"
        else:
            key = "p.created_at"
            if after is not None:
                last_at, last_id = decode_cursor(after, 2)
                where.append("(p.created_at < ? OR (p.created_at = ? AND p.id < ?))")
                params += [last_at, last_at, last_id]
            order = "p.created_at DESC, p.id DESC"
        select = f"SELECT {POST_COLUMNS}, {key}, p.author FROM {source} WHERE {' AND '.join(where)}"
        rows = self._all(*top_per_group(select, order, "p.author", authors, first, params))
        return pages_by_owner(
            without_rank(rows, authors),
            authors or [""],
            first,
            owner_of=lambda r: r[-1] if authors else "",
            key_of=lambda r: [r[-2], r[0]],
            convert=post_from,
        )

    def list_state_changes(
        self, flt: StateChangeFilter, first: int, after: str | None = None
    ) -> Page[StateChange]:
        check_first(first)
        where: list[str] = []
        params: list[Any] = []
        for clause, value in (
            ("brand = ?", flt.brand),
            ("customer = ?", flt.customer_id),
            ("at >= ?", ts(flt.since) if flt.since else None),
            ("at < ?", ts(flt.until) if flt.until else None),
            ("from_type = ?", flt.from_type.value if flt.from_type else None),
            ("to_type = ?", flt.to_type.value if flt.to_type else None),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if after is not None:
            at, customer, brand, post = decode_cursor(after, 4)
            where.append("(at, customer, brand, post) < (?, ?, ?, ?)")
            params += [at, customer, brand, post]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._all(
            f"SELECT customer, brand, from_type, to_type, at, post FROM state_changes {clause}"
            " ORDER BY at DESC, customer DESC, brand DESC, post DESC LIMIT ?",
            [*params, first + 1],
        )
        page = make_page(rows, first, lambda r: [r[4], r[0], r[1], r[5]])
        return Page(
            items=tuple(state_change_from(r) for r in page.items),
            end_cursor=page.end_cursor,
            has_next=page.has_next,
        )

    def feed_marks(self) -> FeedMarks:
        counters = dict(self._all("SELECT name, value FROM counters"))
        return FeedMarks(
            follows=counters["follows"],
            state_changes=counters["state_changes"],
            metrics=counters.get("metrics", 0),  # no row before the first put_metrics
        )

    def state_changes_after(self, seq: int, first: int) -> list[tuple[int, StateChange]]:
        check_first(first)
        rows = self._all(
            "SELECT customer, brand, from_type, to_type, at, post, seq FROM state_changes"
            " WHERE seq > ? ORDER BY seq LIMIT ?",
            [seq, first],
        )
        return [(r[6], state_change_from(r)) for r in rows]

    def states_for(self, customer_ids: Sequence[str]) -> dict[str, tuple[CustomerState, ...]]:
        found: dict[str, list[CustomerState]] = {cid: [] for cid in customer_ids}
        for row in self._rows_in(
            "SELECT customer, brand, type, since, post FROM states WHERE customer",
            customer_ids,
            " ORDER BY customer, brand",
        ):
            found[row[0]].append(
                CustomerState(
                    customer_id=row[0],
                    brand=row[1],
                    type=CustomerType(row[2]),
                    since=dt(row[3]),
                    post_id=row[4],
                )
            )
        return {cid: tuple(states) for cid, states in found.items()}

    def customer_ids_for_brand(self, brand: str, state: CustomerType | None = None) -> tuple[str, ...]:
        if state is not None:
            rows = self._all(
                "SELECT customer FROM states WHERE brand = ? AND type = ? ORDER BY customer",
                (brand, state.value),
            )
        else:
            rows = self._all(
                "SELECT DISTINCT author FROM post_brands WHERE brand = ? AND by_brand = 0 ORDER BY author",
                (brand,),
            )
        return tuple(r[0] for r in rows)

    def get_metrics(self, ids: Sequence[str]) -> dict[str, Metrics]:
        return {
            row[0]: metrics_from(row)
            for row in self._rows_in(f"SELECT {METRICS_COLUMNS} FROM metrics WHERE account", ids)
        }

    def iter_metrics(self, batch_size: int = 10_000) -> Iterator[list[Metrics]]:
        rows = self._conn().execute(f"SELECT {METRICS_COLUMNS} FROM metrics ORDER BY account")
        while batch := rows.fetchmany(batch_size):
            yield [metrics_from(row) for row in batch]

    def stats(self) -> Stats:
        def one(sql: str) -> int:
            return int(self._conn().execute(sql).fetchone()[0])

        by_brand: dict[str, dict[str, int]] = {}
        for key, posts, interactions, customers in self._all(
            "SELECT b.key, count(pb.post), coalesce(sum(pb.by_brand = 0), 0), count(DISTINCT CASE WHEN pb.by_brand = 0"
            " THEN pb.author END) FROM brands b LEFT JOIN post_brands pb ON pb.brand = b.key GROUP BY b.key"
        ):
            by_brand[key] = {"posts": posts, "interactions": interactions, "customers": customers}
        for key, unanswered in self._all(
            "SELECT pb.brand, count(*) FROM post_brands pb JOIN posts p ON p.id = pb.post WHERE pb.by_brand = 0"
            " AND p.needs_response = 1 AND p.responded_at IS NULL GROUP BY pb.brand"
        ):
            by_brand.setdefault(key, {})["awaiting_response"] = unanswered
        for key, changes in self._all("SELECT brand, count(*) FROM state_changes GROUP BY brand"):
            by_brand.setdefault(key, {})["state_changes"] = changes
        for counts in by_brand.values():
            counts.setdefault("awaiting_response", 0)
            counts.setdefault("state_changes", 0)
        by_type = {t.value: 0 for t in CustomerType}
        by_type.update(
            (row[0], row[1])
            for row in self._all("SELECT type, count(*) FROM posts WHERE type IS NOT NULL GROUP BY type")
        )
        return Stats(
            customers=one("SELECT count(*) FROM accounts WHERE brand IS NULL"),
            brands=one("SELECT count(*) FROM brands"),
            posts=one("SELECT count(*) FROM posts"),
            follows=one("SELECT value FROM counters WHERE name = 'follows'"),
            state_changes=one("SELECT count(*) FROM state_changes"),
            by_type=by_type,
            by_brand=by_brand,
        )

    # -- load progress -----------------------------------------------------------------------------
    def get_checkpoint(self, source: str) -> int:
        row = self._conn().execute("SELECT done FROM checkpoints WHERE source = ?", (source,)).fetchone()
        return int(row[0]) if row else 0

    def set_checkpoint(self, source: str, done: int) -> None:
        with self.batch():
            self._conn().execute(
                "INSERT OR REPLACE INTO checkpoints (source, done) VALUES (?, ?)", (source, done)
            )

    # -- API keys ----------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None:
        with self.batch():
            self._conn().execute(
                "INSERT INTO api_keys (id, role, key_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                (
                    key.id,
                    key.role,
                    key.key_hash,
                    ts(key.created_at),
                    ts(key.revoked_at) if key.revoked_at else None,
                ),
            )

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        rows = self._all(
            "SELECT id, role, key_hash, created_at, revoked_at FROM api_keys WHERE key_hash = ?", (key_hash,)
        )
        return api_key_from(rows[0]) if rows else None

    def list_api_keys(self) -> tuple[ApiKey, ...]:
        rows = self._all(
            "SELECT id, role, key_hash, created_at, revoked_at FROM api_keys ORDER BY created_at, id"
        )
        return tuple(api_key_from(r) for r in rows)

    def revoke_api_key(self, key_id: str, at: datetime) -> bool:
        with self.batch():
            cursor = self._conn().execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (ts(at), key_id)
            )
        return cursor.rowcount > 0
