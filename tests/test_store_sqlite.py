"""What only the embedded store has: its schema migrations and the follow tables' write path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from graphsvc.errors import StoreError
from graphsvc.model import Account, AccountIds, FollowBatch, Metrics
from graphsvc.stores import sqlite_follows, sqlite_graph
from graphsvc.stores.base import FeedMarks, InteractionFilter, Page
from graphsvc.stores.paging import encode_cursor
from graphsvc.stores.sqlite import SqliteStore
from graphsvc.stores.sqlite_follows import account_numbers, decode_keys, write_follows
from graphsvc.stores.sqlite_schema import FOLLOWERS, FOLLOWING, MIGRATIONS, SCHEMA_VERSION


def stored(conn: sqlite3.Connection, table: str) -> list[tuple[int, int]]:
    """The (owner, member) pairs of a chunk table, in key order."""
    keys = [
        int(k)
        for (blob,) in conn.execute(f"SELECT keys FROM {table} ORDER BY first")
        for k in decode_keys(blob)
    ]
    return [(k >> 32, k & 0xFFFFFFFF) for k in keys]


def early_schema(version: int) -> str:
    """The SQL of the schema as it stood at ``version`` (the early steps are plain scripts)."""
    steps = MIGRATIONS[:version]
    assert all(isinstance(step, str) for step in steps)
    return "".join(step for step in steps if isinstance(step, str))


def test_sqlite_version_1_store_migrates_and_keeps_its_follows(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(early_schema(1))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.executemany("INSERT INTO accounts (n, id) VALUES (?, ?)", [(1, "x:a"), (2, "x:b"), (3, "x:c")])
    conn.executemany("INSERT INTO follows (src, dst) VALUES (?, ?)", [(1, 2), (3, 2), (2, 1)])
    conn.close()
    store = SqliteStore(f"sqlite:///{path}")
    assert store.migrate() == SCHEMA_VERSION
    assert [a.id for a in store.list_followers("x:b", 5).items] == ["x:a", "x:c"]
    assert [a.id for a in store.list_following("x:b", 5).items] == ["x:a"]
    assert store.upsert_follows([("x:c", "x:a"), ("x:a", "x:b")]) == 1
    assert [a.id for a in store.list_followers("x:a", 5).items] == ["x:b", "x:c"]
    with sqlite3.connect(path) as check:
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
        assert not tables & {"follows", "followers", "follows_dst"}
        forward = stored(check, FOLLOWING)
        backward = sorted((src, dst) for dst, src in stored(check, FOLLOWERS))
    assert forward == backward == [(1, 2), (2, 1), (3, 1), (3, 2)]


def test_sqlite_version_2_store_migrates_with_feed_positions_and_counters(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(early_schema(2))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (2)")
    conn.executemany("INSERT INTO accounts (n, id) VALUES (?, ?)", [(1, "x:a"), (2, "x:b"), (3, "x:c")])
    for table in ("follows", "followers"):
        conn.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(1, 2), (3, 2)])
    conn.executemany(
        "INSERT INTO state_changes (customer, brand, post, from_type, to_type, at) VALUES (?, ?, ?, ?, ?, ?)",
        [("x:a", "acme", "x:p2", None, "ADVOCATE", 200.0), ("x:c", "acme", "x:p1", None, "VENTING", 100.0)],
    )
    conn.close()
    store = SqliteStore(f"sqlite:///{path}")
    assert store.feed_marks() == FeedMarks(follows=2, state_changes=2)
    feed = store.state_changes_after(0, 10)
    assert [(seq, change.post_id) for seq, change in feed] == [(1, "x:p1"), (2, "x:p2")]  # oldest first
    assert store.upsert_follows([("x:b", "x:a"), ("x:a", "x:b")]) == 1
    assert store.feed_marks().follows == store.stats().follows == 3


def test_sqlite_rolled_back_batch_leaves_the_follow_counter_alone(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    store.upsert_follows([("x:a", "x:b")])
    with pytest.raises(RuntimeError), store.batch():
        store.upsert_follows([("x:c", "x:b"), ("x:d", "x:b")])
        raise RuntimeError("the load failed")
    assert store.feed_marks().follows == store.stats().follows == 1
    assert stored(store._conn(), FOLLOWING) == [(1, 2)]


def test_sqlite_account_numbers_mix_known_and_new_ids(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    conn = store._conn()
    first = account_numbers(conn, ["x:m", "x:b", "x:z"])
    assert sorted(first.tolist()) == [1, 2, 3] and first[1] < first[0] < first[2]  # numbered in id order
    again = account_numbers(conn, ["x:new", "x:z", "x:b"])
    assert again[1:].tolist() == [first[2], first[1]] and again[0] not in first
    assert account_numbers(conn, []).shape == (0,)


@pytest.mark.parametrize("threaded_from", [1, 100_000])  # followers' keys on a second thread, or not
def test_sqlite_write_follows_both_directions_and_counts_new_edges(
    tmp_path: Path, threaded_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_follows, "_THREADED_EDGES", threaded_from)
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    conn = store._conn()
    account_numbers(conn, [f"x:{i}" for i in range(6)])
    src, dst = np.array([1, 2, 1, 5, 1]), np.array([2, 3, 2, 1, 3])
    assert write_follows(conn, src, dst) == 4  # the repeated 1 -> 2 once
    assert write_follows(conn, np.array([2, 4]), np.array([3, 1])) == 1
    forward = stored(conn, FOLLOWING)
    assert forward == [(1, 2), (1, 3), (2, 3), (4, 1), (5, 1)]
    assert sorted((src, dst) for dst, src in stored(conn, FOLLOWERS)) == forward
    assert store.feed_marks().follows == 5


def test_sqlite_write_follows_refuses_account_numbers_it_cannot_pack(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    conn = store._conn()
    with pytest.raises(StoreError, match="at most 2,147,483,647 accounts"):
        write_follows(conn, np.array([1 << 31, 1]), np.array([1, 2]))
    assert stored(conn, FOLLOWING) == []


@pytest.mark.parametrize("seek_limit", [0, 1_000_000])  # chunks found from every first key, or key by key
def test_sqlite_chunks_stay_sorted_disjoint_and_small_as_edges_arrive(
    tmp_path: Path, seek_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_follows, "CHUNK", 8)
    monkeypatch.setattr(sqlite_follows, "_SEEK_LIMIT", seek_limit)
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    conn = store._conn()
    rng = np.random.default_rng(7)
    expected: set[tuple[int, int]] = set()
    for size in (40, 1, 3, 200, 17, 200):  # batches big and small, many repeating earlier edges
        src, dst = rng.integers(1, 30, size), rng.integers(1, 30, size)
        keep = src != dst
        new = set(zip(src[keep].tolist(), dst[keep].tolist(), strict=True)) - expected
        assert write_follows(conn, src[keep], dst[keep]) == len(new)
        expected |= new
        for table in (FOLLOWING, FOLLOWERS):
            rows = conn.execute(f"SELECT first, keys FROM {table} ORDER BY first").fetchall()
            runs = [decode_keys(blob).tolist() for _, blob in rows]
            assert all(1 <= len(run) <= 8 and run == sorted(set(run)) for run in runs)
            assert [first for first, _ in rows] == [run[0] for run in runs]
            flat = [k for run in runs for k in run]
            assert flat == sorted(flat)  # runs do not overlap
    assert stored(conn, FOLLOWING) == sorted(expected)
    assert stored(conn, FOLLOWERS) == sorted((d, s) for s, d in expected)
    conn.executemany("INSERT INTO accounts (n, id) VALUES (?, ?)", [(n, f"x:{n}") for n in range(1, 30)])
    for owner in range(1, 30):  # every page of every account's followers, across chunks
        followers = sorted(s for s, d in expected if d == owner)
        for first in (3, 20):
            assert [int(a.id[2:]) for a in all_pages(store, f"x:{owner}", first)] == followers


def all_pages(store: SqliteStore, account_id: str, first: int) -> list[Account]:
    """Every follower of ``account_id``, paged ``first`` at a time."""
    items: list[Account] = []
    after = None
    while True:
        page = store.list_followers(account_id, first, after)
        assert len(page.items) <= first
        items += page.items
        if not page.has_next:
            return items
        after = page.end_cursor


def test_sqlite_many_owners_page_as_each_does_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_follows, "CHUNK", 4)
    monkeypatch.setattr(sqlite_graph, "_LOOKUP", 3)  # the accounts on the pages read three at a time
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    store.upsert_follows((f"x:{s}", f"x:{d}") for s in range(12) for d in range(12) if (s * d) % 5 != 1)
    owners = [f"x:{n}" for n in (3, 0, 11, 3, 7)] + ["x:nobody"]
    for first, after in ((0, None), (2, None), (5, None), (5, encode_cursor([4])), (20, None)):
        for neighbours, alone in (
            (store.list_followers_many, store.list_followers),
            (store.list_following_many, store.list_following),
        ):
            pages = neighbours(owners, first, after)
            assert list(pages) == list(dict.fromkeys(owners))
            assert pages == {owner: alone(owner, first, after) for owner in owners}
    assert store.list_followers("x:nobody", 5) == Page((), None, False)


@pytest.mark.parametrize("number", [1 << 31, (1 << 31) - 2, 1 << 32, 1 << 62])
def test_sqlite_a_cursor_past_every_account_number_ends_the_list(tmp_path: Path, number: int) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    store.upsert_follows([("x:a", "x:b")])
    assert store.list_followers("x:b", 5, encode_cursor([number])) == Page((), None, False)
    assert store.list_followers("x:b", 5, encode_cursor([-3])) == store.list_followers("x:b", 5)


def test_sqlite_new_store_uses_16k_pages(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    store.upsert_follow_batches([FollowBatch.of([("x:1", "x:2")], ids=AccountIds())])
    assert store._conn().execute("PRAGMA page_size").fetchone() == (16384,)


def test_sqlite_follow_batches_number_only_the_ids_they_use(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    ids = AccountIds()
    first = FollowBatch.of([("x:a", "x:b")], ids=ids)
    ids.codes([f"x:{i}" for i in range(3000)])  # a loader reading ahead of the writes
    assert store.upsert_follow_batches([first]) == 1
    assert store._conn().execute("SELECT count(*) FROM accounts").fetchone() == (2,)
    assert store.upsert_follow_batches([FollowBatch.of([("x:2999", "x:a"), ("x:7", "x:b")], ids=ids)]) == 2
    assert [a.id for a in store.list_followers("x:a", 5).items] == ["x:2999"]
    assert [a.id for a in store.list_followers("x:b", 5).items] == ["x:a", "x:7"]  # in numbering order


def test_sqlite_interactions_of_an_account_are_an_index_range_past_its_brand_posts(tmp_path: Path) -> None:
    # an account answering as a brand has many posts that are not interactions: the query must
    # seek past them, not step over each
    store = SqliteStore(f"sqlite:///{tmp_path / 'plan.db'}")
    conn = store._conn()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    store.list_interactions_many(["x:1"], InteractionFilter(), 5)
    store.list_interactions_many(["x:1", "x:2"], InteractionFilter(), 5)
    conn.set_trace_callback(None)
    reads = [s for s in statements if "FROM posts p" in s]
    assert len(reads) == 2
    for read in reads:
        plan = " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {read}"))
        assert "USING INDEX posts_author (author=? AND by_brand=?)" in plan, plan


def test_sqlite_reads_by_id_take_one_id_or_more_than_a_statement_holds(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'g.db'}")
    store.upsert_accounts(Account(id=f"x:{i}", handle=f"h{i}") for i in range(2000))
    store.put_metrics(Metrics(account_id=f"x:{i}", reach1=i) for i in range(0, 2000, 2))
    ids = [f"x:{i}" for i in range(2100)] + ["x:5"]  # past CHUNK, some unknown, one twice
    accounts = store.get_accounts(ids)
    assert sorted(accounts) == sorted(f"x:{i}" for i in range(2000))
    assert accounts["x:1999"] == Account(id="x:1999", handle="h1999")
    assert store.get_accounts(["x:7", "x:7"]) == {"x:7": Account(id="x:7", handle="h7")}
    assert store.get_accounts(["x:nobody"]) == {}
    metrics = store.get_metrics(ids)
    assert sorted(metrics) == sorted(f"x:{i}" for i in range(0, 2000, 2))
    assert store.get_metrics(["x:1998"]) == {"x:1998": Metrics(account_id="x:1998", reach1=1998)}
    assert store.get_metrics(["x:1"]) == {}
